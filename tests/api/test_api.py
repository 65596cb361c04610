"""The library API: typed, stateless between calls, content as a mapping, safe in process pools."""

from __future__ import annotations

import concurrent.futures
import inspect
import multiprocessing
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

import alliancedeck
from conftest import REPO, write_brief

GLYPH = "\U0001f6f0"  # no layout font has it

BRIEF = """\
meta:
  title: {title}
  layout: {layout}
sections:
  - title: Notional section
    points: [{point}]
"""


def brief(folder: Path, title: str, point: str = "A notional point.", layout="default") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return write_brief(folder, BRIEF.format(title=title, point=point, layout=layout))


def test_a_warning_belongs_to_its_own_build(tmp_path):
    # Two briefs in one folder, one layout: everything that could be shared, is.
    first = write_brief(tmp_path, BRIEF.format(title="A", point=f"With {GLYPH}.", layout="default"))
    second = write_brief(
        tmp_path, BRIEF.format(title="B", point="Plain.", layout="default"), "b.yaml"
    )
    warned = alliancedeck.build(first, out_dir=tmp_path / "out-a")
    assert any(GLYPH in w.message for w in warned.warnings)
    clean = alliancedeck.build(second, out_dir=tmp_path / "out-b")
    assert clean.warnings == []
    strict = alliancedeck.build(second, out_dir=tmp_path / "out-c", strict=True)
    assert {p.path.name for p in strict.products} == {"brief.pdf", "deck.pptx", "deck.pdf"}
    assert alliancedeck.check(second, strict=True).warnings == []


def test_an_edited_layout_is_read_again(tmp_path):
    (tmp_path / "layouts").mkdir()
    layout = tmp_path / "layouts" / "notional.yaml"
    shutil.copy(REPO / "layouts" / "default.yaml", layout)
    content = brief(tmp_path, "Notional", layout="notional")
    letter = alliancedeck.build(content, products=["pdf"])
    width = float(PdfReader(letter.products[0].path).pages[0].mediabox.width)
    assert width == pytest.approx(612)  # US letter, 8.5 in
    text = layout.read_text(encoding="utf-8")
    layout.write_text(text.replace("size: letter", "size: a4", 1), encoding="utf-8")
    a4 = alliancedeck.build(content, products=["pdf"])
    width = float(PdfReader(a4.products[0].path).pages[0].mediabox.width)
    assert width == pytest.approx(595.3, abs=0.5)  # A4, 210 mm


def test_an_edited_image_is_read_again(tmp_path):
    from PIL import Image

    content = write_brief(
        tmp_path,
        """\
        meta: {title: Notional}
        sections:
          - title: A
            image: {path: picture.png, alt: A notional picture}
        """,
    )
    for width in (40, 80):
        Image.new("RGB", (width, 20), "navy").save(tmp_path / "picture.png")
        result = alliancedeck.build(content, products=["slides"])
        from pptx import Presentation

        deck = Presentation(str(result.products[0].path))
        pictures = [s for slide in deck.slides for s in slide.shapes if s.shape_type == 13]
        assert len(pictures) == 1
        assert pictures[0].width / pictures[0].height == pytest.approx(width / 20, rel=0.02)


def test_outputs_go_beside_the_content_file(tmp_path):
    content = brief(tmp_path, "Notional")
    other = write_brief(
        tmp_path, BRIEF.format(title="Day 2", point="x", layout="default"), "d2.yaml"
    )
    assert alliancedeck.build(content).out_dir == tmp_path / "output"
    assert alliancedeck.build(other).out_dir == tmp_path / "output" / "d2"
    assert (tmp_path / "output" / "brief.pdf").is_file()
    assert (tmp_path / "output" / "d2" / "brief.pdf").is_file()


def test_content_as_a_mapping_builds_and_its_errors_are_located_by_key_path(tmp_path):
    from PIL import Image

    Image.new("RGB", (30, 20), "navy").save(tmp_path / "picture.png")
    data = {
        "meta": {"title": "Notional mapping"},
        "sections": [
            {"title": "A", "points": ["A notional point."]},
            {"title": "B", "image": {"path": "picture.png", "alt": "A notional picture"}},
        ],
    }
    result = alliancedeck.build(data, base_dir=tmp_path, products=("pdf",))
    assert result.out_dir == tmp_path / "output"
    assert "Notional mapping" in PdfReader(result.products[0].path).pages[0].extract_text()
    data["sections"][1]["titel"] = "typo"
    data["sections"][0]["points"].append(object())
    from alliancedeck.errors import ContentError

    with pytest.raises(ContentError) as caught:
        alliancedeck.check(data, base_dir=tmp_path)
    places = {str(p.location) for p in caught.value.problems}
    assert places == {"<content>.sections[0].points[1]"}  # values first, like a YAML loader
    del data["sections"][0]["points"][1]
    with pytest.raises(ContentError) as caught:
        alliancedeck.check(data, base_dir=tmp_path)
    assert [str(p.location) for p in caught.value.problems] == ["<content>.sections[1].titel"]


def test_build_and_check_are_typed():
    for function in (alliancedeck.build, alliancedeck.check):
        parameters = inspect.signature(function).parameters.values()
        assert not [p for p in parameters if p.kind is inspect.Parameter.VAR_KEYWORD]
        assert all(p.annotation is not inspect.Parameter.empty for p in parameters)
    assert (Path(alliancedeck.__file__).parent / "py.typed").is_file()


