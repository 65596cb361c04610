"""Tag a reportlab PDF: marked content, artifacts and a structure tree written at save time.

Open-source reportlab writes no structure tree; it has the hooks this module builds on
(checked against reportlab 4.2-5.x): `Canvas.addLiteral` puts `BDC`/`EMC` operators into the
page's content stream, `canvas._doc.Reference` registers any `pdfdoc` object, the catalog has
`StructTreeRoot`, `MarkInfo` and `Metadata` slots, and `pdfdoc.XMP` writes a metadata stream.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from reportlab.pdfbase.pdfdoc import (
    XMP,
    PDFDictionary,
    PDFName,
    PDFObjectReference,
    PDFPage,
    PDFString,
)

from alliancedeck.compose.boxes import ChartBox, PictureBox, Rect, TableBox, TextBox
from alliancedeck.draw.pdf_common import (
    color,
    draw_chart,
    draw_paragraph,
    draw_picture,
    draw_rect,
    draw_string,
    draw_text_box,
    first_baseline,
)
from alliancedeck.draw.pdf_fast import (
    AnnotationKid,
    ParentTreeObject,
    StructElemObject,
    next_names,
    register,
)

# Imported with the tags: every process that draws a PDF replays pages (draw/pdf_replay.py).
from alliancedeck.draw.pdf_replay import Diverged

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

#: Japanese (and other CJK) characters: a run of them in a non-Japanese brief is tagged `ja`.
_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
#: The page entries PDF/UA adds to what reportlab writes.
_PAGE_KEYS = [*PDFPage.__NoDefault__, "StructParents", "Tabs"]


@dataclass(eq=False, slots=True, weakref_slot=True)  # a long PDF has 30,000
class Element:
    """One structure element: its type, attributes and kids in reading order."""

    kind: str
    parent: Element | None
    alt: str | None = None
    lang: str | None = None
    scope: str | None = None  # TH: Column or Row
    bbox: tuple[float, float, float, float] | None = None
    order: int = -1  # content order of the box that opened it (Document's kids only)
    kids: list[Element | tuple[int, int] | Any] = field(default_factory=list)
    # (page index, MCID) pairs for marked content; PDFDictionary for an annotation (OBJR)
    name: str = ""  # its object's registered name, once `Tagger.finish` gives it one

    def add(self, kind: str, **attributes: Any) -> Element:
        """Return a new element of `kind` appended to this one's kids."""
        child = Element(kind, self, **attributes)
        self.kids.append(child)
        return child

    def walk(self) -> Iterator[Element]:
        """Yield this element and every element under it, depth first."""
        yield self
        for kid in self.kids:
            if isinstance(kid, Element):
                yield from kid.walk()


