"""Hypothesis strategies for content files: valid briefs as data, and mutations of a valid file."""

from __future__ import annotations

import string
from typing import Any

from hypothesis import strategies as st

#: Characters of generated texts: all covered by the bundled Liberation Sans. `&`, `<` and `>`
#: are there on purpose (reportlab's Paragraph parses markup); no `{` (texts are templates).
ACCENTED = "éüñöçàÉÅßøÇ"
PUNCTUATION = ".,;:()-'&<>\""
WORD_ALPHABET = string.ascii_letters + string.digits + PUNCTUATION + ACCENTED

#: One word: mostly short, sometimes long enough to be cut between characters.
words = st.one_of(
    st.text(WORD_ALPHABET, min_size=1, max_size=10),
    st.text(WORD_ALPHABET, min_size=20, max_size=40),
)


def texts(max_words: int = 8) -> st.SearchStrategy[str]:
    """Return a strategy for a non-empty one-line text of 1..`max_words` words."""
    separators = st.sampled_from([" ", " ", " ", "  "])
    return st.lists(st.tuples(words, separators), min_size=1, max_size=max_words).map(
        lambda pairs: "".join(w + s for w, s in pairs).rstrip()
    )


#: Figure values: small, large, negative, fractional, whole floats.
figure_values = st.one_of(
    st.integers(min_value=-1_000, max_value=1_000),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.sampled_from([0, 85, 54_000, 2_000_000_000, 10**12, 0.5, 2.25, 1e15, 123456789.125]),
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
)


@st.composite
def figures(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    """Return 0..4 figures with ids f1, f2, ..."""
    count = draw(st.integers(min_value=0, max_value=4))
    result: dict[str, dict[str, Any]] = {}
    for index in range(1, count + 1):
        figure: dict[str, Any] = {"value": draw(figure_values), "label": draw(texts(6))}
        if draw(st.booleans()):
            figure["display"] = draw(texts(3))
        if draw(st.integers(0, 3)) == 0:
            figure["unit"] = draw(texts(2))
        result[f"f{index}"] = figure
    return result


@st.composite
def points(draw: st.DrawFn, depth: int = 0) -> list[Any]:
    """Return 0..8 points; some are `{text, points}` with nested points (two levels at most)."""
    result: list[Any] = []
    for _ in range(draw(st.integers(min_value=0, max_value=8 if depth == 0 else 3))):
        text = draw(texts())
        if depth < 2 and draw(st.integers(0, 4)) == 0:
            result.append({"text": text, "points": draw(points(depth + 1))})
        else:
            result.append(text)
    return result


sources = st.one_of(
    texts(6),
    st.fixed_dictionaries(
        {"text": texts(6)},
        optional={"url": st.sampled_from(["https://example.org/a?b=1&c=2", "http://x.test/"])},
    ),
)


@st.composite
def sections(draw: st.DrawFn, figure_ids: list[str], marked: bool) -> dict[str, Any]:
    """Return a section; `marked`: with a portion marking (every section then has one)."""
    section: dict[str, Any] = {"title": draw(texts(6))}
    if marked:
        section["marking"] = draw(st.sampled_from(["U", "u", "(U)", "UNCLASSIFIED"]))
    if draw(st.booleans()):
        section["lead"] = draw(texts(12))
    section["points"] = draw(points())
    if figure_ids and draw(st.booleans()):
        section["figures"] = draw(
            st.lists(st.sampled_from(figure_ids), min_size=1, max_size=3, unique=True)
        )
    if draw(st.booleans()):
        section["notes"] = draw(texts(12))
    if draw(st.booleans()):
        section["sources"] = draw(st.lists(sources, min_size=1, max_size=3))
    return section


@st.composite
def briefs(draw: st.DrawFn) -> dict[str, Any]:
    """Return a valid content document as plain data (ready for `yaml.safe_dump`)."""
    meta: dict[str, Any] = {"title": draw(texts(6))}
    if draw(st.booleans()):
        meta["subtitle"] = draw(texts(8))
    marked = False
    if draw(st.booleans()):
        meta["classification"] = draw(st.sampled_from(["UNCLASSIFIED", "Unclassified"]))
        marked = draw(st.booleans())
    if draw(st.booleans()):
        # A single letter A-F would be a DoD statement letter: start with a word of its own.
        meta["distribution"] = "Distribution: " + draw(texts(12))
    figure_map = draw(figures())
    count = draw(st.integers(min_value=1, max_value=4))
    section_list = [draw(sections(list(figure_map), marked)) for _ in range(count)]
    return {"meta": meta, "figures": figure_map, "sections": section_list}
