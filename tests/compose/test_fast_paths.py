"""The shortcuts long briefs take give what the general code gives, on any text."""

from __future__ import annotations

import itertools

from hypothesis import example, given, settings
from hypothesis import strategies as st

from alliancedeck.compose import text
from alliancedeck.draw.pdf_tags import _spaces_after

#: Letters, hyphens, the marks kinsoku keeps off a line's start or end, spaces of several kinds.
PIECES = st.sampled_from(
    [
        *(
            "ab",
            "c",
            "-",
            " ",
            "  ",
            "\t",
            "\n",
            "\xa0",
            "\u3000",
            "(",
            ")",
            ".",
            ",",
            "%",
            "[",
            "{",
        ),
        *("\u201c", "\u201d", "\u2013", "日本", "、"),
    ]
)
TEXTS = st.lists(PIECES, max_size=14).map("".join)


@settings(max_examples=400, deadline=None)
@example("a well-known ( point ) , said \u201c so \u201d .")  # every kind of join
@example("ab-c d ")  # a break after a hyphen, a space at the end
@given(TEXTS)
def test_plain_words_are_cut_as_the_japanese_rules_cut_them(sample):
    # With the flag off every text takes the general path (Japanese phrases, regex split).
    fast = text._cut_pieces(sample, True)
    saved = text.CJK_ONLY_WHERE_NEEDED
    try:
        text.CJK_ONLY_WHERE_NEEDED = False
        general = text._cut_pieces(sample, False)
    finally:
        text.CJK_ONLY_WHERE_NEEDED = saved
    if not text.needs_cjk_rules(sample):
        assert fast == general


def _spaces_walked(lines: tuple[str, ...], source: str) -> list[bool] | None:
    """The character walk `_spaces_after` replaced: the reference."""
    if "".join(lines).split() and "".join("".join(lines).split()) != "".join(source.split()):
        return None
    result, position = [], 0
    for line in lines[:-1]:
        for char in line:
            if char.isspace():
                continue
            while position < len(source) and source[position].isspace():
                position += 1
            position += 1
        result.append(position < len(source) and source[position].isspace() and bool(line))
    return result


@settings(max_examples=400, deadline=None)
@given(TEXTS, st.lists(st.integers(0, 40), max_size=4), st.booleans(), st.booleans())
def test_soft_break_spaces_are_found_where_the_text_has_them(sample, cuts, strip, at_spaces):
    if at_spaces:
        lines = tuple(sample.split(" "))
    else:
        bounds = sorted({min(c, len(sample)) for c in cuts})
        edges = [0, *bounds, len(sample)]
        lines = tuple(sample[a:b] for a, b in itertools.pairwise(edges))
        if strip:
            lines = tuple(line.strip() for line in lines)
    assert _spaces_after(lines, sample) == _spaces_walked(lines, sample)


#: ASCII words of several widths, hyphens, marks kinsoku keeps off a line's start or end, and
#: runs of spaces: what `_break_ascii` takes.
ASCII_PIECES = st.sampled_from(
    ["a", "word", "Alliance", "interoperability", "-", " ", "  ", "\t", "(", ")", ".", "%"]
)


def _measure(sample: str, size: float) -> float:
    """Widths of a real face (Helvetica, a core font reportlab has without a file)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(sample, "Helvetica", size)


def _monospaced(sample: str, size: float) -> float:
    """Widths that add up exactly (half an em a character), so that lines fit to the bit."""
    return len(sample) * size / 2


@settings(max_examples=600, deadline=None)
@given(
    st.lists(ASCII_PIECES, max_size=30).map("".join),
    st.floats(min_value=1, max_value=400) | st.integers(0, 200),
    st.sampled_from([7.0, 10.5, 12.0, 18.0, 24.0]),
    st.sampled_from([_measure, _monospaced]),
)
def test_ascii_paragraphs_break_as_the_general_loop_breaks_them(sample, room, size, measure):
    # A whole number stands for the width of the text's first characters up to it (spaces
    # at its ends dropped): a line that fits exactly, where any slip shows.
    width = room if isinstance(room, float) else measure(sample[:room].strip(), size)
    saved = text.ASCII_BREAKER
    try:
        text.ASCII_BREAKER = False
        general = text.break_lines(sample, width, measure, size)
    finally:
        text.ASCII_BREAKER = saved
    calls = []
    plain = text._break_ascii

    def counted(*args):
        calls.append(args)
        return plain(*args)

    text._break_ascii = counted
    try:
        fast = text.break_lines(sample, width, measure, size)
    finally:
        text._break_ascii = plain
    assert fast == general
    if sample.strip() and "\n" not in sample:
        assert calls  # the shortcut was tried


#: Latin, accents and dashes, and the first and last characters of every range
#: `is_east_asian` counts, with their neighbours outside it.
_EDGES = [0x3000, 0x30FF, 0x31F0, 0x31FF, 0x3400, 0x4DBF, 0x4E00, 0x9FFF, 0xF900, 0xFAFF]
_EDGES += [0xFF00, 0xFFEF, 0x20000, 0x3FFFF]
SCRIPTS = "ab .\u00e9\u2014\u00a0" + "".join(
    chr(code + step) for code in _EDGES for step in (-1, 0, 1)
)


@settings(max_examples=300, deadline=None)
@example("Notional \u2014 caf\u00e9", True)
@example("\u2fff\u3000\u31ef\u31f0\u31ff\u3200 \U0001ffff\U00020000\U0003ffff\U00040000", False)
@given(st.text(alphabet=SCRIPTS, max_size=20), st.booleans())
def test_texts_are_cut_by_script_as_the_character_walk_cuts_them(sample, japanese):
    from alliancedeck import fonts
    from alliancedeck.markup import Run

    assert text.has_east_asian(sample) == any(map(text.is_east_asian, sample))
    runs = [Run(sample, japanese=japanese)] if sample else []
    fast = fonts.script_runs(runs)
    saved = fonts.has_east_asian
    try:
        fonts.has_east_asian = lambda _: True  # every non-ASCII run walked
        walked = fonts.script_runs(runs)
    finally:
        fonts.has_east_asian = saved
    assert fast == walked
