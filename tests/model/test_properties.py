"""Property tests: bad input never costs a file, and good input never loses a word.

(a) Any document the model accepts renders in every backend, and every title, lead, point,
    figure and source is in every product, read back with python-pptx and pypdf.
(b) Random mutations of the repository's content.yaml are either accepted or refused with
    located problems (exit 2): never an internal error (exit 1), a traceback or a hang.
"""

from __future__ import annotations

import io
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from pptx import Presentation
from pypdf import PdfReader
from strategies import HUGE, briefs, mutate_line, mutated_files, nested

from alliancedeck.api import prepare, render
from alliancedeck.errors import ContentError
from conftest import every_shape

REPO = Path(__file__).resolve().parent.parent.parent
BACKENDS = ("pdf", "slides", "deck-pdf")
#: Longest one check or build may take, in seconds.
TIME_LIMIT = 10.0
SLOW = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]

# When a generated example fails, Hypothesis's pytest plugin imports libcst to suggest an
# @example patch; libcst 1.0 warns (mypy_extensions.TypedDict is deprecated), and with
# `filterwarnings = error` that warning turned the failure into a pytest INTERNALERROR.
pytestmark = pytest.mark.filterwarnings(
    "ignore:mypy_extensions.TypedDict is deprecated:DeprecationWarning"
)

#: Bullet characters: the deck PDF draws a bullet after its paragraph's first line.
BULLETS = "\u2022\u2013\u25e6"


def squash(text: str) -> str:
    """Return `text` without whitespace and bullets (lines wrap differently in every product)."""
    return re.sub(rf"[\s{BULLETS}]+", "", text)


# --- reading the products back ----------------------------------------------------------------
#
# A paragraph may be split over two pages or slides, with the page furniture (banners, footer,
# page number, the next slide's title) drawn in between. Each product is therefore read twice:
# as it is (`raw`), and as one `flow` with the furniture at the page breaks taken out. A text is
# present when it is in either.


@dataclass
class Reading:
    raw: str
    flow: str

    def missing(self, needles: list[str]) -> list[str]:
        raw, flow = squash(self.raw), squash(self.flow)
        return [n for n in needles if squash(n) not in raw and squash(n) not in flow]


def strip_ends(text: str, prefixes: list[str], suffixes: list[str]) -> str:
    """Return `text` squashed, without `prefixes` (in order) and `suffixes` (from the end).

    Each is taken away only where it is.
    """
    text = squash(text)
    for prefix in map(squash, prefixes):
        text = text.removeprefix(prefix)
    for suffix in map(squash, suffixes):
        text = text.removesuffix(suffix)
    return text


@dataclass
class DeckSlide:
    texts: list[str]  # every text shape, the title first, in drawing order
    notes: str
    body_end: int  # texts[1:body_end] is the slide's own content; the rest is furniture


def read_pptx(data: bytes, furniture: set[str]) -> list[DeckSlide]:
    """Return every slide of the deck; `furniture`: squashed texts of footers, banners, cards."""
    slides = []
    for slide in Presentation(io.BytesIO(data)).slides:
        title = slide.shapes.title
        texts = [title.text_frame.text if title is not None else ""]
        texts += [
            shape.text_frame.text
            for shape in every_shape(slide)  # a figure card's text is inside its group
            if shape.has_text_frame and (title is None or shape.shape_id != title.shape_id)
        ]
        body_end = len(texts)
        while body_end > 1 and (
            squash(texts[body_end - 1]) in furniture
            or re.fullmatch(r"(\d+of\d+)?", squash(texts[body_end - 1]))
        ):
            body_end -= 1
        notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
        slides.append(DeckSlide(texts, notes, body_end))
    return slides


def deck_reading(slides: list[DeckSlide]) -> Reading:
    raw = "\n".join("\n".join([*s.texts, s.notes]) for s in slides)
    flow = "\n".join("\n".join(s.texts[1 : s.body_end]) for s in slides)
    return Reading(raw, flow)


def pdf_pages(data: bytes) -> list[str]:
    """Return the text of every page of a PDF, in drawing order."""
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def deck_pdf_reading(pages: list[str], slides: list[DeckSlide]) -> Reading:
    """Read the deck's PDF page by page as the slides of the .pptx (drawn in the same order)."""
    flow = []
    for index, page in enumerate(pages):
        if index < len(slides):
            slide = slides[index]
            furniture = slide.texts[slide.body_end :]
            page = strip_ends(page, slide.texts[:1], list(reversed(furniture)))
        flow.append(page)
    return Reading("\n".join(pages), "\n".join(flow))


