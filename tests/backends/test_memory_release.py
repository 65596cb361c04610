"""What a one-shot build lets go of as it goes: widths, the structure tree, drawn pages and
slides, written PDF objects; and what it holds compressed (page streams, slide XML)."""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
import zlib
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


def _deck_geometry(path=EMPHASIS):
    from alliancedeck.backends import RenderContext
    from alliancedeck.compose.deck import deck_geometry

    prepared = prepare(path)
    context = RenderContext(prepared.content_dir, 1700000000)
    return prepared, context, deck_geometry(prepared.doc, prepared.theme, context)


def test_the_last_deck_product_lets_go_of_each_slide_once_drawn_and_draws_the_same_bytes():
    from alliancedeck.backends import load

    prepared, context, deck = _deck_geometry()
    kept = load("deck-pdf").render(prepared.doc, prepared.theme, context)
    assert all(slide.boxes for slide in deck.slides)  # a context that keeps: nothing goes
    assert context.cache["deck"] is deck
    context.consume = "slides"  # another product's turn to consume: nothing goes
    assert load("deck-pdf").render(prepared.doc, prepared.theme, context) == kept
    assert all(slide.boxes for slide in deck.slides)
    context.consume = "deck-pdf"
    data = load("deck-pdf").render(prepared.doc, prepared.theme, context)
    assert deck.slides and not any(slide.boxes for slide in deck.slides)
    assert "deck" not in context.cache  # a product after it would lay the deck out again
    assert data == kept
    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) == len(deck.slides)
    for page, slide in zip(pages, deck.slides, strict=True):
        assert " ".join(slide.title.split()[:2]) in " ".join(page.extract_text().split())


def test_the_slides_drawn_last_let_go_of_each_slide_once_written_in_the_same_bytes():
    """The .pptx is the last reader of the slide layout in a process of its own (a large deck
    drawn beside its PDF, or the slides alone): each slide goes once written."""
    from alliancedeck.backends import load

    prepared, context, deck = _deck_geometry()
    kept = load("slides").render(prepared.doc, prepared.theme, context)
    assert all(slide.boxes for slide in deck.slides)
    context.consume = "deck-pdf"  # another product's turn to consume: nothing goes
    assert load("slides").render(prepared.doc, prepared.theme, context) == kept
    assert all(slide.boxes for slide in deck.slides)
    context.consume = "slides"
    data = load("slides").render(prepared.doc, prepared.theme, context)
    assert len(deck.slides) > 1 and not any(slide.boxes for slide in deck.slides)
    assert "deck" not in context.cache  # a product after it would lay the deck out again
    assert data == kept


@pytest.mark.parametrize(
    ("group", "own", "consumed"),
    [
        (("slides", "deck-pdf"), True, "deck-pdf"),
        (("deck-pdf", "slides"), True, "slides"),
        (("slides", "deck-pdf"), False, None),  # the caller's context keeps everything
    ],
)
def test_only_the_last_product_of_a_group_in_its_own_context_may_consume(
    group, own, consumed, monkeypatch
):
    from alliancedeck import backends, parallel
    from alliancedeck.api import _job

    seen: dict[str, bool] = {}
    load = backends.load

    def watching(name):
        backend = load(name)

        class Watched:
            def render(self, doc, theme, context):
                seen[name] = context.consume
                return backend.render(doc, theme, context)

        return Watched()

    monkeypatch.setattr(backends, "load", watching)
    prepared = prepare(EMPHASIS)
    context = backends.RenderContext(prepared.content_dir, 1700000000)
    data, _ = parallel.render_group(group, _job(prepared), context, own_context=own)
    assert seen == {name: name if name == consumed else "" for name in group}
    deck = PdfReader(io.BytesIO(data["deck-pdf"]))
    with zipfile.ZipFile(io.BytesIO(data["slides"])) as pptx:
        slides = [n for n in pptx.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)]
    assert len(slides) == len(deck.pages) > 1
    with session.keeping():
        assert parallel.render_group(group, _job(prepared), context, own_context=True)[0] == data


def test_a_watch_session_never_consumes():
    from alliancedeck import backends, parallel
    from alliancedeck.api import _job

    prepared = prepare(EMPHASIS)
    context = backends.RenderContext(prepared.content_dir, 1700000000)
    with session.keeping():
        parallel.render_group(("slides", "deck-pdf"), _job(prepared), context, own_context=True)
    assert not context.consume
    assert all(slide.boxes for slide in context.cache["deck"].slides)