class Tagger:
    """Mark a canvas's content and write its structure tree when `finish` is called.

    Call `end_page` right after each `canvas.showPage()` and `finish` before `canvas.save()`.
    """

    def __init__(self, canvas: Canvas, lang: str, title: str):
        self.canvas = canvas
        self.lang = lang
        self.title = title
        self.root = Element("Document", None)
        self.page = 0
        self.mcids: list[list[Element]] = [[]]  # per page: the element owning each MCID
        self.annotations: list[tuple[Element, Any]] = []
        # What marking wrote into the content and the drawing decisions tagging took, in
        # order: a replayed page's must equal its kept page's (see draw/pdf_replay.py).
        self.trace: list[str] = []
        canvas._doc._pdfVersion = max(canvas._doc._pdfVersion, (1, 7))

    # ----- marking ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def marked(self, element: Element) -> Iterator[None]:
        """Mark what is drawn inside as content of `element` (one MCID on this page)."""
        owners = self.mcids[self.page]
        mcid = len(owners)
        owners.append(element)
        element.kids.append((self.page, mcid))
        literal = f"/{_marked_tag(element.kind)} <</MCID {mcid}>> BDC"
        self.trace.append(literal)
        self.canvas.addLiteral(literal)
        try:
            yield
        finally:
            self.canvas.addLiteral("EMC")

    @contextlib.contextmanager
    def artifact(self, kind: str = "Layout") -> Iterator[None]:
        """Mark what is drawn inside as an artifact (page furniture a reader skips)."""
        literal = f"/Artifact <</Type /{kind}>> BDC"
        self.trace.append(literal)
        self.canvas.addLiteral(literal)
        try:
            yield
        finally:
            self.canvas.addLiteral("EMC")

    def link(self, element: Element, text: str) -> None:
        """Attach the annotation the canvas made last (a link) to `element`, a Link."""
        if isinstance(self.canvas, Sink):
            raise Diverged  # a page with a link is never replayed
        reference = self.canvas._annotationrefs[-1]
        annotation = self.canvas._doc.idToObject[reference.name]
        annotation["Contents"] = PDFString(text)
        annotation["F"] = 4  # Print: readers and print show the same link
        self.annotations.append((element, annotation))
        element.kids.append(annotation)

    def end_page(self) -> None:
        """Give the page just shown its ParentTree key and tab order; start the next page."""
        page = self.canvas._doc.Pages.pages[-1]
        page.__NoDefault__ = _PAGE_KEYS
        page.StructParents = self.page
        page.Tabs = PDFName("S")
        self.page += 1
        self.mcids.append([])

    # ----- writing ----------------------------------------------------------------------------

    def finish(self) -> None:
        """Write the structure tree, ParentTree, MarkInfo, XMP and viewer preferences.

        Each element becomes one `pdf_fast.StructElemObject`, registered in reading order
        (depth first), which writes its dictionary when the document is saved.
        """
        doc = self.canvas._doc
        # Reading order is content order: a figure floated to a later column moves back.
        self.root.kids.sort(key=lambda kid: kid.order if isinstance(kid, Element) else -1)
        tree_root = PDFDictionary({"Type": PDFName("StructTreeRoot")})
        root_name = doc.Reference(tree_root).name
        elements: list[Element | None] = _preorder(self.root)  # type: ignore[assignment]
        homes = _home_pages(elements)  # type: ignore[arg-type]
        # The elements' names are known before their objects exist (registered in this
        # order, unnamed), so each object is made whole, its parent and kids named, at once.
        order = next_names(doc, len(elements))
        for element, name in zip(elements, order, strict=True):
            element.name = name
        pages = [[e.name for e in self.mcids[index]] for index in range(self.page)]
        for key, (_element, annotation) in enumerate(self.annotations, start=self.page):
            annotation["StructParent"] = key
        holders = [element.name for element, _ in self.annotations]
        tree_root["K"] = PDFObjectReference(self.root.name)
        tree_root["ParentTreeNextKey"] = self.page + len(self.annotations)
        self._release()
        objects = []
        for index, home in enumerate(homes):
            element = elements[index]
            assert element is not None
            elements[index] = None  # each element goes once its object is made (`_release`)
            parent = element.parent
            # A tuple of names and numbers: the collector stops tracking it the first time it
            # looks, so the many kids lists add nothing to the full collections a long deck makes.
            kids = tuple(
                [
                    kid.name
                    if type(kid) is Element
                    else (kid[1] if kid[0] == home else kid)
                    if isinstance(kid, tuple)
                    else AnnotationKid(kid.__InternalName__)
                    for kid in element.kids
                ]
            )
            element.kids = []
            objects.append(
                StructElemObject(
                    element.kind,
                    parent.name if parent is not None else root_name,
                    home,
                    kids,
                    element.alt,
                    element.lang,
                    element.scope,
                    element.bbox,
                )
            )
        del element, parent
        register(doc, objects, order)
        tree_root["ParentTree"] = doc.Reference(ParentTreeObject(pages, holders))
        catalog = doc.Catalog
        catalog.StructTreeRoot = tree_root
        catalog.MarkInfo = PDFDictionary({"Marked": "true"})
        catalog.Lang = PDFString(self.lang)
        metadata = XMP(creator=lambda _doc: xmp_packet(self.title, self.lang).encode())
        metadata.filters = []  # readable metadata: some checkers read it uncompressed only
        catalog.Metadata = metadata
        catalog.ViewerPreferences = PDFDictionary({"DisplayDocTitle": "true"})
        # reportlab writes its fonts' objects as it saves, from `delayedFonts` in order: the
        # last entry runs after every font and cleans their ToUnicode maps.
        doc.delayedFonts.append(_UnicodeMapCleaner())

    def _release(self) -> None:
        """Let go of the structure (its elements are named now) and of the trace.

        Each element's kids list refers down and its `parent` up: a cycle that only a full
        collection would free. `finish` empties each element's kids once its object is made,
        which leaves no cycle: the tree (about 4 MB for a thousand pages) is freed as the
        objects that replace it are made, rather than held beside all of them.
        """
        self.mcids = []
        self.annotations = []
        self.trace = []


