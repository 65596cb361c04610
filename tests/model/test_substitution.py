"""Texts that only print names are filled in without Jinja, with exactly Jinja's result."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliancedeck.document import FigureInfo
from alliancedeck.errors import Location
from alliancedeck.fill import FigureTable, FigureView, MetaTable, plain_substitution
from alliancedeck.sandbox import environment


def _figure(figure_id: str, value: float, display: str) -> FigureView:
    label = f"notional {figure_id}"
    return FigureView(FigureInfo(figure_id, value, display, label, "%", None, Location("x")))


CONTEXT = {
    "figures": FigureTable(
        {"troops": _figure("troops", 54000, "54,000"), "share": _figure("share", 0.5, "0.5")}
    ),
    "meta": MetaTable(
        {"title": "Notional {{ title }}", "date": dt.date(2024, 5, 31), "subtitle": None}
    ),
}


def jinja(text: str) -> str | None:
    """What the sandbox prints for `text`, or None when it refuses it."""
    try:
        return environment().from_string(text).render(CONTEXT)
    except Exception:
        return None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{{ figures.troops }} U.S. troops", "54,000 U.S. troops"),
        ("{{figures.troops.label}}: {{ figures.share.value }}", "notional troops: 0.5"),
        ("As of {{ meta.date }}{{ meta.subtitle }}.", "As of 2024-05-31."),
        ("{ {{ figures.troops.unit }} }", "{ % }"),
        ("{{ meta.title }}", "Notional {{ title }}"),  # a printed value is not rendered again
    ],
)
def test_printed_names_are_filled_in_as_jinja_prints_them(text, expected):
    assert plain_substitution(text, CONTEXT) == expected == jinja(text)


@pytest.mark.parametrize(
    "text",
    [
        "{{ figures.troops | upper }}",
        "{{{ figures.troops }}}",
        "{% if true %}x{% endif %}",
        "{# a comment #}{{ figures.troops }}",
        "{{ figures.nope }}",
        "{{ figures.items }}",
        "{{ figures.troops.__class__ }}",
        "{{ meta.date.year }}",
        "{{ figures }}",
        "{{ loop }}",
    ],
)
def test_anything_else_is_left_to_jinja(text):
    assert plain_substitution(text, CONTEXT) is None


NAMES = st.sampled_from(
    [
        "figures.troops",
        "figures.share",
        "figures.troops.label",
        "figures.share.value",
        "figures.troops.display",
        "figures.troops.unit",
        "figures.troops.source",
        "figures.missing",
        "figures.keys",
        "meta.title",
        "meta.date",
        "meta.subtitle",
        "meta.titel",
        "figures",
        "other.name",
        "figures._x",
    ]
)
PIECES = st.one_of(
    st.text(alphabet="ab {}%#|-\n\r", max_size=6),
    st.builds(
        lambda left, name, right: "{{" + left + name + right + "}}",
        st.sampled_from(["", " ", "  ", "\n", "- "]),
        NAMES,
        st.sampled_from(["", " ", "\n", " -", " | e"]),
    ),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=6).map("".join))
def test_the_shortcut_never_differs_from_jinja(text):
    shortcut = plain_substitution(text, CONTEXT)
    if shortcut is not None:
        assert shortcut == jinja(text)
