"""Hypothesis strategies for content files: valid briefs as data, and mutations of a valid file."""

from __future__ import annotations

import re
import string
from typing import Any

from hypothesis import strategies as st

#: Characters of generated texts: all covered by the bundled Liberation Sans. `&`, `<` and `>`
#: are there on purpose (reportlab's Paragraph parses markup); no `{` (texts are templates).
ACCENTED = "éüñöçàÉÅßøÇ"
PUNCTUATION = ".,;:()-'&<>\""
WORD_ALPHABET = string.ascii_letters + string.digits + PUNCTUATION + ACCENTED

#: One word: mostly short, sometimes long enough to be cut between characters.
words = st.one_of(
    st.text(WORD_ALPHABET, min_size=1, max_size=10),
    st.text(WORD_ALPHABET, min_size=20, max_size=40),
)


def texts(max_words: int = 8) -> st.SearchStrategy[str]:
    """Return a strategy for a non-empty one-line text of 1..`max_words` words."""
    separators = st.sampled_from([" ", " ", " ", "  "])
    return st.lists(st.tuples(words, separators), min_size=1, max_size=max_words).map(
        lambda pairs: "".join(w + s for w, s in pairs).rstrip()
    )


#: Figure values: small, large, negative, fractional, whole floats (0, or 1e-6 to 1e15 in size:
#: the range a number can be printed as itself).
figure_values = st.one_of(
    st.integers(min_value=-1_000, max_value=1_000),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.sampled_from([0, 85, 54_000, 2_000_000_000, 10**12, 0.5, 2.25, 1e15, 1e-6, 123456789.125]),
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False).filter(
        lambda value: value == 0 or abs(value) >= 1e-6
    ),
)


