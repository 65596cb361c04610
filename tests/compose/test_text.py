"""Line breaking with real metrics: widths respected, words kept, CJK and long tokens handled."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliancedeck.compose.text import break_lines, split_sentences
from alliancedeck.fonts import font_book
from alliancedeck.layout_files import PACKAGE_LAYOUTS, load_design
from kinsoku import CLOSING_MARKS, OPENING_MARKS


@pytest.fixture(scope="module")
def measure():
    theme = load_design((PACKAGE_LAYOUTS / "default.yaml").resolve())
    book = font_book(theme, Path.cwd())
    name = book.pdf_name(theme.deck["body"])
    return lambda text, size: book.width(text, name, size)


def test_lines_fit_the_width_and_keep_every_word(measure):
    text = (
        "About 54,000 U.S. troops are stationed in Japan and have the exclusive use of "
        "85 facilities."
    )
    lines = break_lines(text, 300, measure, 20)
    assert lines == [
        "About 54,000 U.S. troops are",
        "stationed in Japan and have the",
        "exclusive use of 85 facilities.",
    ]
    assert all(measure(line, 20) <= 300 for line in lines)
    # Greedy: the next line's first word would not have fitted on the line before.
    for line, following in itertools.pairwise(lines):
        assert measure(f"{line} {following.split()[0]}", 20) > 300


def test_a_token_longer_than_the_frame_is_cut_not_left_to_overflow(measure):
    token = "https://example.org/" + "x" * 120
    lines = break_lines(token, 200, measure, 20)
    assert len(lines) > 3
    assert "".join(lines) == token
    assert all(measure(line, 20) <= 200 for line in lines)


def test_breaks_after_a_hyphen_inside_a_word(measure):
    width = measure("make cost-", 20) + 1
    assert break_lines("make cost-sharing", width, measure, 20) == ["make cost-", "sharing"]


def test_japanese_breaks_between_characters_but_not_before_closing_marks():
    def measure(text, size):
        return len(text) * size

    lines = break_lines("日米同盟は、アジアにおける米国の役割の要である。", 100, measure, 10)
    assert "".join(lines) == "日米同盟は、アジアにおける米国の役割の要である。"
    assert all(len(line) <= 10 for line in lines)
    assert not any(line.startswith(("、", "。")) for line in lines)


def test_split_sentences_keeps_every_character():
    text = "One thing. Two things! Three? 日本。米国。"
    assert split_sentences(text) == ["One thing.", "Two things!", "Three?", "日本。", "米国。"]


words = st.text(
    alphabet=st.characters(codec="latin-1", categories=("L", "N", "P")), min_size=1, max_size=30
)


@settings(max_examples=150, deadline=None)
@given(st.lists(words, min_size=1, max_size=40), st.floats(min_value=40, max_value=900))
def test_every_line_fits_and_no_character_is_lost(measure, parts, width):
    text = " ".join(parts)
    lines = break_lines(text, width, measure, 14)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        assert measure(line, 14) <= width + 1e-6 or len(line) == 1


@pytest.mark.parametrize("words", [1, 3, 8, 20])
def test_a_frame_as_wide_as_frame_width_sets_its_text_on_one_line(words):
    """Table columns are sized with frame_width: a cell that fits must not wrap."""
    from alliancedeck.compose.deck import TextSetter

    theme = load_design((PACKAGE_LAYOUTS / "default.yaml").resolve())
    book = font_book(theme, Path.cwd())
    setter = TextSetter(theme, book)
    text = " ".join(["Notional"] * words)
    natural = book.width(text, setter.font("table", 16).pdf_name, 16)
    paragraph = setter.paragraph(text, "table", 16, setter.frame_width(natural))
    assert paragraph.lines == (text,)


def _one_em(text, size):
    return len(text) * size


@pytest.mark.parametrize("width", range(30, 200, 10))
def test_japanese_lines_keep_kinsoku_both_ways(width):
    text = "日米韓の三か国協力（調整）は、「自由で開かれたインド太平洋」の柱（要）である。"
    lines = break_lines(text, width, _one_em, 10)
    assert "".join(lines) == text
    for line in lines:
        assert line[0] not in CLOSING_MARKS, lines
        assert line[-1] not in OPENING_MARKS, lines


def test_a_latin_word_inside_japanese_breaks_only_at_its_own_break_points():
    text = "相互運用性（interoperability）の向上と共同訓練の拡大"
    for width in range(100, 300, 10):  # the word is 90 wide
        lines = break_lines(text, width, _one_em, 5)
        assert any("interoperability" in line for line in lines), (width, lines)


def test_short_japanese_words_in_a_label_stay_whole():
    # Two lines are needed; the break falls between phrases, not inside 駐留経費負担 or 年額.
    lines = break_lines("架空の在日米軍駐留経費負担（年額）", 130, _one_em, 10)
    assert lines == ["架空の在日米軍駐留経費負担", "（年額）"]


def test_autospace_between_japanese_and_latin_is_counted():
    from alliancedeck.compose.text import autospace

    assert autospace("約5万4千人") == 4 * 0.25
    assert autospace("日本語") == 0 and autospace("Japan") == 0
    assert autospace("and 安倍 met") == 2 * 0.25  # beside a space too, as LibreOffice does
    # Without the room autospacing takes, 約5万4千人 would fit a 6-em line.
    assert break_lines("約5万4千人", 60, _one_em, 10) != ["約5万4千人"]
    assert break_lines("約5万4千人", 70, _one_em, 10) == ["約5万4千人"]


def test_break_word_never_ends_a_piece_with_an_opening_mark():
    from alliancedeck.compose.text import break_word

    for width in range(20, 80, 10):
        parts = break_word("協力（調整）と連携（協議）", width, _one_em, 10)
        assert "".join(parts) == "協力（調整）と連携（協議）"
        assert not any(part[-1] in OPENING_MARKS for part in parts), parts


japanese_text = st.text(
    alphabet=st.sampled_from(list("日米同盟のアジア安全保障、。（）「」・ー っゃ ABCxyz 123,.")),
    min_size=1,
    max_size=80,
)


@settings(max_examples=200, deadline=None)
@given(japanese_text, st.floats(min_value=30, max_value=400))
def test_japanese_lines_fit_with_their_autospace_and_lose_nothing(measure, text, width):
    from alliancedeck.compose.text import autospace

    lines = break_lines(text, width, measure, 10)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        assert measure(line, 10) + autospace(line) * 10 <= width + 1e-6 or len(line) == 1
