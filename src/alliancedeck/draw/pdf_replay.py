"""Page replay for the PDFs of a watch session: a page drawn as before is copied, not redrawn.

Inside a session (`alliancedeck.session.active`), each page's content stream is kept between
rebuilds (`alliancedeck.session.kept`) with everything its drawing did to the document:
the characters it gave codes in each embedded font's subsets (reportlab numbers them per
document in order of first use), and the fonts it named first. A page is replayed when it is
drawn from the same boxes, page size and fonts, and starts from the same font state (every
font's code assignments so far, and the document's font names); replaying copies its
content stream and gives the same characters their codes in the same order, so every later
page and the saved fonts come out as in a cold build.

A replayed page's structure (tags) is built again: its boxes go through the tagger, which
builds the structure tree without drawing (`BoxTagger.drawing` off). What it would have
written into the stream (marked-content operators and its drawing decisions) must equal what
the kept page wrote, or the whole document is drawn again without replay. Only a page that
starts afresh (`fresh`: a slide that opens with its title, after the first) and whose
structure hangs from the document alone is copied whole: the elements it made, its marks and
what the tagger holds open after it (see `_Structure`).

A page's key digests each of its boxes; a box kept between rebuilds (a kept slide's) keeps
its digest with it (`alliancedeck.session.boxes_digest`). Every page's content stream is
compressed once per content: a page whose content is as before (replayed, or drawn alike)
takes the compressed stream kept for it (`PageReplay.done` gives the last page its own).

A page whose drawing made document objects (a link's annotation, a picture) or used colours,
shadings or transparency the page's resources list is never kept, nor one drawn while some
character had no font (the warning lists where each first was).
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import pickle
import zlib
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

    from alliancedeck.draw.pdf_tags import BoxTagger
    from alliancedeck.fonts import FontBook

#: Pages replayed in this process, by product ("deck", "brief"): the tests read it.
REPLAYED: Counter[str] = Counter()
#: Of those, pages copied whole, structure included (see `_Structure`), by product.
COPIED: Counter[str] = Counter()
#: PDFs drawn again without replay in this process, by product (see `drawn_with_replay`).
REDRAWN: Counter[str] = Counter()


class Diverged(Exception):
    """A replayed page's tagging differs from the kept page's: draw the document again."""


class _Kept:
    """What a page's drawing left: its content, its tagging trace and its font side effects."""

    __slots__ = ("characters", "code", "names", "states", "structure", "trace")

    def __init__(
        self,
        code: tuple[str, ...],
        trace: tuple[str, ...],
        characters: tuple[tuple[str, str], ...],
        states: tuple[str, ...],
        names: tuple[str, ...],
        structure: _Structure | None,
    ):
        self.code = code
        self.structure = structure
        self.trace = trace
        self.characters = characters  # (font, characters given codes, in order)
        self.states = states  # fonts whose subset state the page opened
        self.names = names  # fonts the page named first, in order


def _fresh_count(font: Any) -> int:
    """Return how many code assignments a new subset state of `font` starts with."""
    from reportlab.pdfbase.ttfonts import TTFont

    count = getattr(font, "_alliancedeck_fresh", None)
    if count is None:
        count = len(TTFont.State(font._asciiReadable, font).assignments)
        font._alliancedeck_fresh = count
    return count