@st.composite
def figures(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    """Return 0..4 figures with ids f1, f2, ..."""
    count = draw(st.integers(min_value=0, max_value=4))
    result: dict[str, dict[str, Any]] = {}
    for index in range(1, count + 1):
        figure: dict[str, Any] = {"value": draw(figure_values), "label": draw(texts(6))}
        if draw(st.booleans()):
            figure["display"] = draw(texts(3))[:60].rstrip()  # the model caps displays at 60
        if draw(st.integers(0, 3)) == 0:
            figure["unit"] = draw(texts(2))
        result[f"f{index}"] = figure
    return result


@st.composite
def points(draw: st.DrawFn, depth: int = 0) -> list[Any]:
    """Return 0..8 points; some are `{text, points}` with nested points (two levels at most)."""
    result: list[Any] = []
    for _ in range(draw(st.integers(min_value=0, max_value=8 if depth == 0 else 3))):
        text = draw(texts())
        if depth < 2 and draw(st.integers(0, 4)) == 0:
            result.append({"text": text, "points": draw(points(depth + 1))})
        else:
            result.append(text)
    return result


sources = st.one_of(
    texts(6),
    st.fixed_dictionaries(
        {"text": texts(6)},
        optional={"url": st.sampled_from(["https://example.org/a?b=1&c=2", "http://x.test/"])},
    ),
)


@st.composite
def sections(draw: st.DrawFn, figure_ids: list[str], marked: bool) -> dict[str, Any]:
    """Return a section; `marked`: with a portion marking (every section then has one)."""
    section: dict[str, Any] = {"title": draw(texts(6))}
    if marked:
        section["marking"] = draw(st.sampled_from(["U", "u", "(U)", "UNCLASSIFIED"]))
    if draw(st.booleans()):
        section["lead"] = draw(texts(12))
    section["points"] = draw(points())
    if figure_ids and draw(st.booleans()):
        section["figures"] = draw(
            st.lists(st.sampled_from(figure_ids), min_size=1, max_size=3, unique=True)
        )
    if draw(st.booleans()):
        section["notes"] = draw(texts(12))
    if draw(st.booleans()):
        section["sources"] = draw(st.lists(sources, min_size=1, max_size=3))
    return section


@st.composite
def briefs(draw: st.DrawFn) -> dict[str, Any]:
    """Return a valid content document as plain data (ready for `yaml.safe_dump`)."""
    meta: dict[str, Any] = {"title": draw(texts(6))}
    if draw(st.booleans()):
        meta["subtitle"] = draw(texts(8))
    marked = False
    if draw(st.booleans()):
        meta["classification"] = draw(st.sampled_from(["UNCLASSIFIED", "Unclassified"]))
        marked = draw(st.booleans())
    if draw(st.booleans()):
        # A single letter A-F would be a DoD statement letter: start with a word of its own.
        meta["distribution"] = "Distribution: " + draw(texts(12))
    figure_map = draw(figures())
    count = draw(st.integers(min_value=1, max_value=4))
    section_list = [draw(sections(list(figure_map), marked)) for _ in range(count)]
    return {"meta": meta, "figures": figure_map, "sections": section_list}


# --- mutations of a valid content file --------------------------------------------------------

#: Bytes that break a file in different ways: not UTF-8, control characters, a BOM mid-file,
#: a lone surrogate, NEL and LINE SEPARATOR, a tab, NUL.
JUNK = [
    b"\xff",
    b"\xfe\xff",
    b"\xc3",
    b"\xc3(",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\x00",
    b"\x07",
    b"\x1b[31m",
    b"\x7f",
    b"\xc2\x85",
    b"\xe2\x80\xa8",
    b"\xef\xbb\xbf",
    b"\t",
    b"\r",
    b"\xef\xbf\xbe",
]

#: Values of another type than the one a key wants.
OTHER_VALUES = [
    "0",
    "-1",
    "54000",
    "2.5",
    "1e999",
    "-.inf",
    ".nan",
    "0x1F",
    "0o17",
    "1_000",
    "true",
    "no",
    "~",
    "null",
    '""',
    "''",
    "[]",
    "{}",
    "[1, 2, 3]",
    "[a, [b, c]]",
    "{a: 1}",
    "{text: x, points: [y]}",
    "{text: x, url: 3}",
    "2024-05-31",
    "2024-02-30",
    "12:30:00",
    "!!binary aGVsbG8=",
    "!!python/object:os.system x",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!!float x",
    "!!int 1.5",
    "!!timestamp nope",
    "!!bool maybe",
    "!!null x",
    "!!str [1]",
    "!!pairs x",
    "!!binary ###",
    "!<tag:yaml.org,2002:timestamp> 1",
    "!custom x",
    "|\n  block\n  text",
    ">-\n  folded",
    "?",
    "- x",
    "'unterminated",
    '"\\0 \\a \\e \\x07 \\x0b"',
    '"\\uFFFE"',
    '"\\uFFFF"',
    '"\\uD800"',
    '"\\U0010FFFF"',
    '"\\U0001F600"',
    '"\\N\\_\\L\\P"',
    '"bad \\q escape"',
]

#: Template junk to put into a text.
TEMPLATES = [
    "{{ figures.nope }}",
    "{{ figures.troops.nope }}",
    "{{ meta.nope }}",
    "{{ nope }}",
    "{{ figures.troops.value ** 99 }}",
    "{{ 9 ** 9 ** 9 }}",
    "{{ 'a' * 100000 }}",
    "{{ [1] * 100000 }}",
    "{{ ''.__class__.__mro__ }}",
    "{{ figures.__class__ }}",
    "{{ range(10**9) | list }}",
    "{% for a in range(99) %}{% for b in range(99) %}x{% endfor %}{% endfor %}",
    "{% for a in range(100000) %}{{ a }}{% endfor %}",
    "{{ 1 / 0 }}",
    "{{ 1 // 0 }}",
    "{{ 'x' | int / 0 }}",
    "{{ figures.troops.value | round(-999999) }}",
    "{{ '%s' % figures }}",
    "{{ '{0.__class__}'.format(figures) }}",
    "{{",
    "}}",
    "{{ }}",
    "{% if %}",
    "{% raw %}",
    "{% endfor %}",
    "{# unterminated comment",
    "{{ meta.title }}",
    "{{ meta }}",
    "{{ figures }}",
    "{{ figures.troops }}",
    "{{ figures.troops.label | upper }}",
    "{% set x = x %}{{ x }}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "{{ lipsum() }}",
    "{{ cycler }}",
    "{{ self }}",
    "{{ ' ' * 30000 }}",
    "{{ '\\u0000' }}",
    "{{ '\\x07' }}",
    "{{ '\\n' * 500 }}",
]


def _short(text: str, limit: int = 60) -> str:
    """Return `text` for a description: quoted, long runs of one character counted."""
    text = re.sub(r"(.)\1{19,}", lambda m: f"{m[1]}*{len(m[0])}", text)
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


class MutatedFile:
    """A content file after some mutations; its repr says what was done, not the bytes.

    (Not a dataclass: Hypothesis would print a dataclass field by field, megabytes included.)
    """

    __slots__ = ("data", "steps")

    def __init__(self, data: bytes, steps: tuple[str, ...]):
        self.data = data
        self.steps = steps

    def __repr__(self) -> str:
        return f"MutatedFile(<{len(self.data):,} bytes>, steps={list(self.steps)!r})"


def mutate_line(text: str, old: str, new: str) -> MutatedFile:
    """Return `text` with the first line containing `old` replaced by `new` (for examples)."""
    lines = text.split("\n")
    index = next(i for i, line in enumerate(lines) if old in line)
    lines[index] = new
    step = f"line {index + 1}: replaced by {_short(new)}"
    return MutatedFile("\n".join(lines).encode("utf-8"), (step,))


def _lines(text: str) -> list[str]:
    return text.split("\n")


Mutation = tuple[str, str]  # the new text, and what was done


@st.composite
def _delete_line(draw: st.DrawFn, text: str) -> Mutation:
    lines = _lines(text)
    index = draw(st.integers(0, len(lines) - 1))
    gone = lines.pop(index)
    return "\n".join(lines), f"line {index + 1} deleted: {_short(gone)}"


@st.composite
def _duplicate_line(draw: st.DrawFn, text: str) -> Mutation:
    lines = _lines(text)
    index = draw(st.integers(0, len(lines) - 1))
    lines.insert(index, lines[index])
    return "\n".join(lines), f"line {index + 1} duplicated: {_short(lines[index])}"


@st.composite
def _swap_lines(draw: st.DrawFn, text: str) -> Mutation:
    lines = _lines(text)
    i = draw(st.integers(0, len(lines) - 1))
    j = draw(st.integers(0, len(lines) - 1))
    lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines), f"lines {i + 1} and {j + 1} swapped"


