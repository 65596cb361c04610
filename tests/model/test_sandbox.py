"""The template sandbox: big values refused before they are built, data read-only, no clock."""

from __future__ import annotations

import time
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliancedeck import fill as fill_module
from alliancedeck.errors import ContentError
from alliancedeck.sandbox import MAX_LENGTH, environment
from model.test_fill import FIRST, doc_of, problems_of, section

#: Most memory (MB) refusing any one hostile template may take: far below what each would build.
MEMORY_MB = 20
#: Each template would build gigabytes or run for minutes without its bound.
HOSTILE = {
    "compile-time-fold": "{{ ([1]|slice(100000000))|sum(start=[]) }}",
    "concat-doubling": "{% set a = 'x'*10000 %}{% set b = a~a %}{% set c = b~b %}{{ c~c }}",
    "plus-doubling": "{% set a = 'x'*10000 %}{% set b = a+a %}{% set c = b+b %}{{ c+c }}",
    "center": "{{ 'a'|center(1000000000) }}",
    "center-method": "{{ 'a'.center(1000000000) }}",
    "ljust-method": "{{ 'a'.ljust(1000000000) }}",
    "zfill-method": "{{ 'a'.zfill(1000000000) }}",
    "indent": "{{ 'a\\nb'|indent(1000000000) }}",
    "batch": "{{ [1]|batch(1000000000, 0)|list }}",
    "slice": "{{ [1]|slice(1000000000)|list }}",
    "percent-width": "{{ '%999999999s' % 'a' }}",
    "percent-star": "{{ '%*s' % (999999999, 'a') }}",
    "percent-precision": "{{ '%.99999f' % 1.5 }}",
    "format-filter": "{{ '%999999999d'|format(1) }}",
    "format-width": "{{ '{:>999999999}'.format(1) }}",
    "format-nested-width": "{{ '{:{}}'.format(1, 999999999) }}",
    "big-multiplication": "{{ (9**99) * (9**99) * (9**99) * (9**99) * (9**99) * (9**99) * (9**99)"
    " * (9**99) * (9**99) * (9**99) * (9**99) * (9**99) * (9**99) * (9**99) }}",
    "print-shared-list": "{% set a = 'x'*10000 %}{{ [a]*10000 }}",
    "join-shared-list": "{% set a = 'x'*10000 %}{{ ([a]*10000)|join(',') }}",
    "join-method": "{{ ','.join(['a'*10000]*10000) }}",
    "string-shared-list": "{{ (['a'*10000]*10000)|string }}",
    "tojson-indent": "{{ [[[[1]]]]|tojson(indent=1000000) }}",
    "loop-output": "{% set a = 'x'*10000 %}{% for i in [0]*10000 %}{{ a }}{% endfor %}",
    "set-block": "{% set x %}{% for i in [0]*10000 %}abcdefghij{% endfor %}{% endset %}{{ x }}",
    "replace-empty": "{{ 'ab'|replace('', 'x'*10000) }}",
    "replace-method": "{{ ('a'*10000).replace('a', 'bbbbbbbbbb') }}",
    "wordwrap": "{{ 'a b c'|wordwrap(1, wrapstring='x'*10000) }}",
    "map-center": "{{ ['a']|map('center', 100000000)|first }}",
    "filter-block": "{% filter center(1000000000) %}x{% endfilter %}",
    "sum-lists": "{{ ([[0]*10000]*10000)|sum(start=[]) }}",
    "to-bytes": "{{ (1).to_bytes(1000000000, 'big') }}",
    "recursive-macro": "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
    "recursive-loop": "{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}",
    # Each value is within the limit, but a new one is kept per item or per printed piece.
    "macro-in-loop": "{% macro m() %}{{ 'é' * 19000 }}{% endmacro %}"
    "{% for i in [0]*10000 %}{{ m() }}{% endfor %}",
    "concat-in-loop": "{% set a = 'é' * 19000 %}{% for i in [0]*10000 %}{{ a ~ i }}{% endfor %}",
    "loop-in-macro": "{% macro m() %}{% for i in [0]*10000 %}{{ 'é' * 19000 }}{% endfor %}"
    "{% endmacro %}{{ m()|length }}",
    "map-new-strings": "{% set a = 'é' * 10000 %}{{ ([a]*10000)|map('upper')|list|length }}",
    "map-center-many": "{{ ([0]*20000)|map('center', 19000)|list|length }}",
    "percent-name-repeated": "{{ ('%(a)s' * 1000) % {'a': 'é' * 19000} }}",
    "format-field-repeated": "{{ ('{0}' * 1000).format('é' * 19000) }}",
    "loop-over-map": "{% for x in ([0]*20000)|map('center', 19000) %}{{ x }}{% endfor %}",
}


