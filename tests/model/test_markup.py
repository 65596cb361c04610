"""Inline emphasis read into styled runs: what is markup, what stays literal, what is refused."""

from __future__ import annotations

import contextlib
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliancedeck.markup import MarkupError, parse, plain


def styles(text: str) -> list[tuple[str, bool, bool, str | None]]:
    return [(r.text, r.bold, r.italic, r.href) for r in parse(text)]


def test_bold_italic_and_links_become_runs():
    assert styles("**Fuel** is first, *maintenance* second") == [
        ("Fuel", True, False, None),
        (" is first, ", False, False, None),
        ("maintenance", False, True, None),
        (" second", False, False, None),
    ]
    assert styles("see [the report](https://example.org/r?a=1&b=2).") == [
        ("see ", False, False, None),
        ("the report", False, False, "https://example.org/r?a=1&b=2"),
        (".", False, False, None),
    ]
    assert styles("***both***") == [("both", True, True, None)]
    assert styles("[**bold link**](mailto:desk@example.org)") == [
        ("bold link", True, False, "mailto:desk@example.org")
    ]
    assert styles("これは**重要**です") == [
        ("これは", False, False, None),
        ("重要", True, False, None),
        ("です", False, False, None),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "5 * 3 is 15",
        "a lone *",
        "a lone *, then more",
        "a star before a stop *. And one *; and *: too",
        "x** at the end",
        "2*3 is six",
        "[1] is a note, [a] too",
        "<b>tags</b> & ampersands",
        "C:\\temp\\file",
        "no marks at all",
    ],
)
def test_stars_and_brackets_that_are_not_markup_stay_as_typed(text):
    assert styles(text) == [(text, False, False, None)]


def test_a_backslash_makes_a_star_or_bracket_literal():
    assert plain(parse(r"\*not italic\* and \[not a link](https://x.org)")) == (
        "*not italic* and [not a link](https://x.org)"
    )
    assert all(not (r.bold or r.italic or r.href) for r in parse(r"\*\*x\*\*"))


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("The **alliance spends", 'close it with "**"'),
        ("Costs *rose again", r"write \* for a literal star"),
        ("[x](javascript:alert(1))", "a link must be a web address starting https://"),
        ("[x](file:///etc/passwd)", '"file:///etc/passwd"'),
        ("[x](data:text/html,hi)", "a link must be a web address"),
        ("[x](https://example.org", "has no closing )"),
        ("[x]()", "has no address"),
        ("[x](https://a b.org)", "holds a space"),
        ("[x](https://e.org/" + "a" * 2000 + ")", "more than the limit of 2,000"),
        ("[a [b](https://c.org) d](https://e.org)", "a link inside a link text"),
        ("[a **b](https://c.org) d**", "opened inside a link text"),
    ],
)
def test_markup_that_cannot_be_read_is_refused_with_what_to_type(text, says):
    with pytest.raises(MarkupError) as caught:
        parse(text)
    assert says in str(caught.value)


def test_the_refusal_names_where_the_mark_is():
    with pytest.raises(MarkupError) as caught:
        parse("Costs rose, and **then fell")
    assert caught.value.position == len("Costs rose, and ")


@pytest.mark.parametrize(
    "text",
    ["[" * 5000, "[a](" * 1250, "a*b" * 1666, "*a " * 1666, "a**b*c" * 800, "\\*" * 2500],
)
def test_hostile_markup_is_read_in_linear_time(text):
    started = time.perf_counter()
    with contextlib.suppress(MarkupError):
        parse(text)
    assert time.perf_counter() - started < 0.5


@given(st.text(alphabet=st.characters(blacklist_characters="*[\\"), max_size=200))
def test_a_text_without_stars_brackets_or_backslashes_is_one_plain_run(text):
    runs = parse(text)
    assert plain(runs) == text
    assert all(not (r.bold or r.italic or r.href) for r in runs)


@given(st.text(alphabet="ab *[]()\\:/h", max_size=60))
def test_any_text_is_read_or_refused_and_keeps_its_words(text):
    try:
        runs = parse(text)
    except MarkupError:
        return
    # No address can be valid in this alphabet, so no text is an address: every letter stays.
    assert [c for c in plain(runs) if c in "ab"] == [c for c in text if c in "ab"]


def test_the_readme_example_reads_as_the_readme_says():
    """The example under "Emphasis and links" in README.md: marks drawn, the rest as typed."""
    import re

    import yaml

    from conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Emphasis and links", 1)[1]
    example = yaml.safe_load(re.search(r"```yaml\n(.*?)```", section, re.S).group(1))
    lead = parse(example["lead"])
    assert [r.text for r in lead if r.bold] == ["alliance"]
    assert [r.text for r in lead if r.italic] == ["more"]
    assert [r.href for r in lead if r.href] == ["https://example.org/r"]
    stars = parse(example["points"][1])
    assert [(r.bold, r.italic, r.href) for r in stars] == [(False, False, None)]
    assert plain(stars) == "5 * 3 stars, a lone *, [1] and *escaped* stars print as typed"