class Sink:
    """The canvas of a tagger that tags a replayed page without drawing it: marking writes
    nothing (the kept page's content has it)."""

    def addLiteral(self, literal: str) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        raise Diverged  # nothing else is asked of a page that is replayed


class _UnicodeMapCleaner:
    """Drop the unused codes reportlab maps to U+0000 from every font's ToUnicode map.

    A subset's first 32 codes are kept free for control characters and map to U+0000; PDF/UA
    asks that no code map to U+0000, and no text ever shows these codes.
    """

    def addObjects(self, doc: Any) -> None:
        for name, stream in doc.idToObject.items():
            if not name.startswith("toUnicodeCMap:"):
                continue
            lines = stream.content.split("\n")
            kept = [line for line in lines if not re.fullmatch(r"<[0-9A-F]+> <0000>", line)]
            count = sum(bool(re.fullmatch(r"<[0-9A-F]+> <[0-9A-F]+>", line)) for line in kept)
            stream.content = "\n".join(
                f"{count} beginbfchar" if line.endswith(" beginbfchar") else line for line in kept
            )


#: Text roles that are page furniture: drawn, never read.
ARTIFACT_ROLES = {"banner": "Pagination", "footer": "Pagination", "masthead": "Layout"}
#: Text roles read as a paragraph of their own (anything unknown is a paragraph too).
HEADING_ROLES = {"heading": "H2", "section": "H2"}


