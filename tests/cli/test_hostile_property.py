"""Hostile input of any shape: exit 0 or 2 (never 1), bounded in time and memory, valid files.

Hypothesis writes briefs whose fields hold control characters, right-to-left letters, odd code
points, hostile templates and numbers at the edges, with generated SVG pictures (references
inside and outside the folder, odd sizes, fonts, `<use>` chains) and PNG headers (any size,
depth and colour type, random or truncated data). Each brief is built by the real command line
in a child process measured with wait4. The example count is small: each one is a full build.
"""

from __future__ import annotations

import base64
import os
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from external import require

#: The issue's bounds for any hostile input: CPU seconds of the whole build and peak memory.
CPU_SECONDS = 5.0
MEMORY_MB = 400
#: A word outside the content folder that must never reach a product.
PRIVATE_WORD = "PRIVATEMARKER"

#: Characters an attacker reaches for: C0 and C1 controls, DEL, right-to-left letters and
#: direction controls, a non-character, zero-width and combining marks, CJK, emoji.
HOSTILE_CHARACTERS = (
    "\x00\x01\x07\x08\x0b\x0c\x1b\x1f\x7f\x85\x9f"
    "\u05d0\u0645\u200f\u202e\u2066\ufffe\u200b\u0301\u65e5\U0001f600"
)
hostile_texts = st.text(
    alphabet=st.sampled_from(HOSTILE_CHARACTERS + "abc {}%#<>&\"'\\/\n\t"),
    min_size=1,
    max_size=12,
)
#: Templates that print objects, reach for internals or build large values (each one handled).
hostile_templates = st.sampled_from(
    [
        "{{ figures }}",
        "{{ meta }}",
        "{{ figures.troops.__class__ }}",
        "{{ meta.title[::0] }}",
        "{{ figures.troops.value / 0 }}",
        "{{ 'a' * 100000000 }}",
        "{% for x in meta.title %}{% for y in meta.title %}{% endfor %}{% endfor %}",
        "{{ '%s %s' % (1,) }}",
        "{{ meta.date.replace(year=0) }}",
        "{{ [1, 'a']|sort }}",
        "{{ 'x'|wordwrap(0) }}",
        "{{ '\\u202e' ~ meta.title }}",
        "{{ '\\x0b' }}",
        "{% raw %}{{ not a template }}{% endraw %}",
        "{{",
    ]
)
edge_numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True),
    st.sampled_from([0, 1e-300, 1e308, 5e-324, -1e15, 1e15, 1e-6, 2**63, 10**30]),
)

#: Where a hostile text goes: a path of keys into the base brief below.
TEXT_FIELDS = [
    ("meta", "title"),
    ("meta", "subtitle"),
    ("meta", "organization"),
    ("meta", "product_id"),
    ("meta", "poc"),
    ("meta", "cui", "category"),
    ("meta", "cui", "poc"),
    ("figures", "troops", "label"),
    ("figures", "troops", "display"),
    ("figures", "troops", "unit"),
    ("figures", "troops", "source"),
    ("sections", 0, "title"),
    ("sections", 0, "lead"),
    ("sections", 0, "points", 0),
    ("sections", 0, "notes"),
    ("sections", 0, "sources", 0, "text"),
    ("sections", 0, "sources", 0, "url"),
    ("sections", 0, "chart", "title"),
    ("sections", 0, "chart", "categories", 0),
    ("sections", 0, "chart", "series", 0, "name"),
    ("sections", 0, "chart", "unit"),
    ("sections", 0, "table", "caption"),
    ("sections", 0, "table", "columns", 0),
    ("sections", 0, "table", "rows", 0, 0),
    ("sections", 0, "image", "alt"),
    ("sections", 0, "image", "caption"),
    ("sections", 0, "image", "path"),
    ("sections", 0, "timeline", 0, "date"),
    ("sections", 0, "timeline", 0, "text"),
]
NUMBER_FIELDS = [
    ("figures", "troops", "value"),
    ("sections", 0, "chart", "series", 0, "values", 0),
    ("sections", 0, "table", "rows", 0, 1),
]


