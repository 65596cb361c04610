"""Decks built on organisation templates: read back as PowerPoint and LibreOffice see them."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pdfplumber
import pytest
import template_files
from template_files import rewrite

from conftest import REPO
from external import assert_valid_deck, libreoffice_convert_all, missing

libreoffice_templates = template_files.libreoffice_templates  # the session's fixtures
templates = template_files.templates

BRIEFS = {"default": REPO / "content.yaml", "blocks": REPO / "examples" / "blocks" / "content.yaml"}
#: Templates the decks are built on: python-pptx's (4:3, Calibri), its layouts renamed into
#: Japanese, one with a logo on its master, and LibreOffice's own (16:10, two masters each).
TEMPLATES = ("default", "japanese", "logo", "Vivid", "Beehive", "Focus", "Piano.potx")
SLACK = 1.0  # points: glyph boxes of neighbouring lines may touch
P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"


def with_logo(source: Path, target: Path) -> Path:
    """Save `source` with a PNG logo in the top right corner of its slide master."""
    from PIL import Image
    from pptx import Presentation
    from pptx.oxml.shapes.picture import CT_Picture
    from pptx.util import Inches

    picture = io.BytesIO()
    Image.new("RGB", (120, 60), (180, 20, 40)).save(picture, "PNG")
    prs = Presentation(source)
    master = prs.slide_masters[0]
    _, rid = master.part.get_or_add_image_part(io.BytesIO(picture.getvalue()))
    left, top = prs.slide_width - Inches(1.6), Inches(0.35)
    pic = CT_Picture.new_pic(99, "Logo", "Logo", rid, left, top, Inches(1.2), Inches(0.6))
    master.shapes._spTree.append(pic)
    prs.save(target)
    return target


@pytest.fixture
def carlito() -> None:
    """Skip where Carlito, which measures python-pptx's Calibri theme, is not installed."""
    from alliancedeck.errors import ContentError
    from alliancedeck.fonts import find_font_file

    try:
        find_font_file("Carlito-Regular.ttf")
    except ContentError:
        missing("Carlito is not installed (apt-get install fonts-crosextra-carlito)")


