"""Measured text: break a paragraph into lines with real font metrics, in any script."""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alliancedeck.design import TextStyle

#: Steps in which a text role shrinks towards its minimum size, in points.
SIZE_STEP = 1.0

#: Width measure: (text, size) -> advance width in points, for one font.
Measure = Callable[[str, float], float]
#: Width measure of styled text: (piece, where it starts in the text, size) -> advance width.
MeasureAt = Callable[[str, int, float], float]

# Japanese line breaking (kinsoku shori): characters that may not start a line (closing
# brackets and quotes, sentence and phrase marks, the prolonged sound mark, small kana,
# iteration marks) and characters that may not end one (opening brackets and quotes).
NO_LINE_START = frozenset(
    "、。，．・：；？！ー)）]］}｝」』〉》〕】〙〗〟’”ゝゞヽヾぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ"
    "ㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ々〻‐゠–〜～…‥%％,.:;!?゛゜"
    "｡､｣･ｰﾞﾟｧｨｩｪｫｬｭｮｯ"  # half-width forms (ﾞ and ﾟ are the voiced marks of the kana before)
)
NO_LINE_END = frozenset("(（[［{｛「『〈《〔【〘〖〝‘“｢")
#: Space a client's autospacing puts where Japanese meets other text, in ems (LibreOffice 7.4
#: measured: 0.24-0.25 em at 10-40 pt; DrawingML has no setting that turns it off).
AUTOSPACE_EM = 0.25
_SPACE = re.compile(r"(\s+)")
#: Japanese line breaking (phrases, kinsoku between characters) only for paragraphs that hold
#: a wide character; other paragraphs break at spaces and hyphens alone, with the same result.
#: Off (False): every paragraph goes through the Japanese rules (a test compares the bytes).
CJK_ONLY_WHERE_NEEDED = True
#: Widths remembered per font and size by `remembering` (False: every width measured afresh).
WIDTH_CACHE = True
#: A paragraph of ASCII text in one face broken by `_break_ascii` (no autospace to count);
#: off (False): by the general loop, with the same lines (a test compares them).
ASCII_BREAKER = True
# After a hyphen between letters, unless what follows may not start a line (日米-ッ).
_AFTER_HYPHEN = re.compile(
    r"(?<=[^\W\d_]-)(?=[^\W\d_])(?![" + re.escape("".join(sorted(NO_LINE_START))) + "])"
)
#: Where two words around a space must stay on one line (a word ending in an opening bracket,
#: one starting with a mark no line may start with: a closing bracket or quote, . , ; : ! ? %
#: and the Japanese ones): a text without it, and without a hyphen, breaks at every space.
_MERGED_AT_SPACE = re.compile(
    "["
    + re.escape("".join(sorted(NO_LINE_END)))
    + r"](?=\s)|(?<=\s)["
    + re.escape("".join(sorted(NO_LINE_START)))
    + "]"
)
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])[\"'”’)]*\s+|(?<=[。！？])")


def is_wide(char: str) -> bool:
    """Return whether `char` is a CJK character after which a line may break without a space.

    Half-width katakana counts: it breaks like katakana, not like a Latin word.
    """
    return unicodedata.east_asian_width(char) in ("W", "F") or "\uff61" <= char <= "\uff9f"


#: The characters `is_east_asian` answers yes for, as one character class.
_EAST_ASIAN = re.compile(
    "[\u3000-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
    "\U00020000-\U0003ffff]"
)


def has_east_asian(text: str) -> bool:
    """Return whether any character of `text` is Japanese (`is_east_asian`), in one search."""
    return not text.isascii() and _EAST_ASIAN.search(text) is not None


