"""The command line's work, messages and exit statuses, without typer.

A plain `alliancedeck build` (the most common command line, and the one whose start-up counts)
is read and run from here, without importing typer: importing it and building its parser cost
more than checking a small brief. Every other command line is parsed by typer in
`alliancedeck.cli`, whose commands call the functions here.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path
from typing import NoReturn

EXIT_OK, EXIT_INTERNAL, EXIT_CONTENT = 0, 1, 2

#: ANSI style codes, which typer's `echo` (click's) removes from what does not go to a terminal.
_ANSI_STYLE = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")


def echo(message: str = "", *, err: bool = False, nl: bool = True) -> None:
    """Print `message` (and a line break, with `nl`) on standard output, or standard error with
    `err`, as `typer.echo` prints a text: style codes dropped unless the stream is a terminal,
    UTF-8 where the stream is set up for ASCII only, and flushed."""
    stream = sys.stderr if err else sys.stdout
    if stream is None:  # no stream attached (pythonw)
        return
    text = message + "\n" if nl else message
    if text:
        if not _is_terminal(stream):
            text = _ANSI_STYLE.sub("", text)
        if _ascii_only(stream):
            stream.flush()
            stream.buffer.write(text.encode("utf-8", "replace"))
            stream.buffer.flush()
            return
        stream.write(text)
    stream.flush()


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except Exception:  # a closed or odd stream is not a terminal
        return False


def _ascii_only(stream) -> bool:
    """Return whether `stream` is a text stream over bytes set up for ASCII (a misconfigured
    locale), which click, and so typer, writes UTF-8 to instead."""
    import codecs

    encoding = getattr(stream, "encoding", None)
    if not encoding or not hasattr(stream, "buffer"):
        return False
    try:
        return codecs.lookup(encoding).name == "ascii"
    except LookupError:
        return False


def _is_typer_exit(error: BaseException) -> bool:
    """Return whether `error` is typer's request to exit (an Exception, unlike SystemExit)."""
    typer = sys.modules.get("typer")  # not imported: nothing can have raised it
    return typer is not None and isinstance(error, typer.Exit)


#: How much the commands say: 0 errors and warnings only (-q), 1 what was written, 2 also timings
#: (-v). Set by the options of the program (in `alliancedeck.cli`), before any command runs.
verbosity = 1


def say(message: str, level: int = 1) -> None:
    """Print `message` when the chosen verbosity is at least `level` (-q: 0, default 1, -v: 2)."""
    if verbosity >= level:
        echo(message, err=level > 1)


def fail(message: str, code: int) -> NoReturn:
    """Print `message` on standard error and exit with status `code`."""
    echo(message, err=True)
    raise SystemExit(code)


def run_guarded(action, debug: bool):
    """Run `action`, turning every error into a message and an exit status."""
    from alliancedeck.errors import ContentError, UsageError

    start = time.perf_counter()
    try:
        result = action()
        say(f"done in {time.perf_counter() - start:.2f} s", level=2)
        return result
    except ContentError as exc:
        fail("\n".join(problem_line(p) for p in exc.problems), EXIT_CONTENT)
    except UsageError as exc:
        fail(f"error: {exc}", EXIT_CONTENT)
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except Exception as exc:
        if debug or _is_typer_exit(exc):
            raise
        fail(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "hint: this is a bug in alliancedeck, not in your content; rerun with --debug for "
            "the traceback and report it",
            EXIT_INTERNAL,
        )


def problem_line(problem) -> str:
    """Return `problem` as printed: FILE:LINE:COL: error|warning: message."""
    return f"{problem.location}: {problem.severity}: {problem.message}"


def warn(warnings: list, strict: bool) -> None:
    """Print each of `warnings`; with `strict`, then fail if there were any."""
    for problem in warnings:
        echo(f"{problem.location}: warning: {problem.message}", err=True)
    if strict and warnings:
        fail(f"error: {len(warnings)} warning(s) and --strict is set", EXIT_CONTENT)


