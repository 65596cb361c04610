"""The command line as users run it: products written, messages, exit codes, light imports."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import REPO, write_brief

HEAVY = ("reportlab", "pptx", "PIL")


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "alliancedeck", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_build_writes_every_product_into_output(tmp_path):
    content = (REPO / "content.yaml").read_text(encoding="utf-8")
    write_brief(tmp_path, content)
    result = run("build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for name in ("brief.pdf", "deck.pptx", "deck.pdf"):
        assert (tmp_path / "output" / name).stat().st_size > 10_000
        assert f"output/{name}" in result.stdout


def test_pdf_and_slides_write_where_asked(tmp_path):
    brief = tmp_path / "b.pdf"
    deck = tmp_path / "d.pptx"
    assert run("pdf", str(REPO / "content.yaml"), "-o", str(brief)).returncode == 0
    assert run("slides", str(REPO / "content.yaml"), "-o", str(deck)).returncode == 0
    assert brief.read_bytes().startswith(b"%PDF-")
    assert deck.read_bytes().startswith(b"PK")


def test_check_reports_and_exits_zero():
    result = run("check", str(REPO / "content.yaml"))
    assert result.returncode == 0
    assert "6 sections, 3 figures" in result.stdout


def test_backends_lists_the_built_ins_with_their_file_and_description():
    result = run("backends")
    rows = {line.split()[0]: line for line in result.stdout.splitlines()}
    # Other packages may register more; the built-ins are always there.
    assert {"deck-pdf", "pdf", "slides", "html"} <= set(rows)
    assert rows["html"].split()[1] == "brief.html" and "handout" in rows["html"]
    assert rows["pdf"].split()[1] == "brief.pdf" and "[build]" in rows["pdf"]
    assert "[build]" not in rows["html"]


def test_a_content_error_is_located_and_exits_2_without_traceback(tmp_path):
    path = write_brief(
        tmp_path,
        """
        meta:
          title: Notional
          titel: typo
        sections:
          - title: A
        """,
    )
    result = run("build", str(path), "--out-dir", str(tmp_path / "out"))
    assert result.returncode == 2
    assert f'{path}:3:3: error: unknown key "titel" in meta' in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_unknown_slides_format_is_a_usage_error():
    result = run("slides", str(REPO / "content.yaml"), "--format", "odp")
    assert result.returncode == 2
    assert "--format" in result.stderr


@pytest.mark.parametrize("args", [["--help"], ["backends"]])
def test_help_and_backends_import_no_rendering_library(args):
    probe = (
        "import sys\n"
        "from alliancedeck.cli import main\n"
        f"sys.argv = ['alliancedeck', *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"loaded = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print('LOADED', loaded)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert "LOADED []" in result.stdout, result.stdout + result.stderr


def test_warnings_go_to_stderr_and_strict_makes_them_errors(tmp_path):
    example = REPO / "tests" / "compose" / "briefs" / "long.yaml"
    relaxed = run("build", str(example), "--out-dir", str(tmp_path / "a"))
    assert relaxed.returncode == 0
    # At the section most worth cutting: the first of the longest sections it names.
    title = relaxed.stderr.split("shorten the longest sections: ", 1)[1].split('"')[1]
    longest = _line_of(example, f"- title: '{title}'")
    assert f"{example}:{longest}:3: warning: the brief runs to 3 pages" in relaxed.stderr
    strict = run("build", str(example), "--out-dir", str(tmp_path / "b"), "--strict")
    assert strict.returncode == 2
    assert f"{example}:{longest}:3: error: the brief runs to 3 pages" in strict.stderr
    assert not (tmp_path / "b").exists()


def test_a_missing_layout_is_reported_with_the_content_errors(tmp_path):
    path = write_brief(
        tmp_path,
        """\
        meta:
          title: Notional
          layout: fancy
        sections:
          - title: A
            lead: "{{ figures.nope }}"
        """,
    )
    result = run("check", str(path))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f'{path}:3:11: error: layout "fancy" not found; available: default, report',
        f'{path}:6:11: error: unknown figure "nope"; defined figures: none',
    ]


def _line_of(path, text: str) -> int:
    """Return the number of the first line of `path` that starts with `text`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if line.startswith(text))


def test_render_writes_the_handout_beside_the_content_and_refuses_an_unknown_backend(tmp_path):
    write_brief(tmp_path, (REPO / "content.yaml").read_text(encoding="utf-8"))
    (tmp_path / "elsewhere").mkdir()
    result = run("render", "html", "..", cwd=tmp_path / "elsewhere")
    assert result.returncode == 0, result.stderr
    handout = (tmp_path / "output" / "brief.html").read_text(encoding="utf-8")
    assert "<h1>U.S.-Japan Alliance</h1>" in handout
    unknown = run("render", "odp", str(tmp_path))
    assert unknown.returncode == 2
    assert unknown.stderr.startswith('error: no backend named "odp"; registered: ')
    assert "html" in unknown.stderr and "Traceback" not in unknown.stderr
