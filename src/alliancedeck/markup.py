"""Inline emphasis: `**bold**`, `*italic*` and `[text](https://...)` read into styled runs."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

#: Longest link address; the same cap as a source URL's.
MAX_URL = 2_000
#: What a link may point to: a web page or a mail address (a link is live in every product).
WEB_ADDRESS = re.compile(r"^(https?://[^/?#]|mailto:[^@]+@)", re.IGNORECASE)
#: Punctuation that ends a phrase: a star between a space and one of these opens nothing.
STOPS = frozenset(",.;:!?)]}")


#: Characters a backslash makes literal; before any other character it is a backslash.
ESCAPABLE = frozenset("*[]()\\")


@dataclass(frozen=True)
class Run:
    """A piece of text in one style: weight, slant, link and script (Japanese or not)."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None
    japanese: bool = False

    @property
    def style(self) -> tuple[bool, bool, str | None]:
        """Return what the author marked (bold, italic, link), without the script."""
        return self.bold, self.italic, self.href


class MarkupError(ValueError):
    """Markup that cannot be read: the message says what to type instead; `position` is
    where in the text the mark is."""

    def __init__(self, message: str, position: int = 0):
        super().__init__(message)
        self.position = position


def is_web_address(value: str) -> bool:
    """Return whether `value` is a web or mail address, one line, of a usable length."""
    return (
        len(value) <= MAX_URL
        and not any(c.isspace() for c in value)
        and WEB_ADDRESS.match(value) is not None
    )


def parse(text: str) -> tuple[Run, ...]:
    """Return `text` read into styled runs; a text with no markup is one plain run.

    `**` and `*` open emphasis before a non-space character and close it after one, so a star
    between spaces (`5 * 3`) or at the end of a word with nothing open stays a star. A `[`
    is a link only as `[text](address)`. `\\*`, `\\[`, `\\]`, `\\(`, `\\)` and `\\\\` are the
    characters themselves. Raises `MarkupError` for emphasis never closed, a link never
    closed, a link inside a link or a link to anything but http(s) and mailto addresses.
    """
    if not any(c in text for c in "*[\\"):
        return (Run(text),) if text else ()
    literal: set[int] = set()
    while True:
        try:
            return _parse(text, literal)
        except _UnclosedInsideWord as exc:
            literal.update(exc.args[0])  # `2*3`: a star inside a word that closes nothing


class _UnclosedInsideWord(Exception):
    """An opener between two non-space characters that nothing closed (`2*3`)."""


def _parse(text: str, literal: set[int]) -> tuple[Run, ...]:
    """Return the runs of `text`, the stars at the positions in `literal` kept as typed."""
    pairs = _bracket_pairs(text)
    chars: list[tuple[str, tuple[bool, bool, str | None]]] = []
    open_marks: list[tuple[str, int]] = []  # (marker, position in text)
    link: tuple[int, str, int] | None = None  # inside a link: where "[" and "]" are, address
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        style = (
            any(m == "**" for m, _ in open_marks),
            any(m == "*" for m, _ in open_marks),
            link[1] if link else None,
        )
        if char == "\\" and index + 1 < length and text[index + 1] in ESCAPABLE:
            chars.append((text[index + 1], style))
            index += 2
            continue
        if char == "*" and index not in literal:
            end = index
            while end < length and text[end] == "*" and end not in literal:
                end += 1
            index = _stars(text, index, end, open_marks, chars, style)
            continue
        if char == "[" and link is None:
            found = _link_address(text, index, pairs)
            if found is not None:
                link = (index, found[0], found[1])
                index += 1
                continue
        if link is not None and index == link[2]:
            _close_inside_link(text, link[0], open_marks)
            index += 2 + len(link[1]) + 1  # "](" address ")"
            link = None
            continue
        chars.append((char, style))
        index += 1
    if open_marks:
        inside_word = [w for _, w in open_marks if w and not text[w - 1].isspace()]
        if len(inside_word) == len(open_marks):
            raise _UnclosedInsideWord(inside_word)
        marker, where = next((m, w) for m, w in reversed(open_marks) if w not in inside_word)
        escaped = "".join(f"\\{c}" for c in marker)
        raise MarkupError(
            f'"{marker}" {_near(text, where)} is never closed; close it with "{marker}" after '
            f"the emphasised words, or write {escaped} for a literal star",
            where,
        )
    return _grouped(chars)


