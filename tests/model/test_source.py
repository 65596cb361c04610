"""Load and validate stages: source-map places, located problems, refusals, all problems at once."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from alliancedeck.errors import ContentError, Location
from alliancedeck.model import Brief, Point, validate
from alliancedeck.source import (
    DEFAULT_MAX_BYTES,
    MAX_DEPTH,
    Loaded,
    decode_utf8,
    load_yaml_file,
    max_bytes,
    parse_yaml,
)

FILE = "c.yaml"


def parse_problems(text: str) -> list[tuple[int, int, str]]:
    """Return the (line, column, message) of every problem `parse_yaml` raises for `text`."""
    with pytest.raises(ContentError) as caught:
        parse_yaml(text, FILE)
    return located(caught.value)


def check(text: str) -> Brief:
    data, source_map = parse_yaml(text, FILE)
    return validate(Loaded(data, source_map, Path(FILE)))


def check_problems(text: str) -> list[tuple[int, int, str]]:
    """Return the (line, column, message) of every problem loading and validating `text`."""
    with pytest.raises(ContentError) as caught:
        check(text)
    return located(caught.value)


def located(error: ContentError) -> list[tuple[int, int, str]]:
    assert all(p.location.file == FILE for p in error.problems)
    return [(p.location.line, p.location.column, p.message) for p in error.problems]


# --- the source map ---------------------------------------------------------------------------

NESTED = """\
meta:
  title: Alliance
  authors:
    - First Author
    - Second Author
figures:
  troops:
    value: 54000
    label: troops
sections:
  - title: One
    points:
      - plain point
      - text: parent
        points:
          - child
  - title: Two
    figures: [troops]
"""


def test_source_map_places_nested_values():
    _, source_map = parse_yaml(NESTED, FILE)
    expected = {
        ("meta", "title"): (2, 10),
        ("meta", "authors", 0): (4, 7),
        ("meta", "authors", 1): (5, 7),
        ("figures", "troops", "value"): (8, 12),
        ("figures", "troops", "label"): (9, 12),
        ("sections", 0): (11, 5),
        ("sections", 0, "title"): (11, 12),
        ("sections", 0, "points", 0): (13, 9),
        ("sections", 0, "points", 1): (14, 9),
        ("sections", 0, "points", 1, "text"): (14, 15),
        ("sections", 0, "points", 1, "points", 0): (16, 13),
        ("sections", 1, "title"): (17, 12),
        ("sections", 1, "figures", 0): (18, 15),
    }
    for path, (line, column) in expected.items():
        assert source_map.values[path] == Location(FILE, line, column), path


def test_source_map_places_keys_apart_from_values():
    _, source_map = parse_yaml(NESTED, FILE)
    assert source_map.keys[("meta",)] == Location(FILE, 1, 1)
    assert source_map.keys[("meta", "title")] == Location(FILE, 2, 3)
    assert source_map.keys[("figures", "troops")] == Location(FILE, 7, 3)
    assert source_map.keys[("sections", 0, "points", 1, "points")] == Location(FILE, 15, 9)
    assert source_map.locate(("meta", "title"), key=True) == Location(FILE, 2, 3)
    assert source_map.locate(("meta", "title")) == Location(FILE, 2, 10)


def test_locate_falls_back_to_the_longest_known_prefix():
    _, source_map = parse_yaml(NESTED, FILE)
    assert source_map.locate(("sections", 1, "lead")) == Location(FILE, 17, 5)
    assert source_map.locate(("sections", 0, "points", 1, "points", 7)) == Location(FILE, 16, 11)
    assert source_map.locate(("nowhere", "at", "all")) == Location(FILE, 1, 1)


def test_parsed_data_is_plain_python():
    data, _ = parse_yaml(NESTED, FILE)
    assert data["meta"] == {"title": "Alliance", "authors": ["First Author", "Second Author"]}
    assert data["figures"]["troops"]["value"] == 54000
    assert data["sections"][0]["points"] == [
        "plain point",
        {"text": "parent", "points": ["child"]},
    ]


# --- refusals at parse time -------------------------------------------------------------------


def test_duplicate_keys_are_each_reported_at_the_second_key():
    text = """\
meta:
  title: First
  subtitle: S
  title: Second
sections:
  - title: One
    lead: L
    title: Again
"""
    assert parse_problems(text) == [
        (4, 3, 'duplicate key "title" (it already appears above)'),
        (
            8,
            5,
            'duplicate key "title" (it already appears above); to start a new item of the list, '
            'begin the line with "- "',
        ),
    ]


def test_alias_is_refused_at_the_first_alias():
    text = """\
meta:
  title: &name Alliance
  subtitle: plain
  short_title: *name
