"""Page replay in a watch session: PDF pages drawn as before are copied, and every warm
rebuild's deck.pdf and brief.pdf equal a cold build's byte for byte."""

from __future__ import annotations

import io

import yaml
from pypdf import PdfReader

from alliancedeck import session as sessions
from alliancedeck.api import build
from alliancedeck.draw import pdf_fast, pdf_replay
from alliancedeck.session import Session
from conftest import REPO

PDFS = ("deck.pdf", "brief.pdf")


def _pdfs(result) -> dict[str, bytes]:
    return {p.path.name: p.path.read_bytes() for p in result.products if p.path.name in PDFS}


def _long_brief() -> dict:
    """Return the default content three times over (18 sections, a deck of about 30 slides
    and a brief of several pages), its sections told apart by their titles."""
    data = yaml.safe_load((REPO / "content.yaml").read_text(encoding="utf-8"))
    data["meta"]["title"] = "A notional long brief"
    sections = []
    for copy in range(3):
        for section in yaml.safe_load(yaml.safe_dump(data["sections"])):
            section["title"] = f"{section['title']} (notional part {copy + 1})"
            sections.append(section)
    data["sections"] = sections
    return data


def _rebuilds(tmp_path, monkeypatch, data, edits, before_each=None):
    """Build `data`, then after each of `edits` (functions changing `data`) rebuild in one
    session; return per edit its name, the content and the warm PDFs, and the pages replayed
    per product over the rebuilds."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("ALLIANCEDECK_NO_PARALLEL", "1")  # every product renders here
    content = tmp_path / "content.yaml"

    def save() -> str:
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        content.write_text(text, encoding="utf-8")
        return text

    save()
    states = []
    with Session() as session:
        build(content, out_dir=tmp_path / "warm", session=session)
        replayed_before = pdf_replay.REPLAYED.copy()
        copied_before = pdf_replay.COPIED.copy()
        redrawn_before = pdf_replay.REDRAWN.copy()
        for edit in edits:
            if before_each is not None:
                before_each()
            edit()
            text = save()
            warm = build(content, out_dir=tmp_path / "warm", session=session)
            states.append((edit.__name__, text, _pdfs(warm)))
        replayed = pdf_replay.REPLAYED - replayed_before
        copied = pdf_replay.COPIED - copied_before
        redrawn = pdf_replay.REDRAWN - redrawn_before
    assert sessions._PIECES is None  # nothing outlives the session
    if before_each is None:  # no replay tried was found wrong: no PDF was drawn twice
        assert not redrawn, redrawn
    for product, count in copied.items():  # pages copied whole are pages replayed
        replayed[f"{product} whole"] = count
    return states, replayed


def _assert_cold_equal(tmp_path, states) -> None:
    content = tmp_path / "content.yaml"
    for number, (name, text, pdfs) in enumerate(states):
        content.write_text(text, encoding="utf-8")
        cold = _pdfs(build(content, out_dir=tmp_path / f"cold{number}"))
        assert cold.keys() == set(PDFS)
        for product in PDFS:
            assert pdfs[product] == cold[product], (name, product)


def test_warm_pdfs_equal_cold_ones_after_edits_that_replay_most_pages(tmp_path, monkeypatch):
    """Edits in the first, middle and last sections: the pages before an edit were kept and
    are replayed, those after it too (their fonts' codes are as before), and the pages drawn
    after replayed ones use the codes replayed pages gave their characters."""
    data = _long_brief()
    sections = data["sections"]

    def first_section() -> None:
        sections[0]["points"][0] = sections[0]["points"][0].replace("Forged", "Formed", 1)

    def middle_section() -> None:
        sections[8]["points"][0] = sections[8]["points"][0].replace("a", "e", 1)

    def last_section() -> None:
        sections[-2]["lead"] = sections[-2]["lead"].replace("the", "a", 1)

    def unchanged_text_after_a_change() -> None:
        sections[8]["points"][0] = sections[8]["points"][0].replace("e", "a", 1)

    edits = [first_section, middle_section, last_section, unchanged_text_after_a_change]
    states, replayed = _rebuilds(tmp_path, monkeypatch, data, edits)
    # Most pages of every rebuild are replayed: all but the few an edit touches.
    deck_pages = len(sections) + 5  # at least a slide per section, plus title and agenda
    assert replayed["deck"] > len(edits) * deck_pages * 0.6, replayed
    # Slides after the first open with their title: copied whole, structure included.
    assert replayed["deck whole"] > len(edits) * deck_pages * 0.5, replayed
    assert replayed["brief"] >= len(edits), replayed
    _assert_cold_equal(tmp_path, states)


def test_warm_pdfs_equal_cold_ones_when_an_edit_brings_new_characters(tmp_path, monkeypatch):
    """Characters never used before in a middle section, then gone again: every embedded
    font's subset codes change from there on (a page is replayed only from the same codes),
    so the characters a later page uses first (here in the last sections) take other codes."""
    data = _long_brief()
    sections = data["sections"]
    sections[-2]["points"][0] += " Notional: ß þ."
    sections[-3]["lead"] += " Notional: ð."
    original = sections[8]["points"][0]

    def new_characters() -> None:
        sections[8]["points"][0] = original + " Notional: Ω ≈ 5 µm § 2 — ½ Ä."

    def other_new_characters() -> None:
        sections[8]["points"][0] = original + " Notional: ø ¼ Ñ."

    def none_new() -> None:
        sections[8]["points"][0] = original

    def new_characters_at_the_end() -> None:
        sections[-2]["points"][0] += " Notional: Ω ≈ ∑."

    edits = [new_characters, other_new_characters, none_new, new_characters_at_the_end]
    states, replayed = _rebuilds(tmp_path, monkeypatch, data, edits)
    assert replayed["deck"] > 0 and replayed["brief"] > 0, replayed
    _assert_cold_equal(tmp_path, states)


def test_warm_pdfs_equal_cold_ones_after_edits_on_a_page_with_a_link(tmp_path, monkeypatch):
    """A point with an inline link: a page with a link annotation is drawn again, and the
    annotations and structure of every page come out as in a cold build."""
    data = _long_brief()
    sections = data["sections"]
    sections[8]["points"].insert(0, "See [the notional overview](https://example.org/notional).")
    sections[9]["lead"] += " Read [a notional source](https://example.org/source) first."

    def text_near_the_link() -> None:
        sections[8]["points"][1] = sections[8]["points"][1].replace("a", "e", 1)

    def link_text() -> None:
        sections[8]["points"][0] = sections[8]["points"][0].replace("overview", "summary")

    def link_address() -> None:
        sections[9]["lead"] = sections[9]["lead"].replace("source)", "sources)")

    def elsewhere() -> None:
        sections[2]["points"][0] = sections[2]["points"][0].replace("a", "e", 1)

    edits = [text_near_the_link, link_text, link_address, elsewhere]
    states, replayed = _rebuilds(tmp_path, monkeypatch, data, edits)
    assert replayed["deck"] > 0 and replayed["brief"] > 0, replayed
    _assert_cold_equal(tmp_path, states)


def test_warm_pdfs_equal_cold_ones_when_links_move_later_pages_but_not_later_elements(
    tmp_path, monkeypatch
):
    """A session keeps each structure element's bytes for the page numbers they were written
    with. A link is an annotation numbered before its page: three links taken away from a
    point on the first page renumber every later page, while the three structure elements
    that come instead (the point's text in runs of two languages) leave every later element
    its number. The later elements are the same but for their pages' numbers, and are
    written afresh."""
    data = _long_brief()
    point = data["sections"][1]["points"]
    plain = point[0]

    def links() -> None:  # one link, in three runs (three annotations), and 3 elements more
        point[0] = plain + " See [the 日本 annex](https://example.org/annex)."

    def runs() -> None:  # no link, and 6 elements more: Spans in English and Japanese
        point[0] = plain + " See a 日本 b 東京 c 大阪"

    links()
    states, _replayed = _rebuilds(tmp_path, monkeypatch, data, [runs, links, runs])
    _assert_cold_equal(tmp_path, states)
    for product in PDFS:
        readers = [PdfReader(io.BytesIO(state[2][product])) for state in states]
        assert len({len(reader.pages) for reader in readers}) == 1, product
        later = [reader.pages[-1].indirect_reference.idnum for reader in readers]
        assert later[0] != later[1], (product, later)  # the last page's number moved


def test_warm_pdfs_equal_cold_ones_when_the_page_count_changes(tmp_path, monkeypatch):
    """Points added and removed in a middle section: slides and brief pages are added and
    removed, every later page moves (its number, its outline entry and structure keys), and
    no page kept with the old count is replayed."""
    data = _long_brief()
    sections = data["sections"]
    long_point = "A notional point long enough to wrap over two lines or more in both products. "
    added = [long_point * 2 + str(n) for n in range(12)]

    def more_pages() -> None:
        sections[8]["points"].extend(added)

    def fewer_pages() -> None:
        del sections[8]["points"][-len(added) :]

    def added_section() -> None:
        sections.insert(4, {"title": "A notional added section", "points": added})

    def removed_section() -> None:
        del sections[4]

    edits = [more_pages, fewer_pages, added_section, removed_section]
    states, _replayed = _rebuilds(tmp_path, monkeypatch, data, edits)
    # Every slide and page shows the count ("1 of 23"): a new count redraws every page.
    _assert_cold_equal(tmp_path, states)
    for product in PDFS:
        pages = [len(PdfReader(io.BytesIO(state[2][product])).pages) for state in states]
        assert pages[0] > pages[1] and pages[2] > pages[3], (product, pages)


def test_a_replayed_page_whose_tagging_differs_is_drawn_again(tmp_path, monkeypatch):
    """When what tagging writes into a replayed page differs from what the kept page wrote,
    the whole PDF is drawn again without replay: bytes still equal a cold build's."""
    data = _long_brief()
    sections = data["sections"]

    def spoil_the_kept_pages() -> None:
        pieces = sessions._PIECES
        assert pieces is not None
        spoiled = 0
        for kind in ("pdf-page-deck", "pdf-page-brief"):
            for table in (pieces[kind].last, pieces[kind].now):
                for record in table.values():
                    record.trace = ("something else",)
                    spoiled += 1
        assert spoiled

    def middle_section() -> None:
        sections[8]["points"][0] = sections[8]["points"][0].replace("a", "e", 1)

    redrawn = pdf_replay.REDRAWN.copy()
    states, replayed = _rebuilds(
        tmp_path, monkeypatch, data, [middle_section], before_each=spoil_the_kept_pages
    )
    assert not replayed, replayed  # a replay was tried, found wrong and undone:
    assert pdf_replay.REDRAWN - redrawn == {"deck": 1, "brief": 1}
    _assert_cold_equal(tmp_path, states)


def test_warm_pdfs_equal_cold_ones_with_japanese_runs_on_replayed_pages(tmp_path, monkeypatch):
    """Japanese words in an English brief (drawn in the fallback face, each run tagged in its
    language): pages holding them are replayed and tagged as when drawn."""
    data = _long_brief()
    sections = data["sections"]
    sections[8]["points"].insert(1, "The notional 日米同盟 point, in two scripts.")
    sections[9]["lead"] = "日米同盟の概要と主要な数字。" + sections[9]["lead"]

    def before_them() -> None:
        sections[2]["points"][0] = sections[2]["points"][0].replace("a", "e", 1)

    def after_them() -> None:
        sections[-2]["points"][0] = sections[-2]["points"][0].replace("a", "e", 1)

    states, replayed = _rebuilds(tmp_path, monkeypatch, data, [before_them, after_them])
    assert replayed["deck"] > 0 and replayed["brief"] > 0, replayed
    _assert_cold_equal(tmp_path, states)


def test_unchanged_pages_reuse_their_compressed_streams_and_boxes_their_digests(
    tmp_path, monkeypatch
):
    """A rebuild after an edit in a middle section: pages whose content is as before take the
    content stream compressed last time, kept slides' boxes the digest taken last time (the key
    of their page), and structure elements the bytes written last time; both PDFs equal a cold
    build's."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("ALLIANCEDECK_NO_PARALLEL", "1")  # every product renders here
    data = _long_brief()
    content = tmp_path / "content.yaml"
    content.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with Session() as session:
        first = _pdfs(build(content, out_dir=tmp_path / "warm", session=session))
        pieces = sessions._PIECES
        assert pieces is not None
        for product in ("deck", "brief"):
            assert pieces[f"pdf-stream-{product}"].reused == 0
        pages = {
            product: len(PdfReader(io.BytesIO(first[f"{product}.pdf"])).pages)
            for product in ("deck", "brief")
        }
        sections = data["sections"]
        sections[8]["points"][0] = sections[8]["points"][0].replace("a", "e", 1)
        content.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        kept_before = pdf_fast.ELEMENTS_KEPT.copy()
        warm = _pdfs(build(content, out_dir=tmp_path / "warm", session=session))
        # Elements hold no text: a few at most (about the point edited) are written afresh.
        for product in ("deck", "brief"):
            elements = warm[f"{product}.pdf"].count(b"/Type /StructElem")
            kept = pdf_fast.ELEMENTS_KEPT[product] - kept_before[product]
            assert elements >= kept >= elements - 10, (product, kept, elements)
        # All but the pages the edit touches.
        for product, count in pages.items():
            reused = pieces[f"pdf-stream-{product}"].reused
            assert count > reused >= count - 2, (product, reused, count)
        # Every slide's boxes but the footers (made afresh) were kept, with their digests.
        digests = pieces["box-digest-deck"].reused
        assert digests > pages["deck"] * 2, digests
        # The brief's boxes are made afresh, but most of their paragraphs are last time's
        # objects: their digests are taken again (all but those split at a column's foot).
        paragraphs = pieces["paragraph-digest-brief"]
        assert len(paragraphs.now) > pages["brief"] * 5, len(paragraphs.now)
        assert paragraphs.reused >= 0.8 * len(paragraphs.now), paragraphs.reused
    cold = _pdfs(build(content, out_dir=tmp_path / "cold"))
    assert warm == cold
