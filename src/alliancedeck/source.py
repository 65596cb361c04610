"""Load stage: read a YAML file safely into plain data plus a map from key paths to places."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from alliancedeck.errors import ContentError, Location, Problem, did_you_mean
from alliancedeck.paths import STDIN, PathRefused, read_bounded
from alliancedeck.slips import braces_at_start, cut_by_comment, explain_syntax_error

if TYPE_CHECKING:
    from alliancedeck.document import SectionInfo
    from alliancedeck.model import Section

KeyPath = tuple[str | int, ...]

#: Largest content or layout file we read, in bytes; `ALLIANCEDECK_MAX_BYTES` overrides it.
DEFAULT_MAX_BYTES = 2 * 1024 * 1024
#: Deepest nesting of mappings and lists we accept.
MAX_DEPTH = 64
#: Numbers with an exponent that YAML 1.1 reads as text (`1e9`, `1.5e9`; it wants `1.5e+9`).
EXPONENT_NUMBER = re.compile(r"^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][-+]?[0-9]+$")


#: What YAML 1.2 (and so every editor) reads as true/false, a whole number or a number; a plain
#: text YAML 1.1 reads otherwise (`yes`, `NO`, `on`, `1_000`, `12:30`) is text to YAML 1.2.
YAML12_BOOL = re.compile(r"true|True|TRUE|false|False|FALSE")
YAML12_INT = re.compile(r"[-+]?[0-9]+|0x[0-9a-fA-F]+")
YAML12_FLOAT = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)"
    r"|\.(?:nan|NaN|NAN)"
)


class ExponentNumber(str):
    """A plain `1.5e9`: text to YAML 1.1 (which wants `1.5e+9`), a number to YAML 1.2 and editors.

    It stays text where the model wants text (a point "1e5") and is read as a number where the
    model wants a number (see `alliancedeck.model.Number`).
    """

    __slots__ = ()


@dataclass
class SourceMap:
    """Where each value (and each mapping key) of a loaded file came from."""

    file: str
    values: dict[KeyPath, Location] = field(default_factory=dict)
    keys: dict[KeyPath, Location] = field(default_factory=dict)
    #: Doubtful spots the loader saw (a text cut by a `#1` comment), located.
    warnings: list[Problem] = field(default_factory=list)
    #: Paths of literal block scalars (`|`), whose text starts on the line after the mark.
    blocks: set[KeyPath] = field(default_factory=set)
    #: What messages call the first item of a list: 1 in a file (items counted as a reader
    #: counts them), 0 in content given as a mapping (indexed as Python indexes it).
    first_index: int = 1
    #: In a watch session, each section as read (`SectionPiece`); None for one read with a
    #: problem, or for an item that is not a mapping. Empty outside a session.
    sections: list[SectionPiece | None] = field(default_factory=list)

    def locate(self, path: KeyPath, *, key: bool = False) -> Location:
        """Return the place of `path`, or of its longest known prefix (the whole file at worst).

        With `key`, prefer the place of the mapping key itself over its value.
        """
        candidates = (self.keys, self.values) if key else (self.values,)
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            for table in candidates:
                if prefix in table:
                    return table[prefix]
        return Location(self.file)


@dataclass
class SectionPiece:
    """One section of a content file as read, kept between the rebuilds of a watch session
    (`alliancedeck.session`) by its text, its place in the file, its index and the file's
    directives: what it reads as and where each of its values is, then its model (set once, when
    a brief holding it was valid) and what fill made of it (set anew whenever it is filled)."""

    data: dict[str, Any]
    values: dict[KeyPath, Location]
    keys: dict[KeyPath, Location]
    blocks: set[KeyPath]
    warnings: list[Problem]
    #: The section's model, once a brief holding it was valid.
    model: Section | None = None
    #: What fill made of it, when a brief holding it was filled without error and it without a
    #: warning (see `alliancedeck.fill`).
    filled: Filled | None = None


@dataclass(frozen=True)
class Filled:
    """A section as fill made it: keyed by what it read besides the section (`filling`)."""

    filling: bytes  # a digest of the key figures, the meta fields and the rest fill reads
    info: SectionInfo
    seconds: float  # what its templates took of the run's time


@dataclass
class Loaded:
    """A loaded file: its data, its source map, and the folder its relative paths start from."""

    data: dict[str, Any]
    source_map: SourceMap
    path: Path


class _NoAliasLoader(yaml.SafeLoader):
    """A safe loader that refuses aliases, so an alias bomb costs nothing."""

    def compose_node(self, parent: Node | None, index: Any) -> Node:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                None,
                None,
                "YAML aliases (*name) are not accepted; write the value out in full "
                '(a text that starts with "*" must be in quotes)',
                event.start_mark,
            )
        return super().compose_node(parent, index)


def max_bytes() -> int:
    """Return the size cap for content files (`ALLIANCEDECK_MAX_BYTES` or the default)."""
    raw = os.environ.get("ALLIANCEDECK_MAX_BYTES", "")
    return int(raw) if raw.isdigit() else DEFAULT_MAX_BYTES


def _place(file: str, mark: yaml.Mark | None) -> Location:
    if mark is None:
        return Location(file)
    return Location(file, mark.line + 1, mark.column + 1)


def decode_utf8(raw: bytes, file: str) -> str:
    """Return `raw` decoded as UTF-8 (a leading BOM dropped), or raise a located error."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise ContentError.at(
            Location(file, line, column),
            f"the file is not UTF-8 text: byte 0x{raw[exc.start]:02X} at offset {exc.start} "
            "cannot be decoded; save the file as UTF-8",
        ) from None
    return text.removeprefix("\ufeff")