def is_east_asian(char: str) -> bool:
    """Return whether `char` is Japanese (kana, kanji, CJK punctuation, full-width forms).

    These are the characters PowerPoint and LibreOffice draw in a run's East Asian typeface.
    """
    code = ord(char)
    return (
        0x3000 <= code <= 0x30FF  # CJK symbols and punctuation, hiragana, katakana
        or 0x31F0 <= code <= 0x31FF  # katakana phonetic extensions
        or 0x3400 <= code <= 0x4DBF  # CJK extension A
        or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0xF900 <= code <= 0xFAFF  # CJK compatibility ideographs
        or 0xFF00 <= code <= 0xFFEF  # full-width and half-width forms
        or 0x20000 <= code <= 0x3FFFF  # CJK extensions B and later
    )


def _autospaced(left: str, right: str) -> bool:
    """Return whether a client puts autospace between the adjacent characters `left`, `right`.

    LibreOffice puts it wherever Japanese meets any other script, a space included.
    """
    return is_east_asian(left) != is_east_asian(right)


def autospace(text: str) -> float:
    """Return the autospace clients add inside `text`, in ems (see `AUTOSPACE_EM`)."""
    if text.isascii():
        return 0.0
    return AUTOSPACE_EM * sum(_autospaced(a, b) for a, b in itertools.pairwise(text))


@lru_cache(maxsize=1)
def _phrase_parser():
    import budoux  # small, pure Python: a phrase model for Japanese

    return budoux.load_default_japanese_parser()


def _units(chunk: str) -> list[str]:
    """Return `chunk` (text without spaces) cut where a line may break inside it.

    Japanese breaks between characters, except before a character that may not start a line
    or after one that may not end it; a run of other characters (a Latin word) is one unit.
    """
    units: list[str] = []
    for char in chunk:
        if units:
            last = units[-1]
            joined = not (is_wide(char) or is_wide(last[-1]))  # inside a Latin word
            if joined or char in NO_LINE_START or last[-1] in NO_LINE_END:
                units[-1] = last + char
                continue
        units.append(char)
    return units


def _phrases(chunk: str) -> list[str]:
    """Return `chunk` cut at Japanese phrase boundaries (never inside a word or a number)."""
    if not any(map(is_wide, chunk)):
        return [chunk]
    phrases: list[str] = []
    for phrase in _phrase_parser().parse(chunk):
        if phrases and (phrase[0] in NO_LINE_START or phrases[-1][-1] in NO_LINE_END):
            phrases[-1] += phrase
        else:
            phrases.append(phrase)
    return phrases


def needs_cjk_rules(text: str) -> bool:
    """Return whether `text` needs the Japanese line-breaking rules: it holds a wide character."""
    if not CJK_ONLY_WHERE_NEEDED:
        return True
    return not text.isascii() and any(map(is_wide, text))


def remembering(measure: Measure) -> Measure:
    """Return `measure` (one font's) remembering the width of each text at each size."""
    if not WIDTH_CACHE:
        return measure
    known: dict[tuple[str, float], float] = {}

    def remembered(text: str, size: float) -> float:
        key = (text, size)
        width = known.get(key)
        if width is None:
            width = known[key] = measure(text, size)
        return width

    return remembered


def _no_break(before: str, after: str) -> bool:
    """Return whether a line may not break between `before` and `after` (kinsoku)."""
    return before[-1:] in NO_LINE_END or after[:1] in NO_LINE_START


def _merge_spaces(text: str) -> tuple[tuple[str, str], ...]:
    """Return (piece, following space) pairs; a line may also break after a hyphen in a word.

    A paragraph tried at several sizes and widths is cut into pieces once (while
    `WIDTH_CACHE` is on: the caches-off path does all the work every time)."""
    if not WIDTH_CACHE:
        return _cut_pieces(text, CJK_ONLY_WHERE_NEEDED)
    return _cut_pieces_remembered(text, CJK_ONLY_WHERE_NEEDED)


