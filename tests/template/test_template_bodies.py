"""Body text on organisation templates: in the layout's body placeholder, where we measured it.

PowerPoint's outline view and screen readers take a slide's text from its title and body
placeholders, so the lead, points and agenda go into the layout's body placeholder (our place
and size, every text setting explicit); LibreOffice must draw them where the deck PDF does.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pdfplumber
import pytest
import template_files
from template_files import rewrite

from conftest import REPO, assert_in_order, content_texts, squash
from external import assert_valid_deck, libreoffice_convert_all

libreoffice_templates = template_files.libreoffice_templates  # the session's fixtures
templates = template_files.templates

BRIEFS = {"default": REPO / "content.yaml", "blocks": REPO / "examples" / "blocks" / "content.yaml"}
TEMPLATES = ("default", "japanese", "Vivid", "Beehive", "Focus", "Piano.potx")
CASES = [(t, b) for t in TEMPLATES for b in BRIEFS]
SLACK = 1.0  # points: glyph boxes of neighbouring lines may touch
EMU = 12700  # per point
#: Placeholder types that hold body text (python-pptx's PP_PLACEHOLDER values).
BODY_TYPES = {"OBJECT (7)", "BODY (2)", "SUBTITLE (4)"}


def _ids(case):
    return "-".join(case)


@pytest.fixture(scope="module")
def template_paths(templates, libreoffice_templates) -> dict[str, Path]:
    return {
        "default": templates / "default.pptx",
        "japanese": templates / "japanese.pptx",
        **{name: libreoffice_templates[name] for name in TEMPLATES[2:]},
    }


@pytest.fixture(scope="module")
def decks(template_paths, tmp_path_factory) -> dict[tuple[str, str], dict]:
    """Build both briefs on every template, as a deck and a deck PDF; convert every deck with
    LibreOffice in one run."""
    from alliancedeck.api import prepare, render

    folder = tmp_path_factory.mktemp("body-decks")
    built = {}
    for template in TEMPLATES:
        for brief, content in BRIEFS.items():
            prepared = prepare(content, template=template_paths[template])
            stem = f"{template.replace('.', '-')}-{brief}"
            path = folder / f"{stem}.pptx"
            path.write_bytes(render(prepared, "slides"))
            (folder / f"{stem}-ours.pdf").write_bytes(render(prepared, "deck-pdf"))
            built[(template, brief)] = {
                "deck": path,
                "ours": folder / f"{stem}-ours.pdf",
                "prepared": prepared,
            }
    converted = folder / "libreoffice"
    converted.mkdir()
    libreoffice_convert_all([d["deck"] for d in built.values()], converted, "pdf")
    for entry in built.values():
        entry["libreoffice"] = converted / f"{entry['deck'].stem}.pdf"
    return built


def body_placeholders(slide) -> list:
    """Return the slide's body, content and subtitle placeholders, in reading order."""
    return [p for p in slide.placeholders if str(p.placeholder_format.type) in BODY_TYPES]


