"""Layouts are chosen for the deck's roles by what they hold, whatever they are called."""

from __future__ import annotations

import pytest
import template_files
from template_files import BY_HAND, GERMAN, JAPANESE, LIBREOFFICE_CHOICE

from alliancedeck.errors import Location
from alliancedeck.template.inspect import inspect_template
from alliancedeck.template.package import load_template
from alliancedeck.template.roles import ROLES, map_roles

#: Which of python-pptx's default layouts (by position) each role must get.
DEFAULT_CHOICE = {
    "title": 0,
    "content": 1,
    "section": 2,
    "two_content": 3,
    "title_only": 5,
    "closing": 6,
}
EMU_PER_POINT = 12700

templates = template_files.templates  # the session's fixture
libreoffice_templates = template_files.libreoffice_templates  # the session's fixture


def mapped(path, **options):
    package = load_template(path)
    info = inspect_template(package)
    return info, map_roles(info, package.location, **options)


def placeholder_types(path, master: int, index: int) -> list[str]:
    """Return the `ph@type` of each placeholder of a layout, read with python-pptx directly."""
    from pptx import Presentation

    layout = Presentation(path).slide_masters[master].slide_layouts[index]
    return sorted(shape._element.ph.get("type", "obj") for shape in layout.placeholders)


@pytest.mark.parametrize(
    ("template", "names"),
    [("default.pptx", None), ("japanese.pptx", JAPANESE), ("german.pptx", GERMAN[3:] + GERMAN[:3])],
)
def test_the_default_layouts_are_found_by_structure_in_any_language(templates, template, names):
    from pptx import Presentation

    path = templates / template
    shipped = [layout.name for layout in Presentation(path).slide_layouts]
    if names:
        assert shipped == list(names)  # the renaming took
    _, mapping = mapped(path)
    assert mapping.problems == []
    chosen = {role: choice.layout.name for role, choice in mapping.choices.items()}
    assert chosen == {role: shipped[index] for role, index in DEFAULT_CHOICE.items()}


def test_a_template_made_by_hand_in_another_order_is_mapped_by_structure(templates):
    from pptx import Presentation

    path = templates / "by-hand.pptx"
    shipped = Presentation(templates / "default.pptx").slide_layouts
    flipped = Presentation(path).slide_layouts
    assert [layout.name for layout in flipped] == list(BY_HAND)
    _, mapping = mapped(path)
    assert mapping.problems == []
    for role, index in DEFAULT_CHOICE.items():
        chosen = mapping.choices[role].layout
        assert chosen.index == len(shipped) - 1 - index
        # the same layout part as in the shipped order, though now named and placed otherwise
        assert flipped[chosen.index].part.partname == shipped[index].part.partname


def test_two_content_is_not_the_comparison_layout_and_section_has_a_small_body(templates):
    path = templates / "german.pptx"
    _, mapping = mapped(path)
    two = mapping.choices["two_content"].layout
    assert placeholder_types(path, two.master, two.index) == [
        "dt",
        "ftr",
        "obj",
        "obj",
        "sldNum",
        "title",
    ]
    section = mapping.choices["section"].layout
    assert placeholder_types(path, section.master, section.index) == [
        "body",
        "dt",
        "ftr",
        "sldNum",
        "title",
    ]


@pytest.mark.parametrize("name", LIBREOFFICE_CHOICE)
def test_libreoffice_templates_map_every_role(libreoffice_templates, name):
    path = libreoffice_templates[name]
    info, mapping = mapped(path)
    assert mapping.missing == []
    assert set(mapping.choices) == set(ROLES)
    # Each role on the master the template's own sample slide of that kind uses: LibreOffice's
    # templates have a title master and a content master.
    title_sample, content_sample = info.sample_layouts[0], info.sample_layouts[1]
    assert mapping.choices["title"].layout.master == title_sample[0]
    assert mapping.choices["content"].layout.master == content_sample[0]
    kinds = {
        role: placeholder_types(path, c.layout.master, c.layout.index)
        for role, c in mapping.choices.items()
    }
    furniture = {"dt", "ftr", "sldNum"}
    assert [k for k in kinds["content"] if k not in furniture] == ["obj", "title"]
    assert [k for k in kinds["two_content"] if k not in furniture] == ["obj", "obj", "title"]
    assert [k for k in kinds["title_only"] if k not in furniture] == ["title"]
    assert [k for k in kinds["closing"] if k not in furniture] == []
    assert "subTitle" in kinds["title"]
    # LibreOffice makes no section header layout: the title slide's layout stands in, said so.
    assert mapping.choices["section"].layout == mapping.choices["title"].layout
    assert [w.message for w in mapping.warnings] == [
        "no layout fits the section role (section slide: a title and one small text "
        f'placeholder); using the title layout "{mapping.choices["title"].layout.name}"'
    ]