def strip_footer(text: str, footer: str) -> str:
    """Return squashed `text` without `footer` at its start, whole or cut short with "…"."""
    text, footer = squash(text), squash(footer)
    if text.startswith(footer):
        return text.removeprefix(footer)
    for cut in range(len(footer) - 1, 0, -1):
        if text.startswith(footer[:cut] + "…"):
            return text[cut + 1 :]
    return text


def brief_reading(pages: list[str], banners: list[str], footer: str) -> Reading:
    """Read the brief: banners and footer start each page, its page number ends it.

    The footer may be cut short with "…" to fit its line.
    """
    total = len(pages)
    flow = [
        strip_footer(strip_ends(page, banners, [f"Page {number} of {total}"]), footer)
        for number, page in enumerate(pages, start=1)
    ]
    return Reading("\n".join(pages), "\n".join(flow))


# --- what must be in the products -------------------------------------------------------------


def _point_texts(points: list[Any]) -> list[str]:
    texts: list[str] = []
    for point in points:
        if isinstance(point, str):
            texts.append(point)
        else:
            texts.append(point["text"])
            texts.extend(_point_texts(point.get("points", [])))
    return texts


def expected_texts(data: dict[str, Any], displays: dict[str, str]) -> list[str]:
    """Return every text of `data` that every product must show (the deck's notes aside)."""
    meta = data["meta"]
    texts = [meta["title"]]
    texts += [meta[key] for key in ("subtitle", "distribution") if key in meta]
    if "classification" in meta:
        texts.append(meta["classification"].upper())
    for figure_id, figure in data["figures"].items():
        texts += [displays[figure_id], figure["label"]]
    for section in data["sections"]:
        texts.append(section["title"])
        if "lead" in section:
            texts.append(section["lead"])
        texts += _point_texts(section.get("points", []))
        for source in section.get("sources", []):
            texts.append(source if isinstance(source, str) else source["text"])
    return texts


