"""The command line: thin commands over the library; the only place that prints and exits."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from alliancedeck import __version__

EXIT_OK, EXIT_INTERNAL, EXIT_CONTENT = 0, 1, 2

app = typer.Typer(
    name="alliancedeck",
    help="Turn one content.yaml into a PDF brief and a PowerPoint deck that read as one product.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: importing rich costs more than the whole check
    context_settings={"help_option_names": ["-h", "--help"]},
)

Content = Annotated[Path, typer.Argument(help="The content file.", show_default=True)]
LayoutOption = Annotated[
    str | None,
    typer.Option("--layout", help="Layout name (in layouts/) or path; overrides meta.layout."),
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
    ),
]


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
) -> None:
    """Turn one content.yaml into a PDF brief and a PowerPoint deck that read as one product."""


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _run(action, debug: bool):
    """Run `action`, turning every error into a message and an exit status."""
    from alliancedeck.errors import ContentError, UsageError

    try:
        return action()
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
    typer.echo(f"wrote {target}")


@app.command()
def pdf(
    content: Content = Path("content.yaml"),
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Where to write the brief.")
    ] = None,
    layout: LayoutOption = None,
    strict: StrictOption = False,
    training_markings: TrainingOption = False,
    allow_outside: AllowOutsideOption = None,
    debug: DebugOption = False,
) -> None:
    """Write the PDF brief (default output/brief.pdf)."""
    options = _options(layout, training_markings, allow_outside)
    _render_one(content, output, "pdf", options, strict, debug)


@app.command()
def slides(
    content: Content = Path("content.yaml"),
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Where to write the deck.")
    ] = None,
    format: Annotated[
        str, typer.Option("--format", help="pptx, or pdf for the deck as PDF.")
    ] = "pptx",
    layout: LayoutOption = None,
    strict: StrictOption = False,
    training_markings: TrainingOption = False,
    allow_outside: AllowOutsideOption = None,
    debug: DebugOption = False,
) -> None:
    """Write the deck (default output/deck.pptx; with --format pdf, output/deck.pdf)."""
    if format not in ("pptx", "pdf"):
        _fail(f'error: --format must be "pptx" or "pdf", not "{format}"', EXIT_CONTENT)
    backend = "slides" if format == "pptx" else "deck-pdf"
    options = _options(layout, training_markings, allow_outside)
    _render_one(content, output, backend, options, strict, debug)


@app.command()
def build(
    content: Content = Path("content.yaml"),
    out_dir: Annotated[Path, typer.Option("--out-dir", help="Folder for the products.")] = Path(
        "output"
    ),
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
        typer.echo(f"wrote {product.path}  sha256 {product.sha256}")
    typer.echo(f"wrote {Path(out_dir) / 'SHA256SUMS'}")


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
    typer.echo(
        f"{content}: ok: {len(doc.sections)} sections, {len(doc.figures)} figures, "
        f"layout {prepared.theme.name}"
    )


@app.command(name="backends")
def list_backends() -> None:
    """List the registered output backends."""
    from alliancedeck.backends import available

    for name, entry in sorted(available().items()):
        typer.echo(f"{name:10} {entry.value}")


app.add_typer(__import__("alliancedeck.template.command").template.command.app)


def main() -> None:
    """Run the command line (`launch.entry` runs this for the `alliancedeck` program)."""
    try:
        app(standalone_mode=True)
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