@pytest.mark.parametrize("product", ["pdf", "deck-pdf"])
def test_a_pdf_lets_go_of_each_object_once_written(product, monkeypatch):
    from alliancedeck.draw import pdf_fast

    held: list[dict] = []
    write = pdf_fast._write_document

    def watched(document, product):
        objects = document.idToObject
        data = write(document, product)
        held.append(dict(objects))  # as the writing left it
        return data

    monkeypatch.setattr(pdf_fast, "_write_document", watched)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    data = render(prepare(EMPHASIS), product)
    (objects,) = held
    assert len(objects) > 100 and all(value is None for value in objects.values())
    monkeypatch.setattr(pdf_fast, "FAST", False)  # reportlab's own writing keeps everything
    assert render(prepare(EMPHASIS), product) == data


@pytest.mark.parametrize("product", ["pdf", "deck-pdf"])
def test_each_page_is_held_compressed_once_shown(product, monkeypatch):
    from alliancedeck.draw import pdf_fast, pdf_replay

    pages: list = []
    write = pdf_fast.pdf_data

    def watched(canvas, product):
        pages.extend(canvas._doc.Pages.pages)
        return write(canvas, product)

    # As each page starts, every page shown before it is held compressed already.
    held: list[bool] = []
    start = pdf_replay.PageReplay.page

    def starting(self, content, draw, fresh=False):
        start(self, content, draw, fresh)
        held.append(all(page.stream is None for page in self.canvas._doc.Pages.pages))

    monkeypatch.setattr(pdf_replay.PageReplay, "page", starting)
    module = "pdf_brief" if product == "pdf" else "pdf_deck"
    monkeypatch.setattr(f"alliancedeck.draw.{module}.pdf_data", watched)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    data = render(prepare(EMPHASIS), product)
    assert len(pages) > 1
    assert len(held) == len(pages) and all(held)
    compressed = pdf_replay._compressed_stream_class()
    assert all(page.stream is None and type(page.Contents) is compressed for page in pages)
    # Left to reportlab to compress at the save, the pages give the same bytes.
    monkeypatch.setattr(pdf_replay.PageReplay, "_streams", lambda self: None)
    pages.clear()
    assert render(prepare(EMPHASIS), product) == data
    assert all(page.stream for page in pages)


def test_a_one_shot_deck_holds_its_slides_deflated_until_the_zip_is_written(monkeypatch):
    from alliancedeck.draw import package, pptx_deck

    members: list[list] = []
    write_zip = package.write_zip

    def watched(parts, epoch):
        parts = list(parts)
        members.append(parts)
        return write_zip(parts, epoch)

    monkeypatch.setattr(pptx_deck, "write_zip", watched)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    data = render(prepare(REPO / "content.yaml"), "slides")
    with session.keeping():
        kept = render(prepare(REPO / "content.yaml"), "slides")
    one_shot, in_session = members
    packed = {name for name, held in one_shot if isinstance(held, package.Packed)}
    assert any(name.startswith("ppt/slides/slide") for name in packed)
    assert any(name.startswith("ppt/notesSlides/") for name in packed)
    assert not any(isinstance(held, package.Packed) for _, held in in_session)
    assert kept == data
    with zipfile.ZipFile(io.BytesIO(data)) as pptx:
        for name, held in one_shot:
            expected = zlib.decompress(held.data, -15) if isinstance(held, package.Packed) else held
            if name in packed or name.endswith(".rels"):
                assert pptx.read(name) == expected


def test_a_backend_that_draws_the_deck_pdf_for_itself_keeps_the_slide_layout(monkeypatch):
    # A third-party backend sharing the slide layout, last in its group, may call the deck
    # PDF's backend with its own context: the layout it holds stays whole.
    from alliancedeck import backends, parallel
    from alliancedeck.api import _job
    from alliancedeck.compose.deck import deck_geometry

    load = backends.load
    counted: list[int] = []

    class DeckIndex:
        name = "deck-index"
        shares = "deck"

        def render(self, doc, theme, context):
            deck = deck_geometry(doc, theme, context)
            pdf = load("deck-pdf").render(doc, theme, context)
            counted.extend(len(slide.boxes) for slide in deck.slides)
            return pdf

    monkeypatch.setattr(
        backends, "load", lambda name: DeckIndex() if name == "deck-index" else load(name)
    )
    prepared = prepare(EMPHASIS)
    context = backends.RenderContext(prepared.content_dir, 1700000000)
    data, _ = parallel.render_group(
        ("slides", "deck-index"), _job(prepared), context, own_context=True
    )
    assert counted and all(counted)
    assert all(slide.boxes for slide in context.cache["deck"].slides)
    alone = backends.RenderContext(prepared.content_dir, 1700000000)
    assert data["deck-index"] == load("deck-pdf").render(prepared.doc, prepared.theme, alone)
