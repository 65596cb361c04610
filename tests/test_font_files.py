"""Font files: a layout reaches only regular, bounded files in the font search folders."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from alliancedeck.errors import ContentError
from alliancedeck.layout_files import PACKAGE_LAYOUTS

SECRET = "TOP-SECRET-BYTES-0123"


def _brief(folder: Path, regular: str) -> Path:
    """Write a brief whose own layout names `regular` as the sans family's regular file."""
    layout = (PACKAGE_LAYOUTS / "default.yaml").read_text(encoding="utf-8")
    layout = layout.replace("regular: LiberationSans-Regular.ttf", f'regular: "{regular}"')
    (folder / "layouts").mkdir(exist_ok=True)
    (folder / "layouts" / "own.yaml").write_text(layout, encoding="utf-8")
    content = folder / "content.yaml"
    content.write_text(
        "meta:\n  title: Notional\n  layout: own\nsections:\n  - title: One\n"
        "    points: [A notional point.]\n",
        encoding="utf-8",
    )
    return content


def _build_error(content: Path) -> str:
    from alliancedeck.api import build

    with pytest.raises(ContentError) as caught:
        build(content, out_dir=content.parent / "out")
    return str(caught.value)


@pytest.mark.parametrize("name", ["../secret.ttf", "/etc/passwd", "sub/../../secret.ttf"])
def test_a_layout_cannot_name_a_path(tmp_path, name):
    (tmp_path / "secret.ttf").write_text(SECRET, encoding="utf-8")
    folder = tmp_path / "brief"
    folder.mkdir()
    message = _build_error(_brief(folder, name))
    assert "not a path" in message and SECRET not in message


def test_a_link_in_the_fonts_folder_to_a_file_outside_is_refused(tmp_path):
    secret = tmp_path / "secret.ttf"
    secret.write_text(SECRET, encoding="utf-8")
    folder = tmp_path / "brief"
    (folder / "fonts").mkdir(parents=True)
    (folder / "fonts" / "Notional.ttf").symlink_to(secret)
    message = _build_error(_brief(folder, "Notional.ttf"))
    assert "outside" in message and SECRET not in message


def test_a_fonts_folder_that_links_outside_the_content_folder_is_refused(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "passwd").write_text(SECRET, encoding="utf-8")
    folder = tmp_path / "brief"
    folder.mkdir()
    (folder / "fonts").symlink_to(outside, target_is_directory=True)
    message = _build_error(_brief(folder, "passwd"))
    assert "outside" in message and SECRET not in message


def test_a_fifo_is_refused_without_being_opened(tmp_path):
    folder = tmp_path / "brief"
    (folder / "fonts").mkdir(parents=True)
    os.mkfifo(folder / "fonts" / "Notional.ttf")
    content = _brief(folder, "Notional.ttf")
    # In a child process with a deadline: opening the FIFO would block for ever.
    result = subprocess.run(
        [sys.executable, "-m", "alliancedeck", "pdf", str(content), "-o", str(tmp_path / "b.pdf")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert "not a regular file" in result.stderr and "Traceback" not in result.stderr


def test_a_folder_is_refused(tmp_path):
    folder = tmp_path / "brief"
    (folder / "fonts" / "Notional.ttf").mkdir(parents=True)
    assert "not a regular file" in _build_error(_brief(folder, "Notional.ttf"))


def test_a_font_file_over_the_cap_is_refused_before_it_is_read(tmp_path):
    from alliancedeck.fonts import MAX_FONT_BYTES

    folder = tmp_path / "brief"
    (folder / "fonts").mkdir(parents=True)
    with (folder / "fonts" / "Notional.ttf").open("wb") as stream:
        stream.truncate(MAX_FONT_BYTES + 1)  # sparse: costs no disk
    assert "MiB are refused" in _build_error(_brief(folder, "Notional.ttf"))


def test_a_bad_font_file_error_never_echoes_its_bytes(tmp_path):
    folder = tmp_path / "brief"
    (folder / "fonts").mkdir(parents=True)
    # reportlab's own message quotes the first bytes in hex ("version=0x544F502D").
    (folder / "fonts" / "Notional.ttf").write_bytes(SECRET.encode() * 40)
    message = _build_error(_brief(folder, "Notional.ttf"))
    assert '"Notional.ttf"' in message and "cannot be used" in message
    # Located at the layout line that names the file, as every content error is.
    assert re.search(r"own\.yaml:\d+:\d+: ", message), message
    assert SECRET[:4] not in message and SECRET[:4].encode().hex() not in message.lower()


def test_a_font_file_in_the_fonts_folder_is_used(tmp_path):
    from alliancedeck.api import build
    from alliancedeck.fonts import PACKAGE_FONTS

    folder = tmp_path / "brief"
    (folder / "fonts").mkdir(parents=True)
    (folder / "fonts" / "Notional.ttf").write_bytes(
        (PACKAGE_FONTS / "LiberationSans-Regular.ttf").read_bytes()
    )
    result = build(_brief(folder, "Notional.ttf"), out_dir=folder / "out")
    assert {p.backend for p in result.products} >= {"pdf", "slides"}


def test_a_font_on_alliancedeck_font_path_is_used(tmp_path, monkeypatch):
    from alliancedeck.api import build
    from alliancedeck.fonts import PACKAGE_FONTS

    shelf = tmp_path / "shelf"
    shelf.mkdir()
    (shelf / "Shelved.ttf").write_bytes((PACKAGE_FONTS / "LiberationSans-Regular.ttf").read_bytes())
    monkeypatch.setenv("ALLIANCEDECK_FONT_PATH", str(shelf))
    folder = tmp_path / "brief"
    folder.mkdir()
    result = build(_brief(folder, "Shelved.ttf"), out_dir=folder / "out")
    assert {p.backend for p in result.products} >= {"pdf", "slides"}


def test_a_misspelt_font_file_is_reported_at_its_line_with_the_file_meant(tmp_path):
    content = _brief(tmp_path, "LiberationSans-Regualr.ttf")
    layout = tmp_path / "layouts" / "own.yaml"
    line = next(
        number
        for number, text in enumerate(layout.read_text(encoding="utf-8").splitlines(), 1)
        if "Regualr" in text
    )
    result = subprocess.run(
        [sys.executable, "-m", "alliancedeck", "check", str(content)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{layout}:{line}:16: error: "), first
    assert 'did you mean "LiberationSans-Regular.ttf"' in first