def load_yaml_file(path: str | Path, *, what: str = "content") -> Loaded:
    """Read the YAML mapping at `path` and return its data with the place of every node."""
    file_path = Path(path)
    shown = str(path)
    try:
        raw = read_bounded(
            file_path if shown != STDIN else STDIN,
            max_bytes(),
            what=f"{what} file",
            hint="set ALLIANCEDECK_MAX_BYTES to raise it",
        )
    except PathRefused as exc:
        missing = shown != STDIN and not os.path.lexists(file_path)
        message = _not_found(file_path, what) if missing else str(exc)
        raise ContentError.at(Location(shown, 1, 1), message) from None
    data, source_map = parse_yaml(decode_utf8(raw, shown), shown, what=what)
    return Loaded(data, source_map, file_path)


def _not_found(path: Path, what: str) -> str:
    """Return the message for a missing file: a near name in its folder, or how to start one."""
    message = f"{what} file not found"
    if what != "content":
        return message
    folder = path.parent
    try:
        names = sorted(p.name for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))
    except OSError:
        names = []
    hint = did_you_mean(path.name, names)
    if hint:
        return message + hint
    where = "" if str(folder) in ("", ".") else f" {folder}"
    return message + f'; to start a new brief here, run "alliancedeck init{where}"'


_NESTING_MARKS = re.compile(r"[\[\]{}\"'#\n]")


def _check_nesting(text: str, file: str) -> None:
    """Refuse text nested deeper than MAX_DEPTH before any parser recurses into it.

    Counts flow brackets outside quotes and the indentation of block lines (spaces and
    "- " prefixes); both parsers recurse once per level, and libyaml crashes past some depth.
    """
    depth = 0
    quote = ""
    line, line_start = 1, 0
    for mark in _NESTING_MARKS.finditer(text):  # only these characters matter; skip the rest
        char = mark.group()
        if char == "\n":
            line, line_start = line + 1, mark.end()
            quote = "" if quote in ("'", "\n") else quote
            continue
        if quote:
            if char == quote:
                quote = ""
            continue
        if char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ContentError.at(
                    Location(file, line, mark.start() - line_start + 1),
                    f"nesting deeper than {MAX_DEPTH} levels is not accepted",
                )
        elif char in "]}":
            depth = max(0, depth - 1)
        elif char == "#" and depth == 0:
            quote = "\n"  # a comment runs to the end of the line
    for number, text_line in enumerate(text.splitlines(), start=1):
        stripped = text_line.lstrip(" -")
        indent = len(text_line) - len(stripped)
        if indent > MAX_DEPTH * 4:
            raise ContentError.at(
                Location(file, number, 1), f"nesting deeper than {MAX_DEPTH} levels is not accepted"
            )


