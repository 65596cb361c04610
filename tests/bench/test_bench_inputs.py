"""The bench's inputs: notional content that is deterministic, unique, valid, and as Markdown."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "bench"


def _load(name: str):
    """Import bench/NAME.py (bench/ is a folder of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


generate = _load("generate")


@pytest.fixture(scope="module")
def base() -> dict:
    """Return the repository's content.yaml, whose shape the bench copies."""
    return yaml.safe_load((REPO / "content.yaml").read_text(encoding="utf-8"))


def test_same_seed_same_content_other_seed_other_text(base):
    first = generate.unique_content(base, 15, "15s")
    assert generate.unique_content(base, 15, "15s") == first
    other = generate.unique_content(base, 15, "15s", seed=generate.SEED + 1)
    assert set(generate.sentences(other)).isdisjoint(generate.sentences(first))


def test_no_sentence_repeats_at_50x(base):
    content = generate.unique_content(base, 300, "50x")
    found = generate.sentences(content)
    assert len(content["sections"]) == 300
    assert len(found) > 2500
    assert len(found) == len(set(found))


def test_sections_keep_the_base_shape_and_their_figures(base):
    content = generate.unique_content(base, 15, "15s")
    sections = content["sections"]
    for index, section in enumerate(sections):
        model = base["sections"][index % len(base["sections"])]
        assert sorted(section) == sorted(model)
        assert len(section.get("points", [])) == len(model.get("points", []))
        for name in section.get("figures", []):
            assert name in content["figures"]
    # Copy 3 (sections 13-15) refers to its own figures, renamed with _3.
    assert sections[12]["figures"] == ["troops_3", "facilities_3"]
    assert "{{ figures.troops_3 }}" in " ".join(sections[12]["points"])


def test_markdown_fills_in_figures_and_keeps_the_deck_notes(base):
    content = generate.unique_content(base, 6, "1x")
    deck = generate.markdown(content, deck=True)
    brief = generate.markdown(content, deck=False)
    troops = f"{content['figures']['troops']['value']:,}"
    assert "{{" not in deck + brief
    assert troops in deck and troops in brief
    assert deck.count("::: notes") == sum(1 for s in content["sections"] if s.get("notes"))
    assert "::: notes" not in brief
    assert brief.count("\n# ") == len(content["sections"]) + 2  # key figures and sources
    assert "\\$" in deck  # "$55 billion" is not read as the start of TeX math


def test_dry_run_writes_every_input_and_times_nothing(tmp_path):
    options = ["--dry-run", "--sizes", "1x,15s", "--batch", "3", "--work", str(tmp_path)]
    done = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), *options],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    inputs = sorted(p.name for p in (tmp_path / "inputs").iterdir())
    assert inputs == [
        "content-15s-brief.md",
        "content-15s-deck.md",
        "content-15s.yaml",
        "content-1x-brief.md",
        "content-1x-deck.md",
        "content-1x.yaml",
    ]
    assert len(list((tmp_path / "batch").glob("brief-*.yaml"))) == 3
    assert not list(tmp_path.glob("out-*"))  # nothing was built


def test_generated_content_is_a_valid_brief(tmp_path, base):
    from alliancedeck.api import check

    path = tmp_path / "content.yaml"
    path.write_text(generate.dump(generate.unique_content(base, 15, "15s")), encoding="utf-8")
    prepared = check(path)
    assert len(prepared.doc.sections) == 15


def test_a_writer_never_repeats_a_sentence_even_from_few_choices():
    writer = generate.TextWriter()
    # One capitalised word per sentence: only len(WORDS) choices, so draws clash often.
    made = [writer.like("Word.") for _ in range(len(generate.WORDS) // 2)]
    assert len(set(made)) == len(made)
    assert all(m[:1].isupper() and m.endswith(".") for m in made)


def test_copies_share_figure_sets_past_the_figure_limit(base):
    copies = generate.MAX_FIGURES // len(base["figures"]) + 5
    content = generate.unique_content(base, copies * len(base["sections"]), "big")
    assert len(content["figures"]) <= generate.MAX_FIGURES
    named = {n for s in content["sections"] for n in s.get("figures", [])}
    assert named <= set(content["figures"])
    found = generate.sentences(content)
    assert len(found) == len(set(found))


def test_the_warm_rebuild_is_compared_with_the_cold_builds_made_between_its_saves(monkeypatch):
    """The warm-rebuild target divides by the cold builds timed right after each rebuild (the
    same minutes, as peers are compared within rounds); only without them, by the size row's
    cold build, measured earlier."""
    monkeypatch.syspath_prepend(str(BENCH))  # run.py imports its neighbours
    run = _load("run")

    def measured(*walls: float):
        return run.Measurement(samples=[run.Sample(wall, wall, 1, 1, 1) for wall in walls])

    def verdict(watch) -> dict:
        sizes = {"200x": {"alliancedeck": measured(3.0)}}
        found = run.judge(sizes, None, {"200x": watch}, measured(0.1), 100)
        return next(v for v in found if v["target"].startswith("200x: warm rebuild"))

    between = run.WatchResult("200x", printed=[0.9, 1.0, 1.1], cold=[2.0, 2.5, 4.0])
    assert verdict(between)["measured"] == 0.4  # 1.0 / 2.5, not 1.0 / 3.0
    assert verdict(between)["result"] == "FAIL"
    alone = run.WatchResult("200x", printed=[0.9, 1.0, 1.1])
    assert verdict(alone)["measured"] == round(1.0 / 3.0, 3)
    assert verdict(alone)["result"] == "PASS"
