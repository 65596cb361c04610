"""The command line: thin commands over the library; the only place that prints and exits."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from alliancedeck import __version__

EXIT_OK, EXIT_INTERNAL, EXIT_CONTENT = 0, 1, 2

# Typer 0.29 prints an argument's Python type after its name ("NAME <str>", "CONTENTS...
# <list[Path]>"); the metavar and the help already say what to type, so show only those.
typer.core.TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign]

app = typer.Typer(
    name="alliancedeck",
    help="Turn one content.yaml into a PDF brief and a PowerPoint deck that read as one product.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion, --show-completion
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: importing rich costs more than the whole check
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _layout_names() -> list[str]:
    """Return the layout names for shell completion: those beside the content, and ours."""
    from alliancedeck.layout_files import available_layouts

    return available_layouts(Path("."))


def _backend_names() -> list[str]:
    """Return the registered backend names for shell completion (none of them imported)."""
    from alliancedeck.backends import available

    return sorted(available())


Content = Annotated[
    Path,
    typer.Argument(
        help="The content file, or a folder holding content.yaml; - reads standard input.",
        show_default=True,
        metavar="CONTENT",
    ),
]
LayoutOption = Annotated[
    str | None,
    typer.Option(
        "--layout",
        help="Layout name (in layouts/) or path; overrides meta.layout.",
        metavar="NAME|PATH",
        autocompletion=_layout_names,
    ),
]
TemplateOption = Annotated[
    Path | None,
    typer.Option(
        "--template",
        help="Your organisation's PowerPoint template (.pptx or .potx): the deck is built on "
        "it; overrides the layout's slide.template.",
        metavar="PATH",
    ),
]
StrictOption = Annotated[
    bool, typer.Option("--strict", help="Treat every warning as an error; write nothing then.")
]
TrainingOption = Annotated[
    bool,
    typer.Option(
        "--training-markings",
        help="Accept levels above CUI for exercises; every banner then says the markings are "
        "for training purposes only.",
    ),
]
DebugOption = Annotated[
    bool, typer.Option("--debug", help="Show the traceback of an internal error.")
]
AllowOutsideOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--allow-outside",
        help="Also allow files (images) in this folder, outside the content's folder. Repeatable.",
        metavar="FOLDER",
    ),
]


#: How much the commands say: 0 errors and warnings only (-q), 1 what was written, 2 also timings
#: (-v). Set by the options of the program, before any command runs.
_verbosity = 1


def _say(message: str, level: int = 1) -> None:
    """Print `message` when the chosen verbosity is at least `level` (-q: 0, default 1, -v: 2)."""
    if _verbosity >= level:
        typer.echo(message, err=level > 1)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"alliancedeck {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("-q", "--quiet", help="Print only errors and warnings.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("-v", "--verbose", help="Also print what each step took.")
    ] = False,
) -> None:
    """Turn one content.yaml into a PDF brief and a PowerPoint deck that read as one product."""
    global _verbosity
    _verbosity = 0 if quiet else 2 if verbose else 1


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _run(action, debug: bool):
    """Run `action`, turning every error into a message and an exit status."""
    from alliancedeck.errors import ContentError, UsageError

    start = time.perf_counter()
    try:
        result = action()
        _say(f"done in {time.perf_counter() - start:.2f} s", level=2)
        return result
    except ContentError as exc:
        _fail("\n".join(_problem_line(p) for p in exc.problems), EXIT_CONTENT)
    except UsageError as exc:
        _fail(f"error: {exc}", EXIT_CONTENT)
    except typer.Exit:
        raise
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except Exception as exc:
        if debug:
            raise
        _fail(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "hint: this is a bug in alliancedeck, not in your content; rerun with --debug for "
            "the traceback and report it",
            EXIT_INTERNAL,
        )


def _problem_line(problem) -> str:
    """Return `problem` as printed: FILE:LINE:COL: error|warning: message."""
    return f"{problem.location}: {problem.severity}: {problem.message}"


def _warn(warnings: list, strict: bool) -> None:
    for problem in warnings:
        typer.echo(f"{problem.location}: warning: {problem.message}", err=True)
    if strict and warnings:
        _fail(f"error: {len(warnings)} warning(s) and --strict is set", EXIT_CONTENT)


def _options(
    layout: str | None,
    training: bool,
    allow_outside: list[Path] | None,
    template: Path | None = None,
) -> dict:
    return {
        "layout": layout,
        "template": template,
        "training_markings": training,
        "allow_outside": tuple(allow_outside or ()),
    }


def _render_one(
    content: Path, output: Path | None, backend: str, options: dict, strict: bool, debug: bool
) -> None:
    from alliancedeck import api
    from alliancedeck.output import refuse_unsafe_target, write_set

    content = api.content_file(content)  # a folder stands for its content.yaml, as for build

    def action() -> Path:
        target = output or api.default_output(backend, api.output_folder(content))
        refuse_unsafe_target(target, protect=(content,))  # before the work, not after
        prepared = api.prepare(content, **options)
        data = api.render(prepared, backend)
        if strict:  # the same errors as build --strict and check --strict
            api.raise_on_warnings(prepared.warnings)
        _warn(prepared.warnings, strict=False)
        # SHA256SUMS beside it (from an earlier build) gets this file's new line, so stays true.
        write_set({target: data}, update_checksums=True, protect=(content,))
        return target

    target = _run(action, debug)
    _say(f"wrote {target}")


@app.command()
def pdf(
    content: Content = Path("content.yaml"),
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Where to write the brief (a .pdf).", metavar="FILE"),
    ] = None,
    layout: LayoutOption = None,
    template: TemplateOption = None,
    strict: StrictOption = False,
    training_markings: TrainingOption = False,
    allow_outside: AllowOutsideOption = None,
    debug: DebugOption = False,
) -> None:
    """Write the PDF brief (default output/brief.pdf)."""
    _backend_for_output("pdf", output, None)
    options = _options(layout, training_markings, allow_outside, template)
    _render_one(content, output, "pdf", options, strict, debug)


@app.command()
def slides(
    content: Content = Path("content.yaml"),
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="Where to write the deck; a .pdf name writes the deck as PDF.",
            metavar="FILE",
        ),
    ] = None,
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="pptx, or pdf for the deck as PDF (default: by the -o name, else pptx).",
            metavar="pptx|pdf",
        ),
    ] = None,
    layout: LayoutOption = None,
    template: TemplateOption = None,
    strict: StrictOption = False,
    training_markings: TrainingOption = False,
    allow_outside: AllowOutsideOption = None,
    debug: DebugOption = False,
) -> None:
    """Write the deck (default output/deck.pptx; with --format pdf, output/deck.pdf)."""
    if format not in (None, "pptx", "pdf"):
        _fail(f'error: --format must be "pptx" or "pdf", not "{format}"', EXIT_CONTENT)
    backend = _backend_for_output("slides", output, format)
    options = _options(layout, training_markings, allow_outside, template)
    _render_one(content, output, backend, options, strict, debug)


ProductsOption = Annotated[
    str | None,
    typer.Option(
        "--products",
        metavar="NAME,NAME",
        help="Comma-separated products (backends), third-party ones too (default: "
        "pdf,slides,deck-pdf); `alliancedeck backends` lists them.",
    ),
]


@app.command()
def build(
    contents: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Content files, or folders holding content.yaml (default: ./content.yaml).",
            metavar="CONTENT",
            show_default=False,
        ),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out-dir",
            metavar="FOLDER",
            help="Folder for the products (default: output/ beside the content file, "
            "output/STEM/ when it is not named content.yaml). One brief only.",
        ),
    ] = None,
    products: ProductsOption = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", "-j", min=1, metavar="N", help="Briefs built at once (default: the cores)."
        ),
    ] = None,
    layout: LayoutOption = None,
    template: TemplateOption = None,
    strict: StrictOption = False,
    training_markings: TrainingOption = False,
    allow_outside: AllowOutsideOption = None,
    watch: Annotated[
        bool,
        typer.Option("--watch", help="Keep running; rebuild each time an input file is saved."),
    ] = False,
    debug: DebugOption = False,
) -> None:
    """Write every product (brief, deck, deck as PDF) and SHA256SUMS beside each content file."""
    from alliancedeck.launch import imports_done
    from alliancedeck.parallel import take_preforked

    briefs = _briefs(contents)  # loads the library
    imports_done()
    if len(briefs) > 1 and out_dir is not None:
        _fail(
            "error: --out-dir takes one brief; several are each written to output/ beside "
            "their content",
            EXIT_CONTENT,
        )
    options = {
        **_options(layout, training_markings, allow_outside, template),
        "strict": strict,
        "products": _run(lambda: _chosen_products(products), debug),
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

        result = _run(lambda: api.build(briefs[0], renderer=renderer, **options), debug)
    finally:
        if renderer is not None:
            renderer.close()
    _warn(result.warnings, strict=False)
    for product in result.products:
        _say(f"wrote {product.path}  sha256 {product.sha256}")
    if result.products:
        _say(f"wrote {result.out_dir / 'SHA256SUMS'}")


def _briefs(contents: list[Path] | None) -> list[Path]:
    """Return the content file of each argument (a folder stands for its content.yaml), each
    once: a brief named twice would be built twice into one folder at the same time."""
    from alliancedeck.api import content_file

    files = [content_file(item) for item in (contents or [Path("content.yaml")])]
    unique: dict[Path, Path] = {}
    for path in files:
        unique.setdefault(path.absolute(), path)
    return list(unique.values())


def _chosen_products(products: str | None) -> tuple[str, ...] | None:
    """Return the backends `--products` names, checked against the registry."""
    if products is None:
        return None
    from alliancedeck.api import chosen_products

    return chosen_products(products.split(","))


def _problem_lines(error: BaseException) -> list[str]:
    problems = getattr(error, "problems", None)
    if problems:
        return [_problem_line(p) for p in problems]
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
        _fail("interrupted", 130)
    finally:
        if progress is not None:
            progress.stop()
    for outcome in outcomes:
        if outcome.result is not None:
            _warn(outcome.result.warnings, strict=False)
        for line in (_problem_line(p) for p in outcome.errors):
            typer.echo(line, err=True)
        if outcome.crash:
            first = outcome.crash.splitlines()[0]
            typer.echo(
                f"{outcome.content}: internal error: {first}\nhint: this is a bug in "
                "alliancedeck, not in your content; rerun this brief alone with --debug for the "
                "traceback and report it",
                err=True,
            )
    _summary(outcomes)
    if any(o.crash for o in outcomes):
        raise typer.Exit(EXIT_INTERNAL)
    if any(not o.ok for o in outcomes):
        raise typer.Exit(EXIT_CONTENT)


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
        typer.echo("  ".join(cells).rstrip())
    typer.echo(total)


def _watch(briefs: list[Path], options: dict) -> None:
    from alliancedeck import api
    from alliancedeck.session import Session
    from alliancedeck.watch import Outcome, watch

    def report(outcome: Outcome) -> None:
        names = ", ".join(p.name for p in outcome.changed)
        where = f"{outcome.content}: " if len(briefs) > 1 else ""
        if outcome.internal:
            typer.echo(
                f"{where}internal error: {type(outcome.error).__name__}: {outcome.error}\n"
                "hint: this is a bug in alliancedeck, not in your content; please report it "
                "(the traceback follows). Still watching.",
                err=True,
            )
            typer.echo(outcome.details.rstrip(), err=True)
            return
        if outcome.error is not None:
            typer.echo("\n".join(_problem_lines(outcome.error)), err=True)
            typer.echo(f"{where}{names}: not rebuilt; the last good outputs are kept", err=True)
            return
        _warn(outcome.result.warnings, strict=False)
        written = ", ".join(p.path.name for p in outcome.result.products)
        typer.echo(f"{where}{names} -> rebuilt {written} in {outcome.seconds:.2f} s")

    prepare_options = {
        k: options[k] for k in ("layout", "template", "training_markings", "allow_outside")
    }
    typer.echo(f"watching {', '.join(map(str, briefs))} (Ctrl-C to stop)")
    try:
        with Session() as session:  # warm workers and line caches, kept between rebuilds
            watch(
                briefs,
                lambda content: api.build(content, session=session, **options),
                report,
                options=prepare_options,
            )
    except KeyboardInterrupt:
        typer.echo("stopped")


@app.command()
def check(
    content: Content = Path("content.yaml"),
    products: ProductsOption = None,
    layout: LayoutOption = None,
    template: TemplateOption = None,
    strict: StrictOption = False,
    training_markings: TrainingOption = False,
    allow_outside: AllowOutsideOption = None,
    debug: DebugOption = False,
) -> None:
    """Run everything build runs (layout included) but write nothing; same warnings, same exit."""
    from alliancedeck import api

    options = _options(layout, training_markings, allow_outside, template)
    chosen = _run(lambda: _chosen_products(products), debug)
    prepared = _run(
        lambda: api.check(api.content_file(content), products=chosen, strict=strict, **options),
        debug,
    )
    _warn(prepared.warnings, strict=False)
    doc = prepared.doc
    _say(
        f"{prepared.content_path}: ok: {len(doc.sections)} sections, {len(doc.figures)} "
        f"figures, layout {prepared.theme.name}"
    )


@app.command()
def render(
    backend: Annotated[
        str,
        typer.Argument(
            help="The backend (see `alliancedeck backends`).",
            metavar="NAME",
            autocompletion=_backend_names,
        ),
    ],
    content: Content = Path("content.yaml"),
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="Where to write (default: the backend's file in output/ beside CONTENT).",
            metavar="FILE",
        ),
    ] = None,
    layout: LayoutOption = None,
    template: TemplateOption = None,
    strict: StrictOption = False,
    training_markings: TrainingOption = False,
    allow_outside: AllowOutsideOption = None,
    debug: DebugOption = False,
) -> None:
    """Write the product of any registered backend, built-in or third-party (html: a handout)."""
    from alliancedeck.api import find_backend

    _run(lambda: find_backend(backend), debug)
    options = _options(layout, training_markings, allow_outside, template)
    _render_one(content, output, backend, options, strict, debug)


#: What each extension of `-o` means for the commands that write one product.
_FORMATS_BY_SUFFIX = {"pdf": {".pdf": "pdf"}, "slides": {".pptx": "slides", ".pdf": "deck-pdf"}}


def _backend_for_output(command: str, output: Path | None, format: str | None) -> str:
    """Return the backend `command` uses for `output` (its extension) and `--format`.

    A name whose extension contradicts the command (`pdf -o x.pptx`) or `--format` is a usage
    error (exit 2), before anything is read.
    """
    formats = _FORMATS_BY_SUFFIX[command]
    chosen = {"pptx": "slides", "pdf": "deck-pdf"}.get(format or "", "")
    if output is None:
        return chosen or next(iter(formats.values()))
    by_name = formats.get(output.suffix.lower())
    if by_name is None:
        # `-o ./` or `-o /` has no file name: suggest the product's own name instead
        named = Path(output.name or ("brief" if command == "pdf" else "deck"))
        names = " or ".join(f'"{named.with_suffix(s).name}"' for s in formats)
        what = "the PDF brief" if command == "pdf" else "the deck"
        hint = ' (the deck is "alliancedeck slides")' if command == "pdf" else ""
        _fail(f"error: -o {output}: {what} is written as {names}{hint}", EXIT_CONTENT)
    if chosen and chosen != by_name:
        _fail(
            f"error: -o {output} names a .{output.suffix.lower()[1:]} file but --format says "
            f"{format}; give one of them",
            EXIT_CONTENT,
        )
    return by_name


@app.command()
def init(
    folder: Annotated[
        Path,
        typer.Argument(help="Folder for the new brief (made if missing).", metavar="FOLDER"),
    ] = Path("."),
) -> None:
    """Write a starter content.yaml (commented, notional, builds as it is) and its schema."""
    from alliancedeck.starter import write_starter

    started = _run(lambda: write_starter(folder), debug=False)
    _say(f"wrote {started.content}")
    _say(f"wrote {started.schema}  (lets YAML editors complete and check as you type)")
    where = "" if folder == Path(".") else f" {folder}"
    _say(f"next: edit {started.content}, then run: {_program()} build{where}")


def _program() -> str:
    """Return how to type this program from here: its name if the shell finds it, else its path."""
    import shutil

    if Path(sys.argv[0]).name != "alliancedeck":  # python -m alliancedeck
        return f"{sys.executable} -m alliancedeck"
    found = shutil.which("alliancedeck")
    if found and Path(found).resolve() == Path(sys.argv[0]).resolve():
        return "alliancedeck"
    return sys.argv[0]  # `.venv/bin/alliancedeck`, with none or another one on the PATH


@app.command()
def schema(
    layout: Annotated[
        bool, typer.Option("--layout", help="The schema of a layout file instead.")
    ] = False,
) -> None:
    """Print the JSON Schema of the content file (for editors: completion and checks)."""
    from alliancedeck.schema import schema_text

    typer.echo(schema_text(layout=layout), nl=False)


@app.command(name="backends")
def list_backends() -> None:
    """List the registered output backends: name, default file, description."""
    from alliancedeck.backends import BUILD_PRODUCTS, describe

    for info in describe():
        where = "" if info.built_in else f" (from {info.origin})"
        build = "  [build]" if info.name in BUILD_PRODUCTS else ""
        typer.echo(f"{info.name:10} {info.default_output:12} {info.description}{where}{build}")


app.add_typer(__import__("alliancedeck.template.command").template.command.app)


#: The options of `build` that `_plain_build` reads itself: those taking a value (by the name
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


def _plain_build(args: list[str]) -> dict | None:
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


def _run_plain_build(arguments: dict) -> None:
    """Run `build` with `arguments` as typer would have, exit statuses and all."""
    try:
        build(**arguments)
    except EOFError:
        typer.echo(err=True)
        typer.echo("Aborted!", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except OSError as exc:
        import errno

        if exc.errno != errno.EPIPE:
            raise
        sys.exit(1)


def main() -> None:
    """Run the command line (`launch.entry` runs this for the `alliancedeck` program)."""
    try:
        plain = _plain_build(sys.argv[1:])
        if plain is not None:
            _run_plain_build(plain)
            return
        app(prog_name="alliancedeck", standalone_mode=True)  # also for python -m alliancedeck
    except SystemExit as exc:
        sys.exit(exc.code)
    except Exception as exc:  # a bug outside a command's own guard: still no traceback
        if "--debug" in sys.argv:
            raise
        typer.echo(
            f"internal error: {type(exc).__name__}: {exc}\nhint: this is a bug in "
            "alliancedeck; rerun with --debug for the traceback and report it",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)


if __name__ == "__main__":
    main()
