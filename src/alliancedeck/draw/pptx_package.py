"""The .pptx package of a deck without charts or an organisation template, written without
python-pptx (whose import is most of a small build's start-up).

The deck starts from python-pptx's own default template, as the python-pptx path does: its
master, layouts, theme and properties, read with zipfile from the installed package's
`templates` folder (found without importing python-pptx), and, for a deck with speaker notes,
its notes master and that master's theme. Everything is written as python-pptx writes it: the
same part names, relationship ids, part order (a depth-first walk of the relationships from the
package's) and bytes (XML parts that python-pptx parses are written again as lxml writes them;
the others are copied). `tests/test_pptx_package.py` compares the two paths byte for byte.

Those parts are the same in every build, so they are shipped already rewritten
(`pptx_default_parts.zip`, made by `python -m alliancedeck.draw.pptx_package` from the installed
python-pptx's files), each under the SHA-256 of the bytes it was made from: a part whose bytes
are not listed (another python-pptx) is rewritten here, as before.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import importlib.util
import posixpath
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING
from xml.parsers import expat

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping

    from alliancedeck.draw.package import Packed


class RT:
    """Relationship types (the URIs of ECMA-376 part 1, §15)."""

    _OD = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    CHART = _OD + "chart"
    HYPERLINK = _OD + "hyperlink"
    IMAGE = _OD + "image"
    NOTES_MASTER = _OD + "notesMaster"
    NOTES_SLIDE = _OD + "notesSlide"
    SLIDE = _OD + "slide"
    SLIDE_LAYOUT = _OD + "slideLayout"
    SLIDE_MASTER = _OD + "slideMaster"
    THEME = _OD + "theme"
    OFFICE_DOCUMENT = _OD + "officeDocument"
    CORE_PROPERTIES = (
        "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
    )


class CT:
    """Content types of the parts this module adds or rewrites."""

    _PML = "application/vnd.openxmlformats-officedocument.presentationml."
    NOTES_MASTER = _PML + "notesMaster+xml"
    NOTES_SLIDE = _PML + "notesSlide+xml"
    SLIDE = _PML + "slide+xml"
    PRESENTATION = _PML + "presentation.main+xml"
    SLIDE_MASTER = _PML + "slideMaster+xml"
    SLIDE_LAYOUT = _PML + "slideLayout+xml"
    THEME = "application/vnd.openxmlformats-officedocument.theme+xml"
    PRINTER_SETTINGS = _PML + "printerSettings"
    RELATIONSHIPS = "application/vnd.openxmlformats-package.relationships+xml"
    XML = "application/xml"
    PNG = "image/png"
    JPEG = "image/jpeg"


#: Picture formats (as `pictures` names them) -> part name extension and content type, as
#: python-pptx names them.
PICTURE_TYPES = {"png": ("png", CT.PNG), "jpeg": ("jpg", CT.JPEG)}

#: (extension, content type) pairs that `[Content_Types].xml` lists as a Default, not an
#: Override per part: those of python-pptx's list that this package can hold.
_DEFAULT_TYPES = frozenset(
    {
        ("bin", CT.PRINTER_SETTINGS),
        ("jpe", CT.JPEG),
        ("jpeg", CT.JPEG),
        ("jpg", CT.JPEG),
        ("png", CT.PNG),
        ("rels", CT.RELATIONSHIPS),
        ("xml", CT.XML),
    }
)

#: Parts python-pptx reads as XML (and so writes again, as lxml does); it copies the others.
_PARSED_TYPES = frozenset({CT.PRESENTATION, CT.SLIDE_MASTER, CT.SLIDE_LAYOUT, CT.NOTES_MASTER})

DECLARATION = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TITLE_ONLY_LAYOUT = 5  # in the default template's master


# --- parts ----------------------------------------------------------------------------------


class Relationship:
    """A relationship from `source` (a part, or the package as "/") to a part or a URL."""

    __slots__ = ("is_external", "reltype", "source", "target")

    def __init__(self, source: str, reltype: str, target: Part | str, is_external: bool) -> None:
        self.source = source
        self.reltype = reltype
        self.target = target
        self.is_external = is_external

    @property
    def target_ref(self) -> str:
        """The Target attribute: a URL, or the part's name relative to the source's folder."""
        if self.is_external:
            return self.target  # type: ignore[return-value]
        name = self.target.partname  # type: ignore[union-attr]
        return _relative_name(name, posixpath.dirname(self.source))


@functools.lru_cache(maxsize=1024)
def _relative_name(name: str, folder: str) -> str:
    """Return part `name` relative to `folder` (both absolute): remembered, as a long
    deck's thousands of relationships (every slide to its layout...) name few pairs."""
    return posixpath.relpath(name, folder)


