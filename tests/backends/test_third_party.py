"""A third-party backend, installed as its own package, used from the command line."""

from __future__ import annotations

import base64
import hashlib
import shutil
import site
import subprocess
import sys
import textwrap
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from alliancedeck import backends, cli
from conftest import REPO

#: The tiny backend: a plain-text outline that prints the markings it is handed, and warns.
PLUGIN = '''\
"""A notional third-party backend for alliancedeck's tests."""


class OutlineBackend:
    name = "notional-outline"
    description = "a notional plain-text outline (test plug-in)"
    default_output = "outline.txt"

    def render(self, doc, theme, context):
        banner = doc.meta.classification or ""
        lines = [banner, doc.meta.title]
        for section in doc.sections:
            lines.append(section.portion(section.title))
            lines.extend("- " + section.portion(point.text) for point in section.points)
        lines += [doc.meta.distribution or "", banner]
        context.warnings.append("the notional outline drops every chart")
        return "\\n".join(lines).encode("utf-8")
'''


def _wheel(folder: Path) -> Path:
    """Write the plug-in as a wheel (a zip with its metadata): pip installs it with no builder."""
    files = {
        "notional_outline.py": PLUGIN,
        "notional_outline-0.1.dist-info/METADATA": (
            "Metadata-Version: 2.1\nName: notional-outline\nVersion: 0.1\n"
        ),
        "notional_outline-0.1.dist-info/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
        "notional_outline-0.1.dist-info/entry_points.txt": (
            "[alliancedeck.backends]\nnotional-outline = notional_outline:OutlineBackend\n"
        ),
    }
    record = []
    for name, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{name},sha256={digest.decode()},{len(text.encode())}")
    record.append("notional_outline-0.1.dist-info/RECORD,,")
    files["notional_outline-0.1.dist-info/RECORD"] = "\n".join(record) + "\n"
    path = folder / "notional_outline-0.1-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


@pytest.fixture(scope="module")
def plugin_venv(tmp_path_factory) -> Path:
    """Return the `bin` folder of a new venv holding alliancedeck (this tree) and the plug-in."""
    folder = tmp_path_factory.mktemp("plugin-venv")
    venv.create(folder / "venv", system_site_packages=True)
    # The dependencies may live in a venv (the README's .venv) rather than the system's
    # site-packages: the new venv sees this interpreter's too, after its own.
    own = next((folder / "venv" / "lib").glob("python3*/site-packages"))
    (own / "outer_site_packages.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    python = folder / "venv" / "bin" / "python"
    # This interpreter's pip installs into the venv: no ensurepip (python3-venv) needed.
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps"]
    # alliancedeck's dependencies come from the system site-packages this venv sees. It is
    # built from a copy, so that the build leaves nothing in the source tree.
    source = folder / "alliancedeck"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    shutil.copytree(REPO / "src", source / "src", ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    subprocess.run([*pip, str(source)], check=True, timeout=600)
    subprocess.run([*pip, "--no-index", str(_wheel(folder))], check=True, timeout=300)
    return python.parent


def run(bin_folder: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(bin_folder / "alliancedeck"), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


CONTENT = textwrap.dedent(
    """\
    meta:
      title: Notional plug-in brief
      classification: UNCLASSIFIED
      distribution: A
    sections:
      - title: Notional section
        marking: U
        points: [A notional point.]
    """
)


def test_a_third_party_backend_is_listed_with_its_description(plugin_venv, tmp_path):
    result = run(plugin_venv, "backends", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert "a notional plain-text outline (test plug-in)" in rows["notional-outline"]
    assert "outline.txt" in rows["notional-outline"]
    assert "from notional-outline" in rows["notional-outline"]
    assert {"pdf", "slides", "deck-pdf", "html"} <= set(rows)


def test_a_third_party_backend_renders_from_render_and_build(plugin_venv, tmp_path):
    (tmp_path / "content.yaml").write_text(CONTENT, encoding="utf-8")
    rendered = run(plugin_venv, "render", "notional-outline", "-o", "mine.txt", cwd=tmp_path)
    assert rendered.returncode == 0, rendered.stderr
    outline = (tmp_path / "mine.txt").read_text(encoding="utf-8").splitlines()
    assert outline[0] == outline[-1] == "UNCLASSIFIED"  # the markings it was handed
    assert "(U) Notional section" in outline and "- (U) A notional point." in outline
    assert "content.yaml: warning: the notional outline drops every chart" in rendered.stderr

    built = run(plugin_venv, "build", "--products", "pdf,notional-outline", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert "content.yaml: warning: the notional outline drops every chart" in built.stderr
    output = tmp_path / "output"
    assert sorted(p.name for p in output.iterdir()) == ["SHA256SUMS", "brief.pdf", "outline.txt"]
    assert (output / "outline.txt").read_text(encoding="utf-8").splitlines() == outline

    strict = run(plugin_venv, "render", "notional-outline", "--strict", "-o", "s.txt", cwd=tmp_path)
    assert strict.returncode == 2 and not (tmp_path / "s.txt").exists()
    strict_build = run(
        plugin_venv, "build", "--products", "notional-outline", "--strict", cwd=tmp_path
    )
    assert strict_build.returncode == 2
    assert strict.stderr == strict_build.stderr  # the same warning, the same error, either way
    assert "content.yaml: error: the notional outline drops every chart (--strict)" in strict.stderr


def test_the_built_in_backends_are_those_pyproject_registers():
    """A build finds the built-ins by name, without reading package metadata: the two lists
    must name the same classes."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["entry-points"][backends.GROUP] == backends.BUILT_IN


def test_a_plug_in_cannot_take_a_built_in_name(monkeypatch):
    """A package that registers "pdf" does not replace the brief; its other names are added."""
    import importlib.metadata

    registered = [
        importlib.metadata.EntryPoint("pdf", "notional_takeover:Backend", backends.GROUP),
        importlib.metadata.EntryPoint("notional-extra", "notional_extra:Backend", backends.GROUP),
    ]

    def entry_points(group: str) -> list:
        return [entry for entry in registered if entry.group == group]

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    backends._registered.cache_clear()  # read the entry points patched above
    try:
        found = backends.available()
        assert found["pdf"].value == backends.BUILT_IN["pdf"]
        assert found["notional-extra"].value == "notional_extra:Backend"
        assert {"slides", "deck-pdf", "html"} <= set(found)
        assert type(backends.load("pdf")).__name__ == "BriefPdfBackend"
        # `alliancedeck backends` says the package's "pdf" is not used, right under the brief's.
        listed = CliRunner().invoke(cli.app, ["backends"]).output.splitlines()
        brief = next(n for n, line in enumerate(listed) if line.startswith("pdf "))
        assert "[build]" in listed[brief] and "from" not in listed[brief]
        taken = listed[brief + 1]
        assert taken.startswith("pdf ") and "not used" in taken and "[build]" not in taken
        assert "built-in name" in taken and "notional_takeover" in taken
    finally:
        backends._registered.cache_clear()