class BoxTagger:
    """Draw positioned boxes on a tagged canvas, each under its structure element.

    Boxes arrive in reading order; a paragraph continued in another column or page (its
    text is empty) adds its lines to the element it continues, and a table continued after a
    break keeps one Table element, its repeated header row an artifact.
    """

    def __init__(self, tagger: Tagger, book: Any, page_height: float, picture_font: str):
        self.tagger = tagger
        self.book = book
        self.page_height = page_height
        self.picture_font = picture_font
        self.lists: list[tuple[Element, Element | None]] = []  # open lists: (L, last LBody)
        self.last_body: Element | None = None  # what a continued paragraph adds to
        self.last_link: Element | None = None
        self.table: tuple[Element, str] | None = None  # the open Table and its alt text
        self.pairs: Element | None = None  # the open list of key figures or timeline entries
        self.item: Element | None = None  # a key figure's or timeline entry's LI
        self.has_title = False

    @property
    def canvas(self) -> Canvas:
        return self.tagger.canvas

    @property
    def drawing(self) -> bool:
        """Whether boxes are drawn; if not, only tagged (a replayed page: see
        draw/pdf_replay.py)."""
        return not isinstance(self.tagger.canvas, Sink)

    def new_page(self, height: float | None = None) -> None:
        """Note that the canvas moved on to a new page (of `height`, if it changed)."""
        if height is not None:
            self.page_height = height

    def draw(self, box: Any, order: int = -1) -> None:
        """Draw `box` under the structure element its kind and role call for.

        `order` is the box's place in content order when the layout floated it elsewhere;
        the Document's elements are read in that order (`Tagger.finish` sorts them).
        """
        kids = self.tagger.root.kids
        before = len(kids)
        last = kids[-1] if kids else None
        self._draw(box)
        # New elements are appended; a table may first take in the caption that was last.
        start = before
        if before and (len(kids) < before or kids[before - 1] is not last):
            start = before - 1
        for element in kids[start:]:
            if isinstance(element, Element):
                element.order = order

    def _draw(self, box: Any) -> None:
        tagger, height, drawing = self.tagger, self.page_height, self.drawing
        if isinstance(box, Rect):
            with tagger.artifact():
                if drawing:
                    draw_rect(self.canvas, height, box.x, box.y, box.w, box.h, box.fill)
        elif isinstance(box, TextBox):
            self.text_box(box)
        elif isinstance(box, TableBox):
            self.table_box(box)
        elif isinstance(box, ChartBox | PictureBox):
            self._reset()
            self.last_body = None
            bottom = height - box.y - box.h
            alt = box.alt or box.name
            figure = tagger.root.add(
                "Figure",
                alt=alt,
                lang=language_of(alt, tagger.lang),
                bbox=(box.x, bottom, box.x + box.w, bottom + box.h),
            )
            with tagger.marked(figure):
                if not drawing:
                    pass
                elif isinstance(box, ChartBox):
                    draw_chart(self.canvas, height, box, self.book)
                else:
                    draw_picture(
                        self.canvas, box.image, box.x, bottom, box.w, box.h, self.picture_font
                    )

    def _reset(self) -> None:
        self.lists = []
        self.pairs = None
        self.item = None
        self.table = None

    # ----- text -------------------------------------------------------------------------------

    def text_box(self, box: Any) -> None:
        """Draw a frame of text: furniture as an artifact, the rest paragraph by paragraph."""
        tagger, drawing = self.tagger, self.drawing
        if box.role in ARTIFACT_ROLES:
            with tagger.artifact(ARTIFACT_ROLES[box.role]):
                if drawing:
                    draw_text_box(self.canvas, self.page_height, box, self.book)
            return
        if box.fill:
            with tagger.artifact():
                if drawing:
                    draw_rect(self.canvas, self.page_height, box.x, box.y, box.w, box.h, box.fill)
        content = box.content_height
        offset = {"top": 0.0, "middle": (box.h - content) / 2, "bottom": box.h - content}
        y = box.y + offset[box.anchor]
        roles = [box.role] * len(box.paragraphs)
        if box.role == "figure" and len(roles) == 2:
            roles = ["figure_value", "figure_label"]  # a deck's card: read as the brief's
        for index, (paragraph, role) in enumerate(zip(box.paragraphs, roles, strict=True)):
            if index:
                y += paragraph.space_before
            self.paragraph(box, paragraph, y, role)
            y += paragraph.height

    def paragraph(self, box: Any, paragraph: Any, top: float, role: str | None = None) -> None:
        """Draw one paragraph of `box` at `top` under the element its role (`role`, else the
        box's) calls for."""
        tagger, canvas, drawing = self.tagger, self.canvas, self.drawing
        body: Element | None
        label: Element | None = None
        link: Element | None = None
        if not paragraph.text and self.last_body is not None:
            body = self.last_body  # the rest of a paragraph split over columns or pages
            link = self.last_link
        else:
            body, label = self.element_for(role or box.role, paragraph)
            if paragraph.link:
                link = body.add("Link")
            self.last_body, self.last_link = body, link
        if label is not None and paragraph.bullet:
            if drawing:
                canvas.setFillColor(color(paragraph.font.color))
                canvas.setFont(paragraph.font.pdf_name, paragraph.font.size)
            with tagger.marked(label):
                if drawing:
                    baseline = self.page_height - (top + first_baseline(paragraph, self.book))
                    x, font = box.x + paragraph.bullet_indent, paragraph.font
                    draw_string(canvas, x, baseline, paragraph.bullet, font.pdf_name, font.size)
        if drawing or paragraph.runs or not _latin(paragraph, tagger.lang):
            drawn = replace_lines(paragraph, bullet=None)
            voiced = _voiced(drawn, body, tagger.lang)
        else:  # only tagged, in one voice (as `_voiced` finds): one mark, nothing to draw
            drawn, voiced = paragraph, None
        # How the paragraph is drawn depends on what it continues and on its languages.
        tagger.trace.append(f"paragraph {label is not None} {voiced is not None} {body.lang}")
        if voiced is not None or any(run.href for line in paragraph.runs for run in line):
            # Inline links and runs in another language: each run is marked on its own, a
            # link's under its Link element, another language's under a Span with its /Lang.
            drawn = voiced or drawn
            marker = _LinkMarker(tagger, body, drawn, voiced=voiced is not None)
            if drawing:
                draw_paragraph(canvas, self.page_height, box, drawn, top, self.book, marker)
            else:
                _mark_runs(drawn, marker)
        else:
            with tagger.marked(link or body):
                if drawing:
                    draw_paragraph(canvas, self.page_height, box, drawn, top, self.book)
        if paragraph.link and link is not None:
            tagger.link(link, paragraph.text or paragraph.link)

    def element_for(self, role: str, paragraph: Any) -> tuple[Element, Element | None]:
        """Return the element a new paragraph of `role` is read as, and its list label."""
        root = self.tagger.root
        lang = language_of(paragraph.text, self.tagger.lang)
        if role in {"figure_value", "timeline_date"}:
            if self.pairs is None:
                self._reset()
                self.pairs = root.add("L")
            item = self.pairs.add("LI")
            self.item = item
            return item.add("Lbl", lang=lang), None
        if role in {"figure_label", "timeline_text"} and self.item is not None:
            body = self.item.add("LBody", lang=lang)
            self.item = None
            return body, None
        if paragraph.bullet:
            level = paragraph.level
            while len(self.lists) > level + 1:
                self.lists.pop()
            if not self.lists:
                self._reset()
                self.lists = [(root.add("L"), None)]
            while len(self.lists) < level + 1:
                parent_item = self.lists[-1][1]
                holder = parent_item if parent_item is not None else self.lists[-1][0]
                self.lists.append((holder.add("L"), None))
            current, _ = self.lists[-1]
            item = current.add("LI")
            label = item.add("Lbl")
            body = item.add("LBody", lang=lang)
            self.lists[-1] = (current, body)  # a nested list goes inside this LBody
            return body, label
        self._reset()
        if role == "title":
            kind = "H2" if self.has_title else "H1"
            self.has_title = True
        elif role == "block_title":
            kind = "Caption"
        else:
            kind = HEADING_ROLES.get(role, "P")
        return root.add(kind, lang=lang), None

    # ----- tables -----------------------------------------------------------------------------

    def table_box(self, box: Any) -> None:
        """Draw a table row by row: TH cells (scope Column) in the header row, TD below."""
        tagger, canvas, height, drawing = self.tagger, self.canvas, self.page_height, self.drawing
        continued = self.table is not None and self.table[1] == box.alt
        if continued:
            assert self.table is not None
            table = self.table[0]
        else:
            self._reset()
            siblings = tagger.root.kids
            caption = siblings[-1] if siblings and self.last_body is siblings[-1] else None
            table = tagger.root.add("Table")
            self.table = (table, box.alt)
            if isinstance(caption, Element) and caption.kind == "Caption":
                # The numbered caption just above belongs to the table: its first kid.
                siblings.remove(caption)
                caption.parent = table
                table.kids.insert(0, caption)
        # Every row's fill first: a rule straddles its row's lower edge, and a fill painted
        # after it would hide half of it (the .pptx and LibreOffice show it whole).
        with tagger.artifact():
            y = box.y
            for r, row_height in enumerate(box.heights):
                if drawing:
                    draw_rect(canvas, height, box.x, y, box.w, row_height, box.row_fill(r))
                y += row_height
        y = box.y
        for r, (row_height, cells) in enumerate(zip(box.heights, box.cells, strict=True)):
            repeated = continued and r == 0
            row = None if repeated else table.add("TR")
            x = box.x
            for width, paragraph in zip(box.widths, cells, strict=True):
                cell = (
                    None
                    if not drawing
                    else TextBox(
                        x + box.padding,
                        y + box.padding,
                        width - 2 * box.padding,
                        row_height - 2 * box.padding,
                        (replace_lines(paragraph),),
                        role="table",
                        name="Cell",
                    )
                )
                if row is None:
                    with tagger.artifact("Pagination"):
                        if cell is not None:
                            draw_text_box(canvas, height, cell, self.book)
                else:
                    lang = language_of(paragraph.text, tagger.lang)
                    element = (
                        row.add("TH", scope="Column", lang=lang)
                        if r == 0
                        else row.add("TD", lang=lang)
                    )
                    with tagger.marked(element):
                        if cell is not None:
                            draw_text_box(canvas, height, cell, self.book)
                x += width
            y += row_height
            with tagger.artifact():  # the rule under the row, centred on its edge as in .pptx
                half = box.rule_width / 2
                if drawing:
                    draw_rect(canvas, height, box.x, y - half, box.w, box.rule_width, box.rule)
        self.last_body = None


