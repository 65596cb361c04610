"""Fill stage: render every text as a sandboxed Jinja2 template and format the figures."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from alliancedeck import markup
from alliancedeck.document import (
    Block,
    ChartInfo,
    Document,
    FigureInfo,
    ImageInfo,
    MetaInfo,
    PointInfo,
    SectionInfo,
    SourceInfo,
    TableInfo,
    TimelineInfo,
    chart_description,
    format_cell,
    format_number,
    is_year_column,
)
from alliancedeck.errors import Location, Report, did_you_mean, known_list
from alliancedeck.labels import Labels, labels_for
from alliancedeck.markings import check_markings, distribution_statement, portion_mark
from alliancedeck.markup import Run
from alliancedeck.model import Brief, Chart, CuiBlock, Image, Point, Section, Table
from alliancedeck.paths import PathRefused, resolve_inside, sniff_image
from alliancedeck.source import Filled, KeyPath, SectionPiece, SourceMap

#: Longest text a template may produce, in characters.
MAX_TEMPLATE_OUTPUT = 20_000
#: Seconds one text may take to parse, compile and render (compiling runs code: Jinja folds
#: constant expressions), and all the texts of one content file together.
RENDER_SECONDS = 2.0
RUN_SECONDS = 3.0


#: How Python prints an object that has no text of its own: `<... object at 0x7f...>`.
_MEMORY_ADDRESS = re.compile(r" at 0x[0-9A-Fa-f]{4,}")


class _RenderTimeout(BaseException):
    """A text ran out of time. A BaseException, so that no `except Exception` inside Jinja
    (which turns errors while folding constants into "evaluate later") can swallow it."""


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise `_RenderTimeout` in the block after `seconds` (main thread on POSIX; else no limit)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise _RenderTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class FigureView:
    """What a template sees as `figures.ID`: prints as the display string."""

    __slots__ = ("display", "id", "label", "source", "unit", "value")

    def __init__(self, info: FigureInfo):
        self.id = info.id
        self.value = int(info.value) if float(info.value).is_integer() else info.value
        self.display = info.display
        self.label = info.label
        self.unit = info.unit
        self.source = info.source

    def __str__(self) -> str:
        return self.display

    def __repr__(self) -> str:  # `{{ figures }}` prints the displays, not objects
        return repr(self.display)

    def __getattr__(self, name: str) -> Any:  # only reached when the attribute is missing
        if name.startswith("__"):  # a protocol probe (`hasattr(x, "__next__")`), not a field
            raise AttributeError(name)
        raise UnknownFigureField(self.id, name)


class UnknownFigureField(Exception):
    """A template named a field that figures do not have (`figures.x.valeu`)."""


class FigureTable(dict):
    """The `figures` mapping in templates; a missing id is reported by name."""

    def __getattr__(self, name: str) -> Any:  # only reached when the attribute is missing
        try:
            return self[name]
        except KeyError:
            raise UnknownFigure(name) from None


class UnknownFigure(Exception):
    """A template named a figure id that the content does not define."""


class MetaTable(dict):
    """The `meta` mapping in templates; a misspelt field is reported with a suggestion."""

    def __getattr__(self, name: str) -> Any:  # only reached when the attribute is missing
        try:
            return self[name]
        except KeyError:
            raise UnknownMetaField(name, list(self)) from None


class UnknownMetaField(Exception):
    """A template named a meta field that does not exist."""


#: `{{ name.name... }}`: an expression that only prints a value (the usual `{{ figures.x }}`).
_PRINTED_NAME = re.compile(r"\{\{\s*([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*)\s*\}\}")
#: The start of any other template syntax: an expression, a statement or a comment.
_TEMPLATE_SYNTAX = re.compile(r"\{[{%#]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_NOT_FOUND = object()
#: Jinja's message for a name no template can see: `'figure' is undefined`.
_UNDEFINED_NAME = re.compile(r"'([A-Za-z_][A-Za-z0-9_]*)' is undefined$")


def plain_substitution(text: str, context: dict[str, Any]) -> str | None:
    """Return `text` with its `{{ figures.x }}`-style names filled in, as Jinja would print it.

    Most texts use templates only to print a figure or a meta field. Compiling each of them with
    Jinja costs about a millisecond, and importing Jinja as much as the rest of a small build;
    this does the same for that one simple form, with the same result. It returns None for
    anything else (filters, statements, a name that does not resolve plainly), which Jinja then
    renders or reports exactly as before.
    """
    if "\r" in text or text.endswith("\n"):  # as Jinja reads a template: \n line breaks,
        lines = _LINE_BREAK.split(text)  # and one trailing line break dropped
        text = "\n".join(lines[:-1] if lines[-1] == "" else lines)
    parts: list[str] = []
    end = 0
    while (opener := _TEMPLATE_SYNTAX.search(text, end)) is not None:
        match = _PRINTED_NAME.match(text, opener.start())  # Jinja reads the first opener on
        if match is None:
            return None
        value = _lookup(context, match.group(1).split("."))
        if value is _NOT_FOUND:
            return None
        # Jinja's finalize (None prints as nothing), then str.
        parts += [text[end : match.start()], "" if value is None else str(value)]
        end = match.end()
    return "".join([*parts, text[end:]])


def _lookup(context: dict[str, Any], names: list[str]) -> Any:
    """Return what `names[0].names[1]...` is in a template, or _NOT_FOUND if not a plain value."""
    value = context.get(names[0], _NOT_FOUND)
    for name in names[1:]:
        if isinstance(value, FigureTable | MetaTable) and name in value and not hasattr(dict, name):
            value = value[name]
        elif isinstance(value, FigureView) and name in FigureView.__slots__:
            value = getattr(value, name)
        else:
            return _NOT_FOUND
    if value is _NOT_FOUND or isinstance(value, FigureTable | MetaTable):
        return _NOT_FOUND
    return value


class _Renderer:
    def __init__(self, source_map: SourceMap, report: Report):
        self.map = source_map
        self.report = report
        self.context: dict[str, Any] = {}
        self.seconds_left = RUN_SECONDS  # for every text of the run together
        self.out_of_time = False  # whether running out of it was reported

    def text(self, value: str | None, path: KeyPath) -> str | None:
        """Return `value` rendered and stripped, None if it renders empty (or is None).

        A text with an error is recorded as a located error and returned unrendered.
        """
        if value is None:
            return None
        if not self._storable(value, path):
            return value
        if "{" not in value:
            return value.strip() or None
        rendered = plain_substitution(value, self.context)
        if rendered is None:
            rendered = self._render_template(value, path)
            if rendered is None:
                return value
        if not self._storable(rendered, path, made=True):
            return value
        if len(rendered) > MAX_TEMPLATE_OUTPUT:
            self.report.error(
                self.map.locate(path),
                f"template output is {len(rendered):,} characters, "
                f"more than the limit of {MAX_TEMPLATE_OUTPUT:,}",
            )
            return value
        return rendered.strip() or None

    def styled(self, value: str | None, path: KeyPath) -> tuple[str | None, tuple[Run, ...]]:
        """Return `value` rendered (as `text` does) with its emphasis read: the text readers
        see and its styled runs (none when it has no emphasis or link).

        Markup that cannot be read is a located error; the text is then kept as typed.
        """
        text = self.text(value, path)
        if text is None:
            return None, ()
        try:
            runs = markup.parse(text)
        except markup.MarkupError as exc:
            where = self._place_in_text(path, value or "", text, exc.position)
            self.report.error(where, f"emphasis or link: {exc}")
            return text, ()
        shown = markup.plain(runs).strip()
        if not shown:
            self.report.error(
                self.map.locate(path),
                "this text is only emphasis marks; write the words between them",
            )
            return text, ()
        if markup.is_plain(runs):
            return shown, ()
        return markup.plain(runs), runs

    def _place_in_text(self, path: KeyPath, raw: str, text: str, position: int) -> Location:
        """Return the place of character `position` of `text` (the rendered `raw` at `path`):
        exact for a one-line text typed as it reads, else the place of the whole text."""
        location = self.map.locate(path)
        if raw.strip() != text or "\n" in raw or location.line <= 0:
            return location
        try:
            file = Path(self.map.file)
            if not file.is_file():
                return location
            line = file.read_text(encoding="utf-8").split("\n")[location.line - 1]
        except (OSError, UnicodeDecodeError, IndexError):
            return location
        start = location.column - 1
        if line[start : start + 1] in ('"', "'"):
            start += 1  # a quoted text starts after its quote
        if not line.startswith(text[: position + 1], start):
            return location  # escapes in the quotes: the typed text differs from the text
        return Location(location.file, location.line, start + position + 1)

    def required(self, value: str, path: KeyPath, what: str) -> str:
        """Return `value` rendered; if it renders empty, record a located error naming `what`."""
        rendered = self.text(value, path)
        if rendered is None:
            self.report.error(
                self.map.locate(path),
                f"{what} renders as nothing here; it must have text: give the template's "
                "{% else %} a text, or write the text outside the condition",
            )
            return value
        return rendered

    def _storable(self, text: str, path: KeyPath, *, made: bool = False) -> bool:
        """Return whether a document can hold `text` (the content's one character rule, applied
        to what a template makes too); if not, record a located error."""
        from pydantic_core import PydanticCustomError

        from alliancedeck.model import _check_characters

        try:
            _check_characters(text)
        except PydanticCustomError as exc:
            ctx = exc.context or {}
            what = "the template makes " if made else ""
            if exc.type == "text_right_to_left":
                message = (
                    f"{what}right-to-left text ({ctx['code']} {ctx['name']}), which neither "
                    "product can set; write it in a left-to-right language"
                )
            else:
                message = (
                    f"{what}character {ctx['code']}, which cannot be stored in a document; "
                    "delete it"
                )
            self.report.error(self.map.locate(path), message)
            return False
        return True

    def _render_template(self, value: str, path: KeyPath) -> str | None:
        """Return `value` rendered by Jinja, or record a located error and return None."""
        from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError
        from jinja2.exceptions import SecurityError

        from alliancedeck.sandbox import OutputTooLong, environment, render_text

        location = self.map.locate(path)
        if self.seconds_left <= 0:  # the run's time is spent: said once, where it ran out
            if not self.out_of_time:  # spent to the end by a template that did not time out
                self.out_of_time = True
                message = f"the templates ran longer than {RUN_SECONDS:g} s in all"
                self.report.error(location, f"template not allowed: {message}")
            return None
        env = environment()
        seconds = min(RENDER_SECONDS, self.seconds_left)
        started = time.monotonic()
        try:
            with _time_limit(seconds):
                rendered = render_text(env, value, self.context)
            if _MEMORY_ADDRESS.search(rendered):
                raise SecurityError(
                    "it prints an object, not data; print one of its fields, such as "
                    "figures.ID.label or meta.title"
                )
            return rendered
        except TemplateSyntaxError as exc:
            self.report.error(
                self._line_in(location, exc.lineno, path in self.map.blocks),
                f"template syntax error: {exc.message}",
            )
            return None
        except UnknownFigure as exc:
            figures = self.context.get("figures", {})
            self.report.error(
                location,
                f'unknown figure "{exc.args[0]}"{did_you_mean(exc.args[0], figures)}; '
                f"defined figures: {known_list(figures) or 'none'}",
            )
            return None
        except UnknownFigureField as exc:
            figure_id, name = exc.args
            fields = [f for f in FigureView.__slots__ if f != "id"]
            self.report.error(
                location,
                f'figure "{figure_id}" has no field "{name}"{did_you_mean(name, fields)}; '
                f"a figure has {known_list(fields)}",
            )
            return None
        except UnknownMetaField as exc:
            name, known = exc.args
            self.report.error(
                location,
                f'unknown meta field "{name}"{did_you_mean(name, known)}; '
                f"meta fields: {known_list(known, limit=20)}",
            )
            return None
        except UndefinedError as exc:
            named = _UNDEFINED_NAME.match(exc.message or "")
            hint = did_you_mean(named.group(1), self.context) if named else ""
            self.report.error(
                location,
                f"undefined name in template: {exc.message}{hint}; "
                "texts can use figures.ID and meta.FIELD",
            )
            return None
        except OutputTooLong as exc:
            self.report.error(location, str(exc))
            return None
        except SecurityError as exc:
            self.report.error(location, f"template not allowed: {exc}")
            return None
        except RecursionError:
            self.report.error(location, "template not allowed: it calls itself without end")
            return None
        except _RenderTimeout:
            if seconds < RENDER_SECONDS or self.seconds_left - seconds <= 0:
                self.out_of_time = True
                message = f"the templates ran longer than {RUN_SECONDS:g} s in all"
            else:
                message = f"it ran longer than {RENDER_SECONDS:g} s"
            self.report.error(location, f"template not allowed: {message}")
            return None
        except (TemplateError, TypeError, ValueError, ArithmeticError) as exc:
            self.report.error(location, f"template error: {exc}")
            return None
        except Exception as exc:  # a template is code the user wrote: what it raises is theirs
            self.report.error(location, f"template error: {type(exc).__name__}: {exc}")
            return None
        finally:
            self.seconds_left -= time.monotonic() - started

    @staticmethod
    def _line_in(location: Location, lineno: int | None, block: bool) -> Location:
        """Return the place of line `lineno` of a template whose text starts at `location`."""
        if not lineno or location.line <= 0:
            return location
        # A literal block (|) starts on the line after its indicator; its lines map one to one.
        first = location.line + 1 if block else location.line
        return Location(
            location.file, first + lineno - 1, 1 if (block or lineno > 1) else location.column
        )


def fill_texts(
    brief: Brief,
    source_map: SourceMap,
    *,
    training_markings: bool = False,
    content_dir: Path | None = None,
    allow_outside: tuple[Path, ...] = (),
) -> Document:
    """Return the `Document` for `brief`: texts rendered, figures formatted, all errors at once.

    With `training_markings`, levels above CUI are accepted and every banner says so. Image
    paths resolve inside `content_dir` (or a folder of `allow_outside`).
    """
    report = Report(list(source_map.warnings))  # the loader's, such as a text cut by #1
    renderer = _Renderer(source_map, report)
    banner = check_markings(brief, source_map, report, training=training_markings)

    figures: dict[str, FigureInfo] = {}
    for figure_id, figure in brief.figures.items():
        path: KeyPath = ("figures", figure_id)
        figures[figure_id] = FigureInfo(
            id=figure_id,
            value=figure.value,
            display=figure.display if figure.display is not None else format_number(figure.value),
            label=figure.label,
            unit=figure.unit,
            source=figure.source,
            location=source_map.locate(path, key=True),
        )

    meta_in = brief.meta
    meta_view = {name: getattr(meta_in, name) for name in type(meta_in).model_fields}
    renderer.context = {
        "figures": FigureTable({k: FigureView(v) for k, v in figures.items()}),
        "meta": MetaTable(meta_view),
    }
    # Figure labels may use meta and other figures' displays, so render them with the context set.
    for figure_id, info in list(figures.items()):
        path = ("figures", figure_id)
        figures[figure_id] = FigureInfo(
            id=info.id,
            value=info.value,
            display=renderer.required(info.display, (*path, "display"), "a figure display"),
            label=renderer.required(info.label, (*path, "label"), "a figure label"),
            unit=info.unit,
            source=renderer.text(info.source, (*path, "source")),
            location=info.location,
        )

    def meta_text(name: str) -> str | None:
        return renderer.text(getattr(meta_in, name), ("meta", name))

    title = renderer.required(meta_in.title, ("meta", "title"), "the title")
    authors = []  # (name, title) of each author whose name does not render empty
    for i, author in enumerate(meta_in.authors):
        path = ("meta", "authors", i)
        if isinstance(author, str):
            name, role = renderer.text(author, path), None
        else:
            name = renderer.text(author.name, (*path, "name"))
            role = renderer.text(author.title, (*path, "title")) if author.title else None
        if name:
            authors.append((name, role))
    meta = MetaInfo(
        title=title,
        subtitle=meta_text("subtitle"),
        short_title=meta_text("short_title") or title,
        authors=tuple(name for name, _ in authors),
        author_titles=tuple(role for _, role in authors),
        url=meta_in.url,
        organization=meta_text("organization"),
        date=meta_in.date,
        product_id=meta_text("product_id"),
        classification=banner.text if banner else None,
        banner_level=banner.level if banner else None,
        distribution=distribution_statement(
            meta_text("distribution")
            if isinstance(meta_in.distribution, str)
            else meta_in.distribution,
            source_map,
            report,
        ),
        cui=_cui_lines(meta_in.cui),
        poc=meta_text("poc"),
        language=meta_in.language,
        layout=meta_in.layout,
        location=source_map.locate(("meta", "title")),
    )

    # In a watch session, a section read as in the last rebuild (`SourceMap.sections`: the
    # same text at the same place) and filled then with the same figures and meta, without a
    # problem, is taken as filled then, its templates' time counted again (filled again if
    # that time would use up what is left, so that the template where it runs out says so).
    # One that shows a picture is filled again (its file may have changed).
    pieces = source_map.sections
    filling = _filling_key(figures, meta_view, training_markings, content_dir) if pieces else b""
    folder = content_dir or Path(source_map.file).parent
    labels = labels_for(meta_in.language)
    made: list[tuple[SectionPiece, Filled]] = []
    sections = []
    for s_index, section in enumerate(brief.sections):
        piece = pieces[s_index] if pieces and not section.image else None
        kept = piece.filled if piece is not None else None
        if (
            kept is not None
            and kept.filling == filling
            and renderer.seconds_left - kept.seconds > 0
        ):
            renderer.seconds_left -= kept.seconds
            # The figures of this build (equal ones): shared with the document, as filled.
            shown = tuple(figures[figure.id] for figure in kept.info.figures)
            sections.append(replace(kept.info, figures=shown) if shown else kept.info)
            continue
        before, seconds_left = len(report.problems), renderer.seconds_left
        info = _section_info(renderer, section, s_index, figures, folder, allow_outside, labels)
        sections.append(info)
        if piece is not None and len(report.problems) == before:
            made.append((piece, Filled(filling, info, seconds_left - renderer.seconds_left)))
    report.raise_if_errors()
    for piece, filled in made:
        piece.filled = filled
    return Document(
        meta=meta,
        figures=figures,
        sections=tuple(sections),
        source_file=source_map.file,
        warnings=tuple(report.warnings),
        labels=labels_for(meta_in.language),
    )


def _filling_key(
    figures: dict[str, FigureInfo],
    meta: dict[str, Any],
    training_markings: bool,
    content_dir: Path | None,
) -> bytes:
    """Return a digest of what filling a section reads besides the section itself and its
    places: the key figures, the meta fields, the markings rule and the content's folder."""
    from alliancedeck.session import digest

    return digest((figures, meta, training_markings, str(content_dir)))


