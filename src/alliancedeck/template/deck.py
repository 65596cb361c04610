"""The deck writer's start on an organisation template: its package, and a layout per slide."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from alliancedeck.template.frame import role_of

if TYPE_CHECKING:
    from pptx.opc.package import Part
    from pptx.presentation import Presentation

    from alliancedeck.template import OrgTemplate

#: Extensions of presentation.xml that name the template's own slides (its sections).
_SLIDE_LISTS = ("{521415D9-36F7-43E2-AB2F-B90AF26B5E84}",)  # p14:sectionLst


def start_on_template(
    template: OrgTemplate, titles: list[str] | None = None
) -> tuple[Presentation, Callable[[str], tuple[Part, str]]]:
    """Return the template as a presentation without its sample slides, and a function giving
    the layout part and the title placeholder type for a slide of each kind.

    Every master, layout, theme and picture of the template stays in the package, so a person
    can add slides on its layouts; the slide size is the template's. The document properties
    describe the deck, not the template: `titles` is the list of the deck's slide titles, filled
    in as the slides are written (see `deck_properties`).
    """
    presentation = template.new_presentation()
    _drop_slide_lists(presentation)
    _clear_core(presentation)
    _live_app_properties(presentation, template, [] if titles is None else titles)
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
#: agenda, a cover's subtitle, a closing slide's points and contact. (A Sources list, set
#: below the 18 pt floor, stays in our own text boxes.)
BODY_KINDS = {
    "title": ("subTitle", "body", "obj"),
    "content": ("body", "obj"),
    "closing": ("body", "obj", "subTitle"),
}
BODY_ROLES = {
    "title": frozenset({"subtitle"}),
    "content": frozenset({"body", "lead"}),
    "closing": frozenset({"body", "lead", "byline"}),
}


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
    return box.role in BODY_ROLES[role]


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


#: The core properties the deck writer sets (docProps/core.xml); a template's others (its
#: status, version...) describe the template, and are dropped.
_CORE_KEPT = frozenset(
    {
        "title",
        "subject",
        "creator",
        "lastModifiedBy",
        "keywords",
        "language",
        "category",
        "description",
        "identifier",
        "revision",
        "created",
        "modified",
        "lastPrinted",
    }
)


def _clear_core(presentation: Presentation) -> None:
    """Remove the template's core properties that the deck writer does not set."""
    element = presentation.core_properties._element
    for child in list(element):
        if not isinstance(child.tag, str) or child.tag.rsplit("}", 1)[-1] not in _CORE_KEPT:
            element.remove(child)


_EXTENDED = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_THEME_NAME = re.compile(rb"<a:theme\b[^>]*?\sname=\"([^\"]*)\"")


def _live_app_properties(presentation: Presentation, template: OrgTemplate, titles: list[str]):
    """Replace the template's docProps/app.xml by one written when the package is saved, from
    the deck: its slide count and titles, its notes pages, its themes, the template's name.
    The template's company and presentation format (its slide size) are kept."""
    from pptx.opc.constants import CONTENT_TYPE as CT
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT
    from pptx.opc.package import Part
    from pptx.opc.packuri import PackURI

    package = presentation.part.package
    old = b""
    for rid, relationship in list(package._rels.items()):  # private: no public accessor
        if relationship.reltype == RT.EXTENDED_PROPERTIES and not relationship.is_external:
            old = relationship.target_part.blob
            package.drop_rel(rid)
    kept = {}
    for name in ("Company", "PresentationFormat"):
        found = re.search(rf"<{name}>([^<]*)</{name}>".encode(), old)
        if found:
            kept[name] = found.group(1).decode()
    themes = []
    for master in presentation.slide_masters:
        theme = master.part.part_related_by(RT.THEME)
        found = _THEME_NAME.search(theme.blob)
        themes.append(_xml_text(found.group(1).decode()) if found else "")
    name = _xml_text(Path(template.package.name).stem)

    def xml() -> bytes:
        notes = sum(
            1 for part in package.iter_parts() if part.partname.startswith("/ppt/notesSlides/")
        )
        parts = [*themes, *(_xml_text(t) for t in titles)]
        listed = "".join(f"<vt:lpstr>{title}</vt:lpstr>" for title in parts)
        format_ = kept.get("PresentationFormat")
        company = kept.get("Company", "")
        return (
            "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            f'<Properties xmlns="{_EXTENDED}" xmlns:vt="{_VT}"><Template>{name}</Template>'
            "<TotalTime>0</TotalTime><Application>alliancedeck</Application>"
            + (f"<PresentationFormat>{format_}</PresentationFormat>" if format_ else "")
            + f"<Slides>{len(titles)}</Slides><Notes>{notes}</Notes><HiddenSlides>0</HiddenSlides>"
            "<MMClips>0</MMClips><ScaleCrop>false</ScaleCrop>"
            '<HeadingPairs><vt:vector size="4" baseType="variant">'
            f"<vt:variant><vt:lpstr>Theme</vt:lpstr></vt:variant>"
            f"<vt:variant><vt:i4>{len(themes)}</vt:i4></vt:variant>"
            "<vt:variant><vt:lpstr>Slide Titles</vt:lpstr></vt:variant>"
            f"<vt:variant><vt:i4>{len(titles)}</vt:i4></vt:variant></vt:vector></HeadingPairs>"
            f'<TitlesOfParts><vt:vector size="{len(parts)}" baseType="lpstr">{listed}'
            f"</vt:vector></TitlesOfParts><Company>{company}</Company>"
            "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
            "<HyperlinksChanged>false</HyperlinksChanged></Properties>"
        ).encode()

    class _AppProperties(Part):
        @property
        def blob(self) -> bytes:  # written as the package is saved: every slide is in
            return xml()

    part = _AppProperties(PackURI("/docProps/app.xml"), CT.OFC_EXTENDED_PROPERTIES, package, b"")
    package.relate_to(part, RT.EXTENDED_PROPERTIES)


def _xml_text(value: str) -> str:
    """Return `value` escaped for XML character data (control characters left out)."""
    value = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