def _cut_pieces(text: str, cjk_only_where_needed: bool) -> tuple[tuple[str, str], ...]:
    # `_pieces` and the merging, in one loop: a word with no hyphen is not split.
    merged: list[tuple[str, str]] = []
    cjk = needs_cjk_rules(text)
    if not cjk:  # words are what str.split finds (it cuts where `_SPACE` matches)
        words = text.split()
        if "-" not in text and not _MERGED_AT_SPACE.search(text):
            # No hyphen to break after and no word that must join the next: word by word.
            merged = [(word, " ") for word in words]
            if merged and not text[-1:].isspace():
                merged[-1] = (merged[-1][0], "")
            return tuple(merged)
        for word in words:
            parts = _AFTER_HYPHEN.split(word) if "-" in word else [word]
            if merged and (merged[-1][0][-1:] in NO_LINE_END or parts[0][:1] in NO_LINE_START):
                head, gap = merged.pop()
                parts[0] = head + gap + parts[0]
            if len(parts) > 1:
                merged.extend((part, "") for part in parts[:-1])
            merged.append((parts[-1], " "))  # a space follows, unless it is the last word
        if merged and not text[-1:].isspace():
            merged[-1] = (merged[-1][0], "")
        return tuple(merged)
    for chunk in _SPACE.split(text):
        if not chunk:
            continue
        if chunk.isspace():
            if merged:
                merged[-1] = (merged[-1][0], " ")
            continue
        for word in _phrases(chunk) if cjk else (chunk,):
            parts = _AFTER_HYPHEN.split(word) if "-" in word else [word]
            if merged and merged[-1][1] and _no_break(merged[-1][0], parts[0]):
                head, gap = merged.pop()  # a space before 、 or after 「 is no place to break
                parts[0] = head + gap + parts[0]
            merged.extend((part, "") for part in parts[:-1])
            merged.append((parts[-1], ""))
    return tuple(merged)


#: The last texts cut into pieces (one paragraph is tried at a few sizes in a row).
_cut_pieces_remembered = lru_cache(maxsize=256)(_cut_pieces)


def break_word(
    word: str,
    width: float,
    measure: Measure,
    size: float,
    first: float | None = None,
    *,
    measure_at: MeasureAt | None = None,
    offset: int = 0,
) -> list[str]:
    """Return `word` cut into pieces no wider than `width` (at least one character each).

    A Japanese phrase is cut between its characters by the kinsoku rules, a Latin word in it
    kept whole; only a unit wider than `width` by itself (a long URL) is cut anywhere. With
    `first`, the first piece is at most that wide instead (the rest of a line), and may be "".
    With `measure_at`, `word` starts at `offset` in the text it measures (styled runs).
    """
    parts: list[str] = []
    current = ""
    start = 0  # where `current` starts in `word`
    limit = width if first is None else first

    def wide(text: str, at: int) -> float:
        return _width_at(text, offset + at, measure, size, measure_at)

    def full(text: str) -> bool:
        return (bool(current) or limit < width) and wide(text, start) > limit

    position = 0
    for unit in _units(word) if needs_cjk_rules(word) else [word]:
        if full(current + unit):
            parts.append(current)
            current, start, limit = "", position, width
        if wide(unit, position) > width:
            for char in unit:
                if full(current + char):
                    cut = kinsoku_cut(current + char, len(current)) if current else 0
                    if wide(current[cut:] + char, start + cut) > width:
                        cut = len(current)  # no cut the rules allow fits: fit before the rules
                    parts.append(current[:cut])
                    current, start, limit = current[cut:], start + cut, width
                current += char
                position += 1
            continue
        current += unit
        position += len(unit)
    if current:
        parts.append(current)
    return parts


def kinsoku_cut(text: str, end: int) -> int:
    """Return where to cut `text` at or before `end` when no break opportunity is left.

    The last position that neither starts a line with a closing mark nor ends one with an
    opening mark; `end` itself if there is none (a line keeps at least one character).
    """
    for position in range(end, 0, -1):
        if text[position] not in NO_LINE_START and text[position - 1] not in NO_LINE_END:
            return position
    return end