@pytest.fixture(scope="module")
def template_paths(templates, libreoffice_templates, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("more-templates")
    return {
        "default": templates / "default.pptx",
        "japanese": templates / "japanese.pptx",
        "logo": with_logo(templates / "default.pptx", folder / "logo.pptx"),
        **{name: libreoffice_templates[name] for name in TEMPLATES[3:]},
    }


@pytest.fixture(scope="module")
def decks(template_paths, tmp_path_factory) -> dict[tuple[str, str], dict]:
    """Build both briefs on every template; convert every deck with LibreOffice in one run."""
    from alliancedeck.api import prepare, render

    folder = tmp_path_factory.mktemp("decks")
    built = {}
    for template in TEMPLATES:
        for brief, content in BRIEFS.items():
            prepared = prepare(content, template=template_paths[template])
            path = folder / f"{template.replace('.', '-')}-{brief}.pptx"
            path.write_bytes(render(prepared, "slides"))
            built[(template, brief)] = {"deck": path, "prepared": prepared}
    converted = folder / "libreoffice"
    converted.mkdir()
    libreoffice_convert_all([d["deck"] for d in built.values()], converted, "pdf")
    for entry in built.values():
        entry["pdf"] = converted / f"{entry['deck'].stem}.pdf"
    return built


CASES = [(t, b) for t in TEMPLATES for b in BRIEFS]


def _ids(case):
    return "-".join(case)


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_every_slide_is_on_a_mapped_layout_with_its_title_in_the_title_placeholder(decks, case):
    from pptx import Presentation

    from alliancedeck.template.frame import role_of

    entry = decks[case]
    template = entry["prepared"].theme.template
    prs = Presentation(entry["deck"])
    title = entry["prepared"].doc.meta.title
    mapped = {role: choice.layout.name for role, choice in template.roles.choices.items()}
    slides = list(prs.slides)
    assert slides[0].slide_layout.name == mapped["title"]
    assert slides[0].shapes.title.text_frame.text == title
    for number, slide in enumerate(slides, start=1):
        assert slide.slide_layout.name in {mapped[role_of(k)] for k in ("title", "x", "closing")}
        heading = slide.shapes.title
        assert heading is not None and heading.text_frame.text.strip(), number
        layout_titles = [
            p.placeholder_format.type for p in slide.slide_layout.placeholders if p.is_placeholder
        ]
        kind = heading._element.ph.get("type")
        if any(str(t).startswith("CENTER_TITLE") for t in layout_titles):
            assert kind == "ctrTitle"
        for placeholder in slide.placeholders:  # nothing left empty for "Click to add text"
            assert placeholder.has_text_frame and placeholder.text_frame.text.strip(), number


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_the_template_is_kept_whole_and_its_sample_slides_are_gone(decks, template_paths, case):
    from pptx import Presentation

    from alliancedeck.template.package import load_template

    entry = decks[case]
    source = load_template(template_paths[case[0]]).open()  # a .potx too
    built = Presentation(entry["deck"])
    assert (built.slide_width, built.slide_height) == (source.slide_width, source.slide_height)
    assert [[lay.name for lay in m.slide_layouts] for m in built.slide_masters] == [
        [lay.name for lay in m.slide_layouts] for m in source.slide_masters
    ]
    samples = {
        shape.text_frame.text
        for slide in source.slides
        for shape in slide.shapes
        if shape.has_text_frame and shape.text_frame.text.strip()
    }
    texts = {
        shape.text_frame.text
        for slide in built.slides
        for shape in slide.shapes
        if shape.has_text_frame
    }
    assert not samples & texts - {""}
    with zipfile.ZipFile(entry["deck"]) as archive:
        slide_parts = [n for n in archive.namelist() if n.startswith("ppt/slides/slide")]
        media = {archive.read(n) for n in archive.namelist() if n.startswith("ppt/media/")}
    assert len(slide_parts) == len(built.slides)
    for master in source.slide_masters:  # every picture of the masters and layouts is there
        for owner in [master, *master.slide_layouts]:
            for shape in owner.shapes:
                if shape.shape_type is not None and shape.shape_type == 13:  # PICTURE
                    assert shape.image.blob in media


def test_the_master_logo_is_kept_and_nothing_covers_it(decks):
    from pptx import Presentation

    entry = decks[("logo", "default")]
    prs = Presentation(entry["deck"])
    logo = next(s for s in prs.slide_masters[0].shapes if s.name == "Logo")
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.name.startswith("Banner"):
                continue
            apart = (
                shape.left + shape.width <= logo.left
                or logo.left + logo.width <= shape.left
                or shape.top + shape.height <= logo.top
                or logo.top + logo.height <= shape.top
            )
            assert apart, (slide.shapes.title.text_frame.text, shape.name)


def test_text_is_measured_and_set_in_the_template_theme_fonts(decks):
    from pptx import Presentation

    entry = decks[("default", "default")]
    fonts = {
        run.font.name
        for slide in Presentation(entry["deck"]).slides
        for shape in slide.shapes
        if shape.has_text_frame
        for paragraph in shape.text_frame.paragraphs
        for run in paragraph.runs
    }
    assert fonts == {"Calibri"}  # python-pptx's theme: measured with Carlito
    theme = entry["prepared"].theme
    assert theme.fonts[theme.deck["body"].font].pdf == "Carlito"
    sizes = [
        run.font.size.pt
        for slide in Presentation(entry["deck"]).slides
        for shape in slide.shapes
        if shape.name == "Points"
        for paragraph in shape.text_frame.paragraphs
        for run in paragraph.runs
    ]
    assert sizes and min(sizes) >= 18  # the floor, whatever the template's outline levels


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_no_two_words_libreoffice_draws_overlap(decks, case):
    with pdfplumber.open(decks[case]["pdf"]) as document:
        clashes = {}
        for number, page in enumerate(document.pages, start=1):
            words = page.extract_words(keep_blank_chars=False, use_text_flow=True)
            found = [
                (a["text"], b["text"])
                for index, a in enumerate(words)
                for b in words[index + 1 :]
                if a["x0"] + SLACK < b["x1"]
                and b["x0"] + SLACK < a["x1"]
                and a["top"] + SLACK < b["bottom"]
                and b["top"] + SLACK < a["bottom"]
            ]
            if found:
                clashes[number] = found
    assert clashes == {}


@pytest.mark.parametrize("template", ["japanese", "logo", "Vivid", "Piano.potx"])
def test_decks_on_templates_pass_both_validators(decks, template):
    assert_valid_deck(decks[(template, "blocks")]["deck"])


def test_the_layout_names_the_template_and_overrides_a_layout(templates, tmp_path, carlito):
    from pptx import Presentation

    from alliancedeck.api import prepare, render

    folder = tmp_path / "brief"
    (folder / "layouts").mkdir(parents=True)
    rewrite(templates / "default.pptx", folder / "layouts" / "org.pptx")
    layout = (REPO / "src/alliancedeck/layouts/default.yaml").read_text()
    layout = layout.replace(
        "  titles: topic",
        '  titles: topic\n  template: org.pptx\n  template_layouts: {closing: "Title Only"}',
    )
    (folder / "layouts" / "org.yaml").write_text(layout)
    content = (REPO / "content.yaml").read_text().replace("layout: default", "layout: org")
    assert "layout: org" in content
    (folder / "content.yaml").write_text(content)
    prepared = prepare(folder / "content.yaml")
    prs = Presentation(io.BytesIO(render(prepared, "slides")))
    assert prs.slide_width == Presentation(templates / "default.pptx").slide_width
    assert list(prs.slides)[-1].slide_layout.name == "Title Only"  # the closing slide


def test_body_text_keeps_the_18_pt_floor_where_template_and_layout_go_below(templates, carlito):
    import dataclasses

    from alliancedeck.layout_files import PACKAGE_LAYOUTS, load_design
    from alliancedeck.template import open_template
    from alliancedeck.template.design import design_on_template
    from alliancedeck.template.inspect import TextStyles

    design = load_design(PACKAGE_LAYOUTS / "default.yaml")
    small = dataclasses.replace(design.deck["body"], size=14, min=12)
    design = dataclasses.replace(design, deck={**design.deck, "body": small})
    template = open_template(templates / "default.pptx")
    tiny = TextStyles(title_size=30, body_sizes=(12, 10), source="styles")
    template = dataclasses.replace(
        template, info=dataclasses.replace(template.info, text_styles=(tiny,))
    )
    body = design_on_template(design, template, None).deck["body"]
    assert (body.size, body.min_size) == (18, 18)


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "alliancedeck", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=cwd,
    )