class PageReplay:
    """Draw the pages of one PDF, replaying those kept from the last rebuild of a session.

    Outside a session each page is simply drawn.
    """

    def __init__(
        self,
        canvas: Canvas,
        drawer: BoxTagger,
        book: FontBook,
        product: str,
        setting: Hashable,
        *,
        enabled: bool = True,
    ):
        from alliancedeck import session

        self.canvas = canvas
        self.drawer = drawer
        self.tagger = drawer.tagger
        self.book = book
        self.enabled = enabled and session.active()
        self.product = product
        # Everything besides a page's boxes its drawing depends on (pickled once).
        self.setting = b""
        self._digests: dict[str, tuple[int, bytes]] = {}  # font: (assignments, their digest)
        self._shown = 0  # pages shown whose content streams were given (see `_streams`)
        if self.enabled:
            fonts = tuple(sorted(book.theme.fonts.items()))
            self.setting = pickle.dumps(
                (product, setting, book.files_key(), fonts), protocol=pickle.HIGHEST_PROTOCOL
            )

    def page(
        self, content: Callable[[], Iterable[Any]], draw: Callable[[], None], fresh: bool = False
    ) -> None:
        """Draw one page's content with `draw` (between the page's start and showPage), or
        replay the page kept for equal `content()` (the page's boxes, in order) and font state.

        `draw` is called with the tagger drawing or not (`BoxTagger.drawing`): when it does
        not, it only builds the structure of what the kept page drew. `fresh` says that the
        page's tagging depends on nothing before it (it starts by closing whatever was open).
        """
        self._streams()
        if not self.enabled:
            draw()
            return
        from alliancedeck.session import boxes_digest, kept

        fonts = self._font_state()
        if self.book.missing:  # where a character without a font first is: see the class
            draw()
            return
        drawn = False

        def make() -> _Kept | None:
            nonlocal drawn
            drawn = True
            return self._record(draw, fresh)

        # A kind per product: the products of one rebuild may render one after the other here,
        # each in a rebuild of its own (see alliancedeck.session).
        kind = f"pdf-page-{self.product}"

        def key() -> Hashable:
            digest = hashlib.sha256(self.setting)
            digest.update(boxes_digest(self.product, content()))
            return (digest.digest(), fonts, tuple(self.canvas._doc.fontMapping))

        record = kept(kind, key, make, keep=lambda value: value is not None)
        if not drawn:
            assert record is not None
            if fresh and record.structure is not None:
                self._copy(record, record.structure)
            else:
                self._replay(record, draw)

    def done(self) -> None:
        """Call after the last page is shown, before the document is saved."""
        self._streams()

    def _streams(self) -> None:
        """Give each page shown since the last call its compressed content stream. The bytes
        are those reportlab writes for the page.

        With replay on (in a session), it is the one kept for equal content (compressing is
        most of what writing a replayed page costs), or one compressed now and kept. With
        replay off (outside a session; a deck on an organisation template; a PDF drawn again
        after its replay diverged), it is compressed now and the page's text let go: a long
        PDF holds its pages compressed until it is saved (a 1,358-slide deck 1.2 MB, not
        4.9 MB), and compresses no more in all than reportlab would at the save."""
        from reportlab import rl_config
        from reportlab.pdfbase.pdfdoc import NoEncryption

        from alliancedeck.session import kept

        doc = self.canvas._doc
        shown = doc.Pages.pages[self._shown :]
        self._shown += len(shown)
        if rl_config.useA85 or not isinstance(doc.encrypt, NoEncryption):
            return  # written otherwise: left to reportlab
        for page in shown:
            if page.Contents or not page.stream or not page.compression:
                continue
            data = page.stream.encode("utf8")  # as reportlab's compression encodes it
            if not self.enabled:
                page.Contents = _compressed_stream_class()(zlib.compress(data))
                page.stream = None
                continue
            key = hashlib.sha256(data).digest()
            compressed = kept(
                f"pdf-stream-{self.product}",
                lambda key=key: key,
                functools.partial(zlib.compress, data),
            )
            page.Contents = _compressed_stream_class()(compressed)

    # ----- font state -------------------------------------------------------------------------

    def _font_state(self) -> tuple[tuple[str, int, bytes], ...]:
        """Return every embedded font's code assignments in this document so far (digests)."""
        from reportlab.pdfbase import pdfmetrics

        doc = self.canvas._doc
        state = []
        for name, font in pdfmetrics._fonts.items():
            states = getattr(font, "state", None)
            if not getattr(font, "_dynamicFont", False) or states is None:
                continue
            subset = states.get(doc)
            if subset is None:
                continue
            assignments = subset.assignments
            count, digest = self._digests.get(name, (0, b""))
            if len(assignments) != count:
                codes = list(itertools.islice(assignments, count, None))
                digest = hashlib.blake2b(
                    digest + ",".join(map(str, codes)).encode(), digest_size=16
                ).digest()
                count = len(assignments)
                self._digests[name] = (count, digest)
            state.append((name, count, digest))
        return tuple(state)

    def _assigned(self) -> dict[str, int]:
        """Return how many codes each embedded font has assigned so far (-1: no state)."""
        from reportlab.pdfbase import pdfmetrics

        doc = self.canvas._doc
        counts = {}
        for name, font in pdfmetrics._fonts.items():
            states = getattr(font, "state", None)
            if getattr(font, "_dynamicFont", False) and states is not None:
                subset = states.get(doc)
                counts[name] = -1 if subset is None else len(subset.assignments)
        return counts

    # ----- recording and replaying ------------------------------------------------------------

    def _record(self, draw: Callable[[], None], fresh: bool) -> _Kept | None:
        """Draw the page, and return what it left, or None when it cannot be replayed."""
        from reportlab.pdfbase import pdfmetrics

        canvas, doc, tagger = self.canvas, self.canvas._doc, self.tagger
        before = self._assigned()
        objects = doc.objectcounter
        names = list(doc.fontMapping)
        start = len(canvas._code)
        trace = len(tagger.trace)
        kids = len(tagger.root.kids)
        last = tagger.root.kids[-1] if kids else None
        draw()
        if (
            doc.objectcounter != objects
            or canvas._annotationrefs
            or canvas._formsinuse
            or canvas._colorsUsed
            or canvas._shadingUsed
            or canvas._extgstate.getState()
            or canvas._codeStack
            or self.book.missing
            or list(doc.fontMapping)[: len(names)] != names
        ):
            return None
        characters = []
        states = []
        for name, count in self._assigned().items():
            old = before.get(name, -1)
            if count == old:
                continue
            font = pdfmetrics._fonts[name]
            if old == -1:
                states.append(name)
                old = _fresh_count(font)
            assignments = font.state[doc].assignments
            new = "".join(map(chr, itertools.islice(assignments, old, None)))
            if new:
                characters.append((name, new))
        return _Kept(
            tuple(canvas._code[start:]),
            tuple(tagger.trace[trace:]),
            tuple(characters),
            tuple(states),
            tuple(list(doc.fontMapping)[len(names) :]),
            # A table's caption from before the page would move into it: not fresh.
            _Structure.of(self.drawer, kids)
            if fresh and (not kids or tagger.root.kids[kids - 1] is last)
            else None,
        )

    def _replay(self, record: _Kept, draw: Callable[[], None]) -> None:
        """Tag the page without drawing it, and copy the kept page's content in its place."""
        from alliancedeck.draw.pdf_tags import Sink

        canvas, tagger = self.canvas, self.tagger
        trace = len(tagger.trace)
        tagger.canvas = Sink()
        try:
            draw()
        finally:
            tagger.canvas = canvas
        if tuple(tagger.trace[trace:]) != record.trace:
            raise Diverged
        self._fonts(record)
        canvas._code.extend(record.code)
        REPLAYED[self.product] += 1

    def _copy(self, record: _Kept, structure: _Structure) -> None:
        """Copy the kept page whole: its structure, its fonts' codes and its content."""
        structure.copy_into(self.drawer)
        self.tagger.trace.extend(record.trace)
        self._fonts(record)
        self.canvas._code.extend(record.code)
        REPLAYED[self.product] += 1
        COPIED[self.product] += 1

    def _fonts(self, record: _Kept) -> None:
        """Give the kept page's new characters their codes and name its new fonts, in order."""
        from reportlab.pdfbase import pdfmetrics

        doc = self.canvas._doc
        for name in record.states:
            pdfmetrics._fonts[name]._assignState(doc)
        for name, characters in record.characters:
            pdfmetrics._fonts[name].splitString(characters, doc)
        for name in record.names:
            font = pdfmetrics.getFont(name)
            if font._dynamicFont:
                font.getSubsetInternalName(0, doc)
            else:
                doc.getInternalFontName(name)