def _stars(
    text: str,
    start: int,
    end: int,
    open_marks: list[tuple[str, int]],
    chars: list[tuple[str, tuple[bool, bool, str | None]]],
    style: tuple[bool, bool, str | None],
) -> int:
    """Read the run of stars `text[start:end]`: close, open or keep them; return `end`."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    can_close = not before.isspace()
    # A star opens before a word: not before a space, nor a lone one before a stop (`*,`).
    can_open = not after.isspace() and not (before.isspace() and after in STOPS)
    count = end - start
    position = start
    while count:
        open_names = [m for m, _ in open_marks]
        if can_close and open_names and count >= len(open_names[-1]):
            count -= len(open_marks.pop()[0])
        elif can_open and count >= 2 and "**" not in open_names:
            open_marks.append(("**", position))
            count -= 2
        elif can_open and "*" not in open_names:
            open_marks.append(("*", position))
            count -= 1
        else:  # a star that neither opens nor closes anything prints as typed
            chars.extend(("*", style) for _ in range(count))
            break
        position = end - count
    return end


def _bracket_pairs(text: str) -> dict[int, int]:
    """Return where the `]` that closes each `[` of `text` is (escaped brackets skipped).

    Found once per text, so that many brackets cost one pass, not one pass each.
    """
    pairs: dict[int, int] = {}
    opened: list[int] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] in ESCAPABLE:
            index += 2
            continue
        if char == "[":
            opened.append(index)
        elif char == "]" and opened:
            pairs[opened.pop()] = index
        index += 1
    return pairs


def _link_address(text: str, start: int, pairs: dict[int, int]) -> tuple[str, int] | None:
    """Return the address of a link `[text](address)` opening at `start` and where its `]` is,
    or None if the `[` is not one (`[1]`, a bracket in prose). A bad address raises."""
    index = pairs.get(start)
    if index is None:
        return None
    if not text.startswith("](", index):
        return None
    close = text.find(")", index + 2)
    if close < 0:
        raise MarkupError(
            f"the link {_near(text, start)} has no closing ); write it as [text](https://address)",
            start,
        )
    address = text[index + 2 : close]
    if not address:
        raise MarkupError(
            f"the link {_near(text, start)} has no address; write it as [text](https://address)",
            start,
        )
    if len(address) > MAX_URL:
        raise MarkupError(
            f"the link {_near(text, start)} has an address of {len(address):,} characters, "
            f"more than the limit of {MAX_URL:,}",
            start,
        )
    if any(c.isspace() for c in address):
        raise MarkupError(
            f"the link address {_near(text, start)} holds a space; write spaces as %20", start
        )
    if not WEB_ADDRESS.match(address):
        shown = address if len(address) <= 40 else address[:40] + "..."
        raise MarkupError(
            f'the link {_near(text, start)} points to "{shown}"; a link must be a web address '
            "starting https:// (or http://, mailto:)",
            start,
        )
    if text.find("[", start + 1, index) >= 0 and _link_address_inside(text, start + 1, index):
        raise MarkupError(
            f"a link inside a link text {_near(text, start)}; "
            "end the first link with ](address) before the next [",
            start,
        )
    return address, index


def _link_address_inside(text: str, start: int, end: int) -> bool:
    """Return whether `text[start:end]` holds a whole link `[...](...)`."""
    return re.search(r"(?<!\\)\[[^\]]*\]\(", text[start:end]) is not None


def _close_inside_link(text: str, start: int, open_marks: list[tuple[str, int]]) -> None:
    """Refuse emphasis opened inside a link text and not closed there."""
    for marker, where in open_marks:
        if where > start:
            raise MarkupError(
                f'"{marker}" {_near(text, where)} is opened inside a link text and not closed '
                f'there; close it before the "]"',
                where,
            )


def _near(text: str, index: int) -> str:
    """Return where `index` is in `text`, for a message: `at "…words…" (character N)`."""
    snippet = text[index:].split("\n")[0]
    if len(snippet) > 24:
        cut = snippet.rfind(" ", 8, 24)
        snippet = snippet[: cut if cut > 0 else 24] + "..."
    return f'at "{snippet}" (character {index + 1})'


def _grouped(chars: Sequence[tuple[str, tuple[bool, bool, str | None]]]) -> tuple[Run, ...]:
    """Return the characters as runs, one per stretch of one style."""
    return tuple(
        Run("".join(char for char, _ in group), *style)
        for style, group in itertools.groupby(chars, key=lambda pair: pair[1])
    )


def plain(runs: Iterable[Run]) -> str:
    """Return the text of `runs`, markup gone."""
    return "".join(run.text for run in runs)


def is_plain(runs: Sequence[Run]) -> bool:
    """Return whether `runs` carry no emphasis and no link (a text as it was typed)."""
    return all(run.style == (False, False, None) for run in runs)


def cut(runs: Sequence[Run], start: int, end: int) -> tuple[Run, ...]:
    """Return the runs of characters `start` to `end` of the text of `runs`."""
    result: list[Run] = []
    offset = 0
    for run in runs:
        low, high = max(start, offset), min(end, offset + len(run.text))
        if low < high:
            result.append(replace(run, text=run.text[low - offset : high - offset]))
        offset += len(run.text)
    return tuple(result)


def prefixed(prefix: str, runs: Sequence[Run]) -> tuple[Run, ...]:
    """Return `runs` preceded by the plain `prefix` (a portion mark)."""
    return (Run(prefix), *runs) if prefix else tuple(runs)


def styles_of(runs: Sequence[Run]) -> list[tuple[bool, bool, str | None]]:
    """Return each character's style in the text of `runs`."""
    return [run.style for run in runs for _ in run.text]