def _width(text: str, measure: Measure, size: float) -> float:
    """Return the width a client may give `text`: its advance plus any autospace."""
    return measure(text, size) + autospace(text) * size


def _width_at(
    text: str, start: int, measure: Measure, size: float, measure_at: MeasureAt | None
) -> float:
    """Return `_width` of `text`, which starts at `start` of a styled text if `measure_at`."""
    if measure_at is None:
        return _width(text, measure, size)
    return measure_at(text, start, size) + autospace(text) * size


def _advance(text: str, position: int, piece: str) -> tuple[int, int]:
    """Return where `piece`, found in `text` from `position` on, starts and ends (a space in
    `piece` may stand for several in `text`; spaces before it are skipped)."""
    while position < len(text) and text[position].isspace() and not piece[:1].isspace():
        position += 1
    start = position
    for char in piece:
        if char.isspace():
            while position < len(text) and text[position].isspace():
                position += 1
        else:
            position += 1
    return start, position


def line_starts(text: str) -> tuple[frozenset[int], frozenset[int]]:
    """Return the indices of `text` where a line may start: (preferred, allowed).

    Preferred: after a space, after a hyphen inside a word, between Japanese phrases.
    Allowed as well: between Japanese characters inside a phrase (the kinsoku rules kept),
    for a phrase wider than the line. For a breaker that walks characters itself (the brief's).
    """
    preferred: set[int] = set()
    allowed: set[int] = set()
    offset = 0
    for chunk in _SPACE.split(text):
        if chunk and not chunk.isspace():
            if offset and not _no_break(text[:offset].rstrip(), chunk):
                preferred.add(offset)
            position = offset
            for part in _AFTER_HYPHEN.split(chunk):
                for phrase in _phrases(part):
                    if position > offset:
                        preferred.add(position)
                    unit_start = position
                    for unit in _units(phrase):
                        if unit_start > position:
                            allowed.add(unit_start)
                        unit_start += len(unit)
                    position += len(phrase)
        offset += len(chunk)
    return frozenset(preferred), frozenset(allowed | preferred)


def break_lines(
    text: str,
    width: float,
    measure: Measure,
    size: float,
    *,
    measure_at: MeasureAt | None = None,
) -> list[str]:
    """Return `text` broken into lines that each measure at most `width` points at `size`.

    Lines break at spaces, after hyphens and between Japanese phrases, never before a closing
    mark or after an opening one; a phrase or word wider than `width` is cut as `break_word`
    says. The room a client's autospacing between Japanese and Latin text takes is counted.
    Explicit newlines in `text` start new lines. Every non-space character of `text` appears
    in the result. With `measure_at`, each piece is measured where it is in `text` (a text of
    styled runs, some in a bolder face); otherwise with `measure`.
    """
    lines: list[str] = []
    offset = 0
    for hard_line in text.split("\n"):
        lines.extend(_break_one(hard_line, width, measure, size, measure_at, offset))
        offset += len(hard_line) + 1
    return lines or [""]


