"""The steps a brief takes towards its page target: a brief far past it skips to the tightest.

The planner sets the brief loosest first and steps towards the tightest until it fits. A brief
whose content needs more than FAR_OVER times its target's columns is set at its tightest next:
if even that content cannot fit, the tightest is the plan, exactly as if every step had been
tried. These tests compare the plans read back as PDF bytes and text.
"""

from __future__ import annotations

import importlib.util
import io
import struct
import zlib

import pytest
import yaml
from pypdf import PdfReader

from alliancedeck.api import prepare, render
from alliancedeck.compose import brief as planning
from alliancedeck.fonts import font_book
from conftest import REPO, tall_header_content

LONG = REPO / "tests" / "compose" / "briefs" / "long.yaml"
CROWDED = REPO / "tests" / "compose" / "briefs" / "crowded-brief.yaml"
BLOCKS = REPO / "examples" / "blocks" / "content.yaml"


def _generate():
    """Import bench/generate.py, which writes notional content shaped like content.yaml."""
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: The planner's own setting, before any test changes it.
FAR_OVER = planning.FAR_OVER


def _notional(folder, sections: int):
    """Write a notional brief of `sections` sections shaped like content.yaml."""
    generate = _generate()
    base = yaml.safe_load((REPO / "content.yaml").read_text(encoding="utf-8"))
    path = folder / f"notional-{sections}.yaml"
    content = generate.unique_content(base, sections, f"{sections}s")
    path.write_text(generate.dump(content), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def far_over(tmp_path_factory):
    """A notional brief of 30 sections: some three times its two-page target, set loosest."""
    return _notional(tmp_path_factory.mktemp("far"), 30)


@pytest.fixture(scope="module")
def just_over(tmp_path_factory):
    """A notional brief of 11 sections: its loosest content cannot fit its two pages, its
    tightest could (least heights 1.06 and 0.91 times the columns)."""
    return _notional(tmp_path_factory.mktemp("just"), 11)


def _tall_png(path) -> None:
    """Write a grey picture five times taller than wide (200 by 1000 pixels)."""
    width, height = 200, 1000

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes([128]) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
    path.write_bytes(png + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def _picture(number: int, words: str) -> dict:
    return {
        "path": "tall.png",
        "alt": f"A notional tall bar {number}.",
        "caption": f"Notional tall picture {number}: {words}",
        "source": f"Drawn for the test: {words}",
    }


@pytest.fixture(scope="module")
def tall_pictures(tmp_path_factory):
    """Three pictures taller than a column, in a layout with deep margins (found in review:
    a block taller than its column stands alone in it, taking only that column)."""
    folder = tmp_path_factory.mktemp("tall")
    _tall_png(folder / "tall.png")
    layout = (REPO / "layouts" / "default.yaml").read_text(encoding="utf-8")
    layout = layout.replace("name: default", "name: deep")
    layout = layout.replace("{top: 0.6in, bottom: 0.6in,", "{top: 2.4in, bottom: 2.4in,", 1)
    layout = layout.replace("max_picture_height: 0.4 ", "max_picture_height: 0.85 ", 1)
    (folder / "layouts").mkdir()
    (folder / "layouts" / "deep.yaml").write_text(layout, encoding="utf-8")
    words = "a caption that runs to a couple of lines in the column."
    content = {
        "meta": {"title": "Notional tall pictures", "classification": "UNCLASSIFIED"},
        "sections": [
            {
                "title": "Notional pictures",
                "lead": "A notional lead.",
                "points": ["Notional point one.", "Notional point two."],
                "image": [_picture(n, words) for n in range(3)],
            }
        ],
    }
    content["meta"]["layout"] = "deep"
    path = folder / "content.yaml"
    path.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def tall_header(tmp_path_factory):
    """A title and subtitle that fill most of page 1 above short columns, eight key figures,
    a picture taller than those columns with long captions, and 85 one-line points."""
    folder = tmp_path_factory.mktemp("header")
    _tall_png(folder / "tall.png")
    words = ("同盟の役割と協力の架空の図" * 40)[:360]
    content = tall_header_content(
        {"title": "Notional key figures", "image": [_picture(0, words)]},
        {"title": "Notional points", "points": [f"Notional point {k}." for k in range(85)]},
    )
    path = folder / "content.yaml"
    path.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def settings(monkeypatch):
    """Count the compositions each plan sets; let a test change how far over is far."""
    counted: list[planning.Composition] = []
    content = planning.BriefPlanner.content

    def counting(self, composition):
        counted.append(composition)
        return content(self, composition)

    monkeypatch.setattr(planning.BriefPlanner, "content", counting)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")

    def brief(path, far: float, surely: float = float("inf")) -> tuple[bytes, list, list]:
        monkeypatch.setattr(planning, "FAR_OVER", far)
        monkeypatch.setattr(planning, "SURELY_OVER_PER_PAGE", surely)
        counted.clear()
        prepared = prepare(path)
        data = render(prepared, "pdf")
        return data, list(counted), [str(w) for w in prepared.warnings]

    return brief


def _text(data: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages
    )


def test_a_brief_far_over_its_target_is_set_twice_and_planned_as_if_every_step_were_tried(
    far_over, settings
):
    stepped, tried, stepped_warnings = settings(far_over, float("inf"))
    skipped, set_twice, warnings = settings(far_over, FAR_OVER)
    assert len(tried) == 8  # every step, loosest to tightest
    assert set_twice == [tried[0], tried[-1]]  # the loosest, then straight to the tightest
    assert skipped == stepped
    assert warnings == stepped_warnings
    assert any("a brief is at most 2" in warning for warning in warnings)
    assert len(PdfReader(io.BytesIO(skipped)).pages) > 2
    assert "Notional benchmark brief (30s)" in _text(skipped)


def test_a_brief_with_more_paragraphs_than_its_pages_hold_is_set_once_at_its_tightest(
    far_over, settings
):
    """Counted by its paragraphs, a brief is surely far over its target: it is set at its
    tightest at once (not loosest first) and planned as if every step were tried."""
    stepped, tried, stepped_warnings = settings(far_over, float("inf"))
    paragraphs = _planner(far_over).doc.paragraph_count()
    assert paragraphs > 2 * 50  # two pages, at 50 paragraphs a page: surely over
    set_once, only_tightest, warnings = settings(far_over, FAR_OVER, surely=50)
    assert only_tightest == [tried[-1]]
    assert set_once == stepped
    assert warnings == stepped_warnings
    assert any("a brief is at most 2" in warning for warning in warnings)
    # Below the count, it is set loosest first, as before (then straight to the tightest).
    _, set_twice, _ = settings(far_over, FAR_OVER, surely=paragraphs / 2)
    assert set_twice == [tried[0], tried[-1]]


def test_a_brief_said_surely_over_whose_tightest_could_fit_then_steps_through_as_before(
    just_over, settings
):
    stepped, tried, _ = settings(just_over, float("inf"))
    checked, set_then_stepped, _ = settings(just_over, float("inf"), surely=1)
    assert set_then_stepped == [tried[-1], *tried]  # the tightest could fit: every step
    assert checked == stepped


def test_a_brief_said_surely_over_is_set_at_its_tightest_once_even_when_far_over(
    just_over, settings
):
    # Set at its tightest first (which could fit), then loosest, far over: not set at its
    # tightest a second time before it steps on.
    stepped, tried, _ = settings(just_over, float("inf"))
    checked, set_then_stepped, _ = settings(just_over, 1.0, surely=1)
    assert set_then_stepped == [tried[-1], *tried]
    assert checked == stepped


def test_the_real_briefs_count_as_surely_over_only_far_past_their_target():
    # The default brief and the long example are set loosest first; the count says "surely
    # over" only for a brief many times its target (the bench's 50x has 2,350 paragraphs).
    for path in (REPO / "content.yaml", LONG):
        planner = _planner(path)
        limit = planning.SURELY_OVER_PER_PAGE * planner.tokens.max_pages
        assert planner.doc.paragraph_count() < limit / 2


def test_a_brief_over_its_target_whose_tightest_content_could_fit_steps_through_as_before(
    just_over, settings
):
    stepped, tried, _ = settings(just_over, float("inf"))
    checked, set_then_stepped, _ = settings(just_over, 1.0)  # far over as soon as over
    tightest = planning.BriefPlanner.compositions(_planner(just_over))[-1]
    assert len(tried) > 1  # the loosest does not fit
    # The loosest, the tightest (which could fit), then the steps from the second on.
    assert set_then_stepped == [tried[0], tightest, *tried[1:]]
    assert checked == stepped


def test_a_brief_that_fits_at_no_step_is_planned_alike_when_over_means_far_over(settings):
    stepped, tried, _ = settings(LONG, float("inf"))
    skipped, set_twice, _ = settings(LONG, 1.0)
    assert len(tried) == 8 and set_twice == [tried[0], tried[-1]]
    assert skipped == stepped


def _planner(path):
    prepared = prepare(path)
    book = font_book(prepared.theme, prepared.content_dir)
    return planning.BriefPlanner(prepared.doc, prepared.theme, book)


@pytest.mark.parametrize("name", ["tall_pictures", "tall_header"])
@pytest.mark.parametrize("far", [FAR_OVER, 1.0])
def test_blocks_taller_than_their_columns_are_planned_as_if_every_step_were_tried(
    name, far, settings, request
):
    path = request.getfixturevalue(name)
    stepped, _, stepped_warnings = settings(path, float("inf"))
    planned, _, warnings = settings(path, far)
    assert planned == stepped
    assert warnings == stepped_warnings


@pytest.mark.parametrize(
    "name", ["long", "crowded", "blocks", "just_over", "far_over", "tall_pictures", "tall_header"]
)
def test_content_said_not_to_fit_never_fits(name, request):
    # The bound is sound: no composition whose flow fits its target is said not to fit.
    paths = {"long": LONG, "crowded": CROWDED, "blocks": BLOCKS}
    planner = _planner(paths.get(name) or request.getfixturevalue(name))
    target = planner.tokens.max_pages
    tightest = planner.content(planner.compositions()[-1])
    fits = []
    for composition in planner.compositions():
        header, units = planner.content(composition)
        fitted = planner.flow_within(header, units, target) is not None
        fits.append(fitted)
        if fitted:
            assert not planner.cannot_fit(header, units, target)
            assert not planner.cannot_fit(header, units, target, FAR_OVER)
            # Nor by the tightest units under this composition's header (the jump's test).
            assert not planner.none_fits([composition], tightest[1], target)
        least = planner.least_height(units, planner.shortest_column(header, target))
        assert 0 <= least <= sum(unit.height + unit.space for unit in units)
    assert any(fits) == (name in ("crowded", "blocks", "tall_pictures", "tall_header"))
