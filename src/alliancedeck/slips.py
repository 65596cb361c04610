"""Messages for the YAML slips people make: what went wrong on the line, and what to type instead.

The YAML parser reports where it gave up, in its own terms ("mapping values are not allowed
here"). These functions look at the line itself to say what the author most likely meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A 0-based (line, column) place the parser reports, if it reports one.
Mark = tuple[int, int] | None
#: How many characters of a text a suggested fix shows before "...".
SHOWN_TEXT = 60

_LIST_ITEM = re.compile(r"(?:-[ \t]+)*")
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?:[ \t]+|$)")
#: Characters YAML will not take at the start of an unquoted text, and why.
_NOT_AT_START = {
    "@": '"@" is reserved in YAML',
    "`": "a backquote is reserved in YAML",
    "%": '"%" starts a YAML directive',
    "*": 'YAML reads "*" as an alias',
    "[": 'YAML reads "[" as the start of a list',
    "{": 'YAML reads "{" as the start of a mapping',
}


@dataclass(frozen=True)
class Slip:
    """A diagnosed slip: the 1-based line and column to point at, and the message."""

    line: int
    column: int
    message: str


@dataclass(frozen=True)
class _Line:
    """One source line split into indentation and list dashes, key, and value."""

    text: str
    key_column: int  # 0-based start of the key (or value) after indentation and "- "
    key: str | None
    value_column: int  # 0-based start of the value

    @property
    def prefix(self) -> str:
        """Return what comes before the value, without indentation: "- ", "lead: "..."""
        return self.text[self.key_column : self.value_column].lstrip()

    @property
    def value(self) -> str:
        return self.text[self.value_column :].rstrip()

    @property
    def indent(self) -> int:
        return len(self.text) - len(self.text.lstrip(" "))


def _split(text: str) -> _Line:
    start = len(text) - len(text.lstrip(" "))
    dashes = _LIST_ITEM.match(text, start)
    key_column = dashes.end() if dashes else start
    key_match = _KEY.match(text, key_column)
    if key_match:
        return _Line(text, key_column, key_match.group(1), key_match.end())
    return _Line(text, start, None, key_column)


def quoted(text: str) -> str:
    """Return `text` as a YAML quoted scalar: double quotes where it can, else single quotes."""
    if '"' not in text and "\\" not in text:
        return f'"{text}"'
    return "'" + text.replace("'", "''") + "'"


def _fix(line: _Line, value: str | None = None) -> str:
    """Return `line`'s key or dash followed by its value (or `value`) in quotes."""
    text = line.value if value is None else value
    if len(text) > SHOWN_TEXT:
        text = text[: SHOWN_TEXT - 3].rstrip() + "..."
    prefix = line.prefix or ("- " if line.text.lstrip().startswith("-") else "")
    return f"{prefix}{quoted(text)}"


def explain_syntax_error(
    lines: list[str],
    problem: str,
    problem_at: Mark,
    context: str,
    context_at: Mark,
) -> Slip | None:
    """Return the slip behind a YAML syntax error, or None to keep the parser's own words.

    `problem_at` and `context_at` are the parser's 0-based (line, column) marks.
    """
    for diagnose in (
        _tab,
        _bad_start,
        _alias,
        _text_cut_short,
        _missing_dash,
        _missing_colon,
        _indent,
        _colon_in_text,
    ):
        slip = diagnose(lines, problem, problem_at, context, context_at)
        if slip is not None:
            return slip
    return None


def _line_at(lines: list[str], at: Mark) -> _Line | None:
    if at is None or not 0 <= at[0] < len(lines):
        return None
    return _split(lines[at[0]])


def _tab(
    lines: list[str], problem: str, problem_at: Mark, context: str, context_at: Mark
) -> Slip | None:
    if "'\\t'" not in problem or problem_at is None:
        return None
    return Slip(
        problem_at[0] + 1,
        problem_at[1] + 1,
        "a tab here: YAML indents with spaces only; replace the tab with spaces "
        "(as many as the lines around it use)",
    )


def _bad_start(
    lines: list[str], problem: str, problem_at: Mark, context: str, context_at: Mark
) -> Slip | None:
    """A text starting with a character YAML reserves: `@home`, `` `code` ``, `%`."""
    found = re.match(r"found character '(.)' that cannot start any token", problem)
    line = _line_at(lines, problem_at)
    if not found or line is None or problem_at is None or problem_at[1] != line.value_column:
        return None
    why = _NOT_AT_START.get(found.group(1), "YAML reserves it")
    return Slip(
        problem_at[0] + 1,
        problem_at[1] + 1,
        f'a text cannot start with "{found.group(1)}" unquoted ({why}); '
        f"put the whole text in quotes: {_fix(line)}",
    )


