"""The command line parsed by typer: thin commands over the library and `alliancedeck.commands`
(with which it is the only place that prints and exits)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from alliancedeck import __version__, commands
from alliancedeck.commands import EXIT_CONTENT
from alliancedeck.commands import build as run_build
from alliancedeck.commands import chosen_products as _chosen_products
from alliancedeck.commands import fail as _fail
from alliancedeck.commands import library_options as _options
from alliancedeck.commands import main as main  # `python -c "from alliancedeck.cli import main"`
from alliancedeck.commands import run_guarded as _run
from alliancedeck.commands import say as _say
from alliancedeck.commands import warn as _warn

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
    commands.verbosity = 0 if quiet else 2 if verbose else 1


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
    run_build(
        contents=contents,
        out_dir=out_dir,
        products=products,
        jobs=jobs,
        layout=layout,
        template=template,
        strict=strict,
        training_markings=training_markings,
        allow_outside=allow_outside,
        watch=watch,
        debug=debug,
    )


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
        build = "  [build]" if info.used and info.name in BUILD_PRODUCTS else ""
        typer.echo(f"{info.name:10} {info.default_output:12} {info.description}{where}{build}")


app.add_typer(__import__("alliancedeck.template.command").template.command.app)


if __name__ == "__main__":
    main()