def replace_lines(paragraph: Any, **changes: Any) -> Any:
    """Return `paragraph` with a space at the end of each soft-broken line (its last run's),
    and `changes` made."""
    lines = soft_spaced(paragraph.lines, paragraph.align, paragraph.text)
    if lines == paragraph.lines and all(getattr(paragraph, k) == v for k, v in changes.items()):
        return paragraph  # one line, or no break where words meet: nothing to change
    runs = paragraph.runs
    if runs:
        runs = tuple(
            (*line_runs[:-1], replace(line_runs[-1], text=line_runs[-1].text + " "))
            if line_runs and new != old
            else line_runs
            for line_runs, new, old in zip(runs, lines, paragraph.lines, strict=True)
        )
    return replace(paragraph, lines=lines, runs=runs, **changes)


def run_language(run: Any, document_lang: str) -> str:
    """Return the language a screen reader should read `run` in (its script decides)."""
    if document_lang.lower().startswith("ja"):
        return document_lang if run.japanese else "en"
    return "ja" if run.japanese else document_lang


def _mark_runs(paragraph: Any, marker: _LinkMarker) -> None:
    """Mark `paragraph`'s runs as `draw_paragraph` marks them while drawing, without drawing."""
    for index in range(len(paragraph.lines)):
        for run in paragraph.line_runs(index):
            with marker.mark(run):
                pass
            if run.href and run.text.strip():
                marker.linked(run)