def _alias(
    lines: list[str], problem: str, problem_at: Mark, context: str, context_at: Mark
) -> Slip | None:
    """`- *bold* text` or `- * item`: YAML reads the star as an alias."""
    line = _line_at(lines, context_at)
    if "alias" not in context or line is None or context_at is None:
        return None
    return Slip(
        context_at[0] + 1,
        context_at[1] + 1,
        f'a text that starts with "*" must be in quotes (YAML reads "*" as an alias): {_fix(line)}',
    )


def _text_cut_short(
    lines: list[str], problem: str, problem_at: Mark, context: str, context_at: Mark
) -> Slip | None:
    """A text that starts with a quote, `[` or `{` and goes on after its end (or never ends)."""
    if "block end" in problem and "<scalar>" in problem:
        line = _line_at(lines, problem_at)
        if line is None or problem_at is None or problem_at[1] <= line.value_column:
            return None
        first = line.value[:1]
        if first in "\"'":
            return Slip(
                problem_at[0] + 1,
                line.value_column + 1,
                f"this text starts with a quote ({first}), so YAML ends it at the closing quote; "
                f"put the whole text in quotes: {_fix(line)}",
            )
        if first in "[{":
            what = '"{{"' if line.value.startswith("{{") else f'"{first}"'
            return Slip(
                problem_at[0] + 1,
                line.value_column + 1,
                f"a text that starts with {what} must be in quotes "
                f"({_NOT_AT_START[first]}): {_fix(line)}",
            )
        return None
    if "quoted scalar" in context:
        line = _line_at(lines, context_at)
        if line is None or context_at is None:
            return None
        first = line.value[:1]
        closed = ""
        if first == '"' and len(line.value) > 1:  # more likely a closing quote left out
            prefix = line.prefix or ("- " if line.text.lstrip().startswith("-") else "")
            closed = f'; or, if it opens a quoted text, close it: {prefix}{line.value}"'
        return Slip(
            context_at[0] + 1,
            context_at[1] + 1,
            f"this text starts with a quote ({first}) that is never closed; "
            f"put the whole text in quotes: {_fix(line)}{closed}",
        )
    return None


def _missing_dash(
    lines: list[str], problem: str, problem_at: Mark, context: str, context_at: Mark
) -> Slip | None:
    """A list item (a section) written without its "- "."""
    if "block collection" not in context or "expected <block end>" not in problem:
        return None
    line = _line_at(lines, problem_at)
    if line is None or context_at is None or problem_at is None or line.key is None:
        return None
    if line.key_column != context_at[1] or line.indent != context_at[1]:
        return None
    return Slip(
        problem_at[0] + 1,
        problem_at[1] + 1,
        f'each item of the list that starts on line {context_at[0] + 1} begins with "- "; '
        f'write "- {line.text.strip()}"',
    )


_WORD_THEN_TEXT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)[ \t]+(\S.*)")


def _without_colon(lines: list[str], number: int) -> Slip | None:
    """Line `number` (0-based) as a key written without its colon (`lead A notional lead.`)."""
    line = _split(lines[number])
    if line.key is not None or line.value.endswith(":"):
        return None
    found = _WORD_THEN_TEXT.fullmatch(line.value)
    if found is None:
        return None
    key, value = found.groups()
    dash = "- " if line.text.lstrip().startswith("-") else ""
    return Slip(
        number + 1,
        line.value_column + len(key) + 1,
        f'no ":" after "{key}": a key and its value are written "key: value"; write '
        f'"{dash}{key}: {value}"',
    )


def _missing_colon(
    lines: list[str], problem: str, problem_at: Mark, context: str, context_at: Mark
) -> Slip | None:
    """A key written without its colon: `lead A notional lead.`, `- title A`, `value 5`.

    YAML reads such a line as a text; it fails at the line itself when a key cannot be a text
    ("could not find expected ':'"), or at the next key, which it reads as the text's own key
    ("mapping values are not allowed here").
    """
    if "could not find expected ':'" in problem and "simple key" in context:
        if context_at is None or not 0 <= context_at[0] < len(lines):
            return None
        number = context_at[0]
        line = _split(lines[number])
        for above in range(number - 1, -1, -1):  # one more item of a list, without its "- "
            other = _split(lines[above])
            if not other.text.strip() or other.text.lstrip().startswith("#"):
                continue
            if other.text.lstrip().startswith("- ") and other.indent == line.indent:
                return Slip(
                    number + 1,
                    line.indent + 1,
                    'this line is neither "key: value" nor a list item; an item of the list '
                    f'above starts with "- ": write "- {line.text.strip()}"',
                )
            break
        return _without_colon(lines, number)
    if "mapping values are not allowed" not in problem or problem_at is None:
        return None
    line = _line_at(lines, problem_at)
    if line is None or line.key is None or problem_at[1] != line.key_column + len(line.key):
        return None  # the colon YAML stopped at is not the one after this line's key
    for above in range(problem_at[0] - 1, -1, -1):
        other = _split(lines[above])
        if not other.text.strip() or other.text.lstrip().startswith("#"):
            continue
        if other.key is not None or other.value_column != line.key_column:
            return None  # the line above is a key of its own, or not beside this one
        return _without_colon(lines, above)
    return None