sections:
  - title: *name
"""
    problems = parse_problems(text)
    assert len(problems) == 1
    line, column, message = problems[0]
    assert (line, column) == (4, 16)
    assert "aliases" in message
    assert message.startswith("YAML syntax error: ")


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("meta:\n  title: &t Alliance\n  *t : x\n", (3, 3)),
        ("a: &k x\nb:\n  *k : 1\n", (3, 3)),
        ("a: &a [*a]\n", (1, 8)),
        ("a: &a {b: *a}\n", (1, 11)),
    ],
    ids=[
        "alias-as-key",
        "alias-of-a-value-as-key",
        "list-holding-itself",
        "mapping-holding-itself",
    ],
)
def test_an_alias_anywhere_is_refused_at_its_place(text, place):
    problems = parse_problems(text)
    assert [(line, column) for line, column, _ in problems] == [place]
    assert "aliases (*name) are not accepted" in problems[0][2]


def test_an_anchor_alone_is_harmless():
    data, _ = parse_yaml("meta:\n  title: &t Alliance\nsections: []\n", FILE)
    assert data["meta"]["title"] == "Alliance"


def test_alias_bomb_is_refused_quickly():
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    start = time.perf_counter()
    problems = parse_problems("\n".join(lines) + "\n")
    assert time.perf_counter() - start < 1.0
    assert [(line, column) for line, column, _ in problems] == [(2, 10)]


def test_merge_key_is_refused_with_its_own_message():
    problems = parse_problems("meta:\n  <<: {title: Merged}\nsections:\n  - title: One\n")
    assert problems == [(2, 3, "YAML merge keys (<<) are not accepted")]


def test_control_character_is_a_located_content_error():
    problems = parse_problems("meta:\n  title: Bell\x07here\nsections:\n  - title: One\n")
    assert [(line, column) for line, column, _ in problems] == [(2, 14)]


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        ("meta:\n  title: T\nsections: [a, b\nfigures: {}\n", 4, 8, "expected ',' or ']'"),
        ("meta:\n\ttitle: T\n", 2, 1, "a tab here: YAML indents with spaces only"),
        ("meta:\n  title: T\n   subtitle: S\n", 3, 4, '"subtitle:" is indented 3 spaces'),
        ('meta:\n  title: "unterminated\n', 2, 10, 'starts with a quote (") that is never closed'),
    ],
    ids=["unclosed-bracket", "tab", "bad-indentation", "unterminated-quote"],
)
def test_syntax_errors_are_located(text, line, column, fragment):
    problems = parse_problems(text)
    assert len(problems) == 1
    assert problems[0][:2] == (line, column)
    assert fragment in problems[0][2]


@pytest.mark.parametrize("text", ["", "\n\n", "   \n", "# only a comment\n"])
def test_empty_content_is_reported_at_line_1(text):
    assert parse_problems(text) == [(1, 1, "the content file is empty")]


@pytest.mark.parametrize(
    ("text", "line"),
    [("- meta\n- sections\n", 1), ("# c\n\njust a sentence\n", 3), ("# c\n42\n", 2)],
)
def test_top_level_must_be_a_mapping(text, line):
    message = (
        "the content file must be a mapping of keys (such as meta:, sections:) at the top level"
    )
    assert parse_problems(text) == [(line, 1, message)]


def test_the_kind_of_file_is_named():
    with pytest.raises(ContentError) as caught:
        parse_yaml("", "layout.yaml", what="layout")
    assert caught.value.problems[0].message == "the layout file is empty"


def test_nesting_too_deep_is_refused_not_a_crash():
    depth = MAX_DEPTH + 10
    problems = parse_problems("points: " + "[" * depth + "]" * depth + "\n")
    assert len(problems) == 1
    assert problems[0][0] == 1
    assert f"nesting deeper than {MAX_DEPTH} levels" in problems[0][2]


def test_impossible_timestamp_is_a_located_problem():
    problems = parse_problems("meta:\n  title: T\n  date: 2024-02-30\n")
    assert problems == [(3, 9, "cannot read this value: day is out of range for month")]


# --- bytes and files --------------------------------------------------------------------------


def test_decode_utf8_names_byte_offset_line_and_column():
    raw = b"meta:\n  title: Caf\xe9\n"
    with pytest.raises(ContentError) as caught:
        decode_utf8(raw, FILE)
    [problem] = caught.value.problems
    assert problem.location == Location(FILE, 2, 13)
    assert "byte 0xE9 at offset 18" in problem.message
    assert "UTF-8" in problem.message


def test_decode_utf8_on_the_first_byte_and_with_crlf():
    with pytest.raises(ContentError) as caught:
        decode_utf8(b"\xff\xfem\x00", FILE)
    assert caught.value.problems[0].location == Location(FILE, 1, 1)
    assert "offset 0" in caught.value.problems[0].message
    with pytest.raises(ContentError) as caught:
        decode_utf8(b"a: 1\r\nb: 2\r\nc: \x80\r\n", FILE)
    assert caught.value.problems[0].location == Location(FILE, 3, 4)
    assert "offset 15" in caught.value.problems[0].message


def test_decode_utf8_drops_a_bom_and_keeps_text():
    assert decode_utf8("\ufeffmeta:\n  title: Café\n".encode(), FILE) == "meta:\n  title: Café\n"


def test_load_yaml_file_refuses_non_utf8(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"meta:\n  title: Caf\xe9\n")
    with pytest.raises(ContentError) as caught:
        load_yaml_file(path)
    assert caught.value.problems[0].location == Location(str(path), 2, 13)


def test_size_cap_from_environment(tmp_path, monkeypatch):
    path = tmp_path / "content.yaml"
    path.write_text("meta:\n  title: T\n" + "# pad\n" * 40, encoding="utf-8")
    size = path.stat().st_size
    monkeypatch.setenv("ALLIANCEDECK_MAX_BYTES", str(size - 1))
    assert max_bytes() == size - 1
    with pytest.raises(ContentError) as caught:
        load_yaml_file(path)
    [problem] = caught.value.problems
    assert problem.location.file == str(path)
    assert f"{size:,} bytes, more than the limit of {size - 1:,}" in problem.message
    monkeypatch.setenv("ALLIANCEDECK_MAX_BYTES", str(size))
    assert load_yaml_file(path).data == {"meta": {"title": "T"}}


def test_size_cap_default_and_garbage(monkeypatch):
    monkeypatch.delenv("ALLIANCEDECK_MAX_BYTES", raising=False)
    assert max_bytes() == DEFAULT_MAX_BYTES
    monkeypatch.setenv("ALLIANCEDECK_MAX_BYTES", "lots")
    assert max_bytes() == DEFAULT_MAX_BYTES


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ContentError, match="content file not found"):
        load_yaml_file(tmp_path / "nope.yaml")
    with pytest.raises(ContentError, match="found a folder"):
        load_yaml_file(tmp_path)


# --- validation -------------------------------------------------------------------------------

VALID = """\
meta:
  title: Alliance
  date: 2024-05-31
  language: ja-JP
