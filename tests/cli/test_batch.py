"""Many briefs in one command, outputs beside each content file, and check as the pre-flight."""

from __future__ import annotations

import hashlib
import subprocess
import sys

from pptx import Presentation
from pypdf import PdfReader

from conftest import REPO, write_brief

PRODUCTS = ("brief.pdf", "deck.pptx", "deck.pdf")
GOOD = """\
meta:
  title: {title}
  classification: UNCLASSIFIED
sections:
  - title: Notional section
    points: [A notional point., Another notional point.]
"""


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "alliancedeck", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def assert_complete_build(folder, title: str) -> None:
    """Assert `folder` holds every product of the brief titled `title`, and true SHA256SUMS."""
    assert title in PdfReader(folder / "brief.pdf").pages[0].extract_text()
    assert title in PdfReader(folder / "deck.pdf").pages[0].extract_text()
    deck = Presentation(str(folder / "deck.pptx"))
    assert deck.slides[0].shapes.title.text_frame.text == title
    listed = []
    for line in (folder / "SHA256SUMS").read_text(encoding="ascii").splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
        listed.append(name)
    assert sorted(listed) == sorted(PRODUCTS)


def test_three_briefs_one_broken_builds_the_others_and_exits_2(tmp_path):
    (tmp_path / "north").mkdir()
    (tmp_path / "south").mkdir()
    north = write_brief(tmp_path / "north", GOOD.format(title="Notional North"))
    south = write_brief(tmp_path / "south", GOOD.format(title="Notional South"), "day2.yaml")
    broken = write_brief(
        tmp_path, "meta:\n  title: Notional\n  titel: typo\nsections:\n  - title: A\n", "bad.yaml"
    )
    result = run("build", "north", str(south), "bad.yaml", "--jobs", "2", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert_complete_build(north.parent / "output", "Notional North")
    assert_complete_build(south.parent / "output" / "day2", "Notional South")  # not content.yaml
    assert 'bad.yaml:3:3: error: unknown key "titel" in meta' in result.stderr
    assert not (broken.parent / "output" / "bad").exists()
    assert "Traceback" not in result.stderr
    summary = result.stdout.splitlines()
    assert summary[-1] == "2 of 3 briefs built"
    statuses = {line.split()[0]: line.split()[1] for line in summary[1:-1]}
    assert statuses == {"north/content.yaml": "built", str(south): "built", "bad.yaml": "failed"}


def test_build_writes_beside_the_content_not_in_the_current_folder(tmp_path):
    (tmp_path / "brief").mkdir()
    write_brief(tmp_path / "brief", GOOD.format(title="Notional Beside"))
    (tmp_path / "elsewhere").mkdir()
    result = run("build", "../brief", cwd=tmp_path / "elsewhere")
    assert result.returncode == 0, result.stderr
    assert_complete_build(tmp_path / "brief" / "output", "Notional Beside")
    assert not (tmp_path / "elsewhere" / "output").exists()


def test_out_dir_with_several_briefs_is_refused(tmp_path):
    one = write_brief(tmp_path, GOOD.format(title="One"), "one.yaml")
    two = write_brief(tmp_path, GOOD.format(title="Two"), "two.yaml")
    result = run("build", str(one), str(two), "--out-dir", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "--out-dir takes one brief" in result.stderr


def test_build_products_adds_the_handout_only_when_named(tmp_path):
    write_brief(tmp_path, GOOD.format(title="Notional Handout"))
    assert run("build", cwd=tmp_path).returncode == 0
    assert not (tmp_path / "output" / "brief.html").exists()
    result = run("build", "--products", "pdf,html", "--out-dir", "chosen", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "chosen").iterdir()) == [
        "SHA256SUMS",
        "brief.html",
        "brief.pdf",
    ]
    assert "Notional Handout" in (tmp_path / "chosen" / "brief.html").read_text(encoding="utf-8")


def test_an_unknown_product_is_refused_with_the_registered_names(tmp_path):
    write_brief(tmp_path, GOOD.format(title="Notional"))
    result = run("build", "--products", "pdf,odp", cwd=tmp_path)
    assert result.returncode == 2
    assert 'no backend named "odp"' in result.stderr and "html" in result.stderr
    assert not (tmp_path / "output").exists()


# ----- check is the pre-flight ---------------------------------------------------------------

#: Briefs that warn at different stages: while resolving (FOUO), in the layout (a character
#: no font has), in the brief (three pages); and one that does not warn.
WARNING_BRIEFS = {
    "fouo.yaml": GOOD.format(title="Notional").replace(
        "UNCLASSIFIED", "UNCLASSIFIED//FOR OFFICIAL USE ONLY"
    ),
    "glyph.yaml": GOOD.format(title="Notional").replace(
        "Another notional point.", "A notional point with \U0001f6f0 in it."
    ),
    "clean.yaml": GOOD.format(title="Notional clean"),
}


def test_check_and_build_strict_agree(tmp_path):
    briefs = [write_brief(tmp_path, text, name) for name, text in WARNING_BRIEFS.items()]
    briefs.append(REPO / "tests" / "compose" / "briefs" / "long.yaml")  # past its page target
    for brief in briefs:
        checked = run("check", str(brief))
        built = run("build", str(brief), "--out-dir", str(tmp_path / "out" / brief.stem))
        assert checked.returncode == built.returncode == 0, checked.stderr + built.stderr
        assert checked.stderr == built.stderr  # the same warnings, at the same places
        strict_check = run("check", str(brief), "--strict")
        strict_build = run(
            "build", str(brief), "--strict", "--out-dir", str(tmp_path / "strict" / brief.stem)
        )
        assert strict_check.returncode == strict_build.returncode
        assert strict_check.stderr == strict_build.stderr
        assert strict_check.returncode == (0 if brief.name == "clean.yaml" else 2), brief
    assert not (tmp_path / "strict" / "glyph").exists()


def test_a_missing_glyph_is_located_at_the_text_that_holds_it(tmp_path):
    brief = write_brief(tmp_path, WARNING_BRIEFS["glyph.yaml"], "glyph.yaml")
    result = run("check", str(brief))
    line = next(
        n for n, text in enumerate(brief.read_text().splitlines(), 1) if "\U0001f6f0" in text
    )
    column = brief.read_text().splitlines()[line - 1].index("\U0001f6f0") + 1
    assert f"{brief}:{line}:{column}: warning: no layout font has the character" in result.stderr


def test_a_brief_named_twice_is_built_once(tmp_path):
    (tmp_path / "north").mkdir()
    write_brief(tmp_path / "north", GOOD.format(title="Notional North"))
    result = run("build", "north", "north/content.yaml", "./north", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("wrote north/output/brief.pdf") == 1
    assert_complete_build(tmp_path / "north" / "output", "Notional North")