@pytest.mark.parametrize("template", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_templates_are_refused_before_they_build(template):
    text = section("  - title: One\n    lead: '" + template.replace("'", "''") + "'\n")
    tracemalloc.start()
    started = time.perf_counter()
    try:
        problems = problems_of(text)
    finally:
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    assert time.perf_counter() - started < 1.5
    assert peak < MEMORY_MB, f"{peak:.0f} MB"
    assert len(problems) == 1, problems
    line, column, message = problems[0]
    assert (line, column) == (FIRST + 1, 11)
    assert message.startswith(("template not allowed: ", "template output is ")), message


@pytest.mark.parametrize(
    "template",
    [
        "{{ meta.update(title='X') }}",
        "{{ figures.pop('troops') }}",
        "{{ meta.authors.append('X') }}",
        "{{ figures.clear() }}",
        "{{ figures.setdefault('x', 1) }}",
    ],
)
def test_a_text_cannot_change_meta_or_figures_for_later_texts(template):
    problems = problems_of(
        section(f'  - title: One\n    lead: "{template}"\n  - title: "{{{{ meta.title }}}}"\n')
    )
    assert [(line, message.split(":")[0]) for line, _, message in problems] == [
        (FIRST + 1, "template not allowed")
    ]


@pytest.mark.parametrize(
    "template",
    [
        "{{ [1, 2]|random }}",
        "{{ meta.date.today() }}",
        "{{ meta.date.fromtimestamp(0) }}",
        "{{ now() }}",
        "{{ range(3)|list }}",
        "{{ dict(a=1) }}",
        "{{ joiner() }}",
        "{{ 'a'.encode() }}",
        "{{ meta.date.today }}",
    ],
)
def test_no_clock_no_chance_no_globals(template):
    problems = problems_of(section(f'  - title: One\n    lead: "{template}"\n'))
    assert [line for line, _, _ in problems] == [FIRST + 1]


@pytest.mark.parametrize(
    ("template", "shown"),
    [
        ("{{ figures }}", "{'troops': '54,000', 'ratio': '2.5', 'host_support': '$2 billion'}"),
        ("{{ figures.values()|map(attribute='label')|first }}", "U.S. troops stationed in Japan"),
        ("{{ [1, -2]|map('abs') }}", "[1, 2]"),
        ("{{ meta.title ~ ' (' ~ meta.subtitle ~ ')' }}", "U.S.-Japan Alliance (Key points)"),
        ("{{ '{:,}'.format(figures.troops.value) }}", "54,000"),
        ("{{ '%.1f'|format(figures.ratio.value) }} x", "2.5 x"),
        ("{{ figures.troops.label|upper|replace('U.S. ', '') }}", "TROOPS STATIONED IN JAPAN"),
    ],
)
def test_ordinary_templates_still_print_data(template, shown):
    doc = doc_of(section('  - title: One\n    lead: "' + template.replace('"', '\\"') + '"\n'))
    assert doc.sections[0].lead == shown


def test_printing_an_object_is_refused_never_a_memory_address():
    problems = problems_of(section("  - title: One\n    lead: '{{ meta.title.upper }}'\n"))
    assert len(problems) == 1
    assert "prints an object, not data" in problems[0][2]


def test_the_time_limit_also_covers_compiling(monkeypatch):
    """Jinja runs filters on constants while compiling; a slow one is stopped there too."""

    def slow(value):  # what a filter that is slow on constant input costs
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            pass
        return value

    monkeypatch.setitem(environment().filters, "slow", slow)
    monkeypatch.setattr(fill_module, "RENDER_SECONDS", 0.3)
    started = time.perf_counter()
    problems = problems_of(section("  - title: One\n    lead: '{{ 1|slow }}'\n"))
    assert time.perf_counter() - started < 2
    assert problems == [(FIRST + 1, 11, "template not allowed: it ran longer than 0.3 s")]


def test_one_time_budget_covers_every_text_of_a_run(monkeypatch):
    spin = "{% macro g() %}{% for i in [0]*20000 %}{% if i %}x{% endif %}{% endfor %}{% endmacro %}"
    slow = spin + "{% for j in [0]*20000 %}{% if g() %}y{% endif %}{% endfor %}"  # prints nothing
    monkeypatch.setattr(fill_module, "RENDER_SECONDS", 0.3)
    monkeypatch.setattr(fill_module, "RUN_SECONDS", 0.5)
    points = "".join(f"      - '{slow}'\n" for _ in range(6))
    started = time.perf_counter()
    problems = problems_of(section(f"  - title: One\n    points:\n{points}"))
    assert time.perf_counter() - started < 1.5
    assert [message for _, _, message in problems] == [
        "template not allowed: it ran longer than 0.3 s",
        "template not allowed: the templates ran longer than 0.5 s in all",
    ]


def test_time_spent_to_the_end_without_a_timeout_is_an_error_at_the_next_template(monkeypatch):
    """Templates that use up the run's time exactly (none of them timed out) leave the next
    one unrendered: that is an error where it is, not a text left as typed without a word."""
    clock = iter(range(0, 1000, 1))  # every look at the clock finds a second gone

    class Clock:
        @staticmethod
        def monotonic() -> float:
            return float(next(clock))

    monkeypatch.setattr(fill_module, "time", Clock)
    monkeypatch.setattr(fill_module, "RUN_SECONDS", 2.0)
    points = "".join(f"      - '{{{{ \"p{n}\" | upper }}}}'\n" for n in range(4))
    problems = problems_of(section(f"  - title: One\n    points:\n{points}"))
    assert problems == [
        (FIRST + 4, 9, "template not allowed: the templates ran longer than 2 s in all")
    ]


def test_limit_is_the_output_limit():
    assert MAX_LENGTH == fill_module.MAX_TEMPLATE_OUTPUT


# --- a property over composed templates -----------------------------------------------------

_SIZES = st.sampled_from([0, 1, 7, 100, 9_999, 20_000, 20_001, 10**6, 10**9])
_ATOMS = st.one_of(
    st.builds("'é' * {}".format, _SIZES),
    st.builds("['ab'] * {}".format, _SIZES),
    st.builds("[{}] * 3".format, _SIZES),
    st.sampled_from(["figures.troops", "figures.troops.value", "meta.title", "meta", "figures"]),
    st.builds(str, _SIZES),
)
_FILTERS = st.one_of(
    st.builds("center({})".format, _SIZES),
    st.builds("indent({})".format, _SIZES),
    st.builds("batch({}, 0)".format, _SIZES),
    st.builds("slice({}, 0)".format, _SIZES),
    st.builds("wordwrap({}, wrapstring='xyz')".format, _SIZES),
    st.builds("truncate({})".format, _SIZES),
    st.builds("map('center', {})".format, _SIZES),
    st.sampled_from(
        [
            "list",
            "join",
            "join('--')",
            "sum",
            "sum(start=[])",
            "string",
            "tojson",
            "pprint",
            "upper",
            "title",
            "unique",
            "reverse",
            "sort",
            "first",
            "length",
            "urlencode",
            "replace('a', 'xxxxxxxxxx')",
            "replace('', 'yy')",
            "format(1)",
            "wordcount",
            "map('upper')",
            "select",
            "dictsort",
            "items",
            "int",
            "float",
            "abs",
            "round",
        ]
    ),
)


@st.composite
def _expressions(draw, depth: int = 3) -> str:
    expression = draw(_ATOMS)
    for _ in range(draw(st.integers(0, depth))):
        step = draw(st.sampled_from(["filter", "~", "+", "*", "%", "**"]))
        if step == "filter":
            expression = f"({expression})|{draw(_FILTERS)}"
        elif step in ("*", "**"):
            expression = f"({expression}) {step} {draw(_SIZES)}"
        else:
            expression = f"({expression}) {step} ({draw(_ATOMS)})"
    return expression


@settings(max_examples=60, deadline=None)
@given(expression=_expressions(), looped=st.booleans())
def test_any_composition_ends_quickly_small_and_located(expression, looped):
    body = f"{{{{ {expression} }}}}"
    if looped:
        body = f"{{% for i in [0] * 10000 %}}{body}{{% endfor %}}"
    text = section("  - title: One\n    lead: '" + body.replace("'", "''") + "'\n")
    tracemalloc.start()
    started = time.perf_counter()
    try:
        lead = doc_of(text).sections[0].lead
    except ContentError as exc:
        assert all(p.location.line == FIRST + 1 for p in exc.problems), exc.problems
    else:
        assert len(lead or "") <= fill_module.MAX_TEMPLATE_OUTPUT
        assert " at 0x" not in (lead or "")
    finally:
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    assert time.perf_counter() - started < fill_module.RENDER_SECONDS + 1
    assert peak < 60, f"{peak:.0f} MB for {body}"