def _indent(
    lines: list[str], problem: str, problem_at: Mark, context: str, context_at: Mark
) -> Slip | None:
    """A key indented one space more or less than the keys beside it."""
    if not (
        ("expected <block end>" in problem and "block mapping start" in problem)
        or "mapping values are not allowed" in problem
    ):
        return None
    if problem_at is None:
        return None
    line = _split(lines[problem_at[0]]) if problem_at[0] < len(lines) else None
    if line is None or line.key is None or line.key_column != line.indent:
        return None
    for number in range(problem_at[0] - 1, -1, -1):
        above = _split(lines[number])
        stripped = above.text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if above.key is not None and abs(above.key_column - line.key_column) == 1:
            spaces = "space" if line.key_column == 1 else "spaces"
            off = "more" if line.key_column > above.key_column else "less"
            return Slip(
                problem_at[0] + 1,
                line.key_column + 1,
                f'"{line.key}:" is indented {line.key_column} {spaces}, one {off} than '
                f'"{above.key}:" on line {number + 1}; indent it {above.key_column} spaces to '
                "line it up",
            )
        if above.indent < line.key_column - 1:
            return None
    return None


def _colon_in_text(
    lines: list[str], problem: str, problem_at: Mark, context: str, context_at: Mark
) -> Slip | None:
    """`lead: Background: the thing`: a colon and a space inside a text."""
    if "mapping values are not allowed" not in problem:
        return None
    line = _line_at(lines, problem_at)
    if line is None or problem_at is None or problem_at[1] < line.value_column:
        return None
    return Slip(
        problem_at[0] + 1,
        line.value_column + 1,
        f'": " inside a text starts a new key; put the whole text in quotes: {_fix(line)}',
    )


def colon_in_text(key: str, value: object, dash: bool = True) -> str:
    """Return the message for a point read as a one-key mapping (`- Note: the thing`)."""
    text = f"{key}: {value}" if value is not None else f"{key}:"
    line = _Line(("- " if dash else "") + text, 0, None, 2 if dash else 0)
    return (
        f'this text reads as a key "{key}" because of the ": " in it; put the whole text in '
        f"quotes: {_fix(line)}"
    )


def cut_by_comment(
    line_text: str, end_column: int, *, whole_line: bool, empty: bool = False
) -> tuple[int, str] | None:
    """Return (column of the `#`, warning) if a plain text ending at `end_column` is cut short.

    YAML reads " #" as the start of a comment; an ordinary comment (`# note`) has a space after
    the mark, while `#1` or `#priority` was most likely meant as part of the text. With
    `whole_line` (the text starts on this line), the warning shows the line to write instead;
    `empty` says the comment took the whole value (`- #1 priority`).
    """
    rest = line_text[end_column:]
    mark = rest.lstrip(" \t")
    if len(mark) < 2 or mark[0] != "#" or mark[1] in " \t#":
        return None
    fix = f": {_fix(_split(line_text))}" if whole_line else ""
    if empty:
        return len(line_text) - len(mark), (
            f'this value is empty: YAML reads "{mark.split()[0]}" and the rest of the line as a '
            f'comment (" #" starts one); put the whole text in quotes to keep it{fix}'
        )
    return len(line_text) - len(mark), (
        f'the text stops before "{mark.split()[0]}": YAML reads " #" as the start of a comment '
        f"and leaves out the rest of the line; put the whole text in quotes to keep it{fix}"
    )


def braces_at_start(line_text: str) -> str:
    """Return the message for a text that starts with `{{` (YAML reads a mapping in a mapping)."""
    return (
        'a text that starts with "{{" must be in quotes (YAML reads "{" as the start of a '
        f"mapping): {_fix(_split(line_text))}"
    )
