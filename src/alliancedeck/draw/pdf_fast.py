"""Write the many small objects of a tagged PDF (structure elements, ParentTree, pages) fast.

A tagged PDF of a thousand pages holds tens of thousands of structure elements. Written as
reportlab's `PDFDictionary`, each takes a dozen recursive `pdfdoc.format` calls, `PDFName`
and `pdfdocEnc` calls; these objects write the same bytes in one pass. They are reportlab
objects all the same: `document.Reference` registers them and the document's `format` loop
asks each for its bytes when its turn comes, so every reference in them is resolved then,
through the document's object numbers, as `PDFObjectReference` resolves it.

Each object also knows how to build the reportlab objects it stands for (`reference_object`),
which write the same bytes the slow way: the fast writing is used only where it is known to
match (reportlab's compact dictionaries, no encryption), and a test compares the two. (With
reportlab's debugging comments on, `rl_config.pdfComments`, the comment above each object names
its class: these classes, not PDFDictionary.)

The document as a whole is written the same way (`pdf_data`): one loop over its objects in
number order, writing reportlab's own page, outline, destination and dictionary objects
without a `PDFIndirectObject` around each or a `pdfdoc.format` call for each entry, and any
other object (streams, fonts) through reportlab.
"""

from __future__ import annotations

import io
import weakref
from collections import Counter, OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from reportlab import rl_config
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfdoc import (
    Destination,
    NoEncryption,
    OutlineEntryObject,
    PDFArray,
    PDFCatalog,
    PDFDestinationFit,
    PDFDestinationXYZ,
    PDFDictionary,
    PDFFile,
    PDFName,
    PDFObject,
    PDFObjectReference,
    PDFPage,
    PDFPages,
    PDFResourceDictionary,
    PDFString,
    PDFTrailer,
)
from reportlab.pdfbase.pdfdoc import format as pdf_format

if TYPE_CHECKING:
    from reportlab.pdfbase.pdfdoc import PDFDocument
    from reportlab.pdfgen.canvas import Canvas

#: Write with the fast path; tests turn it off to compare with reportlab's own writing.
FAST = True

#: Structure elements written as the last rebuild wrote them, in this process, by product (a
#: watch session's: see `_kept_elements`). The tests read it.
ELEMENTS_KEPT: Counter[str] = Counter()

#: What reportlab puts between each run of 10 array items or 6 dictionary entries (it inserts
#: "\n " as an item and joins the items with single spaces).
_BREAK = " \n  "


def _fast_for(document: PDFDocument) -> bool:
    # reportlab's multi-line layout and encrypted strings are left to reportlab.
    return FAST and not rl_config.pdfMultiLine and isinstance(document.encrypt, NoEncryption)


def _array(items: list[str]) -> str:
    """Return `items` written as reportlab's compact `PDFArray` writes them."""
    return "[ " + _runs(items, 10, " ", _BREAK) + " ]"


def _dictionary(entries: list[str]) -> str:
    """Return `entries` ("/Key value", in sorted key order) as a compact `PDFDictionary`."""
    return "<<\n" + _runs(entries, 6, " ", _BREAK) + "\n>>"


def _runs(items: list[Any], run: int, space: Any, line_break: Any) -> Any:
    """Return `items` (all `str` or all `bytes`, as `space` and `line_break` are) joined by
    `space`, broken after each `run` of them as reportlab breaks compact arrays (10) and
    dictionaries (6)."""
    return line_break.join(space.join(items[i : i + run]) for i in range(0, len(items), run))


class _References:
    """The reference to each registered object, by name ("12 0 R"), as `PDFObjectReference`
    writes it: made from the document's object numbers each time it is asked for.

    Nothing is kept: a thousand-page tagged PDF has some 60,000 objects, and their references
    kept until the save ends would take about 5 MB at the moment the save's bytes peak.
    """

    __slots__ = ("__weakref__", "fast", "numbers")

    def __init__(self, document: PDFDocument):
        self.numbers = document.idToObjectNumberAndVersion
        self.fast = _fast_for(document)  # whether this document is written the fast way

    def __getitem__(self, name: str) -> str:
        number, version = self.numbers[name]
        return f"{number} {version} R"