def _latin(paragraph: Any, document_lang: str) -> bool:
    """Return whether `paragraph` is all ASCII in a document not in Japanese (one voice)."""
    return "".join(paragraph.lines).isascii() and not document_lang.lower().startswith("ja")


def _voiced(paragraph: Any, body: Element, document_lang: str) -> Any | None:
    """Return `paragraph` with its runs cut where the script changes when a run of letters is
    in another language than `body` is read in; None when every run is in that language."""
    from alliancedeck.fonts import script_runs

    if _latin(paragraph, document_lang):
        return None
    own = body.lang or document_lang
    lines = tuple(
        tuple(script_runs(paragraph.line_runs(index))) for index in range(len(paragraph.lines))
    )
    if not any(_foreign(run, own, document_lang) for line in lines for run in line):
        return None
    return replace(paragraph, runs=lines)


def _foreign(run: Any, own: str, document_lang: str) -> bool:
    # Only letters change the voice: digits and punctuation read alike in either language.
    return any(c.isalpha() for c in run.text) and run_language(run, document_lang) != own


class _LinkMarker:
    """Mark a paragraph's styled runs: text under its element, each link under a Link element
    (kid of that element) that holds its marked text and its annotations, and a run in another
    language than its element's under a Span with its /Lang."""

    def __init__(self, tagger: Tagger, body: Element, paragraph: Any, voiced: bool = False):
        self.tagger = tagger
        self.body = body
        self.own = body.lang or tagger.lang
        # In a paragraph with a Span in another language, the text around it is a Span too
        # (with no /Lang): checkers that list an element's own marks before its kids' then
        # still find the marks in the order they are drawn.
        self.voiced = voiced
        self.span: Element | None = None  # the open Span: runs in one language
        self.current: tuple[str, Element] | None = None  # the open link: address, element
        self.texts: list[str] = []  # each link's whole text, in reading order
        self.count = 0
        for line in paragraph.runs:
            for run in line:
                if run.href and run.text.strip():
                    self._link_of(run, self.texts)
                elif run.text.strip():
                    self.current = None
        self.current = None

    def _link_of(self, run: Any, texts: list[str]) -> None:
        """Note `run`'s text as part of the open link, or start a link (counting only)."""
        if self.current is not None and self.current[0] == run.href:
            texts[-1] += run.text
        else:
            texts.append(run.text)
            self.current = (run.href, self.body)

    def mark(self, run: Any) -> contextlib.AbstractContextManager[object]:
        if not (run.href and run.text.strip()):
            if run.text.strip():
                self.current = None
            lang = run_language(run, self.tagger.lang)
            # Only a voiced paragraph's runs are cut where the script changes.
            if self.voiced and _foreign(run, self.own, self.tagger.lang):
                if self.span is None or self.span.lang != lang:
                    self.span = self.body.add("Span", lang=lang)
            elif self.voiced:
                if self.span is None or (self.span.lang and any(c.isalpha() for c in run.text)):
                    self.span = self.body.add("Span")
            else:
                return self.tagger.marked(self.body)
            return self.tagger.marked(self.span)
        self.span = None
        if self.current is None or self.current[0] != run.href:
            self.current = (run.href, self.body.add("Link"))
            self.count += 1
        return self.tagger.marked(self.current[1])

    def linked(self, run: Any) -> None:
        assert self.current is not None
        text = self.texts[self.count - 1].strip() if self.count <= len(self.texts) else run.text
        self.tagger.link(self.current[1], text)