def library_options(
    layout: str | None,
    training: bool,
    allow_outside: list[Path] | None,
    template: Path | None = None,
) -> dict:
    """Return the library's options (`api.prepare`'s) from the command's."""
    return {
        "layout": layout,
        "template": template,
        "training_markings": training,
        "allow_outside": tuple(allow_outside or ()),
    }


def build(
    contents: list[Path] | None = None,
    out_dir: Path | None = None,
    products: str | None = None,
    jobs: int | None = None,
    layout: str | None = None,
    template: Path | None = None,
    strict: bool = False,
    training_markings: bool = False,
    allow_outside: list[Path] | None = None,
    watch: bool = False,
    debug: bool = False,
) -> None:
    """Write every product (brief, deck, deck as PDF) and SHA256SUMS beside each content file:
    the `build` command, with its arguments as typer reads them (the defaults are typer's)."""
    from alliancedeck.launch import imports_done
    from alliancedeck.parallel import take_preforked

    briefs = _briefs(contents)  # loads the library
    if len(briefs) == 1 and not watch:
        _load_checkers(briefs[0])
    imports_done()
    if len(briefs) > 1 and out_dir is not None:
        fail(
            "error: --out-dir takes one brief; several are each written to output/ beside "
            "their content",
            EXIT_CONTENT,
        )
    options = {
        **library_options(layout, training_markings, allow_outside, template),
        "strict": strict,
        "products": run_guarded(lambda: chosen_products(products), debug),
        **({"out_dir": out_dir} if out_dir is not None else {}),
    }
    renderer = take_preforked()  # started by `launch.entry`; see alliancedeck.parallel
    if watch or len(briefs) > 1:
        if renderer is not None:
            renderer.close()  # it serves one build; these run in workers or again and again
        if watch:
            _watch(briefs, options)
        else:
            _build_many(briefs, options, jobs)
        return
    try:
        from alliancedeck import api

        result = run_guarded(lambda: api.build(briefs[0], renderer=renderer, **options), debug)
    finally:
        if renderer is not None:
            renderer.close()
    warn(result.warnings, strict=False)
    for product in result.products:
        say(f"wrote {product.path}  sha256 {product.sha256}")
    if result.products:
        say(f"wrote {result.out_dir / 'SHA256SUMS'}")


def _load_checkers(content: Path) -> None:
    """Load what checks `content` now, if this process will check it, as part of the imports
    that `imports_done` puts out of the collector's reach: loaded later, pydantic and the
    content model (about 100,000 objects) would be traversed by the collections that follow."""
    from alliancedeck import api

    if not api.read_apart(content):  # else a child reads and checks it (`api.build`)
        api.checkers()


def _briefs(contents: list[Path] | None) -> list[Path]:
    """Return the content file of each argument (a folder stands for its content.yaml), each
    once: a brief named twice would be built twice into one folder at the same time."""
    from alliancedeck.api import content_file

    files = [content_file(item) for item in (contents or [Path("content.yaml")])]
    unique: dict[Path, Path] = {}
    for path in files:
        unique.setdefault(path.absolute(), path)
    return list(unique.values())


def chosen_products(products: str | None) -> tuple[str, ...] | None:
    """Return the backends `--products` names, checked against the registry."""
    if products is None:
        return None
    from alliancedeck import api

    return api.chosen_products(products.split(","))


def _problem_lines(error: BaseException) -> list[str]:
    problems = getattr(error, "problems", None)
    if problems:
        return [problem_line(p) for p in problems]
    return [f"error: {error}"]