class Part:
    """A part of the package: its name, content type, bytes and relationships (by rId)."""

    __slots__ = ("_related", "blob", "content_type", "partname", "rels")

    def __init__(self, partname: str, content_type: str, blob: bytes | Packed = b"") -> None:
        self.partname = partname
        self.content_type = content_type
        self.blob = blob
        self.rels: dict[str, Relationship] = {}
        self._related: dict[tuple[str, bool, object], str] = {}

    def relate_to(self, target: Part | str, reltype: str, is_external: bool = False) -> str:
        """Return the rId of the relationship of `reltype` to `target`, added if new."""
        key = (reltype, is_external, target if is_external else id(target))
        rid = self._related.get(key)
        if rid is None:
            rid = self.add_relationship(target, reltype, is_external)
        return rid

    def add_relationship(self, target: Part | str, reltype: str, is_external: bool = False) -> str:
        """Add a relationship (known to be new) and return its rId: the highest free number up
        to one more than the count (the next number when none is missing), as python-pptx
        numbers them."""
        number = len(self.rels) + 1
        while f"rId{number}" in self.rels:
            number -= 1
        rid = f"rId{number}"
        self.rels[rid] = Relationship(self.partname, reltype, target, is_external)
        self._related.setdefault((reltype, is_external, target if is_external else id(target)), rid)
        return rid

    def related(self, reltype: str) -> Part:
        """Return the first part related as `reltype`."""
        for relationship in self.rels.values():
            if relationship.reltype == reltype and not relationship.is_external:
                return relationship.target  # type: ignore[return-value]
        raise KeyError(reltype)


# --- the package ----------------------------------------------------------------------------