@functools.cache
def _compressed_stream_class() -> type:
    """Return the class of a page's content stream given compressed (made on first use:
    reportlab is imported where a PDF is drawn)."""
    from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream

    class CompressedStream(PDFStream):
        """A page's content stream, already compressed: written as reportlab writes the page
        stream it compresses itself (its filter named, then the length)."""

        __Comment__ = "page stream"

        def __init__(self, compressed: bytes):
            filters = PDFDictionary({"Filter": PDFArray([PDFName("FlateDecode")])})
            super().__init__(filters, compressed)

    return CompressedStream


#: A kept element: kind, alt, lang, scope, bbox, order, and kids (elements, or an int: MCID).
_Node = tuple[str, Any, Any, Any, Any, int, tuple[Any, ...]]


class _Structure:
    """What tagging a page that starts afresh made: the elements it added to the document
    (with their marks), and the elements the tagger holds open after it, as places in those
    elements (their order, depth first)."""

    __slots__ = ("marks", "nodes", "state")

    def __init__(self, nodes: tuple[_Node, ...], marks: int, state: tuple[Any, ...]):
        self.nodes = nodes
        self.marks = marks
        self.state = state

    @staticmethod
    def of(drawer: BoxTagger, kids: int) -> _Structure | None:
        """Return the structure the page just tagged added after the document's first `kids`
        elements, or None when it reaches outside them (or holds a link's annotation)."""
        from alliancedeck.draw.pdf_tags import Element

        tagger = drawer.tagger
        page = tagger.page
        added = tagger.root.kids[kids:]
        if len(tagger.root.kids) < kids or not all(isinstance(e, Element) for e in added):
            return None
        places: dict[int, int] = {}  # element (id) -> place, depth first
        marks = 0

        def node(element: Element) -> _Node:
            nonlocal marks
            places[id(element)] = len(places)
            kids: list[Any] = []
            for kid in element.kids:
                if isinstance(kid, Element):
                    kids.append(node(kid))
                elif isinstance(kid, tuple) and kid[0] == page:
                    kids.append(kid[1])
                    marks += 1
                else:  # a mark on another page, or an annotation
                    raise LookupError
            bbox = element.bbox
            return (
                element.kind,
                element.alt,
                element.lang,
                element.scope,
                bbox,
                element.order,
                tuple(kids),
            )

        try:
            nodes = tuple(node(element) for element in added)
        except LookupError:
            return None
        owners = tagger.mcids[page]
        if marks != len(owners) or any(id(owner) not in places for owner in owners):
            return None  # a mark of this page under an element from before it

        def place(element: Element | None) -> int | None:
            if element is None:
                return None
            found = places.get(id(element))
            if found is None:
                raise LookupError
            return found

        try:
            state = (
                tuple((place(lst), place(body)) for lst, body in drawer.lists),
                place(drawer.last_body),
                place(drawer.last_link),
                None if drawer.table is None else (place(drawer.table[0]), drawer.table[1]),
                place(drawer.pairs),
                place(drawer.item),
                drawer.has_title,
            )
        except LookupError:
            return None
        return _Structure(nodes, marks, state)

    def copy_into(self, drawer: BoxTagger) -> None:
        """Add the kept elements to the document, as marks of the tagger's page, and leave
        the tagger holding what it held after the kept page."""
        from alliancedeck.draw.pdf_tags import Element

        tagger = drawer.tagger
        page = tagger.page
        root = tagger.root
        owners: list[Any] = [None] * self.marks
        made: list[Element] = []

        def element(node: _Node, parent: Element) -> Element:
            kind, alt, lang, scope, bbox, order, kids = node
            made_element = Element(kind, parent, alt=alt, lang=lang, scope=scope, bbox=bbox)
            made_element.order = order
            made.append(made_element)
            for kid in kids:
                if isinstance(kid, int):
                    made_element.kids.append((page, kid))
                    owners[kid] = made_element
                else:
                    made_element.kids.append(element(kid, made_element))
            return made_element

        root.kids.extend(element(node, root) for node in self.nodes)
        tagger.mcids[page].extend(owners)

        def at(place: int | None) -> Element | None:
            return None if place is None else made[place]

        lists, body, link, table, pairs, item, has_title = self.state
        drawer.lists = [(at(a), at(b)) for a, b in lists]
        drawer.last_body = at(body)
        drawer.last_link = at(link)
        drawer.table = None if table is None else (at(table[0]), table[1])
        drawer.pairs = at(pairs)
        drawer.item = at(item)
        drawer.has_title = has_title


def drawn_with_replay(product: str, draw: Callable[[bool], bytes]) -> bytes:
    """Return `draw(True)` (pages replayed where they can be), or `draw(False)` when a
    replayed page's tagging turned out to differ from the kept page's."""
    try:
        return draw(True)
    except Diverged:
        REDRAWN[product] += 1
        return draw(False)


__all__ = ["Diverged", "PageReplay", "drawn_with_replay"]