def _build_many(briefs: list[Path], options: dict, jobs: int | None) -> None:
    """Build `briefs` side by side; show progress on a terminal; print a summary; exit 2 if any
    failed (1 if any hit a bug)."""
    from alliancedeck.batch import BriefOutcome, build_many

    progress = _BatchProgress(briefs) if sys.stderr.isatty() else None
    on_started = progress.start if progress is not None else None  # its thread after the fork
    on_done = progress.done if progress is not None else None
    try:
        outcomes: list[BriefOutcome] = build_many(
            briefs, options, jobs=jobs, on_started=on_started, on_done=on_done
        )
    except KeyboardInterrupt:
        fail("interrupted", 130)
    finally:
        if progress is not None:
            progress.stop()
    for outcome in outcomes:
        if outcome.result is not None:
            warn(outcome.result.warnings, strict=False)
        for line in (problem_line(p) for p in outcome.errors):
            echo(line, err=True)
        if outcome.crash:
            first = outcome.crash.splitlines()[0]
            echo(
                f"{outcome.content}: internal error: {first}\nhint: this is a bug in "
                "alliancedeck, not in your content; rerun this brief alone with --debug for the "
                "traceback and report it",
                err=True,
            )
    _summary(outcomes)
    if any(o.crash for o in outcomes):
        raise SystemExit(EXIT_INTERNAL)
    if any(not o.ok for o in outcomes):
        raise SystemExit(EXIT_CONTENT)


class _BatchProgress:
    """A line per brief on the terminal (rich, loaded only here), updated as each finishes."""

    def __init__(self, briefs: list[Path]):
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            SpinnerColumn(finished_text="•"),
            TextColumn("{task.description}"),
            TextColumn("{task.fields[status]}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
        )
        self.tasks = {
            brief: self.progress.add_task(str(brief), total=1, status="building")
            for brief in briefs
        }

    def start(self) -> None:
        self.progress.start()

    def stop(self) -> None:
        self.progress.stop()

    def done(self, outcome) -> None:
        self.progress.update(self.tasks[outcome.content], completed=1, status=outcome.status)


def _summary(outcomes: list) -> None:
    """Print a table of the batch: each brief, how it went, where its products are."""
    rows = []
    for o in outcomes:
        if o.result is not None:
            detail = f"{len(o.result.products)} products in {o.result.out_dir}"
            warnings = str(len(o.result.warnings))
        else:
            detail = f"{len(o.errors)} error(s)" if o.errors else "internal error"
            warnings = "-"
        rows.append((str(o.content), o.status, warnings, f"{o.seconds:.1f} s", detail))
    built = sum(o.ok for o in outcomes)
    total = f"{built} of {len(outcomes)} briefs built"
    header = ("brief", "status", "warnings", "time", "result")
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        table = Table(*header, title=total, title_justify="left")
        for row in rows:
            table.add_row(*row)
        Console().print(table)
        return
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        echo("  ".join(cells).rstrip())
    echo(total)


def _watch(briefs: list[Path], options: dict) -> None:
    from alliancedeck import api
    from alliancedeck.session import Session
    from alliancedeck.watch import Outcome, watch

    def report(outcome: Outcome) -> None:
        names = ", ".join(p.name for p in outcome.changed)
        where = f"{outcome.content}: " if len(briefs) > 1 else ""
        if outcome.internal:
            echo(
                f"{where}internal error: {type(outcome.error).__name__}: {outcome.error}\n"
                "hint: this is a bug in alliancedeck, not in your content; please report it "
                "(the traceback follows). Still watching.",
                err=True,
            )
            echo(outcome.details.rstrip(), err=True)
            return
        if outcome.error is not None:
            echo("\n".join(_problem_lines(outcome.error)), err=True)
            echo(f"{where}{names}: not rebuilt; the last good outputs are kept", err=True)
            return
        warn(outcome.result.warnings, strict=False)
        written = ", ".join(p.path.name for p in outcome.result.products)
        echo(f"{where}{names} -> rebuilt {written} in {outcome.seconds:.2f} s")

    prepare_options = {
        k: options[k] for k in ("layout", "template", "training_markings", "allow_outside")
    }
    echo(f"watching {', '.join(map(str, briefs))} (Ctrl-C to stop)")
    session = Session()

    def reported_and_settled(outcome: Outcome) -> None:
        report(outcome)
        session.settle()  # while waiting for the next save, not in the rebuild's time

    try:
        with session:  # warm workers and line caches, kept between rebuilds
            watch(
                briefs,
                lambda content: api.build(content, session=session, **options),
                reported_and_settled,
                options=prepare_options,
            )
    except KeyboardInterrupt:
        echo("stopped")


