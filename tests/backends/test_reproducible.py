"""Two builds of the same content give the same bytes; the build time comes from the content."""

from __future__ import annotations

import hashlib
from pathlib import Path

from conftest import REPO


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_source_date_epoch_gives_identical_bytes(tmp_path, monkeypatch):
    from alliancedeck.api import build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(REPO / "content.yaml", out_dir=tmp_path / "a")
    build(REPO / "content.yaml", out_dir=tmp_path / "b")
    first, second = _digests(tmp_path / "a"), _digests(tmp_path / "b")
    assert set(first) == {"brief.pdf", "deck.pptx", "deck.pdf", "SHA256SUMS"}
    assert first == second
    sums = (tmp_path / "a" / "SHA256SUMS").read_text(encoding="ascii").splitlines()
    assert sums == [f"{first[name]}  {name}" for name in ("brief.pdf", "deck.pptx", "deck.pdf")]


def test_build_time_is_stamped_in_the_products(tmp_path, monkeypatch):
    from pptx import Presentation
    from pypdf import PdfReader

    from alliancedeck.api import build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    result = build(REPO / "content.yaml", out_dir=tmp_path)
    paths = {p.backend: p.path for p in result.products}
    assert PdfReader(paths["pdf"]).metadata["/CreationDate"].startswith("D:20231114221320")
    created = Presentation(str(paths["slides"])).core_properties.created
    assert created.isoformat().startswith("2023-11-14T22:13:20")


def test_parallel_and_serial_builds_give_the_same_bytes(tmp_path, monkeypatch):
    import yaml

    from alliancedeck.api import PARALLEL_FROM, build

    sections = [
        {
            "title": f"Notional section {i}",
            "lead": "A notional lead.",
            "points": [f"Notional point {i}.{j}." for j in range(4)],
        }
        for i in range(PARALLEL_FROM // 5)
    ]
    path = tmp_path / "content.yaml"
    path.write_text(
        yaml.safe_dump({"meta": {"title": "Notional large brief"}, "sections": sections}),
        encoding="utf-8",
    )
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(path, out_dir=tmp_path / "parallel")
    monkeypatch.setenv("ALLIANCEDECK_NO_PARALLEL", "1")
    build(path, out_dir=tmp_path / "serial")
    assert _digests(tmp_path / "parallel") == _digests(tmp_path / "serial")