class DeckPackage:
    """The default template's package, to which slides, notes pages and pictures are added."""

    def __init__(self, width: int, height: int) -> None:
        """Start on the default template, its slides `width` by `height` EMU."""
        self.root = _load_template()
        self._presentation = self.root.related(RT.OFFICE_DOCUMENT)
        self._size = (width, height)
        self._slide_ids: list[tuple[int, str]] = []
        self._notes_master: Part | None = None
        self._closed = False
        master = self._presentation.related(RT.SLIDE_MASTER)
        layout_ids = re.findall(rb'<p:sldLayoutId\b[^>]*\br:id="([^"]+)"', master.blob)
        self.layout = master.rels[layout_ids[_TITLE_ONLY_LAYOUT].decode()].target

    def new_part(self, partname: str, content_type: str, blob: bytes | Packed = b"") -> Part:
        """Return a new part (in the package once a part in it relates to it)."""
        return Part(partname, content_type, blob)

    def image_part(self, partname: str, content_type: str, blob: bytes) -> Part:
        """Return a new picture part."""
        return Part(partname, content_type, blob)

    def add_slide(self, slide: Part, slide_id: int) -> None:
        """Append `slide` to the presentation's slides, as `slide_id`."""
        rid = self._presentation.add_relationship(slide, RT.SLIDE)
        self._slide_ids.append((slide_id, rid))

    def notes_master(self) -> Part:
        """Return the notes master, made (with its theme) when the first notes page needs it."""
        if self._notes_master is None:
            master = Part(
                "/ppt/notesMasters/notesMaster1.xml", CT.NOTES_MASTER, _loose("notesMaster")
            )
            taken = {p.partname for p in _walk(self.root)}
            number = 1 + sum(name.startswith("/ppt/theme/theme") for name in taken)
            while f"/ppt/theme/theme{number}.xml" in taken:
                number += 1
            theme = Part(f"/ppt/theme/theme{number}.xml", CT.THEME, _loose("theme"))
            master.relate_to(theme, RT.THEME)
            self._presentation.relate_to(master, RT.NOTES_MASTER)
            self._notes_master = master
        return self._notes_master

    def set_core_properties(self, values: Mapping[str, str], moment: dt.datetime) -> None:
        """Write docProps/core.xml: `values` by element name, every date `moment` (UTC)."""
        self.root.related(RT.CORE_PROPERTIES).blob = core_properties_xml(values, moment)

    def members(self) -> Iterator[tuple[str, bytes | Packed]]:
        """Yield (zip name, bytes) of every item: content types, the package relationships,
        then each part followed by its relationships, as python-pptx saves them."""
        if self._closed:
            raise RuntimeError("the package was closed: its parts are no longer related")
        self._presentation.blob = self._presentation_xml()
        parts = _walk(self.root)
        yield "[Content_Types].xml", content_types_xml(parts)
        yield "_rels/.rels", relationships_xml(self.root.rels)
        for part in parts:
            yield part.partname[1:], part.blob
            if part.rels:
                folder, name = posixpath.split(part.partname[1:])
                yield posixpath.join(folder, "_rels", name + ".rels"), relationships_xml(part.rels)

    def close(self) -> None:
        """Let go of every part once the package is written: the template's master and layouts
        relate to each other, and through the presentation's part every slide would be held
        in that cycle until the collector ran."""
        for part in [self.root, *_walk(self.root)]:
            part.rels.clear()
            part._related.clear()
        self._closed = True

    def _presentation_xml(self) -> bytes:
        """Return presentation.xml: the template's, with the slide size and the slide list."""
        xml = _template_members()["ppt/presentation.xml"]
        width, height = self._size

        def sized(match: re.Match[bytes]) -> bytes:
            attributes = re.sub(rb'\bcx="[^"]*"', f'cx="{width}"'.encode(), match.group())
            return re.sub(rb'\bcy="[^"]*"', f'cy="{height}"'.encode(), attributes)

        xml = re.sub(rb"<p:sldSz\b[^>]*>", sized, xml, count=1)
        ids = "".join(f'<p:sldId id="{n}" r:id="{rid}"/>' for n, rid in self._slide_ids)
        listing = f"<p:sldIdLst>{ids}</p:sldIdLst>" if ids else "<p:sldIdLst/>"
        head, sep, tail = xml.partition(b"<p:sldSz")
        if not sep or b"<p:sldIdLst" in xml:
            raise RuntimeError("python-pptx's default template has changed: use python-pptx")
        return head + listing.encode() + sep + tail


def _walk(root: Part) -> list[Part]:
    """Return every part reachable from `root`, depth first, each once, in relationship order."""
    parts: list[Part] = []
    _visit(root, parts, set())
    return parts


def _visit(part: Part, parts: list[Part], seen: set[int]) -> None:
    """Append to `parts` each part `part` relates to and not in `seen`, each followed by those
    it relates to (a function of its own: a closure calling itself is a reference cycle)."""
    for relationship in part.rels.values():
        target = relationship.target
        if relationship.is_external or id(target) in seen:
            continue
        seen.add(id(target))
        parts.append(target)  # type: ignore[arg-type]
        _visit(target, parts, seen)  # type: ignore[arg-type]


# --- package items --------------------------------------------------------------------------


def _escape(value: str, attribute: bool = False) -> str:
    """Return `value` escaped as lxml writes character data (or a double-quoted attribute)."""
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = value.replace("\r", "&#13;")
    if attribute:
        value = value.replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")
    return value


