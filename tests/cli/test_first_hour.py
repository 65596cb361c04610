"""A new user's first hour: init, a starter that builds, output names, help, completion, -q/-v."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import REPO

COMMANDS = ["pdf", "slides", "build", "check", "render", "init", "schema", "backends"]


def run(*args: str, cwd=None, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "alliancedeck", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


def test_an_empty_folder_is_told_about_init(tmp_path):
    result = run("build", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "content.yaml:1:1: error: content file not found; to start a new brief here, run "
        '"alliancedeck init"'
    )


def test_a_misnamed_content_file_is_told_the_near_name(tmp_path):
    (tmp_path / "content.yaml").write_text("meta: {title: Notional}\n", encoding="utf-8")
    result = run("check", "contnet.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert '(did you mean "content.yaml"?)' in result.stderr


def test_init_writes_a_starter_that_builds_without_warnings(tmp_path):
    result = run("init", "brief", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "brief"
    assert sorted(p.name for p in folder.iterdir()) == ["content.schema.json", "content.yaml"]
    text = (folder / "content.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=content.schema.json\n")
    assert "NOTIONAL" in text
    assert f"then run: {sys.executable} -m alliancedeck build brief" in result.stdout
    built = run("build", cwd=folder)
    assert built.returncode == 0, built.stderr
    assert built.stderr == ""  # no warnings: a starter must not teach people to ignore them
    brief = PdfReader(folder / "output" / "brief.pdf")
    words = "".join(page.extract_text() for page in brief.pages)
    assert "Notional Regional Partnership" in words
    assert "Notional budget by year" in words and "Notional personnel by region" in words


def test_the_next_step_init_prints_runs_as_typed(tmp_path):
    script = Path(sys.executable).parent / "alliancedeck"
    if not script.exists():
        pytest.skip(f"no alliancedeck script beside {sys.executable} (not installed in this env)")
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}  # alliancedeck itself not on the PATH
    result = subprocess.run(
        [str(script), "init", "mybrief"], capture_output=True, text=True, cwd=tmp_path, env=env
    )
    step = result.stdout.splitlines()[-1]
    assert step == f"next: edit mybrief/content.yaml, then run: {script} build mybrief"
    typed = step.split("then run: ", 1)[1]
    built = subprocess.run(typed, shell=True, capture_output=True, text=True, cwd=tmp_path, env=env)
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "mybrief" / "output" / "brief.pdf").exists()


def test_init_never_overwrites_a_content_file(tmp_path):
    (tmp_path / "content.yaml").write_text("mine\n", encoding="utf-8")
    result = run("init", cwd=tmp_path)
    assert result.returncode == 2
    assert "already exists" in result.stderr and "Traceback" not in result.stderr
    assert (tmp_path / "content.yaml").read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / "content.schema.json").exists()


def test_the_starter_fills_every_common_field():
    from alliancedeck.source import parse_yaml
    from alliancedeck.starter import starter_text

    data, _ = parse_yaml(starter_text(), "starter.yaml")
    meta = set(data["meta"])
    assert meta >= {
        "title",
        "subtitle",
        "short_title",
        "authors",
        "organization",
        "date",
        "product_id",
        "classification",
        "distribution",
        "poc",
        "language",
        "layout",
    }
    section_keys = set().union(*(s.keys() for s in data["sections"]))
    assert section_keys >= {
        "title",
        "lead",
        "points",
        "figures",
        "sources",
        "notes",
        "chart",
        "table",
        "backup",
    }
    figure_keys = set().union(*(f.keys() for f in data["figures"].values()))
    assert figure_keys == {"value", "label", "display", "unit", "source"}


def test_slides_with_a_pdf_name_writes_the_deck_as_pdf(tmp_path):
    target = tmp_path / "deck.pdf"
    result = run("slides", str(REPO / "content.yaml"), "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert target.read_bytes().startswith(b"%PDF-")
    assert len(PdfReader(target).pages) > 3  # slides, not the two-page brief


@pytest.mark.parametrize(
    ("args", "written"),
    [
        (["slides", "mybrief", "-o", "deck.pdf"], "deck.pdf"),
        (["pdf", "mybrief"], "mybrief/output/brief.pdf"),
        (["render", "html", "mybrief"], "mybrief/output/brief.html"),
    ],
)
def test_a_folder_stands_for_its_content_file_in_every_writing_command(tmp_path, args, written):
    assert run("init", "mybrief", cwd=tmp_path).returncode == 0
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / written).stat().st_size > 0


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["pdf", "-o", "x.pptx"], 'the PDF brief is written as "x.pdf"'),
        (["slides", "-o", "x.odp"], 'the deck is written as "x.pptx" or "x.pdf"'),
        (["slides", "-o", "x.pptx", "--format", "pdf"], "--format says pdf"),
        # A folder (or nothing) is not a file name: told what to name, not an internal error.
        (["slides", "-o", "./"], 'the deck is written as "deck.pptx" or "deck.pdf"'),
        (["pdf", "-o", "/"], 'the PDF brief is written as "brief.pdf"'),
        (["pdf", "-o", ""], 'the PDF brief is written as "brief.pdf"'),
    ],
)
def test_an_output_name_that_contradicts_the_command_is_refused(tmp_path, args, fragment):
    result = run(*args[:1], str(REPO / "content.yaml"), *args[1:], cwd=tmp_path)
    assert result.returncode == 2
    assert fragment in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_quiet_prints_nothing_and_verbose_prints_the_time(tmp_path):
    quiet = run("-q", "check", str(REPO / "content.yaml"))
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
    verbose = run("-v", "check", str(REPO / "content.yaml"))
    assert verbose.returncode == 0
    assert "ok: 6 sections" in verbose.stdout
    assert re.search(r"^done in \d+\.\d\d s$", verbose.stderr, re.MULTILINE), verbose.stderr


def test_quiet_still_prints_errors(tmp_path):
    result = run("-q", "check", cwd=tmp_path)
    assert result.returncode == 2 and "content file not found" in result.stderr


@pytest.mark.parametrize("command", [None, *COMMANDS, "template check"])
def test_help_shows_plain_placeholders(command):
    result = run(*(command.split() if command else []), "--help")
    assert result.returncode == 0
    for leftover in ("<str>", "<list", "<path>", "TEXT", "<bool>"):
        assert leftover not in result.stdout, f"{leftover} in the help of {command}"
    if command in ("pdf", "slides", "build", "check", "render"):
        assert "--layout NAME|PATH" in result.stdout
        assert "--allow-outside FOLDER" in result.stdout


def complete(words: str, cwd) -> list[str]:
    """Return what bash completion offers for `words` (the installed `alliancedeck` script)."""
    script = Path(sys.executable).parent / "alliancedeck"
    env = {
        "PATH": "/usr/bin:/bin",
        "_ALLIANCEDECK_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split(" ")) - 1),
    }
    result = subprocess.run([script], capture_output=True, text=True, cwd=cwd, env=env)
    return result.stdout.split()


def test_completion_completes_commands_and_layout_names(tmp_path):
    assert complete("alliancedeck bu", tmp_path) == ["build"]
    assert "default" in complete("alliancedeck build --layout ", tmp_path)
    assert {"pdf", "slides", "deck-pdf", "html"} <= set(complete("alliancedeck render ", tmp_path))
    program = Path(sys.executable).parent / "alliancedeck"
    # What --install-completion writes for bash (it finds the shell from the parent process).
    env = {"PATH": "/usr/bin:/bin", "_ALLIANCEDECK_COMPLETE": "source_bash"}
    script = subprocess.run([program], capture_output=True, text=True, env=env)
    assert "_ALLIANCEDECK_COMPLETE=complete_bash" in script.stdout, script.stderr
    assert "complete -o default -F _alliancedeck_completion alliancedeck" in script.stdout


@pytest.mark.parametrize("args", [["schema"], ["init", "--help"], ["schema", "--layout"]])
def test_schema_and_init_import_no_rendering_library(args):
    probe = (
        "import sys\n"
        "from alliancedeck.cli import main\n"
        f"sys.argv = ['alliancedeck', *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "loaded = [m for m in ('reportlab', 'pptx', 'PIL', 'rich') if m in sys.modules]\n"
        "print('LOADED', loaded)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert "LOADED []" in result.stdout, result.stdout[-300:] + result.stderr
