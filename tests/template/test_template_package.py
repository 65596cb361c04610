"""A template is untrusted input: caps, traversal, macros refused; external links dropped."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
import template_files
from hypothesis import given
from hypothesis import strategies as st
from template_files import package_bytes, rewrite

from alliancedeck.errors import ContentError, Location
from alliancedeck.template import package as template_package
from alliancedeck.template.package import CT_PRESENTATION, CT_TEMPLATE, load_template

WHERE = Location("layouts/org.yaml", 4, 13)

templates = template_files.templates  # the session's fixture


def refused(path, where=WHERE) -> str:
    with pytest.raises(ContentError) as caught:
        load_template(path, where)
    (problem,) = caught.value.problems
    return str(problem)


def test_a_potx_is_accepted_and_opens(templates, tmp_path):
    from pptx import Presentation

    potx = rewrite(
        templates / "default.pptx",
        tmp_path / "org.potx",
        lambda name, blob: (
            blob.replace(CT_PRESENTATION.encode(), CT_TEMPLATE.encode())
            if name == "[Content_Types].xml"
            else blob
        ),
    )
    with pytest.raises(ValueError):  # what python-pptx does with a template on its own
        Presentation(potx)
    package = load_template(potx, WHERE)
    assert package.was_potx
    assert [layout.name for layout in package.open().slide_layouts][:2] == [
        "Title Slide",
        "Title and Content",
    ]


@pytest.mark.parametrize("suffix", [".pptm", ".potm"])
def test_macro_enabled_suffixes_are_refused(templates, tmp_path, suffix):
    path = tmp_path / f"org{suffix}"
    path.write_bytes((templates / "default.pptx").read_bytes())
    message = refused(path)
    assert message.startswith(f'layouts/org.yaml:4:13: template "{path}": {suffix} files')
    assert "save the template as .pptx or .potx" in message


def test_a_vba_project_is_refused_whatever_the_name(templates, tmp_path):
    path = rewrite(
        templates / "default.pptx",
        tmp_path / "innocent.pptx",
        add={"ppt/vbaProject.bin": b"\xd0\xcf\x11\xe0 not really"},
    )
    assert "holds macros (ppt/vbaProject.bin)" in refused(path)


def test_a_macro_content_type_is_refused(templates, tmp_path):
    macro = "application/vnd.ms-powerpoint.template.macroEnabled.main+xml"
    path = rewrite(
        templates / "default.pptx",
        tmp_path / "innocent.pptx",
        lambda name, blob: (
            blob.replace(CT_PRESENTATION.encode(), macro.encode())
            if name == "[Content_Types].xml"
            else blob
        ),
    )
    assert "holds macros (a macro content type)" in refused(path)


@pytest.mark.parametrize("entry", ["../evil.xml", "/etc/evil.xml", "ppt/..\\..\\evil.xml"])
def test_entries_outside_the_package_are_refused(templates, tmp_path, entry):
    path = rewrite(templates / "default.pptx", tmp_path / "org.pptx", add={entry: b"<x/>"})
    assert f"has a zip entry named {entry!r}, outside the package" in refused(path)


def test_a_zip_bomb_entry_is_refused(templates, tmp_path):
    bomb = b"\0" * (8 * 1024 * 1024)  # deflates about a thousand times
    path = rewrite(templates / "default.pptx", tmp_path / "org.pptx", add={"ppt/media/x": bomb})
    message = refused(path)
    assert "zip entry 'ppt/media/x' expands" in message
    assert "a zip bomb?" in message


def test_many_small_bombs_are_refused_as_a_whole(templates, tmp_path):
    # Each entry stays under the floor of the per-entry ratio; together they expand 200 MB.
    small = b"\0" * (1024 * 1024 - 1)
    bombs = {f"ppt/media/x{i}.bin": small for i in range(200)}
    path = rewrite(templates / "default.pptx", tmp_path / "org.pptx", add=bombs)
    message = refused(path)
    assert "its entries expand" in message
    assert "a zip bomb?" in message


def test_the_total_size_and_the_entry_count_are_capped(templates, tmp_path, monkeypatch):
    path = templates / "default.pptx"
    with zipfile.ZipFile(path) as archive:
        total = sum(info.file_size for info in archive.infolist())
        count = len(archive.infolist())
    monkeypatch.setattr(template_package, "MAX_UNCOMPRESSED_BYTES", total - 1)
    assert f"would expand to {total / 1e6:.0f} MB" in refused(path)
    monkeypatch.setattr(template_package, "MAX_UNCOMPRESSED_BYTES", total)
    monkeypatch.setattr(template_package, "MAX_ENTRIES", count - 1)
    assert f"holds {count} zip entries" in refused(path)
    monkeypatch.setattr(template_package, "MAX_ENTRIES", count)
    load_template(path)  # at the caps exactly: accepted
    monkeypatch.setattr(template_package, "MAX_FILE_BYTES", path.stat().st_size - 1)
    assert "compress its pictures" in refused(path)


def test_not_a_presentation_and_missing_files_are_located(tmp_path):
    text = tmp_path / "org.pptx"
    text.write_text("hello", encoding="utf-8")
    assert refused(text, Location("--template")) == (
        f'--template: template "{text}": is not a PowerPoint file (not a zip package); '
        "save it as .pptx or .potx"
    )
    assert refused(tmp_path / "absent.potx").startswith(
        f'layouts/org.yaml:4:13: template "{tmp_path / "absent.potx"}": no such file'
    )
    assert "must be a .pptx or .potx file, not .key" in refused(tmp_path / "org.key")


LINKED = (
    '<Relationship Id="rIdX1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/hyperlink" Target="https://example.invalid/track" TargetMode="External"/>'
    '<Relationship Id="rIdX2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/image" Target="file:///C:/secret/logo.png" TargetMode="External"/>'
)
PICTURE = (
    '<p:pic><p:nvPicPr><p:cNvPr id="90" name="Linked logo">'
    '<a:hlinkClick r:id="rIdX1"/></p:cNvPr><p:cNvPicPr/><p:nvPr/></p:nvPicPr>'
    '<p:blipFill><a:blip r:link="rIdX2"/><a:stretch><a:fillRect/></a:stretch></p:blipFill>'
    '<p:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/></a:xfrm>'
    '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr></p:pic>'
)


def linked_template(templates, tmp_path):
    """Return the default template with a linked picture and a hyperlink on its first master."""

    def edit(name: str, blob: bytes) -> bytes:
        if name == "ppt/slideMasters/_rels/slideMaster1.xml.rels":
            return blob.replace(b"</Relationships>", LINKED.encode() + b"</Relationships>")
        if name == "ppt/slideMasters/slideMaster1.xml":
            return re.sub(
                rb"(<p:spTree>.*?</p:grpSpPr>)",
                rb"\1" + PICTURE.encode(),
                blob,
                count=1,
                flags=re.S,
            )
        return blob

    return rewrite(templates / "default.pptx", tmp_path / "linked.pptx", edit)


def test_external_relationships_are_dropped_with_a_warning(templates, tmp_path):
    path = linked_template(templates, tmp_path)
    before = package_bytes(path)
    assert b'r:link="rIdX2"' in before["ppt/slideMasters/slideMaster1.xml"]
    package = load_template(path, WHERE)
    assert [str(w) for w in package.warnings] == [
        f'layouts/org.yaml:4:13: warning: template "{path}": dropped the external link to '
        f"{target!r} in ppt/slideMasters/slideMaster1.xml (a template may not reach outside "
        "its file)"
        for target in ("https://example.invalid/track", "file:///C:/secret/logo.png")
    ]
    cleaned = tmp_path / "cleaned.pptx"
    cleaned.write_bytes(package.data)
    parts = package_bytes(cleaned)
    assert not any(b'TargetMode="External"' in blob for blob in parts.values())
    master = parts["ppt/slideMasters/slideMaster1.xml"]
    assert b"rIdX" not in master and b"hlinkClick" not in master
    assert b'name="Linked logo"' in master  # the picture stays, without its link
    master_shapes = [shape.name for shape in package.open().slide_masters[0].shapes]
    assert "Linked logo" in master_shapes


def test_a_clean_template_has_no_warnings_and_keeps_every_part(templates):
    path = templates / "default.pptx"
    package = load_template(path)
    assert package.warnings == ()
    assert not package.was_potx
    cleaned = package.open()
    assert len(cleaned.slide_layouts) == 11
    with zipfile.ZipFile(io.BytesIO(package.data)) as cleaned_archive:
        assert sorted(cleaned_archive.namelist()) == sorted(package_bytes(path))


def test_the_cleaned_package_is_valid_open_xml(templates, tmp_path):
    import subprocess

    from external import require

    checker = require("ooxml-check")
    package = load_template(linked_template(templates, tmp_path))
    cleaned = tmp_path / "cleaned.pptx"
    cleaned.write_bytes(package.data)
    result = subprocess.run([checker, str(cleaned)], capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stdout + result.stderr


@given(st.lists(st.sampled_from(["ppt", "..", ".", "a.xml", "C:", "_rels", "x\\y"]), min_size=1))
def test_an_entry_name_is_safe_only_if_it_stays_inside_the_package(pieces):
    from alliancedeck.template.package import _safe_name

    name = "/".join(pieces)
    kept = [piece for piece in pieces if piece != "."]  # "./C:" is "C:"
    outside = ".." in kept or "\\" in name or bool(kept and kept[0].endswith(":"))
    assert _safe_name(name) is not outside
    assert _safe_name("/" + name) is False


def test_a_fifo_or_device_is_refused_without_waiting(tmp_path):
    import os

    fifo = tmp_path / "org.pptx"
    os.mkfifo(fifo)  # no writer: opening it to read would wait for ever
    assert "is a pipe (FIFO), not a regular file" in refused(fifo)
    device = tmp_path / "zero.potx"
    device.symlink_to("/dev/zero")
    assert "is a device, not a regular file" in refused(device)


@pytest.mark.parametrize(
    "doctype",
    [
        # entity expansion (billion laughs): lxml stops it with an error of its own
        '<!DOCTYPE x [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        + "".join(
            f'<!ENTITY {c} "{("&" + p + ";") * 10}">'
            for p, c in zip("bcdefgh", "cdefghi", strict=True)
        )
        + "]>",
        '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',  # an outside file
        '<!DOCTYPE x SYSTEM "https://example.invalid/x.dtd">',
    ],
)
def test_a_part_with_a_document_type_declaration_is_refused(templates, tmp_path, doctype):
    # Office never writes a DTD (ECMA-376 Part 2 forbids them): one is only ever an attack.
    def edit(name: str, blob: bytes) -> bytes:
        if name == "ppt/theme/theme1.xml":
            head, body = blob.split(b"?>", 1)
            return head + b"?>" + doctype.encode() + body
        return blob

    path = rewrite(templates / "default.pptx", tmp_path / "org.pptx", edit)
    assert "part 'ppt/theme/theme1.xml' declares a document type (<!DOCTYPE" in refused(path)


def _with_doctype(blob: bytes) -> bytes:
    head, body = blob.split(b"?>", 1)
    return head + b"?>" + b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + body


def test_a_document_type_in_utf16_is_refused_too(templates, tmp_path):
    # libxml2 reads UTF-16 as readily as UTF-8: the declaration must not hide behind the encoding.
    def edit(name: str, blob: bytes) -> bytes:
        if name == "ppt/theme/theme1.xml":
            text = _with_doctype(blob).decode("utf-8")
            return text.replace("UTF-8", "UTF-16").encode("utf-16")
        return blob

    path = rewrite(templates / "default.pptx", tmp_path / "org.pptx", edit)
    message = refused(path)
    assert "part 'ppt/theme/theme1.xml' is not UTF-8" in message


def test_a_document_type_in_a_part_not_named_xml_is_refused(templates, tmp_path):
    # python-pptx parses a part by its content type, whatever its name.
    def edit(name: str, blob: bytes) -> bytes | None:
        if name == "ppt/theme/theme1.xml":
            return None
        if name == "[Content_Types].xml":
            return blob.replace(b'"/ppt/theme/theme1.xml"', b'"/ppt/theme/theme1.dat"')
        if name.endswith(".rels"):
            return blob.replace(b"theme/theme1.xml", b"theme/theme1.dat")
        return blob

    theme = _with_doctype(package_bytes(templates / "default.pptx")["ppt/theme/theme1.xml"])
    path = rewrite(
        templates / "default.pptx",
        tmp_path / "org.pptx",
        edit,
        add={"ppt/theme/theme1.dat": theme},
    )
    assert "part 'ppt/theme/theme1.dat' declares a document type (<!DOCTYPE" in refused(path)


def test_a_link_marked_external_in_lower_case_is_dropped_not_a_crash(templates, tmp_path):
    # TargetMode is "External" or "Internal"; python-pptx takes anything else for a part name.
    def edit(name: str, blob: bytes) -> bytes:
        if name == "ppt/slideLayouts/_rels/slideLayout1.xml.rels":
            return blob.replace(
                b"</Relationships>",
                b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/'
                b'officeDocument/2006/relationships/image" Target="file:///etc/passwd" '
                b'TargetMode="external"/></Relationships>',
            )
        return blob

    path = rewrite(templates / "default.pptx", tmp_path / "org.pptx", edit)
    package = load_template(path, WHERE)
    assert [str(w) for w in package.warnings] == [
        f'layouts/org.yaml:4:13: warning: template "{path}": dropped the external link to '
        "'file:///etc/passwd' in ppt/slideLayouts/slideLayout1.xml (a template may not reach "
        "outside its file)"
    ]
    assert len(package.open().slide_layouts) == 11


def test_a_package_python_pptx_cannot_read_is_a_located_error(templates, tmp_path):
    from alliancedeck.template import open_template

    # A layout renamed without its relationships: the layout has no master to belong to.
    def edit(name: str, blob: bytes) -> bytes | None:
        if name == "ppt/slideLayouts/slideLayout2.xml":
            return None
        if name == "[Content_Types].xml":
            return blob.replace(b"/slideLayout2.xml", b"/slideLayout2b.xml")
        if name == "ppt/slideMasters/_rels/slideMaster1.xml.rels":
            return blob.replace(b"slideLayout2.xml", b"slideLayout2b.xml")
        return blob

    layout = package_bytes(templates / "default.pptx")["ppt/slideLayouts/slideLayout2.xml"]
    path = rewrite(
        templates / "default.pptx",
        tmp_path / "org.pptx",
        edit,
        add={"ppt/slideLayouts/slideLayout2b.xml": layout},
    )
    with pytest.raises(ContentError) as caught:
        open_template(path, WHERE)
    (problem,) = caught.value.problems
    assert str(problem).startswith(
        f'layouts/org.yaml:4:13: template "{path}": cannot be read as a presentation ('
    )
    assert "save it again from PowerPoint" in str(problem)