_VALUE_LINE = re.compile(r"^(\s*(?:- )?(?:\w+:[ ]|- ))(\S.*)$")


@st.composite
def _replace_value(draw: st.DrawFn, text: str, values: list[str]) -> Mutation:
    """Replace the value of a `key: value` or `- value` line by one of `values`."""
    lines = _lines(text)
    candidates = [i for i, line in enumerate(lines) if _VALUE_LINE.match(line)]
    if not candidates:
        return text, "no value to replace"
    index = draw(st.sampled_from(candidates))
    head = _VALUE_LINE.match(lines[index])[1]  # type: ignore[index]
    value = draw(st.sampled_from(values))
    indent = " " * (len(head) + 2)
    lines[index] = head + value.replace("\n", "\n" + indent)
    return "\n".join(lines), f"line {index + 1}: value replaced, now {_short(lines[index])}"


@st.composite
def _insert_in_line(draw: st.DrawFn, text: str, inserts: st.SearchStrategy[str]) -> Mutation:
    """Insert a string at a random character of a random line."""
    lines = _lines(text)
    index = draw(st.integers(0, len(lines) - 1))
    line = lines[index]
    at = draw(st.integers(0, len(line)))
    insert = draw(inserts)
    lines[index] = line[:at] + insert + line[at:]
    return "\n".join(lines), f"line {index + 1} column {at + 1}: inserted {_short(insert)}"


