"""The PDFs' text operators written by `pdf_common` are the bytes reportlab's text objects write.

`TEXT_WRITER` off, every text goes through reportlab's `beginText`/`textOut`/`drawString`;
on, `pdf_common` writes the same operators itself. Whole products built both ways are
compared byte for byte, and a property compares single texts: parentheses and backslashes
(escaped), characters past the first subset (a new font name), characters no font has.
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from alliancedeck.api import build
from alliancedeck.draw import pdf_common
from alliancedeck.draw.ttf_face import Face
from conftest import REPO

FONTS = REPO / "src" / "alliancedeck" / "fonts"
BRIEFS = {
    "default": REPO / "content.yaml",
    "emphasis": REPO / "tests" / "backends" / "emphasis.yaml",  # runs, links, Japanese
    "japanese": REPO / "tests" / "i18n" / "japanese.yaml",
    "hostile": REPO / "tests" / "i18n" / "hostile.yaml",
    "blocks": REPO / "examples" / "blocks" / "content.yaml",  # tables, charts, bullets
}


def _digests(content, out) -> dict[str, str]:
    result = build(content, out_dir=out)
    return {
        p.path.name: hashlib.sha256(p.path.read_bytes()).hexdigest()
        for p in result.products
        if p.path.suffix == ".pdf"
    }


@pytest.mark.parametrize("name", sorted(BRIEFS))
def test_both_pdfs_are_the_bytes_reportlab_writes(name, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("ALLIANCEDECK_NO_PARALLEL", "1")  # both PDFs drawn in this process
    shown = pdf_common._shown
    calls = []

    def counted(*args):
        calls.append(args)
        return shown(*args)

    monkeypatch.setattr(pdf_common, "_shown", counted)
    ours = _digests(BRIEFS[name], tmp_path / "ours")
    assert calls  # the writer wrote the texts
    monkeypatch.setattr(pdf_common, "TEXT_WRITER", False)
    del calls[:]
    theirs = _digests(BRIEFS[name], tmp_path / "reportlab")
    assert not calls
    assert sorted(ours) == ["brief.pdf", "deck.pdf"]
    assert ours == theirs


def _font(name: str, file_name: str) -> str:
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(Face(name, str(FONTS / file_name)))
    return name


#: Latin with what PDF strings escape, and Japanese past the first subset, some of it in no
#: font here (a Latin face lacks all of it).
ALPHABET = "ab AB()\\\r\n.\u00a0\u00e9\u2014" + "".join(chr(c) for c in range(0x4E00, 0x4E00 + 400))


#: More Japanese characters than the first subset holds: the font is named again, its next
#: subset, before the chunk past it.
KANJI = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 300))


@settings(max_examples=40, deadline=None)
@example(
    [
        (KANJI[:150], "BIZUDPGothic-Regular.ttf", 10.5, 0.0),
        (KANJI, "BIZUDPGothic-Regular.ttf", 12, 3.25),
    ]
)
@given(
    st.lists(
        st.tuples(
            st.text(alphabet=ALPHABET, max_size=30),
            st.sampled_from(["LiberationSans-Regular.ttf", "BIZUDPGothic-Regular.ttf"]),
            st.sampled_from([7, 10.5, 12, 28.25]),
            st.floats(min_value=-50, max_value=900, allow_nan=False),
        ),
        max_size=25,
    )
)
def test_strings_and_text_objects_are_written_as_reportlab_writes_them(texts):
    codes = []
    for writer in (True, False):
        canvas = Canvas(None)
        pdf_common.TEXT_WRITER = writer
        try:
            text_object = pdf_common._TextObject(canvas) if writer else canvas.beginText()
            for text, file_name, size, x in texts:
                font = _font(f"Writer-{file_name}", file_name)
                pdf_common.draw_string(canvas, x, 700.5, text, font, size)
                if writer:
                    text_object.text(x, 20, text, font, size)
                else:
                    text_object.setFont(font, size)
                    text_object.setTextOrigin(x, 20)
                    text_object.textOut(text)
            if writer:
                text_object.draw(canvas)
            else:
                canvas.drawText(text_object)
        finally:
            pdf_common.TEXT_WRITER = True
        fonts = {
            name: (state.assignments, state.subsets)
            for name in {f"Writer-{file_name}" for _, file_name, _, _ in texts}
            for state in [pdfmetrics.getFont(name).state[canvas._doc]]
        }
        codes.append((canvas._code, fonts))
    assert codes[0] == codes[1]
