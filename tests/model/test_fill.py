"""Fill stage: figure formatting, template rendering, sandbox refusals, all errors at once."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from alliancedeck.document import Document, PointInfo, format_number
from alliancedeck.errors import ContentError, Location
from alliancedeck.fill import MAX_TEMPLATE_OUTPUT, fill_texts
from alliancedeck.model import validate
from alliancedeck.source import Loaded, parse_yaml

FILE = "c.yaml"

HEAD = """\
meta:
  title: U.S.-Japan Alliance
  subtitle: Key points
figures:
  troops:
    value: 54000
    label: U.S. troops stationed in Japan
  ratio:
    value: 2.5
    label: a ratio
  host_support:
    value: 2000000000
    display: $2 billion
    label: host-nation support
sections:
"""
#: The first line of the sections that tests append to HEAD.
FIRST = HEAD.count("\n") + 1


def doc_of(text: str) -> Document:
    data, source_map = parse_yaml(text, FILE)
    return fill_texts(validate(Loaded(data, source_map, Path(FILE))), source_map)


def problems_of(text: str) -> list[tuple[int, int, str]]:
    with pytest.raises(ContentError) as caught:
        doc_of(text)
    return [(p.location.line, p.location.column, p.message) for p in caught.value.problems]


def section(body: str) -> str:
    return HEAD + body


# --- figures ----------------------------------------------------------------------------------


def test_figure_display_defaults_and_override():
    doc = doc_of(section("  - title: One\n"))
    assert doc.figures["troops"].display == "54,000"
    assert doc.figures["ratio"].display == "2.5"
    assert doc.figures["host_support"].display == "$2 billion"
    assert doc.figures["host_support"].value == 2_000_000_000
    assert list(doc.figures) == ["troops", "ratio", "host_support"]
    assert doc.figures["troops"].location == Location(FILE, 5, 3)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (54000, "54,000"),
        (54000.0, "54,000"),
        (2.5, "2.5"),
        (0, "0"),
        (85, "85"),
        (1234.5, "1,234.5"),
        (-1500, "-1,500"),
        (0.25, "0.25"),
        (2_000_000_000, "2,000,000,000"),
    ],
)
def test_format_number(value, shown):
    assert format_number(value) == shown


def test_figures_render_in_templates():
    doc = doc_of(
        section(
            "  - title: One\n"
            "    points:\n"
            "      - About {{ figures.troops }} troops.\n"
            "      - '{{ figures.troops.label }}'\n"
            "      - Nearly {{ figures.host_support }} a year ({{ figures.ratio }}).\n"
            "      - '{{ figures.ratio.value * 2 }}'\n"
        )
    )
    assert [p.text for p in doc.sections[0].points] == [
        "About 54,000 troops.",
        "U.S. troops stationed in Japan",
        "Nearly $2 billion a year (2.5).",
        "5.0",
    ]


def test_meta_renders_in_templates_everywhere():
    doc = doc_of(
        section(
            "  - title: About {{ meta.title }}\n"
            "    lead: '{{ meta.subtitle }} of the {{ meta.title }}'\n"
            "    notes: '{{ meta.language }}'\n"
            "    sources: ['{{ meta.title }} overview',\n"
            "              {text: '{{ meta.subtitle }}', url: 'https://u.example'}]\n"
        )
    )
    one = doc.sections[0]
    assert one.title == "About U.S.-Japan Alliance"
    assert one.lead == "Key points of the U.S.-Japan Alliance"
    assert one.notes == "en-US"
    assert [(s.text, s.url) for s in one.sources] == [
        ("U.S.-Japan Alliance overview", None),
        ("Key points", "https://u.example"),
    ]


def test_figure_label_may_use_other_figures_and_meta():
    text = HEAD.replace("label: a ratio", "label: '{{ figures.troops }} per {{ meta.title }}'") + (
        "  - title: One\n    figures: [ratio, troops]\n"
    )
    doc = doc_of(text)
    assert doc.figures["ratio"].label == "54,000 per U.S.-Japan Alliance"
    assert [f.id for f in doc.sections[0].figures] == ["ratio", "troops"]
    assert doc.sections[0].figures[0].label == "54,000 per U.S.-Japan Alliance"


def test_meta_title_template_feeds_short_title():
    head = HEAD.replace("title: U.S.-Japan Alliance", "title: '{{ figures.ratio }} x'")
    doc = doc_of(head + "  - title: One\n")
    assert doc.meta.title == "2.5 x"
    assert doc.meta.short_title == "2.5 x"


# --- points -----------------------------------------------------------------------------------


def test_nested_points_keep_order_nesting_and_places():
    doc = doc_of(
        section(
            "  - title: One\n"
            "    points:\n"
            "      - first\n"
            "      - text: second\n"
            "        points:\n"
            "          - second.a {{ figures.troops }}\n"
            "          - text: second.b\n"
            "            points: [second.b.i, second.b.ii]\n"
            "          - second.c\n"
            "      - third\n"
        )
    )

    def shape(points: tuple[PointInfo, ...]) -> list:
        return [(p.text, shape(p.children)) if p.children else p.text for p in points]

    points = doc.sections[0].points
    assert shape(points) == [
        "first",
        (
            "second",
            [
                "second.a 54,000",
                ("second.b", ["second.b.i", "second.b.ii"]),
                "second.c",
            ],
        ),
        "third",
    ]
    assert [p.location.line for p in points] == [FIRST + 2, FIRST + 3, FIRST + 9]
    assert points[1].children[1].location == Location(FILE, FIRST + 6, 13)
    assert points[1].children[1].children[1].location.line == FIRST + 7


def test_plain_text_is_kept_and_templates_are_stripped():
    doc = doc_of(section("  - title: One\n    lead: >-\n      Folded {{ figures.troops }}\n"))
    assert doc.sections[0].lead == "Folded 54,000"
    assert doc.sections[0].title == "One"


# --- errors -----------------------------------------------------------------------------------


def test_every_template_error_is_reported_at_once():
    problems = problems_of(
        section(
            "  - title: One {{ figures.trops }}\n"
            "    points:\n"
            "      - fine {{ figures.troops }}\n"
            "      - '{{ foo }}'\n"
            "  - title: Two\n"
            "    lead: '{% for %}'\n"
            "    notes: '{{ figures.troops.__class__ }}'\n"
        )
    )
    assert [(line, column) for line, column, _ in problems] == [
        (FIRST, 12),
        (FIRST + 3, 9),
        (FIRST + 5, 11),
        (FIRST + 6, 12),
    ]
    messages = [message for _, _, message in problems]
    assert messages[0] == (
        'unknown figure "trops" (did you mean "troops"?); '
        'defined figures: "host_support", "ratio", "troops"'
    )
    assert messages[1].startswith("undefined name in template: 'foo' is undefined")
    assert messages[2].startswith("template syntax error: ")
    assert messages[3].startswith("template not allowed: ")
    assert "__class__" in messages[3]


def test_unknown_figure_without_any_figures():
    problems = problems_of(
        "meta:\n  title: T\nsections:\n  - title: One\n    lead: '{{ figures.troops }}'\n"
    )
    assert problems == [(5, 11, 'unknown figure "troops"; defined figures: none')]


def test_unknown_figure_in_a_figure_label_is_located_at_the_label():
    text = HEAD.replace("label: a ratio", "label: '{{ figures.tropos }}'") + "  - title: One\n"
    problems = problems_of(text)
    assert [(line, column) for line, column, _ in problems] == [(10, 12)]
    assert 'unknown figure "tropos" (did you mean "troops"?)' in problems[0][2]


def test_template_error_in_a_literal_block_names_the_line_of_the_error():
    problems = problems_of(
        section(
            "  - title: One\n"
            "    notes: |\n"
            "      The first line is fine.\n"
            "      The second line has {% for %} a broken loop.\n"
            "      The third line is fine.\n"
            "  - title: Two\n"
            "    notes: |\n"
            "      {% if %} on the first line.\n"
        )
    )
    assert [line for line, _, _ in problems] == [FIRST + 3, FIRST + 7]
    assert all(message.startswith("template syntax error: ") for _, _, message in problems)


def test_template_error_in_a_plain_scalar_is_at_the_value():
    problems = problems_of(section("  - title: One\n    lead: 'x {% endfor %}'\n"))
    assert [(line, column) for line, column, _ in problems] == [(FIRST + 1, 11)]


@pytest.mark.parametrize(
    ("template", "fragment"),
    [
        ("{{ 'a' * 100000000 }}", "template not allowed: repetition too large"),
        ("{{ 100000000 * 'ab' }}", "template not allowed: repetition too large"),
        ("{{ [0] * 100000 }}", "template not allowed: repetition too large"),
        ("{{ 2 ** 100000 }}", "template not allowed: exponent too large"),
        ("{{ meta.__class__ }}", "template not allowed: access to attribute '__class__'"),
        ("{{ figures.troops.__init__ }}", "template not allowed: "),
        ("{{ cycler('a', 'b').next() }}", "undefined name in template: 'cycler' is undefined"),
        ("{{ range(10) | list }}", "undefined name in template: 'range' is undefined"),
        ("{{ lipsum() }}", "undefined name in template: 'lipsum' is undefined"),
        ("{{ namespace(a=1) }}", "undefined name in template: 'namespace' is undefined"),
        ("{{ config }}", "undefined name in template: 'config' is undefined"),
    ],
)
def test_sandbox_refusals(template, fragment):
    problems = problems_of(section(f'  - title: One\n    lead: "{template}"\n'))
    assert len(problems) == 1
    line, column, message = problems[0]
    assert (line, column) == (FIRST + 1, 11)
    assert message.startswith(fragment), message


def test_output_over_the_limit_is_refused_even_when_each_piece_is_small():
    pieces = MAX_TEMPLATE_OUTPUT // 5000 + 1
    template = "".join(f"{{{{ '{c}' * 5000 }}}}" for c in "abcdefgh"[:pieces])
    problems = problems_of(section(f'  - title: One\n    lead: "{template}"\n'))
    assert problems == [
        (
            FIRST + 1,
            11,
            f"template output is {pieces * 5000:,} characters, "
            f"more than the limit of {MAX_TEMPLATE_OUTPUT:,}",
        )
    ]


def test_unset_meta_field_never_prints_none():
    """`{{ meta.date }}` with no date must be reported or render empty, never as "None"."""
    text = section("  - title: One\n    lead: 'Dated {{ meta.date }}; by {{ meta.poc }}'\n")
    try:
        doc = doc_of(text)
    except ContentError as exc:
        assert exc.problems[0].location.line == FIRST + 1
    else:
        assert "None" not in doc.sections[0].lead, doc.sections[0].lead


# --- resource exhaustion ----------------------------------------------------------------------

_RESOLVE_SCRIPT = """
import sys
from pathlib import Path
from alliancedeck.errors import ContentError
from alliancedeck.model import validate
from alliancedeck.fill import fill_texts
from alliancedeck.source import Loaded, parse_yaml
data, source_map = parse_yaml(sys.argv[1], "c.yaml")
try:
    fill_texts(validate(Loaded(data, source_map, Path("c.yaml"))), source_map)
