"""`alliancedeck template check` as users run it: the mapping printed, missing roles located."""

from __future__ import annotations

import subprocess
import sys

import template_files
from template_files import without_layouts

templates = template_files.templates  # the session's fixture


def check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "alliancedeck", "template", "check", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_mapping_fonts_colours_and_bands_are_printed(templates):
    result = check(templates / "japanese.pptx", "--band", "30pt")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "fonts: major (headings) Calibri; minor (body) Calibri" in out
    assert "measured: Calibri with Carlito" in out
    assert "dk2 #1F497D" in out
    assert '  section: "セクション見出し" (master 1, layout 3; by its placeholders)' in out
    assert '  two_content: "2 つのコンテンツ" (master 1, layout 4; by its placeholders)' in out
    assert "    furniture: date at 36.0, 500.5 pt" in out
    assert "banner bands (30.0 pt at top and bottom):" in out
    assert "pt into the top band: to be moved or shrunk" in out
    assert out.rstrip().endswith("missing: none")
    assert result.stderr == ""


def test_a_missing_role_is_a_located_error_naming_the_role_and_the_fix(templates, tmp_path):
    path = without_layouts(templates / "default.pptx", tmp_path / "org.pptx", {"Two Content"})
    result = check(path)
    assert result.returncode == 2
    assert "  two_content: MISSING" in result.stdout
    assert "missing: two_content" in result.stdout
    assert result.stderr.splitlines() == [
        f"{path}: error: no layout fits the two_content role (two content: a title and two "
        "content placeholders side by side); add such a layout to the template, or name one "
        'in the layout file\'s slide.template_layouts (e.g. two_content: "Blank")'
    ]


def test_a_role_with_a_fallback_is_a_warning(templates, tmp_path):
    path = without_layouts(templates / "default.pptx", tmp_path / "org.pptx", {"Blank"})
    result = check(path)
    assert result.returncode == 0
    assert '  closing: "Title Only" (master 1, layout 6; no closing layout, so the title_only' in (
        result.stdout
    )
    assert result.stderr.startswith(f"{path}: warning: no layout fits the closing role")


def test_an_unusable_template_exits_2_without_a_traceback(tmp_path):
    path = tmp_path / "org.pptm"
    path.write_bytes(b"PK")
    result = check(path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"{path}: error: .pptm files may hold macros")
    assert "Traceback" not in result.stderr
    bad_band = check(path, "--band", "wide")
    assert bad_band.returncode == 2
    assert 'error: --band "wide" is not a length' in bad_band.stderr
