"""Loading a template file as untrusted input: caps, macros refused, external links dropped."""

from __future__ import annotations

import io
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from alliancedeck.errors import ContentError, Location, Problem
from alliancedeck.paths import PathRefused, _kind_of, read_bounded

if TYPE_CHECKING:
    from pptx.presentation import Presentation

#: Largest template file accepted (bytes); organisation templates with logos are a few MB.
MAX_FILE_BYTES = 50 * 1024 * 1024
#: Most zip entries a template may hold.
MAX_ENTRIES = 3000
#: Most bytes all entries may expand to.
MAX_UNCOMPRESSED_BYTES = 250 * 1024 * 1024
#: Highest compression ratio an entry larger than RATIO_FLOOR may have (XML reaches ~30).
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024

ACCEPTED_SUFFIXES = (".pptx", ".potx")
MACRO_SUFFIXES = (".pptm", ".potm", ".ppsm", ".ppam")
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT_TEMPLATE = "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"
CT_PRESENTATION = (
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
)
P_NS = "http://schemas.openxmlformats.org/presentationml/2006/main"
CORE_TYPE = b"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
OLD_CORE_TYPE = (
    b"http://schemas.openxmlformats.org/officedocument/2006/relationships/metadata/core-properties"
)
_DRAWING_PARTS = re.compile(r"ppt/(slideMasters|slideLayouts|slides)/[^/]+\.xml")
_SHAPE_ID = re.compile(rb'<p:cNvPr\b[^>]*?\bid="(\d+)"')
_HYPERLINKS = frozenset({"hlinkClick", "hlinkHover", "hlinkMouseOver"})
_DECLARED_ENCODING = re.compile(rb"""\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")


@dataclass(frozen=True)
class TemplatePackage:
    """A checked template: its cleaned bytes (a .pptx python-pptx opens) and the warnings."""

    name: str
    location: Location
    data: bytes
    warnings: tuple[Problem, ...]
    was_potx: bool

    def open(self) -> Presentation:
        """Return the template as a new python-pptx presentation (each call a fresh copy)."""
        from pptx import Presentation

        return Presentation(io.BytesIO(self.data))


def template_location(path: Path | str, where: Location | None) -> Location:
    """Return where problems with the template at `path` are reported."""
    return where if where is not None else Location(str(path))


def template_prefix(name: str, location: Location) -> str:
    """Return how messages name the template: not at all when they are located at it."""
    return "" if location.file == name and location.line <= 0 else f'template "{name}": '


def load_template(path: Path | str, where: Location | None = None) -> TemplatePackage:
    """Check and clean the template at `path`; raise a located `ContentError` if unusable.

    `where` is the place that named the template (the layout file's `slide.template` key, or
    `Location("--template")`); without it problems are reported at the template's own path.
    """
    path = Path(path)
    location = template_location(path, where)
    name = str(path)

    def fail(message: str) -> ContentError:
        return ContentError.at(location, template_prefix(name, location) + message)

    suffix = path.suffix.lower()
    if suffix in MACRO_SUFFIXES:
        raise fail(
            f"{suffix} files may hold macros and are refused; save the template "
            "as .pptx or .potx (PowerPoint: File > Save As > PowerPoint Template)"
        )
    if suffix not in ACCEPTED_SUFFIXES:
        raise fail(f"a template must be a .pptx or .potx file, not {suffix or 'a file without'}")
    try:
        info = path.stat()
        size = info.st_size
        if not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):
            raise fail(f"is {_kind_of(info.st_mode)}, not a regular file; name the .pptx file")
        if size > MAX_FILE_BYTES:
            raise fail(
                f"the file is {size / 1e6:.1f} MB, more than the {MAX_FILE_BYTES // 2**20} MiB "
                "a template may be; compress its pictures (PowerPoint: Compress Pictures)"
            )
        data = read_bounded(path, MAX_FILE_BYTES, what="template")  # the type, checked again
    except PathRefused as exc:
        raise fail(str(exc)) from None
    except FileNotFoundError:
        raise fail("no such file; check the path") from None
    except IsADirectoryError:
        raise fail("this is a folder; name the .pptx or .potx file in it") from None
    except OSError as exc:
        raise fail(f"cannot be read ({exc.strerror})") from None
    data, warnings, was_potx = clean_package(data, location, name)
    return TemplatePackage(name, location, data, tuple(warnings), was_potx)


def clean_package(data: bytes, location: Location, name: str) -> tuple[bytes, list[Problem], bool]:
    """Return `data` (a zipped package) checked and rewritten, the warnings, and if a .potx."""

    def fail(message: str) -> ContentError:
        return ContentError.at(location, template_prefix(name, location) + message)

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise fail(
            "is not a PowerPoint file (not a zip package); save it as .pptx or .potx"
        ) from None
    with archive:
        parts = _read_checked(archive, fail)
    if "[Content_Types].xml" not in parts or "ppt/presentation.xml" not in parts:
        raise fail("is not a PowerPoint presentation (no ppt/presentation.xml)")
    _check_typed_xml_parts(parts, fail)
    content_types = parts["[Content_Types].xml"].decode("utf-8", "replace")
    macro_part = next((n for n in parts if n.lower().endswith("vbaproject.bin")), None)
    if macro_part or "macroEnabled" in content_types or "vbaProject" in content_types:
        raise fail(
            f"holds macros ({macro_part or 'a macro content type'}) and is refused; save it "
            "as a .pptx or .potx without macros"
        )
    was_potx = CT_TEMPLATE in content_types
    if was_potx:  # python-pptx opens only presentations: call the template one (in memory)
        parts["[Content_Types].xml"] = content_types.replace(CT_TEMPLATE, CT_PRESENTATION).encode(
            "utf-8"
        )
    if "_rels/.rels" in parts:  # LibreOffice names the core properties by an older type,
        # which python-pptx does not find: it would add a second docProps/core.xml.
        parts["_rels/.rels"] = parts["_rels/.rels"].replace(OLD_CORE_TYPE, CORE_TYPE)
    warnings = _drop_external_relationships(parts, location, name, fail)
    _renumber_duplicate_shape_ids(parts, fail)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as rewritten:
        # The content types first, as PowerPoint writes them.
        for part_name in sorted(parts, key=lambda n: n != "[Content_Types].xml"):
            rewritten.writestr(part_name, parts[part_name])
    return out.getvalue(), warnings, was_potx


def _read_checked(archive: zipfile.ZipFile, fail) -> dict[str, bytes]:
    """Return every entry of `archive` by name, refusing bombs, traversal and duplicates."""
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise fail(f"holds {len(entries)} zip entries, more than the {MAX_ENTRIES} allowed")
    declared = sum(entry.file_size for entry in entries)
    if declared > MAX_UNCOMPRESSED_BYTES:
        raise fail(
            f"would expand to {declared / 1e6:.0f} MB, more than the "
            f"{MAX_UNCOMPRESSED_BYTES // 2**20} MiB allowed (a zip bomb?)"
        )
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise fail(
                f"zip entry {entry.filename!r} expands {ratio:.0f} times, more than the "
                f"{MAX_RATIO} allowed (a zip bomb?)"
            )
    packed = sum(entry.compress_size for entry in entries)
    if declared > RATIO_FLOOR and declared / max(packed, 1) > MAX_RATIO:
        # Entries under the floor escape the ratio above one by one, but not all together.
        raise fail(
            f"its entries expand {declared / max(packed, 1):.0f} times, more than the "
            f"{MAX_RATIO} allowed (a zip bomb?)"
        )
    parts: dict[str, bytes] = {}
    for entry in entries:
        if not _safe_name(entry.filename):
            raise fail(f"has a zip entry named {entry.filename!r}, outside the package")
        if entry.filename in parts:
            raise fail(f"has two zip entries named {entry.filename!r}")
        if entry.flag_bits & 0x1:
            raise fail("is encrypted; save it without a password")
        if entry.is_dir():
            continue
        try:
            with archive.open(entry) as stream:
                # Read one byte past the declared size: a header that lies is caught here.
                blob = stream.read(entry.file_size + 1)
        except (zipfile.BadZipFile, OSError, NotImplementedError, EOFError) as exc:
            raise fail(f"zip entry {entry.filename!r} cannot be read ({exc})") from None
        if len(blob) > entry.file_size:
            raise fail(f"zip entry {entry.filename!r} is larger than its header says")
        if entry.filename.lower().endswith((".xml", ".rels")):
            _check_xml_part(entry.filename, blob, fail)
        parts[entry.filename] = blob
    return parts


def _check_xml_part(name: str, blob: bytes, fail) -> None:
    """Refuse the XML part `name` unless it is plain UTF-8 without a document type."""
    body = blob.removeprefix(b"\xef\xbb\xbf")
    declared = _DECLARED_ENCODING.match(body)
    if not body.lstrip().startswith(b"<") or (
        declared and declared.group(1).lower() not in (b"utf-8", b"utf8")
    ):
        # libxml2 reads UTF-16 and other encodings as readily: the check below would not see
        # a declaration spelt in them. Office and LibreOffice write every part in UTF-8.
        raise fail(
            f"part {name!r} is not UTF-8, as Office writes every part; save the template again "
            "from PowerPoint"
        )
    if b"<!DOCTYPE" in body:
        # Office never writes one (ECMA-376 Part 2 forbids DTDs): it is only ever an
        # entity bomb or a reference to a file or address outside the package.
        raise fail(
            f"part {name!r} declares a document type (<!DOCTYPE ...>), which "
            "Office files never hold; save the template again from PowerPoint"
        )


def _check_typed_xml_parts(parts: dict[str, bytes], fail) -> None:
    """Check every part `[Content_Types].xml` calls XML, whatever its name ends with."""
    from lxml import etree

    try:
        root = etree.fromstring(parts["[Content_Types].xml"], _xml_parser())
    except etree.XMLSyntaxError:
        raise fail("part '[Content_Types].xml' is not well-formed XML") from None
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    for element in root:
        if not isinstance(element.tag, str):
            continue
        kind = etree.QName(element).localname
        if kind == "Default":
            defaults[element.get("Extension", "").lower()] = element.get("ContentType", "")
        elif kind == "Override":
            overrides[element.get("PartName", "").lstrip("/")] = element.get("ContentType", "")
    for name, blob in parts.items():
        suffix = PurePosixPath(name).suffix.lower().lstrip(".")
        content_type = overrides.get(name, defaults.get(suffix, ""))
        if content_type.lower().endswith("xml"):  # python-pptx parses these as XML
            _check_xml_part(name, blob, fail)


def _safe_name(name: str) -> bool:
    """Return whether the zip entry `name` stays inside the package."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return False
    pieces = PurePosixPath(name).parts
    return ".." not in pieces and not (pieces and ":" in pieces[0])


def _xml_parser():
    from lxml import etree

    # No entities, no network, no DTDs: the template is untrusted.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _source_part(rels_name: str) -> str | None:
    """Return the part a relationships part belongs to (`None` for the package's own)."""
    path = PurePosixPath(rels_name)
    if path.parent.name != "_rels" or not path.name.endswith(".rels"):
        return None
    source = path.parent.parent / path.name[: -len(".rels")]
    return None if source.name == "" else str(source).lstrip("./") or None


def _drop_external_relationships(
    parts: dict[str, bytes], location: Location, name: str, fail
) -> list[Problem]:
    """Remove every external relationship (and what points at it) from `parts`; warn for each."""
    from lxml import etree

    warnings: list[Problem] = []
    parser = _xml_parser()
    for rels_name in sorted(n for n in parts if n.endswith(".rels")):
        if b"TargetMode" not in parts[rels_name]:
            continue
        try:
            root = etree.fromstring(parts[rels_name], parser)
        except etree.XMLSyntaxError:
            raise fail(f"part {rels_name!r} is not well-formed XML") from None
        dropped: set[str] = set()
        for rel in root.findall(f"{{{RELS_NS}}}Relationship"):
            if rel.get("TargetMode", "Internal") == "Internal":
                continue  # anything else python-pptx would take for a part name: drop it too
            dropped.add(rel.get("Id", ""))
            root.remove(rel)
            source = _source_part(rels_name) or "the package"
            target = rel.get("Target", "")
            shown = target if len(target) <= 80 else target[:77] + "..."
            warnings.append(
                Problem(
                    location,
                    template_prefix(name, location)
                    + f"dropped the external link to {shown!r} in {source} "
                    "(a template may not reach outside its file)",
                    "warning",
                )
            )
        if not dropped:
            continue
        parts[rels_name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
        source = _source_part(rels_name)
        if source and source in parts:
            parts[source] = _unlink(parts[source], dropped, source, fail)
    return warnings


def _unlink(blob: bytes, dropped: set[str], part: str, fail) -> bytes:
    """Return the XML `blob` without the hyperlinks and references to the `dropped` ids."""
    from lxml import etree

    try:
        root = etree.fromstring(blob, _xml_parser())
    except etree.XMLSyntaxError:
        raise fail(f"part {part!r} is not well-formed XML") from None
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        refs = [key for key in element.attrib if key.startswith(f"{{{R_NS}}}")]
        if not any(element.get(key) in dropped for key in refs):
            continue
        parent = element.getparent()
        if etree.QName(element).localname in _HYPERLINKS and parent is not None:
            parent.remove(element)
            continue
        for key in refs:
            if element.get(key) in dropped:
                del element.attrib[key]
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _renumber_duplicate_shape_ids(parts: dict[str, bytes], fail) -> None:
    """Give each shape of a master, layout or slide its own id (LibreOffice repeats some).

    PowerPoint "repairs" a part whose shapes share an id; the validators report it. Only the
    later duplicates are renumbered, so ids other parts may name stay as they were.
    """
    from lxml import etree

    for part_name, blob in parts.items():
        if not _DRAWING_PARTS.fullmatch(part_name):
            continue
        ids = _SHAPE_ID.findall(blob)
        if len(ids) == len(set(ids)):
            continue
        try:
            root = etree.fromstring(blob, _xml_parser())
        except etree.XMLSyntaxError:
            raise fail(f"part {part_name!r} is not well-formed XML") from None
        shapes = root.iter(f"{{{P_NS}}}cNvPr")
        used: set[str] = set()
        next_id = max(int(i) for i in ids) + 1
        for shape in shapes:
            shape_id = shape.get("id", "")
            if shape_id in used:
                shape.set("id", str(next_id))
                shape_id = str(next_id)
                next_id += 1
            used.add(shape_id)
        parts[part_name] = etree.tostring(
            root, xml_declaration=True, encoding="UTF-8", standalone=True
        )