def outline(prs) -> str:
    """Return the deck as PowerPoint's outline view shows it: each slide's title placeholder
    and then its body placeholders' text, slide by slide."""
    parts = []
    for slide in prs.slides:
        parts.append(slide.shapes.title.text_frame.text)
        parts += [p.text_frame.text for p in body_placeholders(slide)]
    return "\n".join(parts)


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_body_text_is_in_a_placeholder_of_the_slide_layout(decks, case):
    from pptx import Presentation

    prs = Presentation(decks[case]["deck"])
    with_body = 0
    for number, slide in enumerate(prs.slides, start=1):
        layout = {
            (p.placeholder_format.type, p.placeholder_format.idx)
            for p in slide.slide_layout.placeholders
        }
        # Each placeholder of the layout at most once (LibreOffice's layouts leave the idx out
        # of both title and subtitle: they are told apart by type).
        used = [(p.placeholder_format.type, p.placeholder_format.idx) for p in slide.placeholders]
        assert len(used) == len(set(used)), number
        for holder in body_placeholders(slide):
            key = (holder.placeholder_format.type, holder.placeholder_format.idx)
            assert key in layout, (number, holder.name)
            assert holder.text_frame.text.strip(), number
            with_body += 1
        # Nothing that reads as the slide's text is left in a plain text box where the layout
        # has a body placeholder free for it.
        layout_bodies = [
            p
            for p in slide.slide_layout.placeholders
            if str(p.placeholder_format.type) in BODY_TYPES
        ]
        if layout_bodies and not body_placeholders(slide):
            names = {s.name for s in slide.shapes if s.has_text_frame and not s.is_placeholder}
            assert not names & {"Points", "Agenda", "Lead"}, (number, names)
    assert with_body >= 3, with_body  # the cover's subtitle, the agenda, the points at least


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_the_outline_holds_every_lead_and_point_in_order(decks, case):
    from pptx import Presentation

    entry = decks[case]
    texts = content_texts(entry["prepared"].doc)
    assert_in_order(outline(Presentation(entry["deck"])), texts)


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_body_runs_keep_the_18_pt_floor_and_say_their_size(decks, case):
    from pptx import Presentation

    sizes = []
    for slide in Presentation(decks[case]["deck"]).slides:
        for holder in body_placeholders(slide):
            for paragraph in holder.text_frame.paragraphs:
                for run in paragraph.runs:
                    assert run.font.size is not None, holder.name  # not the template's level
                    sizes.append(run.font.size.pt)
    assert sizes and min(sizes) >= 18


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_no_body_placeholder_reaches_into_a_banner_or_the_footer(decks, case):
    from pptx import Presentation
    from pptx.enum.shapes import PP_PLACEHOLDER

    prs = Presentation(decks[case]["deck"])
    for number, slide in enumerate(prs.slides, start=1):
        bands = [s for s in slide.shapes if s.name.startswith("Banner")]
        assert len(bands) == 2  # the deck is UNCLASSIFIED: banners at top and foot
        footers = [
            p
            for p in slide.placeholders
            if p.placeholder_format.type in (PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER)
        ] + [s for s in slide.shapes if s.name in ("Footer", "Slide number")]
        assert footers, number
        for holder in body_placeholders(slide):
            top, bottom = holder.top, holder.top + holder.height
            for other in bands + footers:
                apart = bottom <= other.top or other.top + other.height <= top
                assert apart, (number, holder.name, other.name)


def _words(page) -> list[dict]:
    return page.extract_words(keep_blank_chars=False, use_text_flow=True)


def _overlapping(words: list[dict]) -> list[tuple[str, str]]:
    return [
        (a["text"], b["text"])
        for index, a in enumerate(words)
        for b in words[index + 1 :]
        if a["x0"] + SLACK < b["x1"]
        and b["x0"] + SLACK < a["x1"]
        and a["top"] + SLACK < b["bottom"]
        and b["top"] + SLACK < a["bottom"]
    ]


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_libreoffice_draws_the_body_text_where_the_deck_pdf_does(decks, case):
    """Each body placeholder's first word is at the same place in LibreOffice's rendering of
    the .pptx and in our deck PDF, inside the placeholder; its text ends inside it; and no two
    words LibreOffice draws collide."""
    from pptx import Presentation

    entry = decks[case]
    prs = Presentation(entry["deck"])
    with (
        pdfplumber.open(entry["libreoffice"]) as theirs,
        pdfplumber.open(entry["ours"]) as ours,
    ):
        assert len(theirs.pages) == len(ours.pages) == len(prs.slides)
        checked = 0
        for number, slide in enumerate(prs.slides, start=1):
            drawn, measured = _words(theirs.pages[number - 1]), _words(ours.pages[number - 1])
            assert _overlapping(drawn) == [], number
            for holder in body_placeholders(slide):
                left, top = holder.left / EMU, holder.top / EMU
                right, bottom = left + holder.width / EMU, top + holder.height / EMU
                first = holder.text_frame.text.split()[0]

                def inside(word, left=left, top=top, right=right, bottom=bottom):
                    return (
                        left - 2 <= word["x0"] <= right
                        and top - 2 <= word["top"]
                        and word["bottom"] <= bottom + 2
                    )

                mine = [w for w in measured if w["text"] == first and inside(w)]
                seen = [w for w in drawn if w["text"] == first and inside(w)]
                assert mine and seen, (number, holder.name, first)
                a, b = min(mine, key=lambda w: w["top"]), min(seen, key=lambda w: w["top"])
                # LibreOffice sets a line of exact spacing at the top of its line height, the
                # deck PDF lower by the leading beyond the type size: within that, they agree.
                paragraph = holder.text_frame.paragraphs[0]
                spare = paragraph.line_spacing.pt - paragraph.runs[0].font.size.pt
                assert abs(a["x0"] - b["x0"]) <= 2 and abs(a["top"] - b["top"]) <= spare + 1, (
                    number,
                    holder.name,
                    (a["x0"], a["top"]),
                    (b["x0"], b["top"]),
                )
                last = holder.text_frame.text.split()[-1]
                ends = [w for w in drawn if w["text"] == last and left - 2 <= w["x0"] <= right]
                assert ends and min(w["bottom"] for w in ends) <= bottom + 2, (number, last)
                checked += 1
    assert checked


