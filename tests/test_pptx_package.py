"""A deck with no chart and no organisation template is packaged without python-pptx.

Its import was most of a small build's start-up. The package written instead
(`alliancedeck.draw.pptx_package`) is byte for byte the one python-pptx's path writes: every
brief here is rendered both ways (the python-pptx path forced) and the files compared.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import REPO, write_brief
from external import assert_valid_deck

#: Briefs without charts or templates: the repository's and the tests' own.
BRIEFS = [
    REPO / "content.yaml",
    REPO / "tests/i18n/japanese.yaml",
    REPO / "tests/i18n/hostile.yaml",
    REPO / "tests/backends/emphasis.yaml",
    REPO / "tests/a11y/split.yaml",
    REPO / "tests/briefing/cui.yaml",
]


def _render(content: Path, monkeypatch, python_pptx: bool) -> tuple[bytes, bool]:
    """Return the deck of `content`, on python-pptx's path or (if it can) without it, and
    whether python-pptx's path drew it."""
    from alliancedeck.api import prepare, render
    from alliancedeck.draw import pptx_deck

    taken: list[bool] = []
    decide = pptx_deck._needs_python_pptx

    def needs(deck, template) -> bool:
        taken.append(python_pptx or decide(deck, template))
        return taken[-1]

    with monkeypatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        patch.setenv("ALLIANCEDECK_NO_PARALLEL", "1")
        patch.setattr(pptx_deck, "_needs_python_pptx", needs)
        data = render(prepare(content), "slides")
    assert len(taken) == 1
    return data, taken[0]


def _assert_same_package(ours: bytes, theirs: bytes) -> None:
    """Assert the two .pptx files are equal, naming the first item that differs if not."""
    if ours == theirs:
        return
    mine, reference = zipfile.ZipFile(io.BytesIO(ours)), zipfile.ZipFile(io.BytesIO(theirs))
    assert mine.namelist() == reference.namelist()
    for name in reference.namelist():
        assert mine.read(name) == reference.read(name), name
    raise AssertionError("same items, different zip bytes")


@pytest.mark.parametrize("content", BRIEFS, ids=lambda p: str(p.relative_to(REPO)))
def test_deck_without_python_pptx_is_byte_identical(content, monkeypatch):
    ours, used = _render(content, monkeypatch, python_pptx=False)
    assert not used
    theirs, used = _render(content, monkeypatch, python_pptx=True)
    assert used
    _assert_same_package(ours, theirs)


def test_properties_with_characters_to_escape_are_byte_identical(tmp_path, monkeypatch):
    content = write_brief(
        tmp_path,
        r"""
        meta:
          title: "Notional & <title> \"q\" it's \u00e9\u65e5"
          subtitle: "Tab\there\r\nand a new line"
          organization: "A &amp; B"
          classification: UNCLASSIFIED
        sections:
          - title: "One & <two>"
            points: ["A notional point"]
            notes: "Notes with a\ttab & <tags>\nand two lines"
        """,
    )
    ours, used = _render(content, monkeypatch, python_pptx=False)
    assert not used
    core = zipfile.ZipFile(io.BytesIO(ours)).read("docProps/core.xml").decode()
    assert "<dc:title>Notional &amp; &lt;title&gt;" in core
    assert "&#13;" in core  # the subtitle's carriage return, kept
    theirs, used = _render(content, monkeypatch, python_pptx=True)
    _assert_same_package(ours, theirs)


@pytest.fixture(scope="module")
def pictures_brief(tmp_path_factory) -> Path:
    """The every-block example without its charts, plus a JPEG, links and speaker notes."""
    from PIL import Image

    folder = tmp_path_factory.mktemp("pictures")
    example = REPO / "examples/blocks"
    for name in ("notional-bars.png", "notional-diagram.svg"):
        shutil.copy(example / name, folder / name)
    Image.new("RGB", (120, 80), (40, 90, 160)).save(folder / "notional-photo.jpg", quality=80)
    brief = yaml.safe_load((example / "content.yaml").read_text(encoding="utf-8"))
    for section in brief["sections"]:
        section.pop("chart", None)
    brief["sections"] = [s for s in brief["sections"] if set(s) != {"title"}]
    brief["sections"].append(
        {
            "title": "Notional photograph",
            "lead": "See [the notional report](https://example.org/report?a=1&b=2) first.",
            "points": [
                "A [link](https://example.org/report?a=1&b=2) twice, and [another](https://example.org/x).",
            ],
            "image": [
                {"path": "notional-photo.jpg", "alt": "A notional blue photograph."},
                {"path": "notional-bars.png", "alt": "The notional bars again."},
            ],
            "notes": "Notional speaker notes: line one.\nLine two & <three>.",
        }
    )
    brief["sections"][0]["notes"] = "Notes on the first section."
    text = yaml.safe_dump(brief, allow_unicode=True, sort_keys=False)
    return write_brief(folder, text)


