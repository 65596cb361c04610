"""Draw a brief, a deck and a deck PDF with plain reportlab and python-pptx (no alliancedeck)."""

from __future__ import annotations

import argparse
import multiprocessing
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import yaml
from pptx import Presentation
from pptx.util import Emu, Pt
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Spacer

FONT_DIR = Path(__file__).resolve().parent.parent / "src" / "alliancedeck" / "fonts"
FONT_FILES = {
    "Sans": "LiberationSans-Regular.ttf",
    "Sans-Bold": "LiberationSans-Bold.ttf",
    "Sans-Italic": "LiberationSans-Italic.ttf",
    "Sans-BoldItalic": "LiberationSans-BoldItalic.ttf",
}
TEMPLATE = re.compile(r"\{\{-?\s*(figures|meta)\.(\w+)(?:\.(\w+))?\s*-?\}\}")
BULLETS = ("\u2022", "\u2013", "\u25e6")
INCH = 72.0
SLIDE_WIDTH, SLIDE_HEIGHT = 13.333 * INCH, 7.5 * INCH
NAVY, TEXT, MUTED = "#14325C", "#1B1F24", "#4A5361"


def register_fonts() -> None:
    """Register Liberation Sans (four styles) with reportlab as the family `Sans`."""
    for name, file_name in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file_name)))
    pdfmetrics.registerFontFamily(
        "Sans", normal="Sans", bold="Sans-Bold", italic="Sans-Italic", boldItalic="Sans-BoldItalic"
    )


def fill_in(value: str, content: dict[str, Any]) -> str:
    """Return `value` with `{{ figures.X }}`, `{{ figures.X.label }}`, `{{ meta.Y }}` filled in."""
    figures = content.get("figures") or {}
    meta = content.get("meta") or {}

    def replace(match: re.Match[str]) -> str:
        """Return the text one template expression stands for."""
        scope, name, attribute = match.groups()
        if scope == "meta":
            return str(meta.get(name, ""))
        figure = figures.get(name)
        if figure is None:
            return match.group(0)
        if attribute:
            return str(figure.get(attribute, ""))
        return str(figure.get("display") or f"{figure['value']:,}")

    return " ".join(TEMPLATE.sub(replace, value).split())


def bullets(
    points: list[Any], content: dict[str, Any], level: int = 0
) -> Iterator[tuple[int, str]]:
    """Yield (level, text) for each point and nested point, in reading order."""
    for point in points or []:
        if isinstance(point, str):
            yield level, fill_in(point, content)
        else:
            yield level, fill_in(point["text"], content)
            yield from bullets(point.get("points", []), content, level + 1)


def source_text(source: Any, content: dict[str, Any]) -> str:
    """Return the text of a source entry (a string or a mapping with `text` and `url`)."""
    if isinstance(source, str):
        return fill_in(source, content)
    url = source.get("url")
    return fill_in(source["text"], content) + (f" {url}" if url else "")


def brief_styles() -> dict[str, ParagraphStyle]:
    """Return the paragraph styles of the brief, sized like alliancedeck's default layout."""
    body = ParagraphStyle("body", fontName="Sans", fontSize=9.5, leading=12.35)
    return {
        "title": ParagraphStyle(
            "title", fontName="Sans-Bold", fontSize=21, leading=24, textColor=HexColor(NAVY)
        ),
        "subtitle": ParagraphStyle(
            "subtitle", fontName="Sans", fontSize=12, leading=15, textColor=HexColor(MUTED)
        ),
        "figure": ParagraphStyle("figure", parent=body, spaceBefore=2),
        "heading": ParagraphStyle(
            "heading",
            fontName="Sans-Bold",
            fontSize=12,
            leading=14.4,
            spaceBefore=10,
            spaceAfter=3,
            textColor=HexColor(NAVY),
        ),
        "lead": ParagraphStyle("lead", parent=body, fontName="Sans-Italic", spaceAfter=4),
        "body": body,
        "source": ParagraphStyle("source", fontName="Sans", fontSize=8, leading=10.4),
    }


def write_brief(content: dict[str, Any], path: Path) -> None:
    """Write a two-column platypus PDF with the title, figures, sections and sources."""
    styles = brief_styles()
    meta = content["meta"]
    width, height = letter
    margin, gutter = 0.75 * INCH, 0.3 * INCH
    column = (width - 2 * margin - gutter) / 2
    frames = [
        Frame(margin + i * (column + gutter), 0.8 * INCH, column, height - 1.4 * INCH, id=f"c{i}")
        for i in range(2)
    ]

    def footer(canvas: Canvas, document: BaseDocTemplate) -> None:
        """Draw the footer line of a page."""
        canvas.setFont("Sans", 8)
        label = f"{meta['title']} \u00b7 Page {canvas.getPageNumber()}"
        canvas.drawString(margin, 0.5 * INCH, label)

    document = BaseDocTemplate(
        str(path), pagesize=letter, title=meta["title"], pageCompression=1, invariant=1
    )
    document.addPageTemplates([PageTemplate(id="page", frames=frames, onPage=footer)])
    story: list[Any] = [Paragraph(escape(meta["title"]), styles["title"])]
    if meta.get("subtitle"):
        story.append(Paragraph(escape(meta["subtitle"]), styles["subtitle"]))
    story.append(Spacer(1, 6))
    for figure in (content.get("figures") or {}).values():
        value = figure.get("display") or f"{figure['value']:,}"
        label = fill_in(figure["label"], content)
        story.append(Paragraph(f"<b>{escape(value)}</b> {escape(label)}", styles["figure"]))
    sources: list[str] = []
    for section in content["sections"]:
        story.append(Paragraph(escape(fill_in(section["title"], content)), styles["heading"]))
        if section.get("lead"):
            story.append(Paragraph(escape(fill_in(section["lead"], content)), styles["lead"]))
        for level, line in bullets(section.get("points", []), content):
            style = ParagraphStyle(
                f"point{level}",
                parent=styles["body"],
                leftIndent=11 * (level + 1),
                bulletIndent=11 * level,
                spaceBefore=2,
            )
            story.append(Paragraph(escape(line), style, bulletText=BULLETS[min(level, 2)]))
        sources += [source_text(s, content) for s in section.get("sources", [])]
    if sources:
        story.append(Paragraph("Sources", styles["heading"]))
        story += [Paragraph(escape(s), styles["source"], bulletText="\u2022") for s in sources]
    document.build(story)


