"""The command line: thin commands over the library; the only place that prints and exits."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from alliancedeck import __version__

EXIT_OK, EXIT_INTERNAL, EXIT_CONTENT = 0, 1, 2

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
    from alliancedeck.theme import available_layouts

    return available_layouts(Path("."))


Content = Annotated[
    Path, typer.Argument(help="The content file.", show_default=True, metavar="CONTENT")
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
StrictOption = Annotated[bool, typer.Option("--strict", help="Treat layout warnings as errors.")]
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
        _fail("\n".join(f"{p.location}: error: {p.message}" for p in exc.problems), EXIT_CONTENT)
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


def _warn(warnings: list, strict: bool) -> None:
    for problem in warnings:
        typer.echo(f"{problem.location}: warning: {problem.message}", err=True)
    if strict and warnings:
        _fail(f"error: {len(warnings)} warning(s) and --strict is set", EXIT_CONTENT)


def _options(layout: str | None, training: bool, allow_outside: list[Path] | None) -> dict:
    return {
        "layout": layout,
        "training_markings": training,
        "allow_outside": tuple(allow_outside or ()),
    }


def _render_one(
    content: Path, output: Path | None, backend: str, options: dict, strict: bool, debug: bool
) -> None:
    from alliancedeck import api
    from alliancedeck.output import write_atomic

    def action() -> Path:
        prepared = api.prepare(content, **options)
        data = api.render(prepared, backend)
        _warn(prepared.warnings, strict)
        target = output or api.default_output(backend, Path("output"))
        write_atomic(target, data)
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
    strict: StrictOption = False,
    training_markings: TrainingOption = False,
    allow_outside: AllowOutsideOption = None,
    debug: DebugOption = False,
) -> None:
    """Write the PDF brief (default output/brief.pdf)."""
    _backend_for_output("pdf", output, None)
    options = _options(layout, training_markings, allow_outside)
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
    strict: StrictOption = False,
    training_markings: TrainingOption = False,
    allow_outside: AllowOutsideOption = None,
    debug: DebugOption = False,
) -> None:
    """Write the deck (default output/deck.pptx; with --format pdf, output/deck.pdf)."""
    if format not in (None, "pptx", "pdf"):
        _fail(f'error: --format must be "pptx" or "pdf", not "{format}"', EXIT_CONTENT)
    backend = _backend_for_output("slides", output, format)
    options = _options(layout, training_markings, allow_outside)
    _render_one(content, output, backend, options, strict, debug)


@app.command()
def build(
    content: Content = Path("content.yaml"),
    out_dir: Annotated[
        Path, typer.Option("--out-dir", help="Folder for the products.", metavar="FOLDER")
    ] = Path("output"),
    layout: LayoutOption = None,
    strict: StrictOption = False,
    training_markings: TrainingOption = False,
    allow_outside: AllowOutsideOption = None,
    watch: Annotated[
        bool,
        typer.Option("--watch", help="Keep running; rebuild each time an input file is saved."),
    ] = False,
    debug: DebugOption = False,
) -> None:
    """Write every product (brief, deck, deck as PDF) and SHA256SUMS into the output folder."""
    options = _options(layout, training_markings, allow_outside)
    if watch:
        from alliancedeck import api

        _watch(
            content, lambda: api.build(content, out_dir=out_dir, strict=strict, **options), options
        )
        return
    from alliancedeck.parallel import take_preforked

    renderer = take_preforked()  # started by `launch.entry`; see alliancedeck.parallel
    try:
        from alliancedeck import api

        result = _run(
            lambda: api.build(
                content, out_dir=out_dir, strict=strict, renderer=renderer, **options
            ),
            debug,
        )
    finally:
        if renderer is not None:
            renderer.close()
    _warn(result.warnings, strict=False)
    for product in result.products:
        _say(f"wrote {product.path}  sha256 {product.sha256}")
    _say(f"wrote {Path(out_dir) / 'SHA256SUMS'}")


def _watch(content: Path, run_build, options: dict) -> None:
    from alliancedeck.watch import Outcome, watch

    def report(outcome: Outcome) -> None:
        names = ", ".join(p.name for p in outcome.changed)
        if outcome.error is not None:
            problems = getattr(outcome.error, "problems", None)
            lines = (
                [f"{p.location}: error: {p.message}" for p in problems]
                if problems
                else [f"error: {outcome.error}"]
            )
            typer.echo("\n".join(lines), err=True)
            typer.echo(f"{names}: not rebuilt; the last good outputs are kept", err=True)
            return
        _warn(outcome.result.warnings, strict=False)
        written = ", ".join(p.path.name for p in outcome.result.products)
        typer.echo(f"{names} -> rebuilt {written} in {outcome.seconds:.2f} s")

    typer.echo(f"watching {content} (Ctrl-C to stop)")
    try:
        watch(content, run_build, report, options=options)
    except KeyboardInterrupt:
        typer.echo("stopped")


@app.command()
def check(
    content: Content = Path("content.yaml"),
    layout: LayoutOption = None,
    training_markings: TrainingOption = False,
    allow_outside: AllowOutsideOption = None,
    debug: DebugOption = False,
) -> None:
    """Validate the content file and its layout; write nothing."""
    from alliancedeck import api

    options = _options(layout, training_markings, allow_outside)
    prepared = _run(lambda: api.check(content, **options), debug)
    _warn(prepared.warnings, strict=False)
    doc = prepared.doc
    _say(
        f"{content}: ok: {len(doc.sections)} sections, {len(doc.figures)} figures, "
        f"layout {prepared.theme.name}"
    )


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
        names = " or ".join(f'"{output.with_suffix(s).name}"' for s in formats)
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
    step = "" if folder == Path(".") else f"cd {folder} && "
    _say(f"next: edit {started.content.name}, then run: {step}alliancedeck build")


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
    """List the registered output backends."""
    from alliancedeck.backends import available

    for name, entry in sorted(available().items()):
        typer.echo(f"{name:10} {entry.value}")


def main() -> None:
    """Run the command line (`launch.entry` runs this for the `alliancedeck` program)."""
    try:
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
