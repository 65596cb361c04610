"""The structure tree and the whole document written fast (draw/pdf_fast.py) are byte for byte
what reportlab writes."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pikepdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliancedeck.draw.pdf_tags import Element, _home_pages, _preorder
from conftest import REPO, write_brief

#: English with a Japanese point and a chart whose Japanese alt is tagged `ja` (a Figure with
#: eight entries: reportlab breaks its line after the sixth), a table, an inline link.
MIXED = """
meta:
  title: Notional mixed brief
  language: en-US
  date: 2024-05-31
sections:
  - title: Notional spending
    lead: See [the notional report](https://example.org/report) for the detail.
    points:
      - The treaty is called the alliance in English.
      - 日米同盟は地域の平和と安定の礎である（架空の例）。
    chart:
      - type: column
        title: Notional spending
        alt: 架空の支出の縦棒グラフ（2019年から2020年）
        categories: ["2019", "2020"]
        series: [{name: Spending, values: [1, 2]}]
  - title: Notional sites
    table:
      caption: Notional sites
      columns: [Site, Staff]
      rows: [[Notional site 1, 10], [Notional site 2, 20]]
"""

#: Links and emphasis, every block (tables, charts, pictures), a paragraph and a table split
#: over pages, a Japanese brief with English runs.
INPUTS = {
    "emphasis": REPO / "tests" / "backends" / "emphasis.yaml",
    "blocks": REPO / "examples" / "blocks" / "content.yaml",
    "split": Path(__file__).with_name("split.yaml"),
    "japanese": REPO / "tests" / "i18n" / "japanese.yaml",
}


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str, bool], bytes]:
    """Render the brief and the deck PDF of every input with the fast writing on and off;
    return {(input, backend, fast): PDF bytes}. Each way is checked to take its own path: the
    structure elements and the document as a whole."""
    from alliancedeck.api import prepare, render
    from alliancedeck.draw import pdf_fast

    inputs = dict(INPUTS, mixed=write_brief(tmp_path_factory.mktemp("mixed"), MIXED))
    found: dict[tuple[str, str, bool], bytes] = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1717156800")
        calls = Counter[bool]()
        # Count the reportlab dictionaries built: none on the fast path, one per object off it.
        reference = pdf_fast.StructElemObject.reference_object

        def counted(self: pdf_fast.StructElemObject) -> object:
            calls[pdf_fast.FAST] += 1
            return reference(self)

        patch.setattr(pdf_fast.StructElemObject, "reference_object", counted)
        documents = Counter[bool]()
        write_document = pdf_fast._write_document

        def counted_document(document: object, product: str) -> bytes:
            documents[pdf_fast.FAST] += 1
            return write_document(document, product)

        patch.setattr(pdf_fast, "_write_document", counted_document)
        for name, content in inputs.items():
            prepared = prepare(content)
            for fast in (True, False):
                patch.setattr(pdf_fast, "FAST", fast)
                for backend in ("pdf", "deck-pdf"):
                    found[name, backend, fast] = render(prepared, backend)
        assert calls[True] == 0
        assert calls[False] > 1000
        assert documents == {True: 2 * len(inputs)}  # every fast PDF, and none of the others
    return found


@pytest.mark.parametrize("backend", ["pdf", "deck-pdf"])
@pytest.mark.parametrize("name", [*INPUTS, "mixed"])
def test_the_fast_writing_gives_the_bytes_reportlab_writes(written, name, backend):
    fast, reference = written[name, backend, True], written[name, backend, False]
    if fast != reference:
        at = next(
            (i for i, (a, b) in enumerate(zip(fast, reference, strict=False)) if a != b), None
        )
        at = min(len(fast), len(reference)) if at is None else at
        pytest.fail(
            f"{name} {backend}: the fast writing differs at byte {at}:\n"
            f"fast:      {fast[max(0, at - 120) : at + 80]!r}\n"
            f"reportlab: {reference[max(0, at - 120) : at + 80]!r}"
        )


def test_the_compared_pdfs_hold_every_kind_of_entry_the_fast_writing_writes(written, tmp_path):
    # What the comparison above covers: each shape of structure element and of its kids.
    seen = Counter[str]()
    for (name, backend, fast), data in written.items():
        if not fast:
            continue
        path = tmp_path / f"{name}-{backend}.pdf"
        path.write_bytes(data)
        with pikepdf.open(path) as pdf:
            seen.update(_document_entries(pdf))
            if any(b"/Artifact" in page.Contents.read_bytes() for page in pdf.pages):
                seen["artifact"] += 1
            nums = pdf.Root.StructTreeRoot.ParentTree.Nums
            seen["parent tree past ten items"] += len(nums) > 10
            for obj in pdf.objects:
                if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/StructElem":
                    continue
                seen["more than six entries"] += len(obj.keys()) > 6
                for key in ("/Alt", "/Lang", "/Pg"):
                    seen[key] += key in obj
                if "/A" in obj:
                    seen["/A " + ("/Scope" if "/Scope" in obj.A else "/BBox")] += 1
                kids = obj.K
                seen["more than ten kids"] += len(kids) > 10
                for kid in kids:
                    if isinstance(kid, pikepdf.Dictionary):
                        # /StructElem: a kid element; /MCR: a mark on another page; /OBJR: a link
                        seen[str(kid.Type)] += 1
                    else:
                        seen["MCID"] += 1
    expected = {
        *DOCUMENT_ENTRIES,
        "artifact",
        "parent tree past ten items",
        "more than six entries",
        "more than ten kids",
        "/Alt",
        "/Lang",
        "/Pg",
        "/A /Scope",
        "/A /BBox",
        "/MCR",
        "/OBJR",
        "MCID",
        "/StructElem",
    }
    assert expected <= {kind for kind, count in seen.items() if count}, seen


#: What the fast writing of the document writes besides the structure tree (and where).
DOCUMENT_ENTRIES = {
    "page tree past ten pages",  # an array broken every ten items
    "page with a link",  # an /Annots array; the annotation is a plain dictionary
    "page with more than six entries",  # a dictionary broken every six entries
    "page with pictures or states",  # resources with /XObject or /ExtGState
    "outline entry with a next one",  # /Next, /Prev
    "destination /XYZ",  # a brief's bookmarks: a position on the page
    "destination /Fit",  # a deck's: the whole slide
}


def _document_entries(pdf: pikepdf.Pdf) -> Counter[str]:
    """Count the kinds of pages, outline entries and destinations `pdf` holds."""
    seen = Counter[str]()
    seen["page tree past ten pages"] += len(pdf.Root.Pages.Kids) > 10
    for page in pdf.pages:
        seen["page with a link"] += "/Annots" in page.obj
        seen["page with more than six entries"] += len(page.obj.keys()) > 6
        resources = page.obj.Resources
        seen["page with pictures or states"] += "/XObject" in resources or "/ExtGState" in resources
    entry = pdf.Root.Outlines.get("/First")
    while entry is not None:
        seen["outline entry with a next one"] += "/Next" in entry
        seen["destination " + str(entry.Dest[1])] += 1
        entry = entry.get("/Next")
    return seen


def _tree(shape: list) -> Element:
    """Return the element tree `shape` describes: per kid, a (page, MCID) mark or a subtree."""
    root = Element("Document", None)

    def grow(element: Element, kids: list) -> None:
        for kid in kids:
            if isinstance(kid, tuple):
                element.kids.append(kid)
            else:
                grow(element.add("Div"), kid)

    grow(root, shape)
    return root


MARKS = st.tuples(st.integers(0, 3), st.integers(0, 9))
SHAPES = st.recursive(
    st.lists(MARKS, max_size=3), lambda kids: st.lists(kids | MARKS, max_size=4), max_leaves=30
)


@settings(max_examples=300, deadline=None)
@given(SHAPES)
def test_each_element_s_home_page_is_its_first_mark_else_the_first_mark_under_it(shape):
    def marks(element: Element) -> list[tuple[int, int]]:
        found = []
        for kid in element.kids:
            found += [kid] if isinstance(kid, tuple) else marks(kid)
        return found

    root = _tree(shape)
    elements = _preorder(root)
    assert elements == list(root.walk())
    expected = []
    for element in elements:
        own = [kid[0] for kid in element.kids if isinstance(kid, tuple)]
        under = [page for page, _ in marks(element)]
        expected.append(own[0] if own else under[0] if under else None)
    assert _home_pages(elements) == expected


def test_objects_registered_at_once_are_numbered_as_reference_numbers_them():
    """`register` gives a run of new objects the names and numbers `Reference` gives each in
    turn, and refuses, as `Reference` does, a name already taken or a run out of turn."""
    from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFDocument

    from alliancedeck.draw import pdf_fast

    def document() -> PDFDocument:
        doc = PDFDocument()
        doc.Reference(PDFDictionary({}))  # an object before the run
        return doc

    one, other = document(), document()
    made = [pdf_fast.StructElemObject("P", "R1", 0, (), None, None, None, None) for _ in range(3)]
    start = one.objectcounter + 1
    names = pdf_fast.next_names(one, 3)
    pdf_fast.register(one, made, names)
    for _ in range(3):
        other.Reference(pdf_fast.StructElemObject("P", "R1", 0, (), None, None, None, None))
    assert names == [f"R{start + n}" for n in range(3)] == [obj.__InternalName__ for obj in made]
    assert one.idToObjectNumberAndVersion == other.idToObjectNumberAndVersion
    assert one.numberToId == other.numberToId
    assert one.objectcounter == other.objectcounter == start + 2
    assert [one.idToObject[name] for name in names] == made

    taken = document()
    names = pdf_fast.next_names(taken, 2)
    taken.Reference(PDFDictionary({}), name=names[1])  # named as the run's second is numbered
    names = pdf_fast.next_names(taken, 2)
    with pytest.raises(ValueError, match="redefining named object"):
        pdf_fast.register(taken, [PDFDictionary({}), PDFDictionary({})], names)
    late = document()
    names = pdf_fast.next_names(late, 1)
    late.Reference(PDFDictionary({}))  # registered since the names were asked for
    with pytest.raises(ValueError, match="out of turn"):
        pdf_fast.register(late, [PDFDictionary({})], names)