def relationships_xml(relationships: Mapping[str, object]) -> bytes:
    """Return a .rels item listing `relationships` (rId -> an object with `reltype`,
    `target_ref` and `is_external`) in numerical rId order, as python-pptx writes it."""

    def number(rid: str) -> int:
        return int(rid[3:]) if rid.startswith("rId") and rid[3:].isdigit() else 0

    items = []
    for rid in sorted(relationships, key=lambda rid: (number(rid), rid)):
        relationship = relationships[rid]
        mode = ' TargetMode="External"' if relationship.is_external else ""  # type: ignore[attr-defined]
        items.append(
            f'<Relationship Id="{_escape(rid, True)}" '
            f'Type="{_escape(relationship.reltype, True)}" '  # type: ignore[attr-defined]
            f'Target="{_escape(relationship.target_ref, True)}"{mode}/>'  # type: ignore[attr-defined]
        )
    listing = "".join(items)
    return f'{DECLARATION}<Relationships xmlns="{_NS}">{listing}</Relationships>'.encode()


def content_types_xml(parts: Iterable[Part]) -> bytes:
    """Return `[Content_Types].xml` for `parts`: a Default per known extension, an Override for
    every other part, each list sorted, as python-pptx writes it."""
    defaults = {"rels": CT.RELATIONSHIPS, "xml": CT.XML}
    overrides: dict[str, str] = {}
    for part in parts:
        extension = posixpath.splitext(part.partname)[1][1:]
        if (extension.lower(), part.content_type) in _DEFAULT_TYPES:
            defaults[extension.lower()] = part.content_type
        else:
            overrides[part.partname] = part.content_type
    items = [
        f'<Default Extension="{_escape(e, True)}" ContentType="{_escape(t, True)}"/>'
        for e, t in sorted(defaults.items())
    ] + [
        f'<Override PartName="{_escape(n, True)}" ContentType="{_escape(t, True)}"/>'
        for n, t in sorted(overrides.items())
    ]
    return (
        f"{DECLARATION}<Types "
        f'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f"{''.join(items)}</Types>"
    ).encode()


#: docProps/core.xml's elements in the order python-pptx leaves them on its default template
#: (the template's, then those it appends as they are first set).
_CORE_ORDER = (
    "dc:title",
    "dc:subject",
    "dc:creator",
    "cp:keywords",
    "dc:description",
    "cp:lastModifiedBy",
    "cp:revision",
    "dcterms:created",
    "dcterms:modified",
    "cp:category",
    "dc:language",
    "dc:identifier",
    "cp:lastPrinted",
)


def core_properties_xml(values: Mapping[str, str], moment: dt.datetime) -> bytes:
    """Return docProps/core.xml holding `values` (by prefixed element name), revision 1, and
    `moment` as created, modified and last printed date."""
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    dated = {"dcterms:created", "dcterms:modified"}
    texts = {**values, "cp:revision": "1", "cp:lastPrinted": stamp}
    texts.update(dict.fromkeys(dated, stamp))
    elements = "".join(
        f"<{name}"
        + (' xsi:type="dcterms:W3CDTF"' if name in dated else "")
        + f">{_escape(texts[name])}</{name}>"
        for name in _CORE_ORDER
    )
    return (
        f"{DECLARATION}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"{elements}</cp:coreProperties>"
    ).encode()


# --- the default template -------------------------------------------------------------------