def _section_info(
    renderer: _Renderer,
    section: Section,
    index: int,
    figures: dict[str, FigureInfo],
    content_dir: Path,
    allow_outside: tuple[Path, ...],
    labels: Labels,
) -> SectionInfo:
    """Return section `index` (`section`) filled: its texts rendered, its blocks read."""
    base: KeyPath = ("sections", index)
    lead, lead_runs = renderer.styled(section.lead, (*base, "lead"))
    mark = portion_mark(section.marking)
    return SectionInfo(
        title=renderer.required(section.title, (*base, "title"), "a section title"),
        lead=lead,
        lead_runs=lead_runs,
        points=tuple(_points(renderer, section.points, (*base, "points"))),
        figures=tuple(figures[f] for f in section.figures if f in figures),
        notes=renderer.text(section.notes, (*base, "notes")),
        marking=mark,
        backup=section.backup,
        bluf=section.bluf,
        closing=section.closing,
        blocks=_blocks(renderer, section, base, mark, content_dir, allow_outside, labels),
        sources=tuple(_sources(renderer, section.sources, (*base, "sources"))),
        location=renderer.map.locate(base),
    )


def _cui_lines(cui: CuiBlock | None) -> tuple[str, ...]:
    """Return the lines of the CUI designation indicator."""
    if cui is None:
        return ()
    lines = [f"Controlled by: {cui.controlled_by}", f"CUI Category: {cui.category}"]
    if cui.dissemination:
        lines.append(f"Limited Dissemination Control: {cui.dissemination}")
    if cui.distribution:
        lines.append(f"Distribution Statement: {cui.distribution}")
    lines.append(f"POC: {cui.poc}")
    return tuple(lines)