#: The options of `build` that `plain_build` reads itself: those taking a value (by the name
#: of `build`'s parameter), and the flags.
_PLAIN_VALUES = {
    "--out-dir": "out_dir",
    "--products": "products",
    "--layout": "layout",
    "--template": "template",
    "--allow-outside": "allow_outside",
    "--jobs": "jobs",
}
_PLAIN_FLAGS = {
    "--strict": "strict",
    "--training-markings": "training_markings",
    "--debug": "debug",
}
_PATH_VALUES = ("out_dir", "template")


def plain_build(args: list[str]) -> dict | None:
    """Return the arguments of `build` for a plain `build` command line, else None.

    Typer builds a validator for every parameter of every command before it parses anything:
    that is more CPU than checking the 1x content. The command line most builds are run with
    (`build` with content files and some of the options above, each value a plain word) is read
    here into what typer would have passed; anything else (help, an error, an option or value
    it would reject or read otherwise, completion) is left to typer, which says what it says.
    """
    import os

    if args[:1] != ["build"] or any(name.endswith("_COMPLETE") for name in os.environ):
        return None
    options: dict = {}
    contents: list[Path] = []
    allow_outside: list[Path] = []
    rest = args[1:]
    while rest:
        word = rest.pop(0)
        if not word or not word.isprintable():
            return None
        if not word.startswith("-"):
            contents.append(Path(word))
            continue
        name, equals, value = word.partition("=")
        if name in _PLAIN_FLAGS and not equals and _PLAIN_FLAGS[name] not in options:
            options[_PLAIN_FLAGS[name]] = True
            continue
        if name not in _PLAIN_VALUES:
            return None  # -h, --watch, --, -j, an unknown option: typer's to read
        if not equals:
            if not rest:
                return None
            value = rest.pop(0)
        key = _PLAIN_VALUES[name]
        if not value or value.startswith("-") or not value.isprintable():
            return None
        if key == "allow_outside":
            allow_outside.append(Path(value))
        elif key in options:
            return None  # given twice
        elif key == "jobs":
            if not (value.isascii() and value.isdigit() and value[0] != "0"):
                return None
            options[key] = int(value)
        else:
            options[key] = Path(value) if key in _PATH_VALUES else value
    paths = [*contents, *allow_outside, *(options[k] for k in _PATH_VALUES if k in options)]
    for path in paths:  # typer refuses a path that exists but cannot be read
        if os.path.exists(path) and not os.access(path, os.R_OK):
            return None
    return {
        "contents": contents or None,
        "allow_outside": allow_outside or None,
        **options,
    }


def run_plain_build(arguments: dict) -> None:
    """Run `build` with `arguments` as typer would have, exit statuses and all (a failure
    raises SystemExit, as typer's own exit does once its command returns)."""
    try:
        build(**arguments)
    except EOFError:
        echo(err=True)
        echo("Aborted!", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except OSError as exc:
        import errno

        if exc.errno != errno.EPIPE:
            raise
        sys.exit(1)


def main() -> None:
    """Run the command line (`launch.entry` runs this for the `alliancedeck` program)."""
    try:
        plain = plain_build(sys.argv[1:])
        if plain is not None:
            run_plain_build(plain)
            return
        from alliancedeck.cli import app  # typer parses every other command line

        app(prog_name="alliancedeck", standalone_mode=True)
    except SystemExit as exc:
        sys.exit(exc.code)
    except Exception as exc:  # a bug outside a command's own guard: still no traceback
        if "--debug" in sys.argv:
            raise
        echo(
            f"internal error: {type(exc).__name__}: {exc}\nhint: this is a bug in "
            "alliancedeck; rerun with --debug for the traceback and report it",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
