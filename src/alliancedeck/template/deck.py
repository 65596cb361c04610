"""The deck writer's start on an organisation template: its package, and a layout per slide."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from alliancedeck.template.frame import role_of

if TYPE_CHECKING:
    from pptx.opc.package import Part
    from pptx.presentation import Presentation

    from alliancedeck.template import OrgTemplate

#: Extensions of presentation.xml that name the template's own slides (its sections).
_SLIDE_LISTS = ("{521415D9-36F7-43E2-AB2F-B90AF26B5E84}",)  # p14:sectionLst


def start_on_template(
    template: OrgTemplate,
) -> tuple[Presentation, Callable[[str], tuple[Part, str]]]:
    """Return the template as a presentation without its sample slides, and a function giving
    the layout part and the title placeholder type for a slide of each kind.

    Every master, layout, theme and picture of the template stays in the package, so a person
    can add slides on its layouts; the slide size is the template's.
    """
    presentation = template.new_presentation()
    _drop_slide_lists(presentation)
    parts: dict[str, tuple[Part, str]] = {}

    def layout_for(kind: str) -> tuple[Part, str]:
        role = role_of(kind)
        if role not in parts:
            layout = template.layout_for(presentation, role)
            holders = template.roles.choices[role].layout.of("ctrTitle")
            parts[role] = (layout.part, "ctrTitle" if holders else "title")
        return parts[role]

    return presentation, layout_for


#: The placeholder types that take a slide's body text, per role, in the order they are used,
#: and the text roles (`TextBox.role`) written into them: a content slide's lead, points and
#: agenda (and a Sources list), a cover's subtitle, a closing slide's points and contact.
BODY_KINDS = {
    "title": ("subTitle", "body", "obj"),
    "content": ("body", "obj"),
    "closing": ("body", "obj", "subTitle"),
}
BODY_ROLES = {
    "title": frozenset({"subtitle"}),
    "content": frozenset({"body", "lead", "source"}),
    "closing": frozenset({"body", "lead", "byline"}),
}
#: Names of boxes of a body role that are no slide's body text: a block's source line.
NOT_BODY = frozenset({"Source"})


def body_slots(template: OrgTemplate, kind: str) -> list[tuple[str, int, str]]:
    """Return the body placeholders of the layout a slide of `kind` is built on, as (type, idx,
    role): its subtitle, body and content placeholders, in the order the layout lists them
    (vertical ones left out: our text is horizontal)."""
    role = role_of(kind)
    layout = template.roles.choices[role].layout
    kinds = BODY_KINDS[role]
    holders = [h for h in layout.placeholders if h.kind in kinds and not h.vertical]
    holders.sort(key=lambda h: kinds.index(h.kind))
    return [(h.kind, h.idx, role) for h in holders]


def takes_body(slot: tuple[str, int, str], box) -> bool:
    """Return whether the text box `box` is body text that the placeholder `slot` takes."""
    _, _, role = slot
    return box.role in BODY_ROLES[role] and box.name not in NOT_BODY


#: Names the layout stage gives our footer boxes placed in the template's placeholders.
SLOT_NAMES = {"Footer Placeholder": "ftr", "Slide Number Placeholder": "sldNum"}
_SLOT_SHAPE = re.compile(
    r'(<p:cNvPr id="\d+" name="(Footer Placeholder|Slide Number Placeholder)"[^>]*/>)'
    r'<p:cNvSpPr txBox="1"/><p:nvPr/>'
)


def with_slots(template: OrgTemplate, slide_xml: str, kind: str) -> str:
    """Return `slide_xml` with our footer and slide number made the layout's footer and
    slide-number placeholders (so PowerPoint's Header and Footer finds them)."""
    layout = template.roles.choices[role_of(kind)].layout

    def placeholder(match: re.Match[str]) -> str:
        slot_type = SLOT_NAMES[match.group(2)]
        holders = layout.of(slot_type)
        idx = f' idx="{holders[0].idx}"' if holders and holders[0].idx else ""
        return (
            f'{match.group(1)}<p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr>'
            f'<p:nvPr><p:ph type="{slot_type}"{idx}/></p:nvPr>'
        )

    return _SLOT_SHAPE.sub(placeholder, slide_xml)


def _drop_slide_lists(presentation: Presentation) -> None:
    """Remove the lists (sections) naming the template's own slides, which are gone."""
    element = presentation.part._element
    for ext_list in element.findall(
        "{http://schemas.openxmlformats.org/presentationml/2006/main}extLst"
    ):
        for ext in list(ext_list):
            if ext.get("uri") in _SLIDE_LISTS:
                ext_list.remove(ext)
        if not len(ext_list):
            element.remove(ext_list)
