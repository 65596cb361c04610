"""Japanese a staff may really type: half-width katakana, long kana, long Latin words."""

from __future__ import annotations

import itertools
from pathlib import Path

import pdfplumber
import pytest
import test_japanese as japanese
from test_japanese import _visual_lines

from alliancedeck.compose.text import break_lines, written_lines
from external import libreoffice_convert, require
from kinsoku import CLOSING_MARKS, OPENING_MARKS

HALF_WIDTH = "ｱﾒﾘｶｶﾞｯｼｭｳｺｸｸﾞﾝﾄｼﾞｴｲﾀｲﾉｷｮｳﾄﾞｳｸﾝﾚﾝﾊﾞﾝｺﾞｳｼｮﾁﾀｲ｡｢ｶｯｺ｣､ｰﾟｰ｡"
LONG_KANA = (  # two phrases (budoux), the second wider than a line
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハ"
    "ヒフヘホマミムメモヤユヨラリルレロワヲンアイウエオカキクケコサシスセソタチツテト"
)


def _one_em(text: str, size: float) -> float:
    return len(text) * size


@pytest.mark.parametrize("width", range(40, 200, 5))  # from 8 characters: ｺ｣､ｰﾟｰ｡ is 7
def test_half_width_katakana_keeps_kinsoku_both_ways(width):
    lines = break_lines(HALF_WIDTH, width, _one_em, 5)
    assert "".join(lines) == HALF_WIDTH
    for line in lines:
        assert line[0] not in CLOSING_MARKS, lines
        assert line[-1] not in OPENING_MARKS, lines


def test_half_width_katakana_breaks_between_characters_like_katakana():
    # A run of half-width katakana is Japanese, not one Latin word: the line before it is filled.
    lines = break_lines("半角カタカナ：" + HALF_WIDTH, 100, _one_em, 5)
    assert len(lines[0]) > len("半角カタカナ："), lines


@pytest.mark.parametrize("width", [300, 330, 370])
def test_a_japanese_phrase_wider_than_the_line_fills_the_line_before_it(width):
    lines = break_lines(LONG_KANA, width, _one_em, 10)
    assert "".join(lines) == LONG_KANA
    for line in lines[:-1]:
        assert len(line) * 10 > width - 20, lines  # no line left half empty


def test_a_latin_word_cut_to_fit_keeps_its_cut_in_the_deck():
    # LibreOffice and PowerPoint would cut the word elsewhere: the layout's cut is written.
    text = "Interoperabilityassessmentcoordinationcell"
    lines = break_lines(text, 150, _one_em, 5)
    assert len(lines) > 1
    assert tuple(written_lines(text, lines)) == tuple(lines)
    # Text broken only at its spaces is left to the client.
    assert tuple(written_lines("one two three", ["one two", "three"])) == ("one two three",)


# ----- the awkward brief built, and read back from the brief, the deck PDF and LibreOffice -----

HOSTILE = Path(__file__).parent / "hostile.yaml"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """Return the awkward brief's products and LibreOffice's rendering of its deck."""
    from alliancedeck.api import build

    result = build(HOSTILE, out_dir=tmp_path_factory.mktemp("hostile"))
    assert not [w for w in result.warnings if "no layout font" in w.message]
    products = {p.backend: p.path for p in result.products}
    require("fonts-morisawa-bizud-gothic" if not _bizud_installed() else "soffice")
    products["libreoffice"] = libreoffice_convert(
        products["slides"], tmp_path_factory.mktemp("hostile-lo"), "pdf"
    )
    return products


def _bizud_installed() -> bool:
    import shutil
    import subprocess

    fc_list = shutil.which("fc-list")
    listed = subprocess.run([fc_list], capture_output=True, text=True).stdout if fc_list else ""
    return "BIZ UDPGothic" in listed


def _texts(path: Path) -> list[str]:
    """Return the text of each line drawn in the PDF at `path`, bullets left out."""
    texts = ("".join(c["text"] for c in line) for line in _visual_lines(path))
    # LibreOffice may set a bullet on its own baseline: compare the text only.
    return [t for t in (t.lstrip("\u2022\u2013\u25e6") for t in texts) if t]


@pytest.mark.parametrize("product", ["pdf", "deck-pdf", "libreoffice"])
def test_awkward_japanese_keeps_kinsoku_in_every_rendering(hostile, product):
    texts = _texts(hostile[product])
    assert any("ｶﾞ" in t for t in texts) and any("（試験）" in t for t in texts)
    for text in texts:
        assert text[0] not in CLOSING_MARKS, text
        assert text[-1] not in OPENING_MARKS, text


def test_libreoffice_breaks_awkward_lines_where_the_deck_pdf_does(hostile):
    ours = sorted(_texts(hostile["deck-pdf"]))
    theirs = sorted(_texts(hostile["libreoffice"]))
    assert ours == theirs