def lines_of(runs: Sequence[Run], text: str, lines: Sequence[str]) -> tuple[tuple[Run, ...], ...]:
    """Return the runs of each of `lines`, the lines `text` (the text of `runs`) was broken into.

    Lines lose the spaces where they break, and a run of spaces is one space in a line; each
    line's characters are found in `text` in order.
    """
    styles = styles_of(runs)
    result = []
    position = 0
    for line in lines:
        while position < len(text) and text[position].isspace() and not line[:1].isspace():
            position += 1
        chars: list[tuple[str, tuple[bool, bool, str | None]]] = []
        for char in line:
            if position >= len(text):
                chars.append((char, chars[-1][1] if chars else (False, False, None)))
                continue
            style = styles[position]
            if char.isspace() and text[position].isspace():
                while position < len(text) and text[position].isspace():
                    position += 1
            elif char == text[position]:
                position += 1
            chars.append((char, style))
        result.append(_grouped(chars))
    return tuple(result)


def joined(text: str, line_runs: Sequence[Sequence[Run]]) -> tuple[Run, ...]:
    """Return the runs of `text` whole, from the runs of the lines it was broken into (a
    space dropped at a break takes the style of the character before it)."""
    styles = [run.style for line in line_runs for run in line for _ in run.text]
    letters = "".join(run.text for line in line_runs for run in line)
    chars: list[tuple[str, tuple[bool, bool, str | None]]] = []
    position = 0
    for char in text:
        if position < len(letters) and letters[position] == char:
            chars.append((char, styles[position]))
            position += 1
        else:
            chars.append((char, chars[-1][1] if chars else (False, False, None)))
    return _grouped(chars)
