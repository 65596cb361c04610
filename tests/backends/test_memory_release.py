"""What a one-shot build lets go of before saving a PDF: measured widths, the structure tree."""

from __future__ import annotations

import contextlib
import io
from types import SimpleNamespace

import pikepdf
import pytest
from pypdf import PdfReader

from alliancedeck import fonts, session
from alliancedeck.api import prepare, render
from conftest import REPO

EMPHASIS = REPO / "tests" / "backends" / "emphasis.yaml"


def _remembered() -> int:
    return fonts._unit_width.cache_info().currsize + fonts._all_covered_walked.cache_info().currsize


@pytest.mark.parametrize("product", ["pdf", "deck-pdf"])
def test_widths_are_forgotten_before_a_pdf_is_saved_and_the_bytes_do_not_change(
    product, monkeypatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    prepared = prepare(REPO / "content.yaml")
    first = render(prepared, product)
    assert _remembered() == 0  # nothing measured is held while the PDF is saved, or after
    # Measured again from nothing, and with every width remembered: the same bytes.
    assert render(prepare(REPO / "content.yaml"), product) == first
    monkeypatch.setattr(fonts, "forget_widths", lambda: None)
    kept = render(prepare(REPO / "content.yaml"), product)
    assert _remembered() > 0
    assert kept == first
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(first)).pages)
    for section in prepared.doc.sections:
        assert " ".join(section.title.split()[:2]) in " ".join(text.split())


def test_a_watch_session_keeps_the_widths_for_its_next_rebuild():
    with session.keeping():  # as a session's rebuilds run
        render(prepare(REPO / "content.yaml"), "pdf")
        assert _remembered() > 0


@pytest.mark.parametrize("product", ["pdf", "deck-pdf"])
def test_structure_tree_keys_count_the_links_after_the_tree_is_let_go(product):
    # The tagger frees its element tree once the structure objects are made: the keys it
    # writes after that (ParentTreeNextKey) must still count every page and every link.
    data = render(prepare(EMPHASIS), product)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        tree = pdf.Root.StructTreeRoot
        links = [
            annotation
            for page in pdf.pages
            for annotation in page.obj.get("/Annots", [])
            if annotation.get("/Subtype") == "/Link"
        ]
        assert links, "the emphasis brief has links"
        keys = sorted(int(annotation.StructParent) for annotation in links)
        assert keys == list(range(len(pdf.pages), len(pdf.pages) + len(links)))
        assert int(tree.ParentTreeNextKey) == len(pdf.pages) + len(links)
        numbers = tree.ParentTree.Nums
        holders = {int(numbers[i]): numbers[i + 1] for i in range(0, len(numbers), 2)}
        for key in keys:
            assert holders[key].S == "/Link"
        for index, page in enumerate(pdf.pages):  # each page's marked content has its owners
            assert int(page.obj.StructParents) == index
            assert len(holders[index]) > 0


def test_a_one_shot_brief_lets_go_of_each_page_once_drawn_and_draws_the_same_bytes():
    from alliancedeck.compose.brief import compose_brief
    from alliancedeck.draw.pdf_brief import draw_brief
    from alliancedeck.fonts import font_book

    def drawn(keep: bool) -> tuple[bytes, list]:
        prepared = prepare(EMPHASIS)
        book = font_book(prepared.theme, prepared.content_dir)
        plan = compose_brief(prepared.doc, prepared.theme, book)
        with session.keeping() if keep else contextlib.nullcontext():
            data = draw_brief(plan, prepared.doc, book, 1700000000)
        return data, plan.pages

    kept, kept_pages = drawn(keep=True)
    assert all(page.boxes for page in kept_pages)  # a session may draw its plan again
    data, pages = drawn(keep=False)
    assert pages and not any(page.boxes or page.order for page in pages)
    assert data == kept
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "see the notional report for detail" in " ".join(text.split())


def test_printable_ascii_is_covered_at_once_only_by_a_face_that_has_all_of_it():
    class Face:  # what is read of a reportlab TTFont: its glyph map
        def __init__(self, codes):
            self.face = SimpleNamespace(charToGlyph={code: 1 for code in codes})

    face = Face

    full = face(range(0x20, 0x7F))
    without_q = face(code for code in range(0x20, 0x7F) if code != ord("Q"))
    assert fonts._all_covered(full, "Quick fox")
    assert not fonts._all_covered(without_q, "Quick fox")  # walked: the Q is missing
    assert fonts._all_covered(without_q, "quick fox")
    assert fonts._all_covered(full, "tab\tand\nline")  # spaces of any kind need no glyph
    assert not fonts._all_covered(full, "bell\x07")
    assert not fonts._all_covered(full, "caf\u00e9")


@pytest.mark.parametrize("product", ["pdf", "deck-pdf"])
def test_the_structure_tree_is_freed_without_a_full_collection(product, monkeypatch):
    # Each element refers down to its kids and up to its parent: a cycle that would wait for
    # a full collection (rare in a build) unless the tagger lets go of it once it is written.
    import gc
    import weakref

    from alliancedeck.draw import pdf_tags

    elements: list[weakref.ref] = []
    finish = pdf_tags.Tagger.finish

    def watched(tagger: pdf_tags.Tagger) -> None:
        elements.extend(weakref.ref(e) for e in pdf_tags._preorder(tagger.root))
        finish(tagger)

    monkeypatch.setattr(pdf_tags.Tagger, "finish", watched)
    prepared = prepare(EMPHASIS)
    gc.collect()
    gc.disable()
    try:
        data = render(prepared, product)
        alive = sum(element() is not None for element in elements)
    finally:
        gc.enable()
    with pikepdf.open(io.BytesIO(data)) as pdf:  # the elements watched are the PDF's
        kinds = [o.get("/Type") for o in pdf.objects if isinstance(o, pikepdf.Dictionary)]
        assert len(elements) == kinds.count("/StructElem")
    assert alive == 0
