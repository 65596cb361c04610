"""Line breaking's shortcuts (width caches, Japanese rules only where needed) change no byte."""

from __future__ import annotations

import hashlib

import pytest

from alliancedeck.api import build
from alliancedeck.compose import text
from alliancedeck.fonts import FontBook
from conftest import REPO

BRIEFS = {
    "default": REPO / "content.yaml",
    "long": REPO / "tests" / "compose" / "briefs" / "long.yaml",
    "japanese": REPO / "tests" / "i18n" / "japanese.yaml",
}


def _built(content, out, monkeypatch) -> tuple[dict[str, str], dict[str, int]]:
    """Return each product's SHA-256 and how often widths and Japanese phrases were asked."""
    calls = {"width": 0, "phrases": 0}
    width, phrases = FontBook.width, text._phrases

    def counted_width(*args, **kwargs):
        calls["width"] += 1
        return width(*args, **kwargs)

    def counted_phrases(chunk):
        calls["phrases"] += 1
        return phrases(chunk)

    monkeypatch.setattr(FontBook, "width", counted_width)
    monkeypatch.setattr(text, "_phrases", counted_phrases)
    result = build(content, out_dir=out)
    monkeypatch.setattr(FontBook, "width", width)
    monkeypatch.setattr(text, "_phrases", phrases)
    return {
        p.path.name: hashlib.sha256(p.path.read_bytes()).hexdigest() for p in result.products
    }, calls


@pytest.mark.parametrize("name", sorted(BRIEFS))
def test_caches_and_latin_breaking_change_no_byte_of_any_product(name, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("ALLIANCEDECK_NO_PARALLEL", "1")  # every product set in this process
    fast, fast_calls = _built(BRIEFS[name], tmp_path / "fast", monkeypatch)
    monkeypatch.setattr(text, "WIDTH_CACHE", False)
    monkeypatch.setattr(text, "CJK_ONLY_WHERE_NEEDED", False)
    monkeypatch.setattr(text, "ASCII_BREAKER", False)
    slow, slow_calls = _built(BRIEFS[name], tmp_path / "slow", monkeypatch)
    assert fast == slow
    assert len(fast) == 3
    # The shortcuts were taken: fewer widths measured, fewer texts cut into Japanese phrases.
    assert fast_calls["width"] < slow_calls["width"]
    assert fast_calls["phrases"] < slow_calls["phrases"]
