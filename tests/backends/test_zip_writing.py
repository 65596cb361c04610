"""The deck's zip is written by alliancedeck's own zip writer: the bytes zipfile writes."""

from __future__ import annotations

import io
import zipfile

import pytest

from alliancedeck.api import prepare, render
from alliancedeck.draw import package
from conftest import REPO

EPOCH = 1700000000


def _both(make):
    """Return what `make()` returns with the fast writer, then with zipfile's."""
    found = []
    for fast in (True, False):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(package, "FAST", fast)
            found.append(make())
    return found


@pytest.mark.parametrize("content", ["content.yaml", "examples/blocks/content.yaml"])
def test_a_deck_s_zip_has_the_bytes_zipfile_writes(content, monkeypatch):
    """The default deck, and one with charts (their workbooks, zips themselves, rewritten) and
    pictures (stored, not deflated again)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    prepared = prepare(REPO / content)
    fast, reference = _both(lambda: render(prepared, "slides"))
    assert fast == reference
    with zipfile.ZipFile(io.BytesIO(fast)) as deck:
        assert deck.testzip() is None  # every entry's checksum holds
        names = deck.namelist()
    if "blocks" in content:
        assert any(n.endswith(".xlsx") for n in names) and any(n.endswith(".png") for n in names)


def test_every_kind_of_member_is_written_as_zipfile_writes_it():
    """Deflated bytes, bytes held deflated (`Packed`), a stored picture, an empty member, a
    name outside ASCII (flagged UTF-8) and a date outside what a zip can hold (clamped)."""
    members = [
        ("[Content_Types].xml", b"<Types/>" * 50),
        ("ppt/slides/slide1.xml", package.Packed(b"<p:sld>notional</p:sld>" * 200)),
        ("ppt/media/image1.png", bytes(range(256)) * 4),
        ("docProps/core.xml", b'<dcterms:created xsi:type="x">2001</dcterms:created>'),
        ("ppt/empty.xml", b""),
        ("ppt/notional-\u65e5\u672c.xml", "\u65e5\u672c".encode() * 10),
    ]
    for epoch in (EPOCH, 0, 2**40):
        fast, reference = _both(lambda epoch=epoch: package.write_zip(members, epoch))
        assert fast == reference, epoch
    with zipfile.ZipFile(io.BytesIO(fast)) as written:
        assert written.testzip() is None
        assert written.read("ppt/slides/slide1.xml") == b"<p:sld>notional</p:sld>" * 200
        infos = written.infolist()
        assert [i.compress_type for i in infos][2] == zipfile.ZIP_STORED
        assert infos[-1].flag_bits & 0x800 and infos[-1].filename.endswith("\u65e5\u672c.xml")
        assert {i.date_time for i in infos} == {(2107, 12, 31, 23, 59, 58)}
        assert {(i.create_system, i.external_attr) for i in infos} == {(0, 0o600 << 16)}


@pytest.mark.parametrize(
    "members",
    [
        [(f"part{n}.xml", b"<x/>" * 300) for n in range(5)],  # the directory past the limit
        [("part.xml", b"x" * 195)],  # one entry near it (zipfile allows for 5 % growth)
    ],
)
def test_a_zip_too_large_for_the_plain_format_is_left_to_zipfile(members, monkeypatch):
    """Entries or offsets past what a zip without its 64-bit extension holds: zipfile writes
    it (it knows the extension); the writer's limit is lowered here to see that path."""
    expected = _both(lambda: package.write_zip(members, EPOCH))[1]
    monkeypatch.setattr(package, "_ZIP64_LIMIT", 200)
    called = []
    by_zipfile = package._ZipWriter._by_zipfile

    def watched(self):
        called.append(True)
        return by_zipfile(self)

    monkeypatch.setattr(package._ZipWriter, "_by_zipfile", watched)
    assert package.write_zip(members, EPOCH) == expected
    assert called