def write_deck(content: dict[str, Any], path: Path) -> None:
    """Write a .pptx with one slide per section: its title and a text box of its bullets."""
    presentation = Presentation()
    presentation.slide_width = Emu(int(SLIDE_WIDTH * 12700))
    presentation.slide_height = Emu(int(SLIDE_HEIGHT * 12700))
    layout = presentation.slide_layouts[5]
    box = [Emu(int(v * 12700)) for v in (0.55 * INCH, 1.4 * INCH, 12.2 * INCH, 5.6 * INCH)]
    for section in content["sections"]:
        slide = presentation.slides.add_slide(layout)
        slide.shapes.title.text = fill_in(section["title"], content)
        frame = slide.shapes.add_textbox(*box).text_frame
        frame.word_wrap = True
        lines = [(0, fill_in(section["lead"], content))] if section.get("lead") else []
        lines += [
            (level, f"{BULLETS[min(level, 2)]} {t}")
            for level, t in bullets(section.get("points", []), content)
        ]
        for index, (level, line) in enumerate(lines):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            paragraph.level = level
            run = paragraph.add_run()
            run.text = line
            run.font.size = Pt(20)
            run.font.name = "Arial"
        if section.get("notes"):
            slide.notes_slide.notes_text_frame.text = fill_in(section["notes"], content)
    presentation.core_properties.title = content["meta"]["title"]
    presentation.save(str(path))


def write_deck_pdf(content: dict[str, Any], path: Path) -> None:
    """Write a canvas PDF with one page per section (continued when its text overflows)."""
    canvas = Canvas(str(path), pagesize=(SLIDE_WIDTH, SLIDE_HEIGHT), pageCompression=1)
    canvas.setTitle(content["meta"]["title"])
    left, top, bottom = 0.55 * INCH, SLIDE_HEIGHT - 0.6 * INCH, 0.5 * INCH
    width = SLIDE_WIDTH - 2 * left
    for section in content["sections"]:
        title = fill_in(section["title"], content)
        canvas.setFillColor(HexColor(NAVY))
        canvas.setFont("Sans-Bold", 30)
        canvas.drawString(left, top - 30, title)
        y = top - 70
        lines = []
        if section.get("lead"):
            lines.append((0, "Sans-Italic", fill_in(section["lead"], content)))
        lines += [(level, "Sans", t) for level, t in bullets(section.get("points", []), content)]
        canvas.setFillColor(HexColor(TEXT))
        for level, font, line in lines:
            indent = 22 * (level + (font == "Sans"))
            for index, part in enumerate(simpleSplit(line, font, 20, width - indent)):
                if y < bottom:
                    canvas.showPage()
                    canvas.setFont("Sans-Bold", 30)
                    canvas.drawString(left, top - 30, f"{title} (cont.)")
                    y = top - 70
                canvas.setFont(font, 20)
                if index == 0 and font == "Sans":
                    canvas.drawString(left + indent - 18, y, BULLETS[min(level, 2)])
                canvas.drawString(left + indent, y, part)
                y -= 24
            y -= 6
        canvas.showPage()
    canvas.save()


def build_one(path: Path, out_dir: Path) -> None:
    """Read one content file and write brief.pdf, deck.pptx and deck.pdf into `out_dir`."""
    with path.open(encoding="utf-8") as stream:
        content = yaml.safe_load(stream)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_brief(content, out_dir / "brief.pdf")
    write_deck(content, out_dir / "deck.pptx")
    write_deck_pdf(content, out_dir / "deck.pdf")


def main() -> None:
    """Build each content file: into the output folder, or with several, a folder per file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("content", type=Path, nargs="+")
    parser.add_argument("--out-dir", type=Path, default=Path("output"))
    parser.add_argument("--jobs", type=int, default=1, help="processes for several files")
    args = parser.parse_args()
    register_fonts()
    if len(args.content) == 1:
        build_one(args.content[0], args.out_dir)
        return
    targets = [args.out_dir / path.stem for path in args.content]
    if args.jobs <= 1:
        for path, target in zip(args.content, targets, strict=True):
            build_one(path, target)
        return
    # Forked after the imports and fonts, so every worker starts warm, as in a batch tool.
    context = multiprocessing.get_context("fork")
    with context.Pool(args.jobs) as pool:
        pool.starmap(build_one, zip(args.content, targets, strict=True), chunksize=1)


if __name__ == "__main__":
    main()
