"""The slips people make in YAML: each gets a located message that says what to type instead."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from alliancedeck.api import check
from alliancedeck.errors import ContentError
from conftest import write_brief

META = "meta:\n  title: Notional\n"
HEAD = META + "figures:\n  troops: {value: 54000, label: notional troops}\n"


@dataclass(frozen=True)
class Slip:
    name: str
    text_of_file: str
    line: int
    column: int
    text: str
    severity: str = "error"


def section(points: str = "", extra: str = "", head: str = HEAD) -> str:
    """Return a brief: `head`, then one section with `extra` keys and the lines of `points`."""
    lines = "".join(f"      {line}\n" for line in points.splitlines())
    body = "sections:\n  - title: First\n" + extra + ("    points:\n" + lines if lines else "")
    return head + body


SLIPS = [
    Slip(
        "colon in a point",
        section("- Note: the thing"),
        8,
        9,
        'reads as a key "Note" because of the ": " in it; put the whole text in quotes: '
        '- "Note: the thing"',
    ),
    Slip(
        "colon in a lead",
        section(extra="    lead: Background: the thing\n"),
        7,
        11,
        '": " inside a text starts a new key; put the whole text in quotes: '
        'lead: "Background: the thing"',
    ),
    Slip(
        "a lead without its colon",
        section("- a", extra="    lead A notional lead.\n"),
        7,
        9,
        'no ":" after "lead": a key and its value are written "key: value"; write '
        '"lead: A notional lead."',
    ),
    Slip(
        "a section title without its colon",
        HEAD + "sections:\n  - title First\n    points:\n      - a\n",
        6,
        10,
        'no ":" after "title"',
    ),
    Slip(
        "a figure value without its colon",
        META + "figures:\n  x:\n    value 5\n    label: l\n" + "sections:\n  - title: A\n",
        5,
        10,
        'write "value: 5"',
    ),
    Slip(
        "a point without its dash",
        section("- a\nb"),
        9,
        7,
        'an item of the list above starts with "- ": write "- b"',
    ),
    Slip(
        "point starting with {{",
        section("- {{ figures.troops }} troops are there"),
        8,
        9,
        'a text that starts with "{{" must be in quotes',
    ),
    Slip(
        "point that is only {{ }}",
        section("- {{ figures.troops }}"),
        8,
        9,
        'must be in quotes (YAML reads "{" as the start of a mapping): - "{{ figures.troops }}"',
    ),
    Slip(
        "point starting with a quote",
        section('- "Notional" is the word\n- another'),
        8,
        9,
        "put the whole text in quotes: - '\"Notional\" is the word'",
    ),
    Slip(
        "point starting with an unclosed quote",
        section("- 'Tis the season\n- another"),
        8,
        9,
        'that is never closed; put the whole text in quotes: - "\'Tis the season"',
    ),
    Slip(
        "point with a closing double quote left out",
        section('- "Notional point\n- another'),
        8,
        9,
        "that is never closed; put the whole text in quotes: - '\"Notional point'; or, if it "
        'opens a quoted text, close it: - "Notional point"',
    ),
    Slip(
        "a number with commas in a { } mapping",
        section(head=META + "figures:\n  troops: {value: 1,185,000, label: notional troops}\n"),
        4,
        19,
        "1,185,000 is cut at its comma (in { } a comma separates entries); write the number "
        "without commas: 1185000",
    ),
    Slip(
        "point starting with @",
        section("- @home base"),
        8,
        9,
        'a text cannot start with "@" unquoted',
    ),
    Slip(
        "point starting with a backquote",
        section("- `code` here"),
        8,
        9,
        'put the whole text in quotes: - "`code` here"',
    ),
    Slip("a tab", section("- a").replace("  title: Notional", "\ttitle: Notional"), 2, 1, "a tab"),
    Slip(
        "a key one space short",
        section(extra="   lead: notional\n"),
        7,
        4,
        '"lead:" is indented 3 spaces, one less than "title:" on line 6; indent it 4 spaces',
    ),
    Slip(
        "a key one space too far",
        section(extra="     lead: notional\n"),
        7,
        6,
        '"lead:" is indented 5 spaces, one more than "title:" on line 6; indent it 4 spaces',
    ),
    Slip(
        "a section without its dash",
        section("- a") + "  title: Second\n",
        9,
        3,
        'begins with "- "; write "- title: Second"',
    ),
    Slip(
        "a second section without its dash, after a blank line",
        section("- a") + "\n    title: Second\n",
        10,
        5,
        'duplicate key "title" (it already appears above); to start a new item of the list, '
        'begin the line with "- "',
    ),
    Slip(
        "a point starting with *",
        section("- *notional* words"),
        8,
        9,
        'a text that starts with "*" must be in quotes (YAML reads "*" as an alias): '
        '- "*notional* words"',
    ),
    Slip(
        "a point starting with [ and more text",
        section("- [Draft] notional plan"),
        8,
        9,
        'a text that starts with "[" must be in quotes',
    ),
    Slip(
        "a point that is only [...]",
        section("- [Draft]"),
        8,
        9,
        'found a list; a text that starts with "[" must be in quotes',
    ),
    Slip(
        "a misspelt figure field",
        section(extra='    lead: "{{ figures.troops.valeu }}"\n'),
        7,
        11,
        'figure "troops" has no field "valeu" (did you mean "value"?)',
    ),
    Slip(
        "an enum value in the wrong case",
        section(
            extra="    chart:\n      type: Column\n      categories: [a]\n"
            "      series: [{name: s, values: [1]}]\n"
        ),
        8,
        13,
        '"Column" is not one of "bar", "column", "line", "pie", "stacked" (did you mean "column"?)',
    ),
    Slip(
        "a number with commas",
        section("- a", head=META + "figures:\n  big:\n    value: 185,000\n    label: notional\n"),
        5,
        12,
        'found text "185,000"; write 185000, without commas',
    ),
    Slip(
        "a number with a percent sign",
        section("- a", head=META + "figures:\n  share:\n    value: 35%\n    label: notional\n"),
        5,
        12,
        'found text "35%"; write 35 and put the sign in unit:',
    ),
    Slip(
        "a number with commas in a table row",
        section(
            extra="    table:\n      columns: [Berth, Cranes]\n      rows:\n        - [B, 1,200]\n"
        ),
        10,
        11,
        "table.rows[1] has 3 cells for 2 columns; in [ ] a comma separates cells: write numbers "
        "without commas (1200, not 1,200)",
    ),
    Slip(
        "a text cut by #1",
        section("- Fuel is the #1 cost line"),
        8,
        21,
        'the text stops before "#1": YAML reads " #" as the start of a comment'
        " and leaves out the rest of the line; put the whole text in quotes to keep it: "
        '- "Fuel is the #1 cost line"',
        "warning",
    ),
    Slip(
        "a lead cut by #priority",
        section(extra="    lead: Notional lead #priority\n"),
        7,
        25,
        'the text stops before "#priority"',
        "warning",
    ),
]


@pytest.mark.parametrize("slip", SLIPS, ids=lambda s: s.name)
def test_a_slip_gets_a_located_message_saying_what_to_type(tmp_path, slip):
    path = write_brief(tmp_path, slip.text_of_file)
    if slip.severity == "warning":
        problems = check(path).warnings
    else:
        with pytest.raises(ContentError) as caught:
            check(path)
        problems = caught.value.problems
    shown = [f"{p.location.line}:{p.location.column}: {p.message}" for p in problems]
    assert any(
        (p.location.line, p.location.column) == (slip.line, slip.column) and slip.text in p.message
        for p in problems
    ), f"expected {slip.line}:{slip.column}: ...{slip.text}...\ngot: {shown}"
    assert all("alliancedeck." not in p.message for p in problems), shown  # no class names


def test_an_ordinary_trailing_comment_stays_silent(tmp_path):
    path = write_brief(
        tmp_path,
        section("- Notional point # a note for the editors\n- Another #\n- third ## x"),
    )
    assert check(path).warnings == []


def test_the_cut_text_warning_reaches_the_command_line(tmp_path):
    from typer.testing import CliRunner

    from alliancedeck.cli import app

    path = write_brief(tmp_path, section("- Fuel is the #1 cost line"))
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 0
    assert f"{path}:8:21: warning: the text stops before " in result.stderr


def test_a_point_that_is_all_comment_says_to_quote_it(tmp_path):
    path = write_brief(tmp_path, section("- #1 priority is fuel\n- Notional point"))
    with pytest.raises(ContentError) as caught:
        check(path)
    warnings = [p for p in caught.value.problems if p.severity == "warning"]
    assert [(p.location.line, p.location.column) for p in warnings] == [(8, 9)]
    assert warnings[0].message == (
        'this value is empty: YAML reads "#1" and the rest of the line as a comment (" #" '
        'starts one); put the whole text in quotes to keep it: - "#1 priority is fuel"'
    )


def test_a_cut_text_warning_is_printed_beside_the_errors_of_its_file(tmp_path):
    from typer.testing import CliRunner

    from alliancedeck.cli import app

    points = "- #1 priority\n- Fuel is the #1 cost line"
    path = write_brief(tmp_path, section(points, "    lede: x\n"))
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    assert f"{path}:7:5: error: unknown key" in result.stderr
    assert f"{path}:9:9: warning: this value is empty" in result.stderr
    assert f"{path}:10:21: warning: the text stops before " in result.stderr


def test_numbers_with_an_exponent_are_numbers(tmp_path):
    figures = "figures:\n  budget: {value: 1.5e9, label: n}\n  small: {value: 2E-3, label: n}\n"
    path = write_brief(tmp_path, section('- "{{ figures.budget.value }}"', head=META + figures))
    doc = check(path).doc
    assert [f.value for f in doc.figures.values()] == [1.5e9, 2e-3]
    assert doc.sections[0].points[0].text == "1500000000"


def test_a_quoted_exponent_is_still_text(tmp_path):
    figures = "figures:\n  budget: {value: '1.5e9', label: notional}\n"
    path = write_brief(tmp_path, section("- a", head=META + figures))
    with pytest.raises(ContentError, match="expected a number"):
        check(path)


def test_years_as_chart_categories_are_their_text(tmp_path):
    path = write_brief(
        tmp_path,
        section(
            extra="    chart:\n      type: column\n      categories: [2019, 2020, 2021]\n"
            "      series: [{name: notional, values: [1, 2, 3]}]\n"
        ),
    )
    chart = check(path).doc.sections[0].blocks[0]
    assert list(chart.categories) == ["2019", "2020", "2021"]


def test_plain_words_yaml_1_1_took_for_true_or_numbers_are_text_as_editors_read_them(tmp_path):
    """`NO` (Norway), `Yes`, `on` are text to YAML 1.2, so to the schema and every editor."""
    path = write_brief(
        tmp_path,
        section(
            "- On",
            extra="    chart:\n      type: column\n      categories: [Yes, No]\n"
            "      series: [{name: notional, values: [1, 2]}]\n"
            "    table:\n      columns: [Country, Berths]\n"
            "      rows: [[NO, 012], [SE, 1_000], [DK, 7]]\n",
        ),
    )
    doc = check(path).doc
    chart, table = doc.sections[0].blocks
    assert list(chart.categories) == ["Yes", "No"]
    assert [row[0] for row in table.rows] == ["NO", "SE", "DK"]
    assert [row[1] for row in table.rows] == ["12", "1_000", "7"]
    assert doc.sections[0].points[0].text == "On"


def test_a_flag_written_yes_says_to_write_true(tmp_path):
    path = write_brief(tmp_path, section("- a", extra="    backup: yes\n"))
    with pytest.raises(ContentError) as caught:
        check(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:7:13: sections[1].backup: expected true or false, found text "
        '"yes"; write true or false'
    ]


def test_a_misspelt_required_key_is_one_problem_not_two(tmp_path):
    """`lable:` for `label:`: the "did you mean" is the message; "label missing" is not added."""
    path = write_brief(
        tmp_path,
        META + "figures:\n  troops:\n    value: 5\n    lable: notional\n" + section("- a", head=""),
    )
    with pytest.raises(ContentError) as caught:
        check(path)
    assert [
        f"{p.location.line}:{p.location.column}: {p.message}" for p in caught.value.problems
    ] == ['6:5: unknown key "lable" in figures.troops (did you mean "label"?)']


def test_a_misspelt_layout_key_suggests_the_key(tmp_path):
    from alliancedeck.design import PACKAGE_LAYOUTS

    layout = (PACKAGE_LAYOUTS / "default.yaml").read_text(encoding="utf-8")
    assert "\npalette:" in layout
    (tmp_path / "layouts").mkdir()
    (tmp_path / "layouts" / "mine.yaml").write_text(
        layout.replace("\npalette:", "\nPalete:"), encoding="utf-8"
    )
    path = write_brief(tmp_path, section("- a", head=META + "  layout: mine\n"))
    with pytest.raises(ContentError) as caught:
        check(path)
    assert any(
        '"Palete"' in p.message and '(did you mean "palette"?)' in p.message
        for p in caught.value.problems
    ), caught.value.problems
