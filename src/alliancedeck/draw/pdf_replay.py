"""Page replay for the PDFs of a watch session: a page drawn as before is copied, not redrawn.

Inside a session (`alliancedeck.session.active`), each page's content stream is kept between
rebuilds (`alliancedeck.session.kept`) with everything its drawing did to the document:
the characters it gave codes in each embedded font's subsets (reportlab numbers them per
document in order of first use), and the fonts it named first. A page is replayed when it is
drawn from the same boxes, page size and fonts, and starts from the same font state (every
font's code assignments so far, and the document's font names); replaying copies its
content stream and gives the same characters their codes in the same order, so every later
page and the saved fonts come out as in a cold build.

Structure (tags) is never copied: a replayed page's boxes still go through the tagger, which
builds the structure tree without drawing (`BoxTagger.drawing` off). What it would have
written into the stream (marked-content operators and its drawing decisions) must equal what
the kept page wrote, or the whole document is drawn again without replay. A page whose
drawing made document objects (a link's annotation, a picture) or used colours, shadings or
transparency the page's resources list, is never kept, nor one drawn while some character had
no font (the warning lists where each first was).
"""

from __future__ import annotations

import hashlib
import itertools
import pickle
from collections import Counter
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

    from alliancedeck.draw.pdf_tags import Tagger
    from alliancedeck.fonts import FontBook

#: Pages replayed in this process, by product ("deck", "brief"): the tests read it.
REPLAYED: Counter[str] = Counter()
#: PDFs drawn again without replay in this process, by product (see `drawn_with_replay`).
REDRAWN: Counter[str] = Counter()


class Diverged(Exception):
    """A replayed page's tagging differs from the kept page's: draw the document again."""


class _Kept:
    """What a page's drawing left: its content, its tagging trace and its font side effects."""

    __slots__ = ("characters", "code", "names", "states", "trace")

    def __init__(
        self,
        code: tuple[str, ...],
        trace: tuple[str, ...],
        characters: tuple[tuple[str, str], ...],
        states: tuple[str, ...],
        names: tuple[str, ...],
    ):
        self.code = code
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
        tagger: Tagger,
        book: FontBook,
        product: str,
        setting: Hashable,
        *,
        enabled: bool = True,
    ):
        from alliancedeck import session

        self.canvas = canvas
        self.tagger = tagger
        self.book = book
        self.enabled = enabled and session.active()
        self.product = product
        self.setting = setting  # everything besides a page's boxes its drawing depends on
        self._digests: dict[str, tuple[int, bytes]] = {}  # font: (assignments, their digest)
        if self.enabled:
            self.setting = (setting, book.files_key(), tuple(sorted(book.theme.fonts.items())))

    def page(self, content: Callable[[], Any], draw: Callable[[], None]) -> None:
        """Draw one page's content with `draw` (between the page's start and showPage), or
        replay the page kept for equal `content()` (the page's boxes) and font state.

        `draw` is called with the tagger drawing or not (`BoxTagger.drawing`): when it does
        not, it only builds the structure of what the kept page drew.
        """
        if not self.enabled:
            draw()
            return
        from alliancedeck.session import kept

        fonts = self._font_state()
        drawn = False

        def make() -> _Kept | None:
            nonlocal drawn
            drawn = True
            return self._record(draw)

        def key() -> Hashable:
            data = pickle.dumps(
                (self.product, self.setting, content()), protocol=pickle.HIGHEST_PROTOCOL
            )
            return (hashlib.sha256(data).digest(), fonts, tuple(self.canvas._doc.fontMapping))

        if self.book.missing:  # where a character without a font first is: see the class
            draw()
            return
        # A kind per product: the products of one rebuild may render one after the other here,
        # each in a rebuild of its own (see alliancedeck.session).
        kind = f"pdf-page-{self.product}"
        record = kept(kind, key, make, keep=lambda value: value is not None)
        if not drawn:
            assert record is not None
            self._replay(record, draw)

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

    def _record(self, draw: Callable[[], None]) -> _Kept | None:
        """Draw the page, and return what it left, or None when it cannot be replayed."""
        from reportlab.pdfbase import pdfmetrics

        canvas, doc, tagger = self.canvas, self.canvas._doc, self.tagger
        before = self._assigned()
        objects = doc.objectcounter
        names = list(doc.fontMapping)
        start = len(canvas._code)
        trace = len(tagger.trace)
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
        )

    def _replay(self, record: _Kept, draw: Callable[[], None]) -> None:
        """Tag the page without drawing it, and copy the kept page's content in its place."""
        from reportlab.pdfbase import pdfmetrics

        from alliancedeck.draw.pdf_tags import Sink

        canvas, doc, tagger = self.canvas, self.canvas._doc, self.tagger
        trace = len(tagger.trace)
        tagger.canvas = Sink()
        try:
            draw()
        finally:
            tagger.canvas = canvas
        if tuple(tagger.trace[trace:]) != record.trace:
            raise Diverged
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
        canvas._code.extend(record.code)
        REPLAYED[self.product] += 1


def drawn_with_replay(product: str, draw: Callable[[bool], bytes]) -> bytes:
    """Return `draw(True)` (pages replayed where they can be), or `draw(False)` when a
    replayed page's tagging turned out to differ from the kept page's."""
    try:
        return draw(True)
    except Diverged:
        REDRAWN[product] += 1
        return draw(False)


__all__ = ["Diverged", "PageReplay", "drawn_with_replay"]