def test_deck_with_pictures_links_and_notes_is_byte_identical(pictures_brief, monkeypatch):
    ours, used = _render(pictures_brief, monkeypatch, python_pptx=False)
    assert not used
    theirs, used = _render(pictures_brief, monkeypatch, python_pptx=True)
    assert used
    names = zipfile.ZipFile(io.BytesIO(ours)).namelist()
    # the brief holds what the package must relate: each picture once, notes, links
    assert {"ppt/media/image1.png", "ppt/media/image2.png", "ppt/media/image3.jpg"} <= set(names)
    assert "ppt/notesMasters/notesMaster1.xml" in names
    slides = b"".join(
        zipfile.ZipFile(io.BytesIO(ours)).read(n) for n in names if n.startswith("ppt/slides/_rels")
    )
    assert b"https://example.org/report?a=1&amp;b=2" in slides
    _assert_same_package(ours, theirs)


def test_deck_with_pictures_passes_the_package_checkers(pictures_brief, monkeypatch, tmp_path):
    deck = tmp_path / "deck.pptx"
    deck.write_bytes(_render(pictures_brief, monkeypatch, python_pptx=False)[0])
    assert_valid_deck(deck)


@pytest.fixture
def fresh_template():
    """Forget the default template's parts read in this process, before and after the test."""
    from alliancedeck.draw import pptx_package

    caches = (pptx_package._template_members, pptx_package._loose, pptx_package._shipped_parts)
    for cache in caches:
        cache.cache_clear()
    yield pptx_package
    for cache in caches:
        cache.cache_clear()


def test_shipped_parts_are_what_the_installed_python_pptx_files_make():
    from alliancedeck.draw import pptx_package

    shipped = pptx_package._shipped_parts()
    # the master, its layouts, the presentation, the notes master and its theme
    assert len(shipped) >= 15
    assert shipped == pptx_package.rewritten_parts(), (
        "python-pptx's default template changed: run python -m alliancedeck.draw.pptx_package"
    )


def test_a_deck_is_written_from_the_shipped_parts_as_from_rewritten_ones(
    pictures_brief, monkeypatch, fresh_template
):
    def no_rewriting(xml: bytes) -> bytes:
        raise AssertionError("a template part was rewritten during the build")

    with monkeypatch.context() as patch:
        patch.setattr(fresh_template, "as_lxml_writes", no_rewriting)
        shipped, used = _render(pictures_brief, monkeypatch, python_pptx=False)
    assert not used
    fresh_template._template_members.cache_clear()
    fresh_template._loose.cache_clear()
    # a python-pptx whose template bytes are not among the shipped ones: every part rewritten
    monkeypatch.setattr(fresh_template, "_shipped_parts", lambda: {})
    rewritten, used = _render(pictures_brief, monkeypatch, python_pptx=False)
    assert "ppt/notesMasters/notesMaster1.xml" in zipfile.ZipFile(io.BytesIO(shipped)).namelist()
    _assert_same_package(shipped, rewritten)


def test_a_deck_with_a_chart_still_uses_python_pptx(tmp_path, monkeypatch):
    content = write_brief(
        tmp_path,
        """
        meta: {title: Notional chart, classification: UNCLASSIFIED}
        sections:
          - title: Notional spending
            chart:
              - type: column
                categories: ["2022", "2023"]
                series: [{name: Notional, values: [1, 2]}]
        """,
    )
    data, used = _render(content, monkeypatch, python_pptx=False)
    assert used
    deck = zipfile.ZipFile(io.BytesIO(data))
    assert any(name.startswith("ppt/charts/chart") for name in deck.namelist())


_IMPORTED = textwrap.dedent(
    """
    import sys
    from alliancedeck.api import build
    result = build(sys.argv[1], out_dir=sys.argv[2])
    assert any(p.backend == "slides" for p in result.products)
    print(sorted(m for m in sys.modules if m == "pptx" or m.startswith("pptx.")))
    """
)


def _pptx_modules(content: Path, out: Path) -> str:
    env = dict(os.environ, ALLIANCEDECK_NO_PARALLEL="1")
    result = subprocess.run(
        [sys.executable, "-c", _IMPORTED, str(content), str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_building_the_default_brief_does_not_import_python_pptx(tmp_path):
    assert _pptx_modules(REPO / "content.yaml", tmp_path) == "[]"


def test_parallel_build_does_not_import_python_pptx_in_any_process(tmp_path):
    """The CLI's forked renderer and children write their imports to the same stderr."""
    command = ["-X", "importtime", "-m", "alliancedeck", "build", str(REPO / "content.yaml")]
    result = subprocess.run(
        [sys.executable, *command, "--out-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "deck.pptx").exists()
    modules = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()]
    assert "alliancedeck.draw.pptx_deck" in modules  # the deck was drawn here
    assert [m for m in modules if m == "pptx" or m.startswith("pptx.")] == []


def test_a_closed_package_refuses_to_be_written_again():
    # Closing lets go of every relationship (they held the slides in a cycle); a package
    # written after that would lack every part, so it says so instead.
    from alliancedeck.draw.pptx_package import DeckPackage

    package = DeckPackage(12192000, 6858000)
    first = dict(package.members())
    assert dict(package.members()) == first and "ppt/presentation.xml" in first
    package.close()
    assert not package.root.rels
    with pytest.raises(RuntimeError, match="closed"):
        next(package.members())