def org_brief(folder: Path, slide_keys: str) -> Path:
    """Write a copy of the default content whose layout (layouts/org.yaml) adds `slide_keys`."""
    (folder / "layouts").mkdir(parents=True, exist_ok=True)
    layout = (REPO / "src/alliancedeck/layouts/default.yaml").read_text()
    (folder / "layouts" / "org.yaml").write_text(
        layout.replace("  titles: topic", "  titles: topic\n" + slide_keys)
    )
    content = (REPO / "content.yaml").read_text().replace("layout: default", "layout: org")
    (folder / "content.yaml").write_text(content)
    return folder / "content.yaml"


def test_a_missing_template_is_an_error_at_the_layout_key_and_nothing_is_written(tmp_path):
    org_brief(tmp_path, "  template: org.potx")
    result = run("build", "content.yaml", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    line = next(
        n
        for n, text in enumerate((tmp_path / "layouts/org.yaml").read_text().splitlines(), 1)
        if text.startswith("  template:")
    )
    assert result.stderr.startswith(f"{tmp_path / 'layouts/org.yaml'}:{line}:13: error: ")
    assert 'slide.template: file not found: "org.potx"' in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "output").exists()


def test_a_template_outside_the_content_folder_is_refused(tmp_path, templates):
    brief = tmp_path / "brief"
    org_brief(brief, f"  template: {templates / 'default.pptx'}")
    result = run("check", "content.yaml", cwd=brief)
    assert result.returncode == 2
    assert "outside the content folder" in result.stderr
    assert "--allow-outside" in result.stderr