def soft_spaced(lines: tuple[str, ...], align: str, text: str = "") -> tuple[str, ...]:
    """Return `lines` with a space after every line but the last where words meet.

    Text extraction joins drawn lines as they are; the trailing space keeps the last word of
    a line apart from the first of the next. Lines of every alignment take one (a centred or
    right-aligned line is placed by its width without it). Where the lines came from `text`, a
    line takes one exactly where `text` had a space; a word cut because it was wider than the
    line, Japanese and a break after a hyphen take none. Otherwise (lines not from `text`)
    none after Japanese text or a hyphen.
    """
    if len(lines) < 2:
        return lines
    breaks = _spaces_after(lines, text)
    spaced = [
        line + " " if (breaks[i] if breaks else _words_meet(line)) else line
        for i, line in enumerate(lines[:-1])
    ]
    return (*spaced, lines[-1])


def _words_meet(line: str) -> bool:
    return bool(line) and line[-1] not in " -\u2010\u2013" and not _CJK.match(line[-1])


def _spaces_after(lines: tuple[str, ...], text: str) -> list[bool] | None:
    """Return, for each line but the last, whether `text` has a space where it ends; None when
    the lines are not `text` broken (their characters differ)."""
    if "".join(lines).split() and "".join("".join(lines).split()) != "".join(text.split()):
        return None
    if " ".join(lines) == text:  # broken at single spaces: a space after every line
        return [bool(line) for line in lines[:-1]]
    # Where each character that is not a space ends in `text`: a line that ends after the
    # k-th of them ends at ends[k - 1] (none yet: at 0).
    ends = [index + 1 for index, char in enumerate(text) if not char.isspace()]
    result, position, count = [], 0, 0
    for line in lines[:-1]:
        count += len("".join(line.split()))  # str.split cuts where str.isspace holds
        if count:
            position = ends[count - 1]
        result.append(position < len(text) and text[position].isspace() and bool(line))
    return result


