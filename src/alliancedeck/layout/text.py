"""Measured text: break a paragraph into lines with real font metrics, in any script."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alliancedeck.design import TextStyle

#: Steps in which a text role shrinks towards its minimum size, in points.
SIZE_STEP = 1.0

#: Width measure: (text, size) -> advance width in points, for one font.
Measure = Callable[[str, float], float]

# Characters that may not start a line (Japanese kinsoku shori, basic set) and may not end one.
_NO_LINE_START = set(
    "、。，．・：；？！ー)）]］}｝」』〉》〕】〙〗〟’”ゝゞヽヾぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々〻‐゠–〜…‥"
)
_NO_LINE_END = set("(（[［{｛「『〈《〔【〘〖〝‘“")
_SPACE = re.compile(r"(\s+)")
_AFTER_HYPHEN = re.compile(r"(?<=[^\W\d_]-)(?=[^\W\d_])")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])[\"'”’)]*\s+|(?<=[。！？])")


def is_wide(char: str) -> bool:
    """Return whether `char` is a CJK character after which a line may break without a space."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def _pieces(text: str) -> Iterator[tuple[str, str]]:
    """Yield (word, trailing space) pairs; wide characters are pieces of their own."""
    for chunk in _SPACE.split(text):
        if not chunk:
            continue
        if chunk.isspace():
            yield "", " "
            continue
        if chunk.isascii() or not any(map(is_wide, chunk)):  # no break inside: one piece
            yield chunk, ""
            continue
        buffer = ""
        for char in chunk:
            wide = is_wide(char) or (buffer and is_wide(buffer[-1]) and char not in _NO_LINE_START)
            breakable = buffer and not (char in _NO_LINE_START or buffer[-1] in _NO_LINE_END)
            if wide and breakable:
                yield buffer, ""
                buffer = ""
            buffer += char
        if buffer:
            yield buffer, ""


def _merge_spaces(text: str) -> list[tuple[str, str]]:
    """Return (piece, following space) pairs; a line may also break after a hyphen in a word."""
    merged: list[tuple[str, str]] = []
    for word, space in _pieces(text):
        if not word:
            if merged:
                merged[-1] = (merged[-1][0], " ")
            continue
        parts = _AFTER_HYPHEN.split(word)
        merged.extend((part, "") for part in parts[:-1])
        merged.append((parts[-1], space))
    return merged


def break_word(word: str, width: float, measure: Measure, size: float) -> list[str]:
    """Return `word` cut into pieces no wider than `width` (at least one character each)."""
    parts: list[str] = []
    current = ""
    used = 0.0
    for char in word:
        char_width = measure(char, size)
        if current and used + char_width > width:
            parts.append(current)
            current, used = "", 0.0
        current += char
        used += char_width
    if current:
        parts.append(current)
    return parts


def break_lines(text: str, width: float, measure: Measure, size: float) -> list[str]:
    """Return `text` broken into lines that each measure at most `width` points at `size`.

    Lines break at spaces and between CJK characters (respecting the basic kinsoku rules);
    a word wider than `width` (a URL, a code) is cut between characters. Explicit newlines
    in `text` start new lines. Every non-space character of `text` appears in the result.
    """
    lines: list[str] = []
    for hard_line in text.split("\n"):
        lines.extend(_break_one(hard_line, width, measure, size))
    return lines or [""]


def _break_one(text: str, width: float, measure: Measure, size: float) -> list[str]:
    pieces = _merge_spaces(text.strip())
    if not pieces:
        return [""]
    space_width = measure(" ", size)
    lines: list[str] = []
    line = ""
    used = 0.0
    pending_space = ""
    for word, space in pieces:
        word_width = measure(word, size)
        gap = space_width if pending_space else 0.0
        if line and used + gap + word_width <= width:
            line += pending_space + word
            used += gap + word_width
        else:
            if line:
                lines.append(line)
            if word_width > width:
                parts = break_word(word, width, measure, size)
                lines.extend(parts[:-1])
                line = parts[-1]
                used = measure(line, size)
            else:
                line, used = word, word_width
        pending_space = space
    lines.append(line)
    return lines


def split_sentences(text: str) -> list[str]:
    """Return `text` split after each sentence end (. ! ? and their CJK forms), stripped.

    A closing quote or bracket after the end stays with its sentence.
    """
    parts, start = [], 0
    for end in _SENTENCE_END.finditer(text):
        parts.append(text[start : end.end()].strip())
        start = end.end()
    parts.append(text[start:].strip())
    return [p for p in parts if p] or [text]


def cut_after(text: str, pieces: Sequence[str]) -> tuple[str, str]:
    """Return `text` cut where `pieces` (its start, as sentences or lines) end, as (head, rest).

    `pieces` may have lost the spaces between them (lines do); the cut is found by counting
    the characters that are not spaces, so no space is added where the text had none (Japanese,
    a line broken after a hyphen or inside a long word).
    """
    wanted = sum(len(p) - sum(c.isspace() for c in p) for p in pieces)
    seen = 0
    for index, char in enumerate(text):
        if seen == wanted:
            return text[:index].rstrip(), text[index:].lstrip()
        seen += not char.isspace()
    return text.rstrip(), ""


def column_widths(
    columns: list[list[str]],
    measure_head: Callable[[str], float],
    measure_body: Callable[[str], float],
    padding: float,
    width: float,
) -> list[float]:
    """Return widths for table `columns` (each a column's texts, header first) within `width`.

    When every column fits on one line, each gets its text's width and the spare room is
    shared evenly; otherwise each gets at least its longest word and the rest of `width` in
    proportion to how much more its longest text wants.
    """
    natural, least = [], []
    for texts in columns:
        measures = [measure_head if i == 0 else measure_body for i in range(len(texts))]
        natural.append(max(m(t) for m, t in zip(measures, texts, strict=True)) + padding)
        least.append(
            max(
                max((m(w) for w in t.split()), default=0.0)
                for m, t in zip(measures, texts, strict=True)
            )
            + padding
        )
    if sum(natural) <= width:
        extra = (width - sum(natural)) / len(natural)
        return [n + extra for n in natural]
    spare = max(0.0, width - sum(least))
    wanted = [n - m for n, m in zip(natural, least, strict=True)]
    share = sum(wanted) or 1.0
    return [m + spare * w / share for m, w in zip(least, wanted, strict=True)]


def sizes_between(style: TextStyle) -> list[float]:
    """Return the sizes to try for `style`, from its size down to its minimum."""
    steps = max(0, math.floor((style.size - style.min_size) / SIZE_STEP + 1e-9))
    sizes = [style.size - i * SIZE_STEP for i in range(steps + 1)]
    if sizes[-1] > style.min_size:
        sizes.append(style.min_size)
    return sizes