@st.composite
def _reindent(draw: st.DrawFn, text: str) -> Mutation:
    lines = _lines(text)
    index = draw(st.integers(0, len(lines) - 1))
    stripped = lines[index].lstrip(" ")
    indent = len(lines[index]) - len(stripped)
    new_indent = draw(
        st.sampled_from(
            [
                " " * (indent + 1),
                " " * (indent + 2),
                " " * (indent + 4),
                " " * max(0, indent - 1),
                " " * max(0, indent - 2),
                "",
                "\t",
                " \t",
            ]
        )
    )
    lines[index] = new_indent + stripped
    return "\n".join(lines), f"line {index + 1} reindented: {_short(lines[index])}"


@st.composite
def _alias(draw: st.DrawFn, text: str) -> Mutation:
    """Add an anchor to one value and maybe an alias as another."""
    text, first = draw(_replace_value(text, ["&a x", "&a [1, 2]", "&a {a: 1}"]))
    if not draw(st.booleans()):
        return text, first
    text, second = draw(_replace_value(text, ["*a", "*nope", "[*a, *a]", "{<<: *a}"]))
    return text, f"{first}; {second}"


def nested(kind: str, depth: int) -> str:
    """Return `x` inside `depth` flow lists (`kind` "list"), mappings ("map"), or inside
    `depth` lists that are never closed ("open")."""
    if kind == "open":
        return "[" * depth + "x"
    opening, closing = {"list": ("[", "]"), "map": ("{a: ", "}")}[kind]
    return opening * depth + "x" + closing * depth


#: A string of one megabyte (the file size cap is two).
HUGE = "H" * 1_000_000
#: Characters YAML does not allow, or that mean something else than they look.
BAD_CHARACTERS = ["\x00", "\x07", "\x1b", "\x7f", "\ufffe", "\ud800", "\x85", "\u2028", "\t"]


@st.composite
def _mutation(draw: st.DrawFn, text: str) -> Mutation:
    kind = draw(
        st.sampled_from(
            [
                "delete",
                "duplicate",
                "swap",
                "value",
                "template",
                "reindent",
                "alias",
                "deep",
                "huge",
                "chars",
            ]
        )
    )
    if kind == "delete":
        return draw(_delete_line(text))
    if kind == "duplicate":
        return draw(_duplicate_line(text))
    if kind == "swap":
        return draw(_swap_lines(text))
    if kind == "value":
        return draw(_replace_value(text, OTHER_VALUES))
    if kind == "template":
        if draw(st.booleans()):
            return draw(_replace_value(text, [f'"{t}"' for t in TEMPLATES if '"' not in t]))
        return draw(_insert_in_line(text, st.sampled_from(TEMPLATES)))
    if kind == "reindent":
        return draw(_reindent(text))
    if kind == "alias":
        return draw(_alias(text))
    if kind == "deep":
        # (Not much deeper: tens of thousands of levels crash libyaml, and this process with it;
        # the command-line tests try that depth in a subprocess.)
        depth = draw(st.sampled_from([63, 64, 65, 200, 1000]))
        kinds = ["list", "map", "open"]
        return draw(_replace_value(text, [nested(kind, depth) for kind in kinds]))
    if kind == "huge":
        if draw(st.booleans()):
            return draw(_replace_value(text, [HUGE, f'"{HUGE}"', "{{ '" + HUGE + "' }}"]))
        return draw(_insert_in_line(text, st.just(HUGE)))
    return draw(_insert_in_line(text, st.sampled_from(BAD_CHARACTERS)))


@st.composite
def mutated_files(draw: st.DrawFn, text: str, max_mutations: int = 3) -> MutatedFile:
    """Return `text` after 1..`max_mutations` random mutations, sometimes with raw junk bytes."""
    steps = []
    for _ in range(draw(st.integers(1, max_mutations))):
        text, step = draw(_mutation(text))
        steps.append(step)
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 3)) == 0:
        at = draw(st.integers(0, len(data)))
        junk = draw(st.one_of(st.sampled_from(JUNK), st.binary(min_size=1, max_size=6)))
        data = data[:at] + junk + data[at:]
        steps.append(f"byte {at}: inserted {junk!r}")
    return MutatedFile(data, tuple(steps))