def _preorder(root: Element) -> list[Element]:
    """Return `root` and every element under it, depth first (as `Element.walk` yields them)."""
    found = []
    stack = [root]
    while stack:
        element = stack.pop()
        found.append(element)
        stack.extend(kid for kid in reversed(element.kids) if isinstance(kid, Element))
    return found


def _home_pages(elements: list[Element]) -> list[int | None]:
    """Return each element's home page (its /Pg): the page of its own first mark, else of the
    first mark under it in reading order; None for an element with no mark at all.

    `elements` lists every element after its parent (`_preorder`); the first mark under each
    is found for its kids before it, in one pass from the end.
    """
    first: dict[int, int | None] = {}  # id of an element: the page of its first mark
    homes: list[int | None] = [None] * len(elements)
    for index in range(len(elements) - 1, -1, -1):
        element = elements[index]
        own = nested = None
        for kid in element.kids:
            if isinstance(kid, tuple):
                own = kid[0]
                break
            if nested is None and isinstance(kid, Element):
                nested = first[id(kid)]
        first[id(element)] = nested if nested is not None else own
        homes[index] = own if own is not None else nested
    return homes


def _marked_tag(kind: str) -> str:
    # The marked-content tag names the structure type for readers of the raw stream.
    return "Span" if kind in {"Link", "Lbl"} else kind


def language_of(text: str, document_lang: str) -> str | None:
    """Return the language to tag a run of `text` with when it differs from the document's.

    Text mostly in Japanese in a document of another language is tagged `ja`, and text mostly
    in Latin letters in a Japanese document (a generated chart description, an English source)
    `en`, so a screen reader switches voice; otherwise None (the element inherits the /Lang).
    """
    if text.isascii():  # no Japanese: only a Japanese document tags it (when it has letters)
        if document_lang.lower().startswith("ja") and any(c.isalpha() for c in text):
            return "en"
        return None
    japanese = len(_CJK.findall(text))
    latin = sum(c.isascii() and c.isalpha() for c in text)
    if document_lang.lower().startswith("ja"):
        return "en" if latin > japanese else None
    return "ja" if japanese > latin else None


def escape(text: str) -> str:
    """Return `text` with &, > and < written as entities, as `xml.sax.saxutils.escape` does.

    Written out here because that module imports urllib.request, and with it http.client and
    ssl: more than a PDF's drawing costs at the size most briefs have.
    """
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def xmp_packet(title: str, lang: str) -> str:
    """Return the XMP metadata: the title as dc:title and the PDF/UA-1 identification."""
    title = escape(title)
    lang = escape(lang or "x-default")
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        "<dc:title><rdf:Alt>"
        f'<rdf:li xml:lang="x-default">{title}</rdf:li>'
        "</rdf:Alt></dc:title>\n"
        f"<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>\n"
        "</rdf:Description>\n"
        '<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">\n'
        "<pdfuaid:part>1</pdfuaid:part>\n"
        "</rdf:Description>\n"
        "</rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    )


__all__ = ["BoxTagger", "Element", "Tagger", "language_of", "soft_spaced", "xmp_packet"]