#: Each document's references (an object's number never changes once it is registered).
_documents: weakref.WeakKeyDictionary[Any, _References] = weakref.WeakKeyDictionary()


def _references(document: PDFDocument) -> _References:
    references = _documents.get(document)
    if references is None:
        references = _documents[document] = _References(document)
    return references


def _kid(kid: tuple[int, int] | AnnotationKid, refs: _References) -> str:
    """Return a kid that is not an element nor an MCID on the home page: an MCR or an OBJR."""
    if isinstance(kid, tuple):
        page, mcid = kid
        return f"<<\n/MCID {fp_str(mcid)} /Pg {refs[f'Page{page + 1}']} /Type /MCR\n>>"
    return f"<<\n/Obj {refs[kid.name]} /Type /OBJR\n>>"


def _number(value: Any, document: PDFDocument) -> str:
    if type(value) in (float, int):
        return fp_str(value)
    return pdf_format(value, document).decode("latin-1")


_names: dict[str, str] = {}


def _name(text: str) -> str:
    """Return `PDFName(text)`, remembered: structure types and scopes repeat."""
    name = _names.get(text)
    if name is None:
        name = _names[text] = PDFName(text)
    return name


class AnnotationKid:
    """An annotation a structure element holds (written as an OBJR dictionary)."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name  # the annotation's registered name


class _Preformatted(PDFObject):
    """An object that writes its own text when the document is formatted, or, where the fast
    writing is off (see `_References.fast`), the reportlab object it stands for."""

    __slots__ = ()

    def format(self, document: PDFDocument) -> bytes:
        refs = _references(document)
        if not refs.fast:
            return self.reference_object().format(document)
        return self.written(document, refs)

    def written(self, document: PDFDocument, refs: _References) -> bytes:
        raise NotImplementedError

    def reference_object(self) -> PDFObject:
        raise NotImplementedError


class StructElemObject(_Preformatted):
    """One structure element (/Type /StructElem), written as reportlab writes a PDFDictionary.

    `parent` and the element names in `kids` are registered names of other objects; `kids`
    holds, in order, those names (str), MCIDs on the home page (int), (page index, MCID)
    pairs on other pages, and `AnnotationKid`s. Pages are named as reportlab names them.
    """

    __slots__ = (
        "__InternalName__",
        "alt",
        "bbox",
        "home",
        "kids",
        "kind",
        "lang",
        "parent",
        "scope",
    )

    def __init__(
        self,
        kind: str,
        parent: str,
        home: int | None,
        kids: tuple[Any, ...],
        alt: str | None,
        lang: str | None,
        scope: str | None,
        bbox: tuple[float, float, float, float] | None,
    ):
        self.kind = kind
        self.parent = parent
        self.home = home
        self.kids = kids
        self.alt = alt
        self.lang = lang
        self.scope = scope
        self.bbox = bbox

    def written(self, document: PDFDocument, refs: _References) -> bytes:
        kids = [
            refs[kid] if type(kid) is str else fp_str(kid) if type(kid) is int else _kid(kid, refs)
            for kid in self.kids
        ]
        array = _array(kids) if len(kids) > 10 else "[ " + " ".join(kids) + " ]"
        parent = refs[self.parent]
        page = None if self.home is None else refs[f"Page{self.home + 1}"]
        kind = _name(self.kind)
        if not (self.scope or self.bbox or self.alt is not None or self.lang):
            # Five entries at most: one line.
            on = "" if page is None else " /Pg " + page
            text = f"<<\n/K {array} /P {parent}{on} /S {kind} /Type /StructElem\n>>"
            return text.encode("latin-1")
        entries = []
        if self.scope:
            entries.append(f"/A <<\n/O /Table /Scope {_name(self.scope)}\n>>")
        elif self.bbox:
            box = " ".join(_number(value, document) for value in self.bbox)
            entries.append(f"/A <<\n/BBox [ {box} ] /O /Layout\n>>")
        if self.alt is not None:
            entries.append("/Alt " + PDFString(self.alt).format(document).decode("latin-1"))
        entries.append("/K " + array)
        if self.lang:
            entries.append("/Lang " + PDFString(self.lang).format(document).decode("latin-1"))
        entries.append("/P " + parent)
        if page is not None:
            entries.append("/Pg " + page)
        entries.append("/S " + kind)
        entries.append("/Type /StructElem")
        return _dictionary(entries).encode("latin-1")

    def reference_object(self) -> PDFDictionary:
        """Return the reportlab dictionary this object writes (the reference writing)."""
        obj = PDFDictionary({"Type": PDFName("StructElem")})
        obj["S"] = PDFName(self.kind)
        obj["P"] = PDFObjectReference(self.parent)
        if self.home is not None:
            obj["Pg"] = _page_reference(self.home)
        kids: list[Any] = []
        for kid in self.kids:
            if isinstance(kid, str):
                kids.append(PDFObjectReference(kid))
            elif isinstance(kid, int):
                kids.append(kid)
            elif isinstance(kid, tuple):
                page, mcid = kid
                kids.append(
                    PDFDictionary(
                        {"Type": PDFName("MCR"), "Pg": _page_reference(page), "MCID": mcid}
                    )
                )
            else:
                kids.append(
                    PDFDictionary({"Type": PDFName("OBJR"), "Obj": PDFObjectReference(kid.name)})
                )
        obj["K"] = PDFArray(kids)
        if self.alt is not None:
            obj["Alt"] = PDFString(self.alt)
        if self.lang:
            obj["Lang"] = PDFString(self.lang)
        attributes: dict[str, Any] = {}
        if self.scope:
            attributes = {"O": PDFName("Table"), "Scope": PDFName(self.scope)}
        elif self.bbox:
            attributes = {"O": PDFName("Layout"), "BBox": PDFArray(list(self.bbox))}
        if attributes:
            obj["A"] = PDFDictionary(attributes)
        return obj


class ParentTreeObject(_Preformatted):
    """The ParentTree number tree (one /Nums array), written as reportlab writes it.

    `pages` holds, per page, the registered names of the elements owning its MCIDs in order;
    `annotations` the names of the elements holding each annotation, keyed from len(pages).
    """

    __slots__ = ("__InternalName__", "annotations", "pages")

    def __init__(self, pages: list[list[str]], annotations: list[str]):
        self.pages = pages
        self.annotations = annotations

    def written(self, document: PDFDocument, refs: _References) -> bytes:
        items = []
        for index, owners in enumerate(self.pages):
            items.append(fp_str(index))
            items.append(_array([refs[name] for name in owners]))
        for key, name in enumerate(self.annotations, start=len(self.pages)):
            items.append(fp_str(key))
            items.append(refs[name])
        return ("<<\n/Nums " + _array(items) + "\n>>").encode("latin-1")

    def reference_object(self) -> PDFDictionary:
        """Return the reportlab dictionary this object writes (the reference writing)."""
        numbers: list[Any] = []
        for index, owners in enumerate(self.pages):
            numbers += [index, PDFArray([PDFObjectReference(name) for name in owners])]
        for key, name in enumerate(self.annotations, start=len(self.pages)):
            numbers += [key, PDFObjectReference(name)]
        return PDFDictionary({"Nums": PDFArray(numbers)})


def next_names(document: PDFDocument, count: int) -> list[str]:
    """Return the names `document.Reference` gives the next `count` objects it registers
    unnamed ("R" and the object's number)."""
    first = document.objectcounter + 1
    return [f"R{number}" for number in range(first, first + count)]


def register(document: PDFDocument, objects: list[Any], names: list[str]) -> None:
    """Register `objects`, new and unnamed, under `names` (`next_names` for as many, with
    nothing registered since): what `document.Reference(obj)` does for each in turn, without
    a reference made and checked for each of a long document's 30,000 elements. With the
    fast writing off (`FAST`), each is registered by `Reference` itself, the reference the
    bytes are compared with."""
    if not FAST:
        for obj, name in zip(objects, names, strict=True):
            given = document.Reference(obj).name
            if given != name:
                raise ValueError(f"object {name} registered out of turn (as {given})")
        return
    numbers = document.idToObjectNumberAndVersion
    by_number = document.numberToId
    by_name = document.idToObject
    counter = document.objectcounter
    for obj, name in zip(objects, names, strict=True):
        counter += 1
        if name != f"R{counter}":
            raise ValueError(f"object {name} registered out of turn (number {counter})")
        if name in by_name:  # as Reference refuses it
            raise ValueError("redefining named object: " + repr(name))
        obj.__InternalName__ = name
        numbers[name] = (counter, 0)
        by_number[counter] = name
        by_name[name] = obj
    document.objectcounter = counter


def _page_reference(index: int) -> PDFObjectReference:
    # reportlab names page objects Page1, Page2... in the order they are shown.
    return PDFObjectReference(f"Page{index + 1}")


# ----- the whole document ---------------------------------------------------------------------


def pdf_data(canvas: Canvas, product: str = "") -> bytes:
    """Return the PDF bytes of `canvas`, as `canvas.getpdfdata()` returns them (no copy through a
    file), each registered object written by `_write_document` where the fast writing matches.
    The canvas's document is emptied: `canvas` cannot be used afterwards. Inside a watch
    session, `product` ("deck", "brief") names what the structure elements written are kept as
    (see `_kept_elements`).

    A thousand-page document holds some 50,000 objects; reportlab wraps each in a
    `PDFIndirectObject` and formats its dictionaries entry by entry through `pdfdoc.format`.
    """
    document = canvas._doc
    if _fast_for(document) and not _comments() and not getattr(document, "_digiSigs", None):
        # The document's own `format`, called last by `GetPDFData`, is replaced for this
        # document only; reportlab's preparation (fonts, outlines, info) runs as before.
        document.format = lambda: _write_document(document, product)
    data = canvas.getpdfdata()
    # The document sits in reference cycles (its XMP metadata's writer refers to the tagger, the
    # tagger to the canvas), so only a full collection would free its objects (pages, streams,
    # the structure tree); a build makes those rare (alliancedeck.launch). Written, the
    # document is not used again: let its objects go now.
    document.__dict__.clear()
    return data


def _comments() -> bool:
    # reportlab's debugging comments (written above each object when not invariant).
    return bool(not rl_config.invariant and rl_config.pdfComments)


def _write_document(document: PDFDocument, product: str) -> bytes:
    """Return the bytes `PDFDocument.format` returns for `document` (unencrypted, unsigned,
    without comments): every object in number order, the cross-reference table and trailer.
    Inside a watch session, structure elements written as the last rebuild of `product` wrote
    them are not written again (`_kept_elements`)."""
    document.encrypt.prepare(document)
    catalog, info = document.Catalog, document.info
    document.Reference(catalog)
    document.Reference(info)
    refs = _references(document)
    number_to_name = document.numberToId
    objects = document.idToObject
    numbers = document.idToObjectNumberAndVersion
    offsets = document.idToOffset
    file = document.__accum__ = PDFFile(document._pdfVersion)
    # The bytes grow in one buffer (not a list of 60,000 pieces joined at the end, which held
    # the document's bytes twice over, and a header for every piece), whose bytes are
    # returned as they are (`getvalue` copies nothing: a `bytearray` would be copied once more).
    out = io.BytesIO()
    out.write(b"".join(file.strings))
    names = []
    counter = 1
    kept = _kept_elements(product, numbers)
    last, now = kept if kept is not None else ({}, {})
    reused = 0
    # Objects may register more objects while they are written (a page its content stream).
    while counter in number_to_name:
        name = number_to_name[counter]
        obj = objects[name]
        kind = type(obj)
        if kind is StructElemObject and kept is not None:
            # What its bytes are made of (see `_kept_elements`); kids it holds by identity
            # (an annotation's) match no earlier element's.
            made_of = (
                obj.kind, obj.parent, obj.home, obj.kids, obj.alt, obj.lang, obj.scope, obj.bbox
            )  # fmt: skip
            content = last.get(made_of)
            if content is None:
                content = obj.written(document, refs)
            else:
                reused += 1
            now[made_of] = content
        else:
            writer = _WRITERS.get(kind)
            content = (
                writer(obj, document, refs)
                if writer is not None
                else obj.written(document, refs)
                if isinstance(obj, _Preformatted)
                else pdf_format(obj, document, 1)
            )
        offsets[name] = out.tell()
        out.write(b"%d %d obj\n" % numbers[name])
        out.write(content)
        out.write(b"endobj\n" if content.endswith(b"\n") else b"\nendobj\n")
        # Written: the object goes (its name stays, so that `Reference` still finds it), and
        # the memory of a long document's objects is reused for its bytes as they grow.
        objects[name] = None
        names.append(name)
        counter += 1
    ELEMENTS_KEPT[product] += reused
    file.offset = out.tell()
    del document.__accum__
    if counter - 1 != len(number_to_name):
        raise ValueError(f"counter {counter} does not match the objects {len(number_to_name)}")
    xref_offset = out.tell()
    out.write(_cross_references(names, numbers, offsets))
    trailer = PDFTrailer(
        startxref=xref_offset,
        Size=len(number_to_name) + 1,
        Root=document.Reference(catalog),
        Info=document.Reference(info),
        Encrypt=None,
        ID=document.ID(),
    )
    out.write(trailer.format(document))
    return out.getvalue()


def _kept_elements(
    product: str,
    numbers: dict[str, tuple[int, int]],
) -> tuple[dict[tuple[Any, ...], bytes], dict[tuple[Any, ...], bytes]] | None:
    """Inside a watch session, return the structure elements' bytes the last rebuild of
    `product` wrote for a document whose pages had these object numbers (by what each element
    is made of: see `StructElemObject`), and the dictionary this one's go into (kept for the
    next rebuild, so none outlives a rebuild that does not write it); None outside a session.

    An element's bytes are made of its fields and the numbers of the objects they name: each
    element, and the structure tree's root, is registered unnamed, so its name ("R" and its
    number) gives its number; pages by their names ("Page" and their place) have the numbers
    the key holds; annotations are named otherwise, and an element holding one is written
    afresh (its kid is compared by identity). A long document's edited rebuild writes most of
    its 30,000 elements as the last one did.
    """
    from alliancedeck import session

    if not session.active():
        return None
    pages = []
    while (number := numbers.get(f"Page{len(pages) + 1}")) is not None:
        pages.append(number)
    key = tuple(pages)
    now: dict[tuple[Any, ...], bytes] = {}
    # A kind per product: the products of one rebuild may render one after the other here,
    # each in a rebuild of its own (see `alliancedeck.session.boxes_digest`).
    kind = f"pdf-structure-elements-{product}"
    last = session.lookup(kind, key) or {}
    session.store(kind, key, now)
    return last, now


def _cross_references(
    names: list[str], numbers: dict[str, tuple[int, int]], offsets: dict[str, int]
) -> bytes:
    """Return the cross-reference table of objects 1.. `names`, as reportlab writes it (objects
    are numbered in order from 1, so no number is taken twice or out of range)."""
    table = bytearray(b"xref\n0 %d\n0000000000 65535 f " % (len(names) + 1))
    for name in names:  # one entry at a time: no list of 60,000 texts beside the bytes
        table += b"\n%010d %05d n " % (offsets[name], numbers[name][1])
    table += b"\n"
    return bytes(table)


_name_bytes: dict[str, bytes] = {}


def _key(name: str) -> bytes:
    """Return a dictionary key as `pdfdoc.format(PDFName(name))` writes it, remembered."""
    written = _name_bytes.get(name)
    if written is None:
        written = _name_bytes[name] = PDFName(name).encode("extpdfdoc")
    return written


def _value(value: Any, document: PDFDocument, refs: _References) -> bytes:
    """Return `value` inside another object, as `pdfdoc.format(value, document)` writes it."""
    kind = type(value)
    if kind is PDFObjectReference:
        return refs[value.name].encode()
    if kind is str:
        return value.encode("extpdfdoc")
    if kind is int or kind is float:
        return fp_str(value).encode()
    if kind is PDFDictionary:
        return _write_dictionary(value, document, refs)
    if kind is PDFArray and value.multiline is True:
        return _array_bytes([_value(item, document, refs) for item in value.sequence])
    if kind is PDFResourceDictionary:  # a page's resources
        return _write_resources(value, document, refs)
    if kind is Destination:
        return _write_destination(value, document, refs)
    return pdf_format(value, document)


def _array_bytes(items: list[bytes]) -> bytes:
    """Return written `items` as a compact `PDFArray` writes them (see `_array`)."""
    return b"[ " + _runs(items, 10, b" ", _BREAK_BYTES) + b" ]"


_BREAK_BYTES = _BREAK.encode()


def _entries(entries: dict[str, Any], document: PDFDocument, refs: _References) -> bytes:
    """Return `entries` as `PDFDictionary(entries)` writes them (compact; keys sorted unless
    they are an OrderedDict)."""
    keys = list(entries)
    if not isinstance(entries, OrderedDict):
        keys.sort()
    items = [_key(key) + b" " + _value(entries[key], document, refs) for key in keys]
    return b"<<\n" + _runs(items, 6, b" ", _BREAK_BYTES) + b"\n>>"


def _write_dictionary(obj: PDFDictionary, document: PDFDocument, refs: _References) -> bytes:
    if obj.multiline == "forced":  # one entry a line (reportlab's trailer)
        return obj.format(document)
    return _entries(obj.dict, document, refs)


def _write_catalog(obj: PDFCatalog, document: PDFDocument, refs: _References) -> bytes:
    """Write a catalog or page dictionary as `PDFCatalog.format` does (objects it holds are
    registered in the same order, so they get the same numbers)."""
    obj.check_format(document)
    entries: dict[str, Any] = {}
    for key, default in obj.__Defaults__.items():
        value = getattr(obj, key, default)
        if value is not None:
            entries[key] = value
    for key in obj.__NoDefault__:
        value = getattr(obj, key, None)
        if value is not None:
            entries[key] = value
    for key in obj.__Refs__:
        if key in entries:
            entries[key] = document.Reference(entries[key])
    return _entries(entries, document, refs)


def _write_resources(obj: PDFResourceDictionary, document: PDFDocument, refs: _References) -> bytes:
    """Write a page's resources as `PDFResourceDictionary.format` does."""
    entries: dict[str, Any] = {}
    for key in obj.dict_attributes:
        value = getattr(obj, key)
        if isinstance(value, dict):
            if value:
                entries[key] = PDFDictionary(value)
        else:
            entries[key] = value
    procedures = obj.ProcSet
    if isinstance(procedures, (tuple, list)):
        if procedures:
            entries["ProcSet"] = PDFArray(procedures)
    else:
        entries["ProcSet"] = procedures
    return _entries(entries, document, refs)


def _write_outline_entry(
    obj: OutlineEntryObject, document: PDFDocument, refs: _References
) -> bytes:
    """Write an outline entry as `OutlineEntryObject.format` does."""
    entries: dict[str, Any] = {
        "Title": PDFString(obj.Title),
        "Parent": obj.Parent,
        "Dest": obj.Dest,
    }
    for key in ("Prev", "Next", "First", "Last", "Count"):
        value = getattr(obj, key)
        if value is not None:
            entries[key] = value
    return _entries(entries, document, refs)


def _write_destination(obj: Destination, document: PDFDocument, refs: _References) -> bytes:
    """Write a bookmark's destination as `Destination.format` does (an XYZ or Fit array)."""
    view, page = obj.fmt, obj.page
    if view is None or page is None or type(view) not in (PDFDestinationXYZ, PDFDestinationFit):
        return obj.format(document)  # reportlab's own error, or a rarer kind of view
    view.page = page
    items = [refs[document.Reference(page).name].encode(), _key(view.typename)]
    if type(view) is PDFDestinationXYZ:
        items += [_value(value, document, refs) for value in (view.left, view.top, view.zoom)]
    return _array_bytes(items)


#: The objects `_write_document` writes itself, by exact type (a subclass may write otherwise).
_WRITERS: dict[type, Callable[[Any, PDFDocument, _References], bytes]] = {
    PDFDictionary: _write_dictionary,
    PDFPage: _write_catalog,
    PDFCatalog: _write_catalog,
    PDFPages: _write_catalog,
    PDFResourceDictionary: _write_resources,
    OutlineEntryObject: _write_outline_entry,
    Destination: _write_destination,
}


__all__ = ["FAST", "AnnotationKid", "ParentTreeObject", "StructElemObject", "pdf_data"]