figures:
  troops: {value: 54000, label: troops}
sections:
  - title: One
    figures: [troops]
"""


def test_valid_content_validates():
    brief = check(VALID)
    assert brief.meta.title == "Alliance"
    assert brief.meta.date == dt.date(2024, 5, 31)
    assert brief.meta.language == "ja-JP"
    assert brief.figures["troops"].value == 54000
    assert brief.sections[0].figures == ["troops"]


def test_quoted_iso_date_is_accepted():
    assert check(VALID.replace("2024-05-31", '"2024-05-31"')).meta.date == dt.date(2024, 5, 31)


def test_three_independent_mistakes_give_three_located_problems():
    text = """\
meta:
  title: Alliance
  language: english
figures:
  troops:
    value: "54,000"
    label: troops
sections:
  - title: One
    pionts:
      - a point
"""
    assert check_problems(text) == [
        (3, 13, 'meta.language: "english" is not a language tag such as en-US or ja-JP'),
        (
            6,
            12,
            'figures.troops.value: expected a number, found text "54,000"; write 54000, without '
            "commas or quotes (numbers are printed with separators)",
        ),
        (10, 5, 'unknown key "pionts" in sections[1] (did you mean "points"?)'),
    ]


def test_mistakes_in_different_sections_are_all_reported_in_file_order():
    text = """\
meta:
  title: Alliance
sections:
  - title: One
    points: [fine, 7]
  - title: Two
    figures: [nothing]
  - title: ""
"""
    problems = check_problems(text)
    assert [(line, column) for line, column, _ in problems] == [(5, 20), (8, 12)]
    assert problems[0][2].startswith("sections[1].points[2]: expected text, or a mapping")
    assert problems[1][2].startswith("sections[3].title:")


def test_reference_problems_come_together_after_the_model_is_valid():
    text = """\
meta:
  title: Alliance
figures:
  troops: {value: 1, label: t}
  bad-id: {value: 2, label: b}
sections:
  - title: One
    figures: [troops, trops, missing]