def _build_in_worker(folder: str) -> tuple[list[str], list[str]]:
    result = alliancedeck.build(Path(folder) / "content.yaml", products=["pdf", "slides"])
    return sorted(p.path.name for p in result.products), [w.message for w in result.warnings]


def _briefs_for_pool(tmp_path: Path) -> list[str]:
    folders = []
    for index, point in enumerate(["A notional point.", f"With {GLYPH}.", "Another."]):
        brief(tmp_path / f"b{index}", f"Notional {index}", point)
        folders.append(str(tmp_path / f"b{index}"))
    return folders


def _assert_pool_results(results) -> None:
    assert [names for names, _ in results] == [["brief.pdf", "deck.pptx"]] * 3
    warned = [bool(warnings) for _, warnings in results]
    assert warned == [False, True, False]  # only the brief with the character


def test_builds_inside_a_multiprocessing_pool(tmp_path):
    folders = _briefs_for_pool(tmp_path)
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        _assert_pool_results(pool.map(_build_in_worker, folders))


def test_builds_inside_a_process_pool_executor(tmp_path):
    folders = _briefs_for_pool(tmp_path)
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        _assert_pool_results(list(pool.map(_build_in_worker, folders)))


def test_the_readme_examples_build_many_briefs(tmp_path, monkeypatch, capsys):
    import re

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    api_part = readme[readme.index("## Python API") :]
    loop, pool = re.findall(r"```python\n(.*?)```", api_part, re.S)[:2]
    for name in ("north", "south"):
        brief(tmp_path / "briefs" / name, f"Notional {name}")
    (tmp_path / "briefs" / "broken").mkdir()
    write_brief(
        tmp_path / "briefs" / "broken", "meta: {title: x, titel: y}\nsections: [{title: A}]\n"
    )
    monkeypatch.chdir(tmp_path)
    exec(loop, {})
    printed = capsys.readouterr().out
    assert 'briefs/broken/content.yaml:1:18: unknown key "titel" in meta' in printed
    for name in ("north", "south"):
        assert f"briefs/{name}/content.yaml -> briefs/{name}/output []" in printed
        assert (tmp_path / "briefs" / name / "output" / "deck.pptx").is_file()
    shutil.rmtree(tmp_path / "briefs" / "broken")
    scope = {"alliancedeck": alliancedeck, "Path": Path}
    exec(pool, scope)
    assert [r.out_dir for r in scope["results"]] == [
        Path("briefs/north/output"),
        Path("briefs/south/output"),
    ]


def test_the_starter_read_by_yaml_safe_load_builds_with_its_exponent_figure(tmp_path):
    import yaml

    from alliancedeck.starter import write_starter

    started = write_starter(tmp_path / "starter")
    data = yaml.safe_load(started.content.read_text(encoding="utf-8"))
    assert data["figures"]["budget"]["value"] == "1.5e9"  # YAML 1.1: text, not a number
    prepared = alliancedeck.check(data, base_dir=started.content.parent, products=["html"])
    budget = prepared.doc.figures["budget"]
    assert budget.value == 1.5e9 and budget.display == "$1.5 billion"


def test_a_folder_stands_for_its_content_file(tmp_path):
    brief(tmp_path / "north", "Notional north")
    result = alliancedeck.build(tmp_path / "north", products=["pdf"])
    assert result.out_dir == tmp_path / "north" / "output"
    assert "Notional north" in PdfReader(result.products[0].path).pages[0].extract_text()


def test_a_mapping_s_messages_index_lists_as_its_locations_do(tmp_path):
    """Content given as a mapping is located by Python key paths (from 0); the messages count
    list items the same way, so `sections[1]` is data["sections"][1] in both."""
    from alliancedeck.errors import ContentError

    data = {
        "meta": {"title": "Notional mapping"},
        "sections": [
            {"title": "A", "points": ["A notional point.", {"txt": "typo"}]},
            {"title": "B", "sources": [{"text": "Notional", "url": "javascript:x"}]},
        ],
    }
    table = {"title": "C", "table": {"columns": ["a", "b"], "rows": [[1, 2], [1]]}}
    problems = []
    for content in (data, {"meta": data["meta"], "sections": [table]}):
        with pytest.raises(ContentError) as caught:
            alliancedeck.check(content, base_dir=tmp_path)
        problems += caught.value.problems
    for problem in problems:
        located = re.findall(r"\w+\[\d+\]", str(problem.location))
        said = re.findall(r"\w+\[\d+\]", problem.message)
        assert said and said == located[-len(said) :], str(problem)
    messages = [p.message for p in problems]
    assert any("in sections[0].points[1]" in m for m in messages)
    assert any(m.startswith("sections[1].sources[0].url:") for m in messages)
    assert any(m.startswith("table.rows[1] has 1 cells") for m in messages)


def test_an_error_in_content_given_as_a_mapping_names_its_key_path_once(tmp_path):
    from alliancedeck.errors import ContentError

    data = {
        "meta": {"title": "Notional"},
        "figures": {"big": {"value": "185,000", "label": "notional"}},
        "sections": [{"title": "A", "points": ["A notional point."]}],
    }
    with pytest.raises(ContentError) as caught:
        alliancedeck.check(data, base_dir=tmp_path)
    assert str(caught.value).startswith(
        '<content>.figures.big.value: expected a number, found text "185,000"; write 185000'
    ), str(caught.value)