@functools.cache
def _templates() -> Path:
    """Return python-pptx's `templates` folder (finding the package does not import it)."""
    spec = importlib.util.find_spec("pptx")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("python-pptx is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "templates"


@functools.cache
def _template_members() -> dict[str, bytes]:
    """Return the default template's items by zip name, parsed XML parts as lxml writes them."""
    with zipfile.ZipFile(_templates() / "default.pptx") as source:
        members = {name: source.read(name) for name in source.namelist()}
    types = _content_types(members["[Content_Types].xml"])
    for name in members:
        if types(name) in _PARSED_TYPES:
            members[name] = _rewritten(members[name])
    return members


@functools.cache
def _loose(name: str) -> bytes:
    """Return python-pptx's template `name`.xml (the notes master or its theme), as lxml writes
    it once parsed."""
    return _rewritten((_templates() / f"{name}.xml").read_bytes())


#: The default template's parts as `as_lxml_writes` writes them, shipped with alliancedeck.
SHIPPED_PARTS = Path(__file__).with_name("pptx_default_parts.zip")
#: The loose templates python-pptx reads as XML when a deck has speaker notes.
_LOOSE_TEMPLATES = ("notesMaster", "theme")


def _rewritten(xml: bytes) -> bytes:
    """Return `as_lxml_writes(xml)`: shipped for the bytes of the templates alliancedeck was
    released with (found by their SHA-256), else worked out now."""
    shipped = _shipped_parts().get(hashlib.sha256(xml).hexdigest())
    return shipped if shipped is not None else as_lxml_writes(xml)


@functools.cache
def _shipped_parts() -> dict[str, bytes]:
    """Return the shipped rewritten parts by the SHA-256 (hex) of the bytes each was made from
    (none if the file is missing or unreadable: every part is then rewritten here)."""
    try:
        with zipfile.ZipFile(SHIPPED_PARTS) as shipped:
            return {name: shipped.read(name) for name in shipped.namelist()}
    except (OSError, zipfile.BadZipFile):
        return {}


def rewritten_parts() -> dict[str, bytes]:
    """Return every template part python-pptx parses, by the SHA-256 of its bytes, as
    `as_lxml_writes` writes it, from the installed python-pptx's files (what is shipped)."""
    with zipfile.ZipFile(_templates() / "default.pptx") as source:
        members = {name: source.read(name) for name in source.namelist()}
    types = _content_types(members["[Content_Types].xml"])
    sources = [xml for name, xml in members.items() if types(name) in _PARSED_TYPES]
    sources += [(_templates() / f"{name}.xml").read_bytes() for name in _LOOSE_TEMPLATES]
    return {hashlib.sha256(xml).hexdigest(): as_lxml_writes(xml) for xml in sources}


def write_shipped_parts(path: Path = SHIPPED_PARTS) -> None:
    """Write `rewritten_parts()` to `path` (a zip file, one entry per part, in digest order,
    dated 1980-01-01 so that the file depends on the parts only)."""
    with zipfile.ZipFile(path, "w") as shipped:
        for digest, xml in sorted(rewritten_parts().items()):
            entry = zipfile.ZipInfo(digest, (1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            shipped.writestr(entry, xml)


def _content_types(xml: bytes):
    """Return a function giving the content type of a zip name, from `[Content_Types].xml`."""
    defaults = {
        _unescape(e).lower(): _unescape(t)
        for e, t in re.findall(rb'<Default\s+Extension="([^"]*)"\s+ContentType="([^"]*)"', xml)
    }
    overrides = {
        _unescape(n): _unescape(t)
        for n, t in re.findall(rb'<Override\s+PartName="([^"]*)"\s+ContentType="([^"]*)"', xml)
    }

    def content_type(name: str) -> str | None:
        partname = "/" + name
        if partname in overrides:
            return overrides[partname]
        return defaults.get(posixpath.splitext(name)[1][1:].lower())

    return content_type


def _load_template() -> Part:
    """Return the package root ("/") of a fresh copy of the default template's parts."""
    members = _template_members()
    root = Part("/", "")
    _load_relationships(root, members, _content_types(members["[Content_Types].xml"]), {})
    return root


def _load_relationships(
    source: Part, members: Mapping[str, bytes], content_type: Callable, parts: dict[str, Part]
) -> None:
    """Relate `source` to the parts its .rels item in `members` names, each loaded (once:
    `parts` by name) with its own relationships."""
    folder, name = posixpath.split(source.partname[1:])
    rels = members.get(posixpath.join(folder, "_rels", name + ".rels"))
    if rels is None:
        return
    for attributes in re.findall(rb"<Relationship\b([^>]*?)/?>", rels):
        found = {k.decode(): _unescape(v) for k, v in re.findall(rb'(\w+)="([^"]*)"', attributes)}
        if found.get("TargetMode") == "External":
            source.add_relationship(found["Target"], found["Type"], True)
            continue
        partname = posixpath.normpath(posixpath.join("/" + folder, found["Target"]))
        target = parts.get(partname)
        if target is None:
            target = Part(partname, content_type(partname[1:]) or "", members[partname[1:]])
            parts[partname] = target
            _load_relationships(target, members, content_type, parts)
        # the template's rIds are kept (python-pptx keeps them, in the order read)
        source.rels[found["Id"]] = Relationship(
            source.partname, found["Type"], target, is_external=False
        )
        source._related.setdefault((found["Type"], False, id(target)), found["Id"])


def _unescape(value: bytes) -> str:
    text = value.decode()
    if "&" not in text:
        return text
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


# --- XML written again as lxml writes it -----------------------------------------------------


def as_lxml_writes(xml: bytes) -> bytes:
    """Return the XML document `xml` as python-pptx writes a part it parsed: read by lxml
    dropping blank text between elements, written in UTF-8 with a standalone declaration.

    Blank text is dropped, as libxml2 does, unless it is the only content of its element,
    follows text, or its element's content starts with text (`xml:space`, which the templates
    do not use, is not looked at). Namespace declarations come first in a
    tag, then the attributes, each in document order; an element without content is written
    `<x/>`. (Comments, processing instructions and DTDs, which the templates have none of, are
    dropped.)
    """
    out: list[str] = [DECLARATION]
    # per open element: [has children, last child is text, first child is text]
    stack: list[list] = []
    pending: list[str] = []  # character data since the last event
    open_tag: list[bool] = [False]  # the last start tag is not closed yet (`>` not written)

    def flush(next_is_end_tag: bool) -> None:
        text = "".join(pending)
        pending.clear()
        if not text or not stack:
            return
        state = stack[-1]
        if text.strip(" \t\r\n") == "":
            if next_is_end_tag and not state[0]:
                pass  # the only content of the element: kept
            elif state[1] or state[2]:
                pass  # follows text, or the element's content starts with text: kept
            else:
                return  # dropped
        if open_tag[0]:
            out.append(">")
            open_tag[0] = False
        out.append(_escape(text))
        if not state[0]:
            state[2] = True
        state[0] = True
        state[1] = True

    def start(name: str, attributes: list[str]) -> None:
        flush(False)
        if open_tag[0]:
            out.append(">")
        if stack:
            stack[-1][0] = True
            stack[-1][1] = False
        pairs = list(zip(attributes[::2], attributes[1::2], strict=True))
        pairs.sort(key=lambda pair: not (pair[0] == "xmlns" or pair[0].startswith("xmlns:")))
        out.append(f"<{name}")
        out.extend(f' {key}="{_escape(value, True)}"' for key, value in pairs)
        open_tag[0] = True
        stack.append([False, False, False])

    def end(name: str) -> None:
        flush(True)
        state = stack.pop()
        if open_tag[0] and not state[0]:
            out.append("/>")
        else:
            if open_tag[0]:
                out.append(">")
            out.append(f"</{name}>")
        open_tag[0] = False
        if stack:
            stack[-1][1] = False

    parser = expat.ParserCreate()
    parser.ordered_attributes = True
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = pending.append
    parser.Parse(xml, True)
    return "".join(out).encode()


if __name__ == "__main__":  # regenerate the shipped parts after upgrading python-pptx
    write_shipped_parts()
    print(f"wrote {SHIPPED_PARTS}")