def base_brief(picture: str) -> dict[str, Any]:
    """Return a valid brief with every kind of field, showing the picture file `picture`."""
    return {
        "meta": {
            "title": "Notional hostile brief",
            "subtitle": "Notional",
            "organization": "Notional staff",
            "product_id": "N-1",
            "poc": "Notional POC",
            "date": "2024-05-31",
            "classification": "CUI",
            "cui": {
                "controlled_by": "Notional office",
                "category": "PRVCY",
                "dissemination": "FEDCON",
                "poc": "Notional POC",
            },
        },
        "figures": {"troops": {"value": 54000, "label": "troops", "unit": "people"}},
        "sections": [
            {
                "title": "First",
                "lead": "A notional lead",
                "marking": "CUI",
                "points": ["About {{ figures.troops }} notional troops."],
                "figures": ["troops"],
                "notes": "Notional notes",
                "sources": [{"text": "Notional source", "url": "https://example.org/n"}],
                "chart": {
                    "type": "column",
                    "title": "Notional chart",
                    "categories": ["2019", "2020"],
                    "series": [{"name": "Notional", "values": [1.5, 2]}],
                    "unit": "units",
                },
                "table": {
                    "caption": "Notional table",
                    "columns": ["Name", "Count"],
                    "rows": [["a", 1]],
                },
                "image": {"path": picture, "alt": "A notional picture", "caption": "Notional"},
                "timeline": [{"date": "1951", "text": "Notional event"}],
            }
        ],
    }


def _set(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


# ----- pictures --------------------------------------------------------------------------------

svg_lengths = st.sampled_from(
    ["100", "50px", "2in", "10cm", "0", "-5", "nan", "inf", "1e400", "10em", "50%", "", "1e-9"]
)
svg_references = st.sampled_from(
    [
        "#a",
        "#missing",
        "../private/secret.svg#s",
        "../private/secret.svg",
        "/etc/hostname",
        "file:///etc/hostname",
        "http://example.org/x.svg",
        "data:image/png;base64,AAAA",
        "data:image/svg+xml;base64,PHN2Zz4=",
    ]
)


@st.composite
def svg_pictures(draw: st.DrawFn) -> bytes:
    """Return an SVG of generated elements, references, sizes and fonts."""
    parts = []
    for index in range(draw(st.integers(0, 8))):
        kind = draw(
            st.sampled_from(["rect", "text", "use", "image", "style", "group", "uses", "numbers"])
        )
        if kind == "numbers":
            big = draw(st.sampled_from(["1e8", "1e308", "nan", "-inf", "1e-320", "3e20"]))
            attribute = draw(st.sampled_from(["width", "x", "font-size", "stroke-width"]))
            transform = draw(st.sampled_from(["", f"scale({big})", f"rotate({big})"]))
            parts.append(
                f'<text {attribute}="{big}" x="1" y="9" transform="{transform}">n</text>'
                f'<rect {attribute}="{big}" width="5" height="5" transform="{transform}"/>'
            )
        elif kind == "rect":
            parts.append(f'<rect id="a" width="{draw(svg_lengths)}" height="10" fill="#123"/>')
        elif kind == "text":
            family = draw(st.text(st.sampled_from("abcXYZ -'"), min_size=1, max_size=8))
            parts.append(
                f'<text x="5" y="20" font-family="{family}{index}">{PRIVATE_WORD[:0]}t</text>'
            )
        elif kind == "use":
            parts.append(f'<use xlink:href="{draw(svg_references)}"/>')
        elif kind == "image":
            parts.append(f'<image href="{draw(svg_references)}" width="10" height="10"/>')
        elif kind == "style":
            parts.append(f"<style>rect {{ fill: url({draw(svg_references)}) }}</style>")
        elif kind == "group":
            depth = draw(st.integers(1, 80))
            parts.append("<g>" * depth + "</g>" * depth)
        else:
            count = draw(st.integers(1, 20))
            chain = "".join(
                f'<g id="u{i}"><use href="#u{i - 1}"/><use href="#u{i - 1}"/></g>'
                for i in range(1, count)
            )
            parts.append(f'<defs><rect id="u0" width="1" height="1"/>{chain}</defs>')
            parts.append(f'<use href="#u{count - 1}"/>')
    size = f'width="{draw(svg_lengths)}" height="{draw(svg_lengths)}"'
    if draw(st.booleans()):
        size += ' viewBox="0 0 200 100"'
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f"{size}>{''.join(parts)}</svg>"
    ).encode()


