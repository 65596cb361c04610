"""A reportlab TrueType font that encodes a text whose characters all have codes already in one
pass, where reportlab's `TTFont.splitString` walks it character by character.

Every text drawn in either PDF goes through `splitString`, which gives each new character the
next code of the font's subsets in the document and returns the text as (subset, bytes)
chunks. Once a document has drawn a few paragraphs, almost every text is made of characters
that already have codes in the first subset (0-255); for those the answer is one chunk, and
nothing changes in the font's state, so one `str.translate` gives the same bytes. Any other
text (a new character, one in a later subset, one the font lacks, a non-breaking space before
the space has its code) goes to reportlab's own method, which also keeps the state.
"""

from __future__ import annotations

import weakref
from typing import Any

from reportlab.pdfbase.ttfonts import TTFont

NO_BREAK_SPACE = 0xA0
SPACE = 0x20


class _Codes:
    """The characters of a font's state in a document that have first-subset codes, kept in
    step with its assignments (which only grow)."""

    __slots__ = ("known", "seen", "table")

    def __init__(self) -> None:
        self.seen = 0  # how many of the state's assignments are read into `known` and `table`
        self.known: set[str] = set()
        self.table: dict[int, str] = {}  # character -> its code, as a character (0-255)

    def update(self, assignments: dict[int, int]) -> None:
        """Read the assignments made since the last call (reportlab only adds to them)."""
        if self.seen == len(assignments):
            return
        for code, n in list(assignments.items())[self.seen :]:
            if n < 256:
                self.known.add(chr(code))
                self.table[code] = chr(n)
                if code == SPACE:  # reportlab draws a no-break space as a space
                    self.known.add(chr(NO_BREAK_SPACE))
                    self.table[NO_BREAK_SPACE] = chr(n)
        self.seen = len(assignments)


class Face(TTFont):
    """`TTFont` with the one-pass encoding of texts whose characters all have codes."""

    #: The document last encoded for (a weak reference), its font state and that state's
    #: codes: looking a state up in reportlab's `WeakKeyDictionary` costs as much as the
    #: encoding. The state is held until another document's (or the save's) replaces it.
    _last: tuple[Any, Any, _Codes] | None = None

    def splitString(self, text: Any, doc: Any, encoding: str = "utf-8") -> list[tuple[int, bytes]]:
        """Return `text` as reportlab's (subset, bytes) chunks for `doc`: one chunk in one pass
        when every character has a first-subset code there, else as reportlab makes them."""
        if text and isinstance(text, str):
            last = self._last
            if last is not None and last[0]() is doc:
                state, codes = last[1], last[2]
            else:
                state = self.state.get(doc)
                codes = None
                if state is not None:
                    codes = getattr(state, "first_subset_codes", None)  # kept on the state
                    if codes is None:
                        codes = state.first_subset_codes = _Codes()
                    self._last = (weakref.ref(doc), state, codes)
            if codes is not None:
                if codes.seen != len(state.assignments):
                    codes.update(state.assignments)
                if codes.known.issuperset(text):
                    return [(0, text.translate(codes.table).encode("latin-1"))]
        return super().splitString(text, doc, encoding)

    def addObjects(self, doc: Any) -> None:
        """Write the font's subsets into `doc` (reportlab then drops its state there)."""
        self._last = None
        super().addObjects(doc)