def test_template_on_the_command_line_and_a_macro_file_refused(tmp_path, templates, carlito):
    brief = org_brief(tmp_path / "brief", "")
    ok = run("slides", brief, "--template", templates / "japanese.pptx", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    from pptx import Presentation

    deck = Presentation(tmp_path / "brief" / "output" / "deck.pptx")
    assert deck.slides[1].slide_layout.name == "タイトルとコンテンツ"
    macro = tmp_path / "org.pptm"
    macro.write_bytes((templates / "default.pptx").read_bytes())
    refused = run("slides", brief, "--template", macro, cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr.startswith("--template: error: template")
    assert ".pptm files may hold macros" in refused.stderr


def test_the_deck_pdf_draws_the_master_logo_on_every_page(decks, template_paths):
    from alliancedeck.api import prepare, render

    prepared = prepare(BRIEFS["default"], template=template_paths["logo"])
    pdf = io.BytesIO(render(prepared, "deck-pdf"))
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            logos = [i for i in page.images if abs(i["x1"] - (page.width - 28.8)) < 1]
            assert len(logos) == 1, page.page_number
    assert not [w for w in prepared.warnings if "cannot draw" in w.message]


def test_artwork_the_deck_pdf_cannot_draw_is_named_in_a_warning(templates, tmp_path, carlito):
    from alliancedeck.api import prepare, render

    def emf(name: str, blob: bytes) -> bytes:  # the logo, declared as a Windows metafile
        if name == "[Content_Types].xml":
            return blob.replace(
                b'Extension="png" ContentType="image/png"',
                b'Extension="png" ContentType="image/x-emf"',
            )
        return blob

    logo = with_logo(templates / "default.pptx", tmp_path / "logo.pptx")
    metafile = rewrite(logo, tmp_path / "metafile.pptx", emf)
    prepared = prepare(BRIEFS["default"], template=metafile)
    render(prepared, "deck-pdf")
    (warning,) = [w for w in prepared.warnings if "cannot draw" in w.message]
    assert str(warning.location) == "--template"
    assert "picture 'Logo' (image/x-emf)" in warning.message


def test_a_theme_font_with_no_file_to_measure_it_is_an_error_naming_it(templates, tmp_path):
    from alliancedeck.api import prepare
    from alliancedeck.errors import ContentError

    def unknown_font(name: str, blob: bytes) -> bytes:
        if name.startswith("ppt/theme/"):
            return blob.replace(b'typeface="Calibri"', b'typeface="Frobozz Sans"')
        return blob

    path = rewrite(templates / "default.pptx", tmp_path / "frobozz.pptx", unknown_font)
    with pytest.raises(ContentError) as caught:
        prepare(BRIEFS["default"], template=path)
    (problem,) = caught.value.problems
    assert str(problem).startswith(f'--template: template "{path}": its theme font "Frobozz Sans"')
    assert "FrobozzSans-Regular.ttf" in problem.message
    assert "slide.template_theme: false" in problem.message


def test_the_brief_takes_the_template_theme_fonts_too(templates, carlito):
    from alliancedeck.api import prepare, render

    prepared = prepare(BRIEFS["default"], template=templates / "default.pptx")
    with pdfplumber.open(io.BytesIO(render(prepared, "pdf"))) as document:
        fonts = {char["fontname"].split("+")[-1] for char in document.pages[0].chars}
    assert fonts and all(name.startswith("Carlito") for name in fonts), fonts


def test_a_layout_may_not_set_the_loaders_template_key(tmp_path):
    from alliancedeck.errors import ContentError
    from alliancedeck.layout_files import load_design

    layout = (REPO / "src/alliancedeck/layouts/default.yaml").read_text()
    path = tmp_path / "odd.yaml"
    path.write_text(layout + "template: org.pptx\n")
    with pytest.raises(ContentError) as caught:
        load_design(path)
    assert "a template is named in slide:" in str(caught.value.problems[0])


def test_our_footer_goes_into_the_template_footer_and_slide_number_placeholders(decks):
    from pptx import Presentation
    from pptx.enum.shapes import PP_PLACEHOLDER

    prs = Presentation(decks[("japanese", "default")]["deck"])
    total = len(prs.slides)
    for number, slide in enumerate(prs.slides, start=1):
        kinds = {p.placeholder_format.type: p for p in slide.placeholders}
        footer = kinds[PP_PLACEHOLDER.FOOTER]
        assert footer.text_frame.text.startswith("U.S.-Japan Alliance")
        assert kinds[PP_PLACEHOLDER.SLIDE_NUMBER].text_frame.text == f"{number} of {total}"
        assert footer.top + footer.height <= prs.slide_height - 18 * 12700  # above the banner


def test_the_deck_pdf_draws_the_master_background(templates, tmp_path, carlito):
    from pptx import Presentation
    from pptx.dml.color import RGBColor

    from alliancedeck.api import prepare, render

    prs = Presentation(templates / "default.pptx")
    fill = prs.slide_masters[0].background.fill
    fill.solid()
    fill.fore_color.rgb = RGBColor(0xF2, 0xE6, 0xC8)
    prs.save(tmp_path / "sand.pptx")
    prepared = prepare(BRIEFS["default"], template=tmp_path / "sand.pptx")
    with pdfplumber.open(io.BytesIO(render(prepared, "deck-pdf"))) as document:
        for page in document.pages:
            whole = [
                r
                for r in page.rects
                if r["width"] >= page.width - 0.5 and r["height"] >= page.height - 0.5
            ]
            assert whole, page.page_number
            red, green, blue = whole[0]["non_stroking_color"]
            assert (round(red * 255), round(green * 255), round(blue * 255)) == (242, 230, 200)


GEOMETRY_BRIEFS = sorted(
    [
        REPO / "content.yaml",
        *REPO.glob("examples/*/content.yaml"),
        *(REPO / "tests" / "compose" / "briefs").glob("*.yaml"),
        REPO / "tests" / "i18n" / "japanese.yaml",
    ],
    key=str,
)


@pytest.mark.parametrize("template", ["default", "logo", "Vivid", "Beehive"])
def test_no_box_collides_on_a_template_in_any_brief(template_paths, template):
    """Every brief the repository keeps, composed on the template: no two boxes overlap, none
    leaves the slide, enters a banner band or the footer, or holds more text than its frame."""
    from alliancedeck.api import prepare
    from alliancedeck.compose.boxes import collisions
    from alliancedeck.compose.deck import compose_deck
    from alliancedeck.fonts import font_book

    found = {}
    for brief in GEOMETRY_BRIEFS:
        prepared = prepare(brief, template=template_paths[template], training_markings=True)
        theme = prepared.theme
        deck = compose_deck(prepared.doc, theme, font_book(theme, prepared.content_dir))
        if collisions(deck):
            found[brief.name] = collisions(deck)[:3]
    assert found == {}


def test_a_build_warns_only_about_the_roles_its_slides_use(decks, templates, tmp_path):
    from template_files import without_layouts

    from alliancedeck.api import prepare

    beehive = decks[("Beehive", "default")]["prepared"]  # no section layout: not our concern
    assert not [w for w in beehive.warnings if "role" in w.message]
    path = without_layouts(templates / "default.pptx", tmp_path / "org.pptx", {"Blank"})
    prepared = prepare(BRIEFS["default"], template=path)
    (warning,) = [w for w in prepared.warnings if "role" in w.message]
    assert "no layout fits the closing role" in warning.message


def test_a_template_without_a_layout_the_deck_does_not_use_still_builds(
    templates, tmp_path, carlito
):
    from pptx import Presentation
    from template_files import without_layouts

    from alliancedeck.api import prepare, render
    from alliancedeck.errors import ContentError

    path = without_layouts(templates / "default.pptx", tmp_path / "org.pptx", {"Two Content"})
    render(prepare(BRIEFS["default"], template=path), "slides")  # two_content: not used
    keep = {"Title Slide", "Title Only", "Blank"}
    others = {layout.name for layout in Presentation(path).slide_layouts} - keep
    bare = without_layouts(path, tmp_path / "bare.pptx", others)
    with pytest.raises(ContentError) as caught:
        prepare(BRIEFS["default"], template=bare)
    (problem,) = caught.value.problems  # two_content is missing too, but no slide uses it
    assert "no layout fits the content role" in problem.message


def test_a_layout_that_leaves_no_room_for_text_is_a_located_error(templates, tmp_path):
    from alliancedeck.api import prepare
    from alliancedeck.errors import ContentError

    def bands(name: str, blob: bytes) -> bytes:  # deep bands at the top and the foot
        if name != "ppt/slideMasters/slideMaster1.xml":
            return blob
        shapes = "".join(
            f'<p:sp><p:nvSpPr><p:cNvPr id="{90 + n}" name="Band {n}"/><p:cNvSpPr/><p:nvPr/>'
            f'</p:nvSpPr><p:spPr><a:xfrm><a:off x="0" y="{y}"/><a:ext cx="9144000" '
            'cy="3000000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
            '<a:solidFill><a:srgbClr val="203040"/></a:solidFill></p:spPr></p:sp>'
            for n, y in enumerate((0, 3858000))
        )
        return blob.replace(b"</p:spTree>", shapes.encode() + b"</p:spTree>", 1)

    path = rewrite(templates / "default.pptx", tmp_path / "banded.pptx", bands)
    with pytest.raises(ContentError) as caught:
        prepare(BRIEFS["default"], template=path)
    (problem,) = caught.value.problems
    assert str(problem.location) == "--template"
    assert "leaves" in problem.message and "slide.template_layouts" in problem.message