def _points(renderer: _Renderer, items: list[Any], path: KeyPath) -> list[PointInfo]:
    """Return the points of `items`; one that renders empty is left out with its sub-points."""
    result = []
    for index, item in enumerate(items):
        here = (*path, index)
        if isinstance(item, Point):
            text, runs = renderer.styled(item.text, (*here, "text"))
            children = tuple(_points(renderer, item.points, (*here, "points")))
        else:
            text, runs = renderer.styled(item, here)
            children = ()
        if text:
            result.append(PointInfo(text, renderer.map.locate(here), children, runs))
    return result


def _sources(renderer: _Renderer, items: list[Any], path: KeyPath) -> list[SourceInfo]:
    """Return the sources of `items`; one whose text renders empty is left out."""
    result = []
    for index, item in enumerate(items):
        here = (*path, index)
        if isinstance(item, str):
            text, url = renderer.text(item, here), None
        else:
            text, url = renderer.text(item.text, (*here, "text")), item.url
        if text:
            result.append(SourceInfo(text=text, url=url, location=renderer.map.locate(here)))
    return result


BLOCK_KEYS = ("chart", "table", "image", "timeline")


def _blocks(
    renderer: _Renderer,
    section: Section,
    base: KeyPath,
    mark: str | None,
    content_dir: Path,
    allow_outside: tuple[Path, ...],
    labels: Labels,
) -> tuple[Block, ...]:
    """Return the section's charts, tables, images and timeline in the order the content gives."""
    source_map = renderer.map
    present = [key for key in BLOCK_KEYS if (*base, key) in source_map.keys]
    where = {key: source_map.keys[(*base, key)] for key in present}
    order = sorted(present, key=lambda key: (where[key].line, where[key].column))

    def marked(text: str | None) -> str | None:
        return f"({mark}) {text}" if mark and text else text

    blocks: list[Block] = []
    for key in order:
        if key == "timeline" and section.timeline:
            entries = []
            for index, entry in enumerate(section.timeline):
                here = (*base, "timeline", index)
                date = (
                    entry.date
                    if isinstance(entry.date, str)
                    else (
                        labels.format_date(entry.date)
                        if isinstance(entry.date, dt.date)
                        else str(entry.date)
                    )
                )
                entries.append((date, renderer.required(entry.text, (*here, "text"), "an event")))
            blocks.append(TimelineInfo(tuple(entries), source_map.locate((*base, "timeline"))))
        for index, item in enumerate(getattr(section, key) if key != "timeline" else []):
            here = (*base, key, index)
            if here not in source_map.values:
                here = (*base, key)
            location = source_map.locate(here)
            if isinstance(item, Chart):
                title = renderer.text(item.title, (*here, "title"))
                categories = tuple(
                    renderer.required(c, (*here, "categories", i), "a category")
                    for i, c in enumerate(item.categories)
                )
                series = tuple(
                    (
                        renderer.required(s.name, (*here, "series", i, "name"), "a series name"),
                        tuple(s.values),
                    )
                    for i, s in enumerate(item.series)
                )
                unit = renderer.text(item.unit, (*here, "unit"))
                alt = renderer.text(item.alt, (*here, "alt")) or chart_description(
                    item.type, title, categories, series, unit
                )
                blocks.append(
                    ChartInfo(
                        item.type,
                        marked(title),
                        categories,
                        series,
                        unit,
                        renderer.text(item.source, (*here, "source")),
                        alt,
                        location,
                        labels=item.labels,
                    )
                )
            elif isinstance(item, Table):
                # A column of years is a column of labels: printed as written, not as amounts.
                years = [
                    is_year_column([row[c] for row in item.rows]) for c in range(len(item.columns))
                ]
                rows = []
                for r, row in enumerate(item.rows):
                    cells = []
                    for c, cell in enumerate(row):
                        if cell is None:
                            cells.append("")
                        elif isinstance(cell, str):
                            cells.append(renderer.text(cell, (*here, "rows", r, c)) or "")
                        else:
                            cells.append(format_cell(cell, year=years[c]))
                    rows.append(tuple(cells))
                numeric = tuple(
                    not years[c]
                    and all(row[c] is None or isinstance(row[c], float) for row in item.rows)
                    and any(isinstance(row[c], float) for row in item.rows)
                    for c in range(len(item.columns))
                )
                columns = tuple(
                    renderer.required(c, (*here, "columns", i), "a column heading")
                    for i, c in enumerate(item.columns)
                )
                blocks.append(
                    TableInfo(
                        columns,
                        tuple(rows),
                        numeric,
                        marked(renderer.text(item.caption, (*here, "caption"))),
                        renderer.text(item.source, (*here, "source")),
                        location,
                    )
                )
            elif isinstance(item, Image):
                path_location = source_map.locate((*here, "path"))
                try:
                    path = resolve_inside(item.path, content_dir, allow_outside)
                    kind = sniff_image(path)
                except PathRefused as exc:
                    renderer.report.error(path_location, f"image: {exc}")
                    continue
                blocks.append(
                    ImageInfo(
                        path,
                        kind,
                        renderer.required(item.alt, (*here, "alt"), "alt text"),
                        marked(renderer.text(item.caption, (*here, "caption"))),
                        renderer.text(item.source, (*here, "source")),
                        location,
                    )
                )
    return tuple(blocks)
