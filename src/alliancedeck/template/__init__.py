"""Organisation PowerPoint templates: loaded as untrusted input, read, and mapped to deck roles.

Nothing here imports python-pptx or lxml at import time; `package` checks and cleans the file,
`inspect` reads it with python-pptx, `roles` maps the deck's slide roles to its layouts, and
`open_template` does all three for the deck writer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pptx.presentation import Presentation
    from pptx.slide import SlideLayout

    from alliancedeck.errors import Location, Problem
    from alliancedeck.template.inspect import TemplateInfo
    from alliancedeck.template.package import TemplatePackage
    from alliancedeck.template.roles import RoleMap


@dataclass(frozen=True)
class OrgTemplate:
    """A checked template with a layout for every deck role: what the deck writer builds on."""

    package: TemplatePackage
    info: TemplateInfo
    roles: RoleMap

    @property
    def warnings(self) -> list[Problem]:
        """Return every warning: links dropped, roles that fell back on another's layout."""
        return [*self.package.warnings, *self.roles.warnings]

    def new_presentation(self) -> Presentation:
        """Return a fresh copy of the template with its sample slides removed."""
        prs = self.package.open()
        slide_ids = prs.slides._sldIdLst
        for slide_id in list(slide_ids):
            prs.part.drop_rel(slide_id.rId)  # the slide part is not saved once unreferenced
            slide_ids.remove(slide_id)
        return prs

    def colour_map(self) -> dict[str, str]:
        """Return the primary master's colour map (colour role -> scheme slot)."""
        from alliancedeck.template.inspect import DEFAULT_COLOUR_MAP

        maps = self.info.colour_maps
        return maps[self.info.primary_master] if maps else dict(DEFAULT_COLOUR_MAP)

    def layout_for(self, prs: Presentation, role: str) -> SlideLayout:
        """Return the layout of `prs` (from `new_presentation`) chosen for `role`."""
        chosen = self.roles.choices[role].layout
        return prs.slide_masters[chosen.master].slide_layouts[chosen.index]


def open_template(
    path: Path | str,
    where: Location | None = None,
    overrides: Mapping[str, str] | None = None,
    overrides_at: Location | None = None,
    band: float = 0.0,
    needed: set[str] | None = None,
) -> OrgTemplate:
    """Load, check and map the template at `path`; raise a `ContentError` if a role is unmet.

    `where` names the template's origin (the layout's `slide.template` key or `--template`),
    `overrides` is `slide.template_layouts` (at `overrides_at`), `band` the banner band height;
    with `needed`, a role outside it that no layout fits is no error (a deck never uses it).
    """
    from alliancedeck.errors import ContentError
    from alliancedeck.template.inspect import inspect_template
    from alliancedeck.template.package import load_template
    from alliancedeck.template.roles import map_roles

    package = load_template(path, where)
    info = inspect_template(package)
    roles = map_roles(info, package.location, overrides, overrides_at, band)
    errors = roles.errors
    if needed is not None:
        from alliancedeck.template.roles import about_roles

        errors = [e for e in errors if not about_roles(e, needed)]
    if errors:
        raise ContentError(errors)
    return OrgTemplate(package, info, roles)