def _chunk(kind: bytes, data: bytes) -> bytes:
    checksum = struct.pack(">I", zlib.crc32(kind + data))
    return struct.pack(">I", len(data)) + kind + data + checksum


@st.composite
def png_pictures(draw: st.DrawFn) -> bytes:
    """Return a PNG with a generated header and random, truncated or plausible image data."""
    width = draw(st.sampled_from([1, 2, 64, 3_000, 70_000, 2**31 - 1]))
    height = draw(st.sampled_from([1, 3, 48, 3_000, 80_000_000, 0]))
    depth = draw(st.sampled_from([1, 8, 16, 3]))
    colour = draw(st.sampled_from([0, 2, 3, 4, 6, 5]))
    header = struct.pack(
        ">IIBBBBB", width, height, depth, colour, 0, 0, draw(st.sampled_from([0, 1]))
    )
    data_kind = draw(st.sampled_from(["random", "zeros", "none"]))
    if data_kind == "random":
        data = draw(st.binary(min_size=0, max_size=400))
    elif data_kind == "zeros":
        data = zlib.compress(b"\0" * min(width * height * 4 + height, 2_000_000))
    else:
        data = b""
    png = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data)
    png += _chunk(b"IEND", b"")
    cut = draw(st.sampled_from([None, 20, 40]))
    return png if cut is None else png[:cut]


pictures = st.one_of(
    svg_pictures().map(lambda b: ("map.svg", b)), png_pictures().map(lambda b: ("map.png", b))
)


@st.composite
def hostile_briefs(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[str, bytes]]:
    """Return a brief with 1 to 3 hostile fields, and its picture (name and bytes)."""
    name, picture = draw(pictures)
    brief = base_brief(name)
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.integers(0, 3)) == 0:
            _set(brief, draw(st.sampled_from(NUMBER_FIELDS)), draw(edge_numbers))
        else:
            text = draw(st.one_of(hostile_texts, hostile_templates))
            _set(brief, draw(st.sampled_from(TEXT_FIELDS)), text)
    return brief, (name, picture)


def _build(content: Path, out: Path) -> tuple[int, str, float, float, float]:
    """Build `content` in a child process; return status, stderr, wall, CPU seconds, peak MB."""
    start = time.perf_counter()
    with open(out.parent / "stderr.txt", "wb") as errors:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "alliancedeck.cli",
                "build",
                str(content),
                "--out-dir",
                str(out),
            ],
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env={k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"},
        )
        _, status, usage = os.wait4(process.pid, 0)  # the child and every process it reaped
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped: Popen must know
    wall = time.perf_counter() - start
    stderr = (out.parent / "stderr.txt").read_text("utf-8", "replace")
    cpu = usage.ru_utime + usage.ru_stime
    return process.returncode, stderr, wall, cpu, usage.ru_maxrss / 1024