def parse_yaml(text: str, file: str, *, what: str = "content") -> tuple[dict[str, Any], SourceMap]:
    """Parse `text` (from `file`) into a mapping and its source map, or raise a located error."""
    _check_nesting(text, file)
    fast = _compose_with_libyaml(text)
    if fast is not None:
        try:
            return _tree(fast[0], fast[1], file, what, text.splitlines(), once=True, text=text)
        except _Aliased:
            pass  # the Python parser refuses the alias, with its place
    loader: _NoAliasLoader | None = None
    try:
        loader = _NoAliasLoader(text)
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text, file) from None
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        line = before.count("\n") + 1
        column = exc.position - (before.rfind("\n") + 1) + 1
        raise ContentError.at(
            Location(file, line, column),
            f"character U+{exc.character:04X} is not allowed in YAML; delete it",
        ) from None
    except yaml.YAMLError as exc:
        raise ContentError.at(Location(file, 1, 1), f"YAML error: {exc}") from None
    except RecursionError:
        raise ContentError.at(
            Location(file, 1, 1), f"nesting deeper than {MAX_DEPTH} levels is not accepted"
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
    return _tree(loader, root, file, what, text.splitlines())


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, file: str) -> ContentError:
    """Return the located error for a YAML syntax error: the slip behind it where we know it."""
    marks = [
        (m.line, m.column) if m is not None else None for m in (exc.problem_mark, exc.context_mark)
    ]
    slip = explain_syntax_error(
        text.splitlines(), exc.problem or "", marks[0], exc.context or "", marks[1]
    )
    if slip is not None:
        return ContentError.at(Location(file, slip.line, slip.column), slip.message)
    mark = exc.problem_mark or exc.context_mark
    message = (exc.problem or exc.context or "invalid YAML").strip()
    return ContentError.at(_place(file, mark), f"YAML syntax error: {message}")


def _compose_with_libyaml(text: str) -> tuple[yaml.SafeLoader, Node | None] | None:
    """Return (loader, root node) from libyaml's C parser, or None to use the Python one.

    The C parser is ten times faster. What it does not accept (a syntax error) goes to the
    Python parser instead, whose messages and marks the errors use. An alias it composes as
    the anchored node itself, so the same node stands in two places (no copy: a bomb of nested
    aliases costs nothing here); `_tree(..., once=True)` stops where it would build that node
    a second time, and the Python parser then refuses the alias. (An alias of a value the
    builder skips, such as a duplicate key's, is never built: the builder's own error stands.)
    """
    c_loader = getattr(yaml, "CSafeLoader", None)
    if c_loader is None:
        return None
    try:
        loader = c_loader(text)
        return loader, loader.get_single_node()
    except yaml.YAMLError:
        return None


class _Aliased(Exception):
    """A node met twice while building: the C parser composed an alias."""


def _tree(
    loader: Any,
    root: Node | None,
    file: str,
    what: str,
    lines: list[str],
    *,
    once: bool = False,
    text: str | None = None,
) -> tuple[dict[str, Any], SourceMap]:
    """Return the data of the composed `root` and its source map (or raise located errors).

    With `once`, raise `_Aliased` on meeting a node a second time (an alias). With the
    whole `text` of a content file, in a watch session, each section unchanged since the
    last rebuild (the same text at the same place) is taken as read then (`SectionPiece`).
    """
    if root is None:
        raise ContentError.at(Location(file, 1, 1), f"the {what} file is empty")
    if not isinstance(root, MappingNode):
        raise ContentError.at(
            _place(file, root.start_mark),
            f"the {what} file must be a mapping of keys (such as meta:, sections:) "
            "at the top level",
        )
    # One object for the file's name in every build: the places in a kept section (made in an
    # earlier rebuild) and the fresh ones then share it, and a document pickles alike.
    source_map = SourceMap(sys.intern(file))
    problems: list[Problem] = []
    builder = _Builder(loader, source_map, problems, lines, set() if once else None)
    if once and text is not None and what == "content":
        from alliancedeck import session

        if session.active():
            builder.text = text
            # Directives (`%TAG`) change how every section's tags read: part of each key.
            head = text[: root.start_mark.index] if root.start_mark is not None else ""
            builder.directives = tuple(line for line in head.splitlines() if line[:1] == "%")
    data = builder.build(root, (), 0)
    if problems:
        raise ContentError(problems)
    return data, source_map


_COMMA_NUMBER = re.compile(r"[-+]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")


