"""The `alliancedeck template` commands: thin wrappers over the template modules."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="template",
    help="Check an organisation PowerPoint template (.pptx or .potx).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.command()
def check(
    path: Annotated[Path, typer.Argument(help="The template (.pptx or .potx).", metavar="PATH")],
    band: Annotated[
        str,
        typer.Option(
            "--band",
            metavar="LENGTH",
            help="Height of the classification banner bands at the top and bottom "
            "(e.g. 0.25in, 6mm, 18pt).",
        ),
    ] = "0.25in",
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the traceback of an internal error.")
    ] = False,
) -> None:
    """Print the layouts the deck would use for each role, their placeholders, fonts, colours."""
    from alliancedeck.commands import EXIT_CONTENT
    from alliancedeck.commands import fail as _fail
    from alliancedeck.commands import run_guarded as _run
    from alliancedeck.units import parse_length

    try:
        band_points = parse_length(band)
    except ValueError:
        _fail(f'error: --band "{band}" is not a length; write e.g. 0.25in, 6mm or 18pt', 2)

    def action():
        from alliancedeck.template.inspect import inspect_template
        from alliancedeck.template.package import load_template
        from alliancedeck.template.roles import map_roles

        package = load_template(path)
        info = inspect_template(package)
        mapping = map_roles(info, package.location, band=band_points, footer=footer)
        return package, info, mapping

    from alliancedeck.layout_files import PACKAGE_LAYOUTS, load_design

    footer = load_design(PACKAGE_LAYOUTS / "default.yaml").slide.footer_height  # our footer's
    package, info, mapping = _run(action, debug)
    from alliancedeck.template.report import describe

    typer.echo(describe(package, info, mapping, band_points, footer))
    for problem in [*package.warnings, *mapping.problems]:
        label = "warning" if problem.severity == "warning" else "error"
        typer.echo(f"{problem.location}: {label}: {problem.message}", err=True)
    if mapping.errors:
        raise typer.Exit(EXIT_CONTENT)