@pytest.mark.parametrize("template", ["japanese", "Vivid", "Piano.potx"])
def test_decks_with_body_placeholders_pass_both_validators(decks, template):
    for brief in BRIEFS:
        assert_valid_deck(decks[(template, brief)]["deck"])


# --- docProps ---------------------------------------------------------------------------------


def _app(deck: Path) -> str:
    with zipfile.ZipFile(deck) as archive:
        return archive.read("docProps/app.xml").decode()


@pytest.mark.parametrize("template", ["default", "Vivid"])
def test_app_properties_describe_the_deck_not_the_template(decks, template):
    from pptx import Presentation

    deck = decks[(template, "default")]["deck"]
    prs = Presentation(deck)
    app = _app(deck)
    assert f"<Slides>{len(prs.slides)}</Slides>" in app
    notes = sum(1 for slide in prs.slides if slide.has_notes_slide)
    assert notes and f"<Notes>{notes}</Notes>" in app
    listed = re.search(r"<TitlesOfParts>(.*)</TitlesOfParts>", app).group(1)
    titles = re.findall(r"<vt:lpstr>([^<]*)</vt:lpstr>", listed)
    slide_titles = [s.shapes.title.text_frame.text for s in prs.slides]
    assert titles[-len(slide_titles) :] == [
        t.replace("&", "&amp;").replace("<", "&lt;") for t in slide_titles
    ]
    counts = [int(n) for n in re.findall(r"<vt:i4>(\d+)</vt:i4>", app)]
    assert sum(counts) == len(titles) and counts[-1] == len(prs.slides)
    assert f"<Template>{template}</Template>" in app


def test_the_template_company_is_kept_and_its_other_properties_dropped(templates, tmp_path):
    from alliancedeck.api import prepare, render

    def dressed(name: str, blob: bytes) -> bytes:
        if name == "docProps/app.xml":
            blob = blob.replace(b"<Company></Company>", b"<Company>Joint Staff J5</Company>")
            return blob.replace(b"<Slides>0</Slides>", b"<Slides>7</Slides>")
        if name == "docProps/core.xml":
            return blob.replace(
                b"</cp:coreProperties>",
                b"<cp:contentStatus>Template draft</cp:contentStatus></cp:coreProperties>",
            )
        return blob

    path = rewrite(templates / "default.pptx", tmp_path / "org.pptx", dressed)
    assert b"Joint Staff J5" in zipfile.ZipFile(path).read("docProps/app.xml")
    deck = tmp_path / "deck.pptx"
    deck.write_bytes(render(prepare(BRIEFS["default"], template=path), "slides"))
    app = _app(deck)
    assert "<Company>Joint Staff J5</Company>" in app
    assert "<Slides>7</Slides>" not in app
    with zipfile.ZipFile(deck) as archive:
        core = archive.read("docProps/core.xml").decode()
    assert "Template draft" not in core and "<dc:title>U.S.-Japan Alliance</dc:title>" in core


# --- template check: the footer band ------------------------------------------------------------


def _check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "alliancedeck", "template", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_template_check_says_which_body_placeholder_reaches_into_the_footer_band(
    templates, tmp_path
):
    from alliancedeck.layout_files import PACKAGE_LAYOUTS, load_design
    from alliancedeck.template import open_template
    from alliancedeck.template.frame import template_frame

    clear = _check(templates / "default.pptx")
    assert clear.returncode == 0, clear.stderr
    assert "footer band (our footer line, 21.6 pt, above the bottom banner band):\n" in clear.stdout
    assert "  no body placeholder reaches into it" in clear.stdout

    def deeper(name: str, blob: bytes) -> bytes:  # the content placeholder down to 520 pt
        if name == "ppt/slideLayouts/slideLayout2.xml":
            frame = (
                '<p:spPr><a:xfrm><a:off x="457200" y="1600200"/>'
                f'<a:ext cx="8229600" cy="{(520 - 126) * EMU}"/></a:xfrm></p:spPr>'
            )
            old = b'<p:ph idx="1"/></p:nvPr></p:nvSpPr><p:spPr/>'
            assert old in blob
            return blob.replace(old, old[:-9] + frame.encode(), 1)
        return blob

    path = rewrite(templates / "default.pptx", tmp_path / "deep.pptx", deeper)
    result = _check(path)
    assert result.returncode == 0, result.stderr
    (line,) = [n for n in result.stdout.splitlines() if "footer band:" in n]
    depth = float(re.search(r"reaches ([\d.]+) pt", line).group(1))
    assert line.startswith('  "Title and Content" obj "Content Placeholder 2" reaches ')
    assert line.endswith("into the footer band: to be shrunk to clear it")
    # By as much as the deck shrinks it: its body ends that much above the placeholder's foot.
    footer = load_design(PACKAGE_LAYOUTS / "default.yaml").slide.footer_height
    frame = template_frame(open_template(path, band=18.0), 18.0, footer)
    assert abs(520 - frame.roles["content"].body.bottom - depth) < 0.1