def _number_split_by_comma(
    lines: list[str], value: Node | None, key: Node
) -> tuple[tuple[int, int], str] | None:
    """Return (where the number ends, message) if `value`, key` are one number cut at a comma.

    In `{value: 185,000, label: x}` YAML reads the comma as the end of `value: 185` and `000`
    as the next key.
    """
    if not isinstance(value, ScalarNode) or value.style or not isinstance(key, ScalarNode):
        return None
    start, end = value.start_mark, key.start_mark
    if start is None or end is None or start.line != end.line or start.line >= len(lines):
        return None
    written = _COMMA_NUMBER.match(lines[start.line], start.column)
    if written is None or written.end() <= end.column:
        return None
    number = written.group().replace(",", "")
    return (start.line, written.end()), (
        f"{written.group()} is cut at its comma (in {{ }} a comma separates entries); write the "
        f"number without commas: {number} (numbers are printed with separators)"
    )


_TEXT_TAG = "tag:yaml.org,2002:str"


class _Builder:
    """Turn a composed YAML node tree into plain Python values, recording every node's place."""

    def __init__(
        self,
        loader: yaml.SafeLoader,
        source_map: SourceMap,
        problems: list[Problem],
        lines: list[str],
        met: set[int] | None = None,
    ):
        self.loader = loader
        self.map = source_map
        self.problems = problems
        self.lines = lines
        self.met = met  # ids of the nodes built so far, when an alias is to be caught
        self.text: str | None = None  # the file's text, when sections are kept (`_section`)
        self.directives: tuple[str, ...] = ()  # its directive lines, then

    def _meet(self, node: Node) -> None:
        """Note `node` as built (when aliases are caught): raise `_Aliased` if it was."""
        if self.met is not None:
            if id(node) in self.met:  # the tree is alive meanwhile: an id names one node
                raise _Aliased
            self.met.add(id(node))

    def build(self, node: Node, path: KeyPath, depth: int) -> Any:
        self._meet(node)
        self.map.values[path] = _place(self.map.file, node.start_mark)
        if depth > MAX_DEPTH:
            self._error(node, f"nesting deeper than {MAX_DEPTH} levels is not accepted")
            return None
        if isinstance(node, MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, SequenceNode):
            if path == ("sections",) and self.text is not None:
                return [self._section(item, i, depth + 1) for i, item in enumerate(node.value)]
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, ScalarNode) and node.style == "|":
            self.map.blocks.add(path)
        if isinstance(node, ScalarNode) and not node.style:  # plain: neither quoted nor a block
            return self._plain(node)
        return self._scalar(node)

    def _section(self, node: Node, index: int, depth: int) -> Any:
        """Return section `index` as read, taken from the session when its text and place are
        those of the last rebuild's (its values are then where they were)."""
        from alliancedeck import session

        assert self.text is not None
        if not isinstance(node, MappingNode):  # not a section: an error to locate
            self.map.sections.append(None)
            return self.build(node, ("sections", index), depth)
        start, end = node.start_mark, node.end_mark
        # Its text with what comes before it on its first line ("  - "), which a warning for
        # a text cut short on that line quotes. Nothing after its end is read: a block
        # mapping ends where the next item starts, a flow mapping at its "}" (a comment that
        # cuts a text ends its line, so "}" is on a later one).
        lead = self.lines[start.line][: start.column] if start.line < len(self.lines) else ""
        text = self.text[start.index : end.index]
        key = (self.map.file, self.directives, index, start.line, lead, text)
        piece = session.lookup("content-section", key)
        clean = piece is not None
        if clean:
            self._meet_all(node)
        else:
            problems = len(self.problems)
            piece = self._read_section(node, ("sections", index), depth)
            clean = len(self.problems) == problems
            if clean:
                session.store("content-section", key, piece)
        self.map.values.update(piece.values)
        self.map.keys.update(piece.keys)
        self.map.blocks.update(piece.blocks)
        self.map.warnings.extend(piece.warnings)
        self.map.sections.append(piece if clean else None)
        return piece.data

    def _read_section(self, node: Node, path: KeyPath, depth: int) -> SectionPiece:
        """Return the section at `node` read into a piece of its own."""
        whole = self.map
        self.map = SourceMap(whole.file)
        try:
            data = self.build(node, path, depth)
        finally:
            part, self.map = self.map, whole
        return SectionPiece(data, part.values, part.keys, part.blocks, part.warnings)

    def _meet_all(self, node: Node) -> None:
        """Note every node under `node` as built (a kept section's: see `_meet`)."""
        stack = [node]
        while stack:
            item = stack.pop()
            self._meet(item)
            if isinstance(item, MappingNode):
                for key, value in item.value:
                    stack.append(key)
                    stack.append(value)
            elif isinstance(item, SequenceNode):
                stack.extend(item.value)

    def _plain(self, node: ScalarNode) -> Any:
        """Return a plain scalar's value, reading numbers as YAML 1.2 does and noting a cut."""
        value = self._scalar(node)
        if isinstance(value, str) and EXPONENT_NUMBER.match(value):
            return ExponentNumber(value)
        if isinstance(value, bool):
            if not YAML12_BOOL.fullmatch(node.value):
                value = node.value  # `NO` (Norway), `yes`, `on`: text to YAML 1.2 and editors
        elif isinstance(value, int):
            if re.fullmatch(r"[-+]?[0-9]+", node.value):
                value = int(node.value)  # `012` is twelve, not YAML 1.1's octal ten
            elif not YAML12_INT.fullmatch(node.value):
                value = node.value  # `1_000`, `12:30` (YAML 1.1's base 60), `0b1`
        elif isinstance(value, float) and not YAML12_FLOAT.fullmatch(node.value):
            value = node.value  # `1_000.5`, `12:30:00.5`
        end = node.end_mark
        empty = value is None and node.value == ""  # `- #1 priority`: all of it a comment
        if (isinstance(value, str) or empty) and end is not None and end.line < len(self.lines):
            whole_line = node.start_mark is not None and node.start_mark.line == end.line
            cut = cut_by_comment(
                self.lines[end.line], end.column, whole_line=whole_line, empty=empty
            )
            if cut is not None:
                place = Location(self.map.file, end.line + 1, cut[0] + 1)
                self.map.warnings.append(Problem(place, cut[1], severity="warning"))
        return value

    def _mapping(self, node: MappingNode, path: KeyPath, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        split_until: tuple[int, int] = (-1, -1)  # keys before this place are a number's digits
        previous: Node | None = None
        for key_node, value_node in node.value:
            if node.flow_style and key_node.start_mark is not None:
                at = (key_node.start_mark.line, key_node.start_mark.column)
                if at < split_until:
                    continue  # the rest of `185,000`, reported with its first part
                split = _number_split_by_comma(self.lines, previous, key_node)
                if split is not None and previous is not None:
                    split_until, message = split
                    self._error(previous, message)
                    continue
            previous = value_node
            self._meet(key_node)
            if not isinstance(key_node, ScalarNode):
                hint = ""
                if isinstance(key_node, MappingNode) and key_node.flow_style:
                    line = self.lines[node.start_mark.line] if node.start_mark else ""
                    self._error(node, braces_at_start(line))
                    continue
                self._error(key_node, "a key must be a plain word, not a list or a mapping")
                continue
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._error(key_node, "YAML merge keys (<<) are not accepted")
                continue
            key = self._scalar(key_node)
            if key is None or not isinstance(key, Hashable) or isinstance(key, bool):
                self._error(key_node, f"invalid key {key_node.value!r}")
                continue
            key = str(key)
            if key in result:
                hint = ""
                if path and isinstance(path[-1], int):  # in a list item: a "- " left out?
                    hint = '; to start a new item of the list, begin the line with "- "'
                self._error(key_node, f'duplicate key "{key}" (it already appears above){hint}')
                continue
            self.map.keys[(*path, key)] = _place(self.map.file, key_node.start_mark)
            result[key] = self.build(value_node, (*path, key), depth + 1)
        return result

    def _scalar(self, node: Node) -> Any:
        if node.tag == _TEXT_TAG and isinstance(node, ScalarNode):
            return node.value  # what the constructor returns for a text, without its calls
        try:
            return self.loader.construct_object(node, deep=True)
        except (yaml.constructor.ConstructorError, ValueError, OverflowError) as exc:
            problem = getattr(exc, "problem", None) or str(exc)
            if "integer string conversion" in problem:  # Python's own advice is not the user's
                digits = sum(c.isdigit() for c in str(node.value))
                problem = (
                    f"a number of {digits:,} digits is far too large; a number must be 0 or "
                    "between 1e-6 and 1e15 in size: give it in other units (thousands, billions)"
                )
            self._error(node, f"cannot read this value: {problem}")
            return None
        except Exception:  # a tag the value does not fit: !!timestamp nope, !!bool maybe
            tag = str(node.tag).rsplit(":", 1)[-1]
            self._error(node, f"cannot read this value: it is not a valid {tag}")
            return None

    def _error(self, node: Node, message: str) -> None:
        self.problems.append(Problem(_place(self.map.file, node.start_mark), message))