def test_two_content_placeholders_are_side_by_side(libreoffice_templates):
    from pptx import Presentation

    path = libreoffice_templates["Vivid"]
    _, mapping = mapped(path)
    choice = mapping.choices["two_content"].layout
    layout = Presentation(path).slide_masters[choice.master].slide_layouts[choice.index]
    left, right = sorted(
        (s for s in layout.placeholders if s._element.ph.get("type", "obj") == "obj"),
        key=lambda s: s.left,
    )
    assert left.left + left.width <= right.left
    assert left.top == right.top


def test_theme_fonts_and_colours_are_read(templates):
    info, _ = mapped(templates / "default.pptx")
    assert (info.theme.major_font, info.theme.minor_font) == ("Calibri", "Calibri")
    assert info.theme.colours["dk2"] == "#1F497D"
    assert info.theme.colours["accent1"] == "#4F81BD"
    assert len(info.theme.colours) == 12
    assert info.theme.major_japanese  # the default theme names a Japanese font too


def test_overrides_win_and_wrong_ones_are_located(templates):
    path = templates / "default.pptx"
    where = Location("layouts/org.yaml", 7, 5)
    _, mapping = mapped(path, overrides={"title": "Title Only"}, overrides_at=where)
    assert mapping.choices["title"].layout.name == "Title Only"
    assert mapping.choices["title"].how == "named in template_layouts"
    _, mapping = mapped(path, overrides={"titel": "Blank", "closing": "Blnk"}, overrides_at=where)
    messages = [str(p) for p in mapping.errors]
    assert messages[0].startswith('layouts/org.yaml:7:5: template_layouts: unknown role "titel"')
    assert '(did you mean "title"?)' in messages[0]
    assert messages[1].startswith("layouts/org.yaml:7:5: template_layouts: closing: template")
    assert 'no layout named "Blnk" (did you mean "Blank"?)' in messages[1]
    assert "closing" not in mapping.choices  # a wrong name is not silently replaced by a guess


def test_placeholders_reaching_into_the_banner_bands_are_reported(templates):
    from pptx import Presentation

    path = templates / "default.pptx"
    prs = Presentation(path)
    height = prs.slide_height / EMU_PER_POINT
    band = 30.0
    _, mapping = mapped(path, band=band)
    clashes = {(c.role, c.kind, c.band): c.depth for c in mapping.clashes}
    title = prs.slide_layouts[DEFAULT_CHOICE["content"]].placeholders[0]
    assert title._element.ph.get("type") == "title"
    assert clashes[("content", "title", "top")] == pytest.approx(band - title.top / EMU_PER_POINT)
    footer = next(
        s
        for s in prs.slide_layouts[DEFAULT_CHOICE["closing"]].placeholders
        if s._element.ph.get("type") == "ftr"
    )
    bottom = (footer.top + footer.height) / EMU_PER_POINT
    assert clashes[("closing", "ftr", "bottom")] == pytest.approx(bottom - (height - band))
    _, narrow = mapped(path, band=5.0)
    assert narrow.clashes == []  # nothing reaches into a 5 pt band


def test_a_potx_written_by_libreoffice_maps_every_role(libreoffice_templates):
    from pptx import Presentation

    path = libreoffice_templates["Piano.potx"]
    with pytest.raises(ValueError):  # python-pptx alone refuses a template
        Presentation(path)
    package = load_template(path)
    assert package.was_potx
    info = inspect_template(package)
    mapping = map_roles(info, package.location)
    assert mapping.missing == []
    assert set(mapping.choices) == set(ROLES)


def test_text_sizes_come_from_the_master_styles_or_its_sample_text(
    templates, libreoffice_templates
):
    from pptx import Presentation

    info, _ = mapped(templates / "default.pptx")
    styles = info.text_styles[info.primary_master]
    master = Presentation(templates / "default.pptx").slide_masters[0]._element
    title_sz = master.xpath("p:txStyles/p:titleStyle/a:lvl1pPr/a:defRPr/@sz")[0]
    body_sz = master.xpath("p:txStyles/p:bodyStyle/*/a:defRPr/@sz")
    assert styles.source == "styles"
    assert styles.title_size == int(title_sz) / 100
    assert styles.body_sizes == tuple(int(sz) / 100 for sz in body_sz)
    assert (styles.title_typeface, styles.body_typeface) == ("+mj-lt", "+mn-lt")

    path = libreoffice_templates["Vivid"]
    info, _ = mapped(path)
    styles = info.text_styles[info.primary_master]
    master = Presentation(path).slide_masters[info.primary_master]._element
    assert not master.xpath("p:txStyles")  # LibreOffice writes none
    title_run = master.xpath(".//p:sp[.//p:ph[@type='title']]//a:r/a:rPr")[0]
    assert styles.source == "sample text"
    assert styles.title_size == int(title_run.get("sz")) / 100
    assert styles.title_typeface == title_run.xpath("a:latin/@typeface")[0]