def write_content(folder: str, data: dict[str, Any]) -> Path:
    path = Path(folder) / "content.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def assert_renders_everything(data: dict[str, Any]) -> None:
    """Prepare `data`, render every backend and find every text of `data` in every product."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_content(folder, data)
        prepared = prepare(path)
        products = {name: render(prepared, name) for name in BACKENDS}
    meta, figures = data["meta"], data["figures"]
    displays = {f: figures[f].get("display") or prepared.doc.figures[f].display for f in figures}
    for figure_id in figures:
        assert squash(displays[figure_id]), f"figure {figure_id} has an empty display"
    needles = expected_texts(data, displays)
    notes = [s["notes"] for s in data["sections"] if "notes" in s]

    banner = meta.get("classification", "").upper()
    footer = meta.get("short_title") or meta["title"]
    cards = {squash(displays[f] + figures[f]["label"]) for f in figures}
    slides = read_pptx(products["slides"], {squash(banner), squash(footer), *cards} - {""})
    readings = {
        "pdf": brief_reading(pdf_pages(products["pdf"]), [banner, banner], footer),
        "slides": deck_reading(slides),
        "deck-pdf": deck_pdf_reading(pdf_pages(products["deck-pdf"]), slides),
    }
    for name, reading in readings.items():
        lost = reading.missing(needles + (notes if name == "slides" else []))
        assert not lost, f"{name}: texts missing from the product: {lost!r}"


# --- (a) valid documents render completely ----------------------------------------------------

#: Found by this property: section titles together longer than 255 characters (they are joined
#: into the .pptx keywords, and python-pptx caps core properties at 255) failed the deck.
LONG_SECTION_TITLES = {
    "meta": {"title": "Brief"},
    "figures": {},
    "sections": [{"title": "T" * 130, "points": []}, {"title": "U" * 130, "points": []}],
}


#: Found while writing this property: a header taller than the first page (a title of 1,219
#: characters; 49 figures in the key-figure band) made the brief raise reportlab's LayoutError
#: (`build` exit 1). Titles are now capped at 400 characters (a longer one is a located
#: content error); the longest accepted title must render.
LONG_TITLE = {
    "meta": {"title": ("word " * 80).strip()},
    "figures": {},
    "sections": [{"title": "S"}],
}
MANY_FIGURES = {
    "meta": {"title": "Brief"},
    "figures": {f"f{i}": {"value": i, "label": "x"} for i in range(49)},
    "sections": [{"title": "S", "points": ["p"]}],
}


#: Found by this property: a point split from page 1 to page 2 under a title too long for the
#: footer line, which is drawn cut short with "…" (the reading did not take it off the page).
FOOTER_CUT_SHORT = yaml.safe_load(
    (Path(__file__).parent / "found" / "footer-cut-short.yaml").read_text(encoding="utf-8")
)


@settings(max_examples=20, deadline=None, suppress_health_check=SLOW)
@given(briefs())
@example(LONG_SECTION_TITLES)
@example(LONG_TITLE)
@example(MANY_FIGURES)
@example(FOOTER_CUT_SHORT)
def test_any_valid_brief_renders_with_every_text(data):
    assert_renders_everything(data)


# --- (b) mutated files: accepted, or refused with located problems ----------------------------

VALID_TEXT = (REPO / "content.yaml").read_text(encoding="utf-8")
mutations = mutated_files(VALID_TEXT)

#: Found by these properties: each made `check` end in an internal error (exit 1): a YAML tag
#: whose constructor fails other than with ValueError; nesting deeper than ~320 levels in a
#: file libyaml does not parse as is (a syntax error, an alias), which the Python parser then
#: reads into a RecursionError; a layout name longer than a file name may be.
TIMESTAMP_TAG = mutate_line(VALID_TEXT, "Provides a platform", "      - !!timestamp nope")
BOOL_TAG = mutate_line(VALID_TEXT, "Provides a platform", "      - !!bool maybe")
DEEP_LIST = mutate_line(VALID_TEXT, "short_title:", "  short_title: " + nested("list", 1000))
DEEP_MAP = mutate_line(VALID_TEXT, "short_title:", "  short_title: " + nested("map", 500))
DEEP_UNCLOSED = mutate_line(VALID_TEXT, "short_title:", "  short_title: " + nested("open", 1000))
LONG_LAYOUT = mutate_line(VALID_TEXT, "layout: default", "  layout: " + "x" * 300)
#: Found by the command-line property: 30,000 nested lists (60 kB, far below the size cap)
#: crash libyaml's composer: `check` dies of a segmentation fault (exit -11), with no message.
#: Only ever run in a subprocess: in this process it would take pytest down with it.
DEEPEST_LIST = mutate_line(VALID_TEXT, "short_title:", "  short_title: " + nested("list", 30_000))


def write_bytes(folder: str, data: bytes) -> Path:
    path = Path(folder) / "content.yaml"
    path.write_bytes(data)
    return path


def check_in_process(path: Path):
    """Return the prepared content, or None when it is refused with located problems."""
    start = time.perf_counter()
    try:
        prepared = prepare(path)
    except ContentError as exc:
        assert exc.problems, "a ContentError without any problem"
        for problem in exc.problems:
            where = problem.location
            assert where.file, f"problem without a file: {problem!r}"  # content or layout file
            assert where.line >= 1 and where.column >= 1, f"unlocated problem: {problem}"
            assert problem.message.strip(), f"problem without a message: {problem!r}"
        prepared = None
    seconds = time.perf_counter() - start
    assert seconds < TIME_LIMIT, f"check took {seconds:.1f} s"
    return prepared


@settings(max_examples=150, deadline=None, suppress_health_check=SLOW)
@given(mutations)
@example(TIMESTAMP_TAG)
@example(BOOL_TAG)
@example(DEEP_LIST)
@example(DEEP_MAP)
@example(DEEP_UNCLOSED)
@example(LONG_LAYOUT)
def test_mutated_file_is_accepted_or_refused_with_located_problems(mutated):
    with tempfile.TemporaryDirectory() as folder:
        check_in_process(write_bytes(folder, mutated.data))


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: str) -> Run:
    """Run `python -m alliancedeck ARGS`; fail if it runs longer than `TIME_LIMIT`.

    The command runs in a session of its own, so that on a time-out the worker processes a
    build may have forked are ended with it; a crash writes no core file.
    """
    env = dict(os.environ)
    env.pop("SOURCE_DATE_EPOCH", None)
    env.pop("ALLIANCEDECK_MAX_BYTES", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "alliancedeck", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_CORE, (0, 0)),
    )
    try:
        stdout, stderr = process.communicate(timeout=TIME_LIMIT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"alliancedeck {args[0]} ran longer than {TIME_LIMIT:g} s (a hang)")
    decode = partial(bytes.decode, encoding="utf-8", errors="replace")
    return Run(process.returncode, decode(stdout), decode(stderr))


LOCATED = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<column>\d+): error: \S")


def assert_clean_exit(run: Run) -> None:
    """Exit 0, or exit 2 with every error at FILE:LINE:COL; never a traceback.

    FILE is the content file, or the layout file it names.
    """
    report = f"exit status {run.returncode}\nstderr:\n{run.stderr}"
    assert run.returncode >= 0, f"killed by signal {-run.returncode} (a crash)\n{report}"
    assert run.returncode != 1, f"an internal error\n{report}"
    assert run.returncode in (0, 2), report
    assert "Traceback" not in run.stderr, report
    assert "internal error" not in run.stderr, report
    if run.returncode == 2:
        errors = [line for line in run.stderr.splitlines() if ": error: " in line]
        assert errors, report
        for line in errors:
            match = LOCATED.match(line)
            assert match, f"unlocated error line {line!r}\n{report}"
            assert int(match["line"]) >= 1 and int(match["column"]) >= 1, report


@settings(max_examples=6, deadline=None, suppress_health_check=SLOW)
@given(mutations)
@example(TIMESTAMP_TAG)
@example(BOOL_TAG)
@example(DEEP_UNCLOSED)
@example(DEEPEST_LIST)
@example(LONG_LAYOUT)
def test_cli_check_of_mutated_file_exits_cleanly(mutated):
    with tempfile.TemporaryDirectory() as folder:
        path = write_bytes(folder, mutated.data)
        run = run_cli("check", str(path), cwd=folder)
        assert_clean_exit(run)
        if run.returncode == 0:
            assert run.stdout.startswith(f"{path}: ok:"), run.stdout


#: Found by the property below: a point of one megabyte (the file cap is two) is accepted by
#: `check`, then `build` runs for minutes (the layout is quadratic in a paragraph's length).
HUGE_POINT = mutate_line(VALID_TEXT, "Provides a platform", "      - " + HUGE)
#: Found by the property below: a figure label of one megabyte is accepted by `check`; the
#: brief then raises reportlab's LayoutError and the deck runs for minutes.
HUGE_LABEL = mutate_line(VALID_TEXT, "label: U.S. troops", "    label: " + HUGE)
#: Found by the property below: a timeline date of one megabyte was accepted by `check`
#: (a date text had no length limit), and the build then ran for minutes.
HUGE_DATE = mutate_line(VALID_TEXT, "date: After 1945", "      - date: " + HUGE)
#: Found probing the escapes the mutations use: a YAML escape of a Unicode noncharacter
#: (U+FFFE, U+FFFF) is accepted by `check`; `build` then fails in python-pptx ("All strings
#: must be XML compatible"), exit 1.
NONCHARACTER = mutate_line(VALID_TEXT, "Provides a platform", '      - "Noncharacter \\uFFFE"')


@settings(max_examples=5, deadline=None, suppress_health_check=SLOW)
@given(mutations)
@example(NONCHARACTER)
@example(HUGE_LABEL)
@example(HUGE_POINT)
@example(HUGE_DATE)
def test_build_of_mutated_file_writes_every_product_or_nothing(mutated):
    with tempfile.TemporaryDirectory() as folder:
        path = write_bytes(folder, mutated.data)
        prepared = check_in_process(path)
        out = Path(folder) / "out"
        run = run_cli("build", str(path), "--out-dir", str(out), cwd=folder)
        assert_clean_exit(run)
        written = sorted(p.name for p in out.iterdir()) if out.exists() else []
        if prepared is None:
            assert run.returncode == 2, f"check refused the file, build did not:\n{run.stderr}"
            assert written == [], f"a refused build wrote {written}"
            return
        assert {"brief.pdf", "deck.pptx", "deck.pdf"} <= set(written), (written, run.stderr)
        for name in BACKENDS:  # the CLI built it in time, so this cannot hang either
            assert render(prepared, name), f"{name}: empty product"