def _break_one(
    text: str,
    width: float,
    measure: Measure,
    size: float,
    measure_at: MeasureAt | None = None,
    offset: int = 0,
) -> list[str]:
    stripped = text.strip()
    offset += len(text) - len(text.lstrip())
    text = stripped
    pieces = _merge_spaces(text)
    if not pieces:
        return [""]
    if ASCII_BREAKER and measure_at is None and text.isascii():
        plain = _break_ascii(pieces, width, measure, size)
        if plain is not None:
            return plain
    space_width = measure(" ", size)
    lines: list[str] = []
    line = ""
    used = 0.0
    pending_space = ""
    position = 0  # where the next piece starts in `text`, for `measure_at`
    for word, space in pieces:
        if measure_at is not None:
            start, position = _advance(text, position, word)
            if pending_space:
                space_width = measure_at(" ", offset + start - 1, size)
        else:
            start = 0
        word_width = _width_at(word, offset + start, measure, size, measure_at)
        if pending_space:
            gap = space_width + autospace(f"{line[-1:]} {word[0]}") * size
        elif line and _autospaced(line[-1], word[0]):
            gap = AUTOSPACE_EM * size
        else:
            gap = 0.0
        if line and used + gap + word_width <= width:
            line += pending_space + word
            used += gap + word_width
        else:
            parts = [word]
            if word_width > width:
                # A Japanese phrase too wide for any line starts on this one, as typeset
                # Japanese fills its lines; a Latin word (a URL) starts a new line.
                room = width - used - gap if line and any(map(is_wide, word)) else None
                parts = break_word(
                    word,
                    width,
                    measure,
                    size,
                    first=room,
                    measure_at=measure_at,
                    offset=offset + start,
                )
                if room is not None:
                    line += pending_space + parts[0] if parts[0] else ""
                    if parts[0]:
                        start += len(parts[0])
                    parts = parts[1:]
            if line:
                lines.append(line)
            lines.extend(parts[:-1])
            line = parts[-1]
            start += sum(map(len, parts[:-1]))
            used = _width_at(line, offset + start, measure, size, measure_at)
        pending_space = space
    lines.append(line)
    return lines


def _break_ascii(
    pieces: tuple[tuple[str, str], ...], width: float, measure: Measure, size: float
) -> list[str] | None:
    """Return what `_break_one` returns for `pieces` of an ASCII text in one face, or None if
    a word is wider than a line (the general loop cuts it).

    The same sums in the same order: with no Japanese, every autospace is 0 and a gap is the
    space's width or nothing, so the general loop's widths are these to the last bit.
    """
    space_width = measure(" ", size)
    lines: list[str] = []
    line = ""
    used = 0.0
    pending_space = ""
    for word, space in pieces:
        word_width = measure(word, size)
        if word_width > width:
            return None
        gap = space_width if pending_space else 0.0
        if line and used + gap + word_width <= width:
            line += pending_space + word
            used += gap + word_width
        else:
            if line:
                lines.append(line)
            line = word
            used = word_width
        pending_space = space
    lines.append(line)
    return lines


def written_lines(text: str, lines: Sequence[str]) -> Sequence[str]:
    """Return the lines a deck writes for a paragraph `text` laid out as `lines`.

    Japanese text keeps the layout's breaks (written as line breaks): PowerPoint and
    LibreOffice break Japanese at different characters than the layout and each other (and
    LibreOffice breaks inside words), so the slide would differ from its PDF; so do lines cut
    inside a word too long for its frame. Other text is written whole and left to the client,
    whose breaks match the layout's at spaces.
    """
    if len(lines) > 1 and (has_east_asian(text) or _cut_inside_a_word(text, lines)):
        return lines
    return (text,)


def _cut_inside_a_word(text: str, lines: Sequence[str]) -> bool:
    """Return whether a break in `lines` falls neither at a space of `text` nor after a hyphen."""
    joined = lines[0]
    for line in lines[1:]:
        joined += ("" if joined.endswith("-") else " ") + line
    return joined != " ".join(text.split())


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
    shared evenly; otherwise each gets at least its longest word (Japanese: phrase) and the
    rest of `width` in proportion to how much more its longest text wants.
    """
    natural, least = [], []
    for texts in columns:
        measures = [measure_head if i == 0 else measure_body for i in range(len(texts))]
        natural.append(max(m(t) for m, t in zip(measures, texts, strict=True)) + padding)
        least.append(
            max(
                max((m(w) for w in _unbreakable(t)), default=0.0)
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


def _unbreakable(text: str) -> Iterator[str]:
    """Yield the pieces of `text` a line should not break inside: words, Japanese phrases."""
    for word in text.split():
        yield from _phrases(word)