except ContentError as exc:
    print(exc)
    sys.exit(2)
"""

EXPENSIVE_TEMPLATES = {
    # Each list is within the repetition limit, but the loops multiply: 10**12 iterations.
    "nested-loops": (
        "{% for a in [0] * 10000 %}{% for b in [0] * 10000 %}{% for c in [0] * 10000 %}"
        "{% endfor %}{% endfor %}{% endfor %}"
    ),
    # Each exponent is small, but the base grows: a number of about 90 million digits.
    "power-tower": "{{ ((((9 ** 99) ** 99) ** 99) ** 99) > 1 }}",
}


def test_expensive_templates_are_refused_promptly():
    """A template may not hang the tool: each case must end, with a located error, in 5 s."""
    limit = 5.0
    running = {
        name: subprocess.Popen(
            [
                sys.executable,
                "-c",
                _RESOLVE_SCRIPT,
                section(f'  - title: One\n    lead: "{template}"\n'),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, template in EXPENSIVE_TEMPLATES.items()
    }
    deadline = time.monotonic() + limit
    outcomes = {}
    for name, process in running.items():
        try:
            out, err = process.communicate(timeout=max(0.1, deadline - time.monotonic()))
            outcomes[name] = (process.returncode, out, err)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            outcomes[name] = (None, "", f"still running after {limit} s")
    failures = [
        f"{name}: exit {code}; {(out + err).strip()[-300:]}"
        for name, (code, out, err) in outcomes.items()
        if code != 2 or not out.startswith(f"{FILE}:{FIRST + 1}:") or "Traceback" in err
    ]
    assert not failures, "\n".join(failures)