# --- the closing slide on a small blank layout ------------------------------------------------

CLOSING = """
  - title: Questions and next steps
    closing: true
    lead: The alliance needs attention on three fronts before the next review.
    points:
      - Agree the host-nation support figure for the coming year.
      - Fund the combined exercises the two staffs have planned.
      - Settle the trilateral coordination channel with Seoul.
"""
POC = """  poc:
    name: Jane Doe
    office: J5 Strategy, Alliance Desk
    phone: "+1 703 555 0100"
    email: jane.doe@example.mil
"""


def banded_blank(source: Path, target: Path) -> Path:
    """Return `source` with deep bands across the top and foot of its Blank layout, leaving a
    closing area of about 150 pt between them (notional artwork)."""

    def bands(name: str, blob: bytes) -> bytes:
        if name != "ppt/slideLayouts/slideLayout7.xml":  # Blank, in python-pptx's template
            return blob
        assert b'name="Blank"' in blob
        shapes = "".join(
            f'<p:sp><p:nvSpPr><p:cNvPr id="{90 + n}" name="Band {n}"/><p:cNvSpPr/><p:nvPr/>'
            f'</p:nvSpPr><p:spPr><a:xfrm><a:off x="0" y="{y * EMU}"/><a:ext cx="9144000" '
            f'cy="{h * EMU}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
            '<a:solidFill><a:srgbClr val="203040"/></a:solidFill></p:spPr></p:sp>'
            for n, (y, h) in enumerate(((0, 230), (390, 150)))
        )
        return blob.replace(b"</p:spTree>", shapes.encode() + b"</p:spTree>", 1)

    return rewrite(source, target, bands)


def test_a_closing_slide_on_a_small_blank_layout_loses_no_line(templates, tmp_path):
    from pptx import Presentation

    from alliancedeck.api import prepare, render

    content = (REPO / "content.yaml").read_text()
    content = content.replace("  language: en-US\n", "  language: en-US\n" + POC, 1)
    brief = tmp_path / "content.yaml"
    brief.write_text(content.rstrip("\n") + "\n" + CLOSING)
    template = banded_blank(templates / "default.pptx", tmp_path / "banded.pptx")
    prepared = prepare(brief, template=template)
    deck = tmp_path / "deck.pptx"
    deck.write_bytes(render(prepared, "slides"))
    prs = Presentation(deck)
    text = squash(
        " ".join(
            s.text_frame.text for slide in prs.slides for s in slide.shapes if s.has_text_frame
        )
    )
    wanted = [
        "The alliance needs attention on three fronts before the next review.",
        "Agree the host-nation support figure for the coming year.",
        "Fund the combined exercises the two staffs have planned.",
        "Settle the trilateral coordination channel with Seoul.",
        "Point of contact",
        "Jane Doe",
        "J5 Strategy, Alliance Desk",
        "+1 703 555 0100",
        "jane.doe@example.mil",
    ]
    closing = list(prs.slides)[-1]
    assert closing.shapes.title.text_frame.text == "Questions and next steps"
    bands = [s for s in closing.slide_layout.shapes if s.name.startswith("Band")]
    assert len(bands) == 2
    for shape in closing.shapes:  # the closing word and the markings: clear of the bands
        if shape.name.startswith(("Banner", "Footer", "Slide Number")):
            continue
        for band in bands:
            apart = shape.top + shape.height <= band.top or band.top + band.height <= shape.top
            assert apart, (shape.name, band.name)
    for line in wanted:
        assert line in text
    assert_in_order(outline(prs), wanted[:4])  # read in a body placeholder before the closing
    moved = [w for w in prepared.warnings if "before it" in w.message]
    assert moved, [w.message for w in prepared.warnings]
    assert_valid_deck(deck)