@pytest.fixture(scope="module")
def qpdf() -> str:
    return require("qpdf")


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=hostile_briefs())
def test_hostile_briefs_exit_0_or_2_within_bounds_and_write_valid_files(
    tmp_path_factory, qpdf, case
):
    from pptx import Presentation

    brief, (name, picture) = case
    root = tmp_path_factory.mktemp("hostile")
    (root / "private").mkdir()
    (root / "private" / "secret.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50">'
        f'<text id="s" x="5" y="20">{PRIVATE_WORD}</text></svg>'
    )
    folder = root / "brief"
    folder.mkdir()
    (folder / name).write_bytes(picture)
    content = folder / "content.yaml"
    content.write_text(yaml.safe_dump(brief, allow_unicode=False), encoding="utf-8")
    out = root / "out"
    status, stderr, wall, cpu, peak = _build(content, out)

    assert status in (0, 2), stderr
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    for line in stderr.splitlines():
        assert line.startswith(f"{content}:"), f"unlocated line: {line!r}"
    assert cpu < CPU_SECONDS, f"{cpu:.1f} s of CPU (wall {wall:.1f} s)"
    assert peak < MEMORY_MB, f"{peak:.0f} MB"
    written = sorted(p.name for p in out.iterdir()) if out.exists() else []
    if status == 2:
        assert written == []
        return
    assert written == ["SHA256SUMS", "brief.pdf", "deck.pdf", "deck.pptx"]
    Presentation(str(out / "deck.pptx"))  # python-pptx opens it
    for pdf in ("brief.pdf", "deck.pdf"):
        check = subprocess.run([qpdf, "--check", str(out / pdf)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    for product in out.iterdir():
        assert PRIVATE_WORD.encode() not in product.read_bytes(), product.name


def test_the_base_brief_builds(tmp_path, qpdf):
    """The property starts from a valid brief: without a hostile field it builds."""
    folder = tmp_path / "brief"
    folder.mkdir()
    (folder / "map.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">'
        '<rect width="100" height="50" fill="#14325C"/></svg>'
    )
    content = folder / "content.yaml"
    content.write_text(yaml.safe_dump(base_brief("map.svg")), encoding="utf-8")
    status, stderr, *_ = _build(content, tmp_path / "out")
    assert status == 0, stderr


@pytest.mark.parametrize("template", ["{{ [].pop() }}", "{{ 'abc'|truncate(-5) }}"])
def test_templates_that_raise_inside_jinja_are_content_errors(tmp_path, template):
    folder = tmp_path / "brief"
    folder.mkdir()
    (folder / "map.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"/>'
    )
    brief = base_brief("map.svg")
    brief["sections"][0]["points"] = [template]
    content = folder / "content.yaml"
    content.write_text(yaml.safe_dump(brief), encoding="utf-8")
    status, stderr, *_ = _build(content, tmp_path / "out")
    assert status == 2, stderr


def test_png_data_in_an_svg_is_decoded_within_the_budget(tmp_path):
    """A picture the property can only reach by chance: a pixel bomb inside an SVG."""
    header = struct.pack(">IIBBBBB", 50_000, 50_000, 8, 2, 0, 0, 0)
    bomb = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
    bomb += _chunk(b"IDAT", zlib.compress(b"\0" * 1_000_000)) + _chunk(b"IEND", b"")
    data = base64.b64encode(bomb).decode()
    folder = tmp_path / "brief"
    folder.mkdir()
    (folder / "map.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">'
        f'<image href="data:image/png;base64,{data}" width="10" height="10"/></svg>'
    )
    content = folder / "content.yaml"
    content.write_text(yaml.safe_dump(base_brief("map.svg")), encoding="utf-8")
    status, stderr, _, cpu, peak = _build(content, tmp_path / "out")
    assert status == 2, stderr
    assert "more pixels than the limit of 25,000,000" in stderr
    assert cpu < CPU_SECONDS and peak < MEMORY_MB


@pytest.mark.parametrize("path", TEXT_FIELDS, ids=lambda p: ".".join(map(str, p)))
@pytest.mark.parametrize(("character", "words"), [("\x0b", "U+000B"), ("\u05d0", "U+05D0")])
def test_every_text_field_refuses_a_control_or_right_to_left_character_at_its_line(
    tmp_path, path, character, words
):
    from alliancedeck.api import check
    from alliancedeck.errors import ContentError
    from alliancedeck.source import load_yaml_file

    (tmp_path / "map.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"/>'
    )
    brief = base_brief("map.svg")
    _set(brief, path, f"Notional {character} text")
    content = tmp_path / "content.yaml"
    content.write_text(yaml.safe_dump(brief), encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        check(content)
    where = load_yaml_file(content).source_map.locate(path)
    assert [(p.location, words in p.message) for p in raised.value.problems] == [(where, True)]