"""
    assert check_problems(text) == [
        (
            5,
            3,
            'figure id "bad-id" must be a word of letters, digits and _ '
            "(it is used as {{ figures.ID }} in texts)",
        ),
        (
            8,
            23,
            'unknown figure "trops" (did you mean "troops"?); figures are defined under figures:',
        ),
        (8, 30, 'unknown figure "missing"; figures are defined under figures:'),
    ]


def test_meta_key_typo_suggests_the_key_it_stands_for_missing_title_and_all():
    problems = check_problems("meta:\n  titel: Alliance\nsections:\n  - title: One\n")
    assert problems == [(2, 3, 'unknown key "titel" in meta (did you mean "title"?)')]


def test_unknown_key_without_a_close_match_has_no_suggestion():
    problems = check_problems("meta:\n  title: T\n  colour: red\nsections:\n  - title: One\n")
    assert problems == [(3, 3, 'unknown key "colour" in meta')]


def test_unknown_key_in_a_source_link_suggests_from_source_fields():
    text = "meta:\n  title: T\nsections:\n  - title: One\n    sources:\n      - {txt: S}\n"
    problems = check_problems(text)
    assert (6, 10, 'unknown key "txt" in sections[1].sources[1] (did you mean "text"?)') in problems


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ('"54000"', 'found text "54000"'),
        ("true", "found true/false"),
        ("[1, 2]", "found a list"),
        ("", "found nothing (empty)"),
    ],
)
def test_figure_value_must_be_a_number(value, found):
    text = f"meta:\n  title: T\nfigures:\n  f:\n    value: {value}\n    label: L\nsections:\n"
    text += "  - title: One\n"
    problems = check_problems(text)
    assert len(problems) == 1
    line, _, message = problems[0]
    assert line == 5
    assert message.startswith(f"figures.f.value: expected a number, {found}")


SINGLE_PROBLEMS = {
    "no-title": (
        "meta:\n  subtitle: S\nsections:\n  - title: One\n",
        (1, 1, 'meta: missing required key "title"'),
    ),
    "no-sections": (
        "meta:\n  title: T\n",
        (1, 1, 'the top level: missing required key "sections"'),
    ),
    "empty-sections": (
        "meta:\n  title: T\nsections: []\n",
        (3, 11, "sections: must not be empty"),
    ),
    "null-sections": (
        "meta:\n  title: T\nsections:\n",
        (3, 10, "sections: expected a list (lines starting with '- '), found nothing (empty)"),
    ),
    "date": (
        "meta:\n  title: T\n  date: 31/05/2024\nsections:\n  - title: One\n",
        (3, 9, 'meta.date: expected an ISO date such as 2024-05-31, found text "31/05/2024"'),
    ),
    "empty-title": (
        "meta:\n  title: ''\nsections:\n  - title: One\n",
        (2, 10, "meta.title: must not be empty"),
    ),
}


@pytest.mark.parametrize(
    ("text", "expected"), list(SINGLE_PROBLEMS.values()), ids=list(SINGLE_PROBLEMS)
)
def test_single_problem_located(text, expected):
    assert check_problems(text) == [expected]


def test_nested_points_validate_as_text_or_point():
    brief = check(
        "meta:\n  title: T\nsections:\n  - title: One\n    points:\n      - a\n"
        "      - text: b\n        points: [c, {text: d, points: [e]}]\n"
    )
    points = brief.sections[0].points
    assert points[0] == "a"
    assert isinstance(points[1], Point)
    assert points[1].text == "b"
    assert points[1].points[0] == "c"
    assert points[1].points[1].points == ["e"]


def test_nested_point_without_text_is_located_at_the_point():
    problems = check_problems(
        "meta:\n  title: T\nsections:\n  - title: One\n    points:\n      - a\n"
        "      - points: [b]\n"
    )
    assert problems == [(7, 9, 'sections[1].points[2]: missing required key "text"')]


def test_a_typo_inside_any_text_or_mapping_field_is_located_at_its_line():
    # Every field that takes a text or a mapping (authors, poc, distribution, points, sources)
    # reports a key typo at its own line, with no word of pydantic's union tags in the path.
    text = """\
meta:
  title: T
  authors:
    - name: A. Analyst
      titel: Notional analyst
  poc:
    name: B. Contact
    phnoe: 555-0100
sections:
  - title: One
    points:
      - text: A notional point.
        pionts: [A sub-point.]
    sources:
      - text: Notional source
        ulr: https://example.org
"""
    assert check_problems(text) == [
        (5, 7, 'unknown key "titel" in meta.authors[1] (did you mean "title"?)'),
        (8, 5, 'unknown key "phnoe" in meta.poc'),
        (13, 9, 'unknown key "pionts" in sections[1].points[1] (did you mean "points"?)'),
        (16, 9, 'unknown key "ulr" in sections[1].sources[1] (did you mean "url"?)'),
    ]