def test_in_libreoffice_awkward_text_stays_in_its_frames_and_cards(hostile):
    # The checks the Japanese test brief passes, on this brief.
    japanese.test_in_libreoffice_every_glyph_stays_inside_its_frame(hostile, hostile["libreoffice"])
    japanese.test_in_libreoffice_no_glyphs_collide_and_none_leaves_its_card(
        hostile, hostile["libreoffice"]
    )


def test_a_long_kana_point_fills_its_lines_in_the_deck(hostile):
    kana = next(t for t in _texts(hostile["deck-pdf"]) if t.startswith("アイウエオ"))
    lines = [kana]
    for text in _texts(hostile["deck-pdf"])[_texts(hostile["deck-pdf"]).index(kana) + 1 :]:
        if (
            not text
            or text[0] not in "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホ"
        ):
            break
        lines.append(text)
    widest = max(len(line) for line in lines)
    # A line ends early only where what follows could not have joined it: no half-empty line
    # before a phrase that would have fitted.
    for line, following in itertools.pairwise(lines):
        assert len(line) + len(following) > widest, lines
        assert len(line) > widest // 3, lines


def test_a_character_no_font_has_is_reported_where_it_is_with_what_to_type(tmp_path):
    from alliancedeck.api import build

    path = tmp_path / "content.yaml"
    path.write_text(
        "meta:\n  title: 架空の試験\n  language: ja-JP\n"
        "sections:\n  - title: 縦書き\n    points:\n"
        "      - 縦書き用の読点︑と絵文字🚀。\n      - 縦書きの括弧︵\n",
        encoding="utf-8",
    )
    result = build(path, out_dir=tmp_path / "out")
    missing = {w.message.split('"')[1]: w for w in result.warnings if "no layout font" in w.message}
    comma, rocket = missing["︑"], missing["🚀"]
    assert (comma.location.line, comma.location.column) == (7, 16)
    assert 'type "、" instead' in comma.message  # the horizontal form, which the fonts have
    assert (rocket.location.line, rocket.location.column) == (7, 21)
    assert "remove the character" in rocket.message
    assert 'type "（" instead' in missing["︵"].message


def test_japanese_table_columns_fit_their_width_by_breaking_between_phrases():
    from alliancedeck.compose.text import column_widths

    columns = [["地域", "中部"], ["備考", "最大の地域（架空）であり、「訓練区域」を含む"]]
    widths = column_widths(columns, lambda t: len(t) * 10.0, lambda t: len(t) * 10.0, 8, 150)
    assert sum(widths) <= 150 + 1e-6, widths


def test_a_japanese_table_cell_in_the_brief_wraps_inside_its_column(tmp_path):
    from alliancedeck.api import build

    path = tmp_path / "content.yaml"
    path.write_text(
        "meta:\n  title: 架空の表\n  language: ja-JP\n"
        "sections:\n  - title: 架空の施設\n    table:\n"
        "      columns: [地域, 施設数, 備考]\n      rows:\n"
        "        - [北部, 12, 架空の数字]\n"
        "        - [中部, 31, 最大の地域（架空）であり、「訓練区域」と「補給施設」、そして"
        "「整備施設」を含む]\n",
        encoding="utf-8",
    )
    result = build(path, out_dir=tmp_path / "out")
    brief = next(p.path for p in result.products if p.backend == "pdf")
    with pdfplumber.open(brief) as pdf:
        page = pdf.pages[0]
        cell = [c for c in page.chars if c["text"] in "訓練補給整"]
        assert len(cell) == 5
        # The brief's first column ends before the middle of the page; the cell wraps in it.
        assert max(c["x1"] for c in cell) < page.width / 2, max(c["x1"] for c in cell)
        assert len({round(c["top"]) for c in cell}) > 1


@pytest.mark.parametrize("width", range(30, 120, 5))
def test_a_break_after_a_hyphen_keeps_kinsoku(width):
    text = "日米-ッ協力とアジア-ー太平洋"  # a hyphen before a small kana or a prolonged mark
    lines = break_lines(text, width, _one_em, 5)
    assert "".join(lines) == text
    assert not any(line[0] in CLOSING_MARKS for line in lines), lines


@pytest.mark.parametrize("width", range(30, 200, 5))
def test_a_space_before_a_closing_mark_or_after_an_opening_one_is_no_break(width):
    from alliancedeck.compose.text import line_starts

    text = "協力の文 、空白の後の読点と「 開き括弧の後の空白 」がある Committee ）と続く"
    lines = break_lines(text, width, _one_em, 5)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert not any(line[0] in CLOSING_MARKS for line in lines[1:]), lines
    assert not any(line[-1] in OPENING_MARKS for line in lines[:-1]), lines
    # The brief's breaker takes its break opportunities from line_starts.
    _, allowed = line_starts(text)
    for start in allowed:
        assert text[start] not in CLOSING_MARKS, text[start:]
        assert text[:start].rstrip()[-1] not in OPENING_MARKS, text[:start]
