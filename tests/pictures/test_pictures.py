"""Pictures cost what their size allows, stay inside themselves, and every product can hold them."""

from __future__ import annotations

import base64
import io
import pickle
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest

from alliancedeck import pictures
from alliancedeck.errors import ContentError, Location
from alliancedeck.paths import PathRefused
from conftest import write_brief
from external import require


@pytest.fixture(autouse=True)
def _each_test_a_build_of_its_own():
    """Forget the pictures earlier tests checked: the brief-wide budgets count one build's."""
    pictures.forget()
    yield
    pictures.forget()


SVG_HEAD = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'width="200" height="100">'
)


def _brief_with_image(folder: Path, name: str) -> Path:
    return write_brief(
        folder,
        f"""
        meta: {{title: Pictures, date: 2024-05-31}}
        sections:
          - title: First
            points: [A notional point]
            image: {{path: {name}, alt: A notional picture}}
        """,
    )


def _build(content: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "alliancedeck.cli", "build", str(content), "--out-dir", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _product_texts(out: Path) -> str:
    """Return every text a reader can get from the products in `out` (PDF text, deck XML)."""
    import pypdf

    texts = []
    for name in ("brief.pdf", "deck.pdf"):
        if (out / name).exists():
            texts += [page.extract_text() for page in pypdf.PdfReader(out / name).pages]
    if (out / "deck.pptx").exists():
        with zipfile.ZipFile(out / "deck.pptx") as deck:
            texts += [deck.read(n).decode("utf-8", "replace") for n in deck.namelist()]
    return "\n".join(texts)


@pytest.mark.parametrize(
    "reference",
    [
        '<use xlink:href="../private/secret.svg#label"/>',
        '<use href="../private/secret.svg"/>',
        '<image xlink:href="../private/secret.svg" width="100" height="50"/>',
        '<rect width="10" height="10" fill="url(../private/secret.svg#paint)"/>',
        '<rect width="10" height="10" style="fill: url(\'../private/secret.svg#paint\')"/>',
        "<style>rect { fill: url(../private/secret.svg#paint) }</style>"
        "<rect width='10' height='5'/>",
    ],
)
def test_an_svg_cannot_draw_a_file_from_outside_the_folder(tmp_path, reference):
    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "secret.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50">'
        '<text id="label" x="5" y="20">PRIVATEWORD</text>'
        '<linearGradient id="paint"><stop offset="0" stop-color="#000"/></linearGradient></svg>'
    )
    folder = tmp_path / "brief"
    folder.mkdir()
    (folder / "map.svg").write_text(SVG_HEAD + reference + "</svg>")
    content = _brief_with_image(folder, "map.svg")
    result = _build(content, tmp_path / "out")
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    head = f"{content}:5:19: error: image: the SVG"
    assert lines and all(line.startswith(head) for line in lines)
    assert "secret.svg" in result.stderr
    assert "PRIVATEWORD" not in _product_texts(tmp_path / "out")


def test_an_svg_referring_to_a_file_beside_it_is_refused_too(tmp_path):
    # Self-contained or nothing: one rule, whatever the file and its folder.
    (tmp_path / "other.svg").write_text(SVG_HEAD + '<rect width="1" height="1"/></svg>')
    (tmp_path / "map.svg").write_text(SVG_HEAD + '<use href="other.svg"/></svg>')
    with pytest.raises(PathRefused, match=r'the SVG refers to "other\.svg"'):
        pictures.check_picture(tmp_path / "map.svg")


def test_svglib_log_lines_never_reach_the_terminal(tmp_path):
    # svglib logs a transform it cannot read and a clip path it cannot find.
    (tmp_path / "odd.svg").write_text(
        SVG_HEAD + '<g transform="wobble(3)" clip-path="url(#nowhere)">'
        '<rect width="50" height="50" fill="#14325C"/></g></svg>'
    )
    content = _brief_with_image(tmp_path, "odd.svg")
    result = _build(content, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if "warning" not in line] == []


def test_svg_font_families_never_start_a_process(tmp_path, monkeypatch):
    families = "".join(
        f'<text x="2" y="{2 + i % 90}" font-family="Notional Family {i}">t</text>'
        for i in range(300)
    )
    (tmp_path / "fonts.svg").write_text(SVG_HEAD + families + "</svg>")

    def no_process(*args, **kwargs):
        raise AssertionError(f"a process was started: {args}")

    monkeypatch.setattr(subprocess, "Popen", no_process)
    pictures.forget()
    drawing = pictures.svg_drawing(tmp_path / "fonts.svg", Location("content.yaml", 5, 19))
    assert drawing.width == 150  # 200 px at 72/96


def test_svg_use_chains_and_element_counts_are_budgeted(tmp_path):
    chain = "".join(
        f'<g id="g{i}"><use href="#g{i - 1}"/><use href="#g{i - 1}"/></g>' for i in range(1, 20)
    )
    (tmp_path / "doubling.svg").write_text(
        SVG_HEAD + f'<defs><rect id="g0" width="1" height="1"/>{chain}</defs>'
        '<use href="#g19"/></svg>'
    )
    with pytest.raises(PathRefused, match="expand to more than 4,000 elements"):
        pictures.check_picture(tmp_path / "doubling.svg")
    rects = '<rect width="1" height="1"/>' * 2_001
    (tmp_path / "many.svg").write_text(SVG_HEAD + rects + "</svg>")
    with pytest.raises(PathRefused, match="more than 2,000 elements"):
        pictures.check_picture(tmp_path / "many.svg")
    (tmp_path / "circle.svg").write_text(
        SVG_HEAD + '<g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g></svg>'
    )
    with pytest.raises(PathRefused, match="refer to each other in a circle"):
        pictures.check_picture(tmp_path / "circle.svg")


def test_svg_attribute_counts_and_style_lengths_are_budgeted(tmp_path):
    # svglib looks attributes and style declarations up one by one: 100,000 ran for minutes.
    many = " ".join(f'data-n{i}="{i}"' for i in range(65))
    (tmp_path / "attributes.svg").write_text(
        SVG_HEAD + f'<rect width="1" height="1" {many}/></svg>'
    )
    with pytest.raises(PathRefused, match="an element with more than 64 attributes"):
        pictures.check_picture(tmp_path / "attributes.svg")
    style = ";".join(f"x{i}:{i}" for i in range(400))
    (tmp_path / "style.svg").write_text(
        SVG_HEAD + f'<rect width="1" height="1" style="{style}"/></svg>'
    )
    with pytest.raises(PathRefused, match="a style attribute longer than 2,000 characters"):
        pictures.check_picture(tmp_path / "style.svg")


@pytest.mark.parametrize("size", ['width="inf"', 'width="1e400"', 'width="0"', 'width="-5"'])
def test_svg_sizes_that_are_not_usable_numbers_are_refused(tmp_path, size):
    (tmp_path / "odd.svg").write_text(
        SVG_HEAD.replace('width="200"', size) + '<rect width="1" height="1"/></svg>'
    )
    with pytest.raises(PathRefused, match="the SVG's width"):
        pictures.check_picture(tmp_path / "odd.svg")


@pytest.mark.parametrize(
    "body",
    [
        '<text x="5" y="20" font-size="1e308">A</text>',
        '<rect width="10" height="10" transform="scale(1e8) scale(1e8)"/>',
        '<path d="M0 0 L1e400 5"/>',
        '<rect width="10" height="10" stroke="black" stroke-width="nan"/>',
        '<rect width="10" height="10" transform="rotate(nan)"/>',
    ],
)
def test_numbers_no_pdf_can_write_are_refused(tmp_path, body):
    # reportlab cannot write a number past 1e20, nor infinity; NaN draws nothing sensible.
    (tmp_path / "edge.svg").write_text(SVG_HEAD + body + "</svg>")
    with pytest.raises(PathRefused, match="the SVG holds the number"):
        pictures.check_picture(tmp_path / "edge.svg")


def _png(size: tuple[int, int]) -> bytes:
    from PIL import Image

    image = Image.new("RGB", size, (20, 50, 92))
    image.paste((200, 16, 46), (0, 0, size[0] // 2, size[1] // 2))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_an_svg_with_an_embedded_raster_draws_in_every_product(tmp_path):
    data = base64.b64encode(_png((40, 20))).decode()
    (tmp_path / "raster.svg").write_text(
        SVG_HEAD + f'<image href="data:image/png;base64,{data}" width="40" height="20"/></svg>'
    )
    content = _brief_with_image(tmp_path, "raster.svg")
    out = tmp_path / "out"
    result = _build(content, out)
    assert result.returncode == 0, result.stderr
    qpdf = require("qpdf")
    for name in ("brief.pdf", "deck.pdf"):
        check = subprocess.run([qpdf, "--check", str(out / name)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


def test_an_embedded_raster_is_held_to_the_raster_budget(tmp_path):
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + checksum

    header = struct.pack(">IIBBBBB", 10_000, 10_000, 8, 2, 0, 0, 0)
    bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")
    data = base64.b64encode(bomb).decode()
    (tmp_path / "bomb.svg").write_text(
        SVG_HEAD + f'<image href="data:image/png;base64,{data}" width="40" height="20"/></svg>'
    )
    with pytest.raises(PathRefused, match=r"embedded image .*10,000 × 10,000 pixels"):
        pictures.check_picture(tmp_path / "bomb.svg")


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        # 2:1 fills a 16:9 slide's width at most: 13.33 in at 220 ppi
        ((4_200, 2_100), (2_933, 1_467)),
        # 1:2 fills an A4 page's height at most: 297 mm at 220 ppi
        ((2_100, 4_200), (1_286, 2_572)),
    ],
)
def test_a_large_raster_is_scaled_down_to_its_largest_frame_in_every_product(
    tmp_path, size, expected
):
    import pypdf
    from PIL import Image

    (tmp_path / "large.png").write_bytes(_png(size))
    content = _brief_with_image(tmp_path, "large.png")
    out = tmp_path / "out"
    result = _build(content, out)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out / "deck.pptx") as deck:
        media = [n for n in deck.namelist() if n.startswith("ppt/media/")]
        sizes = [Image.open(io.BytesIO(deck.read(n))).size for n in media]
    assert sizes == [expected]
    for name in ("brief.pdf", "deck.pdf"):
        widths = [
            image.image.size for page in pypdf.PdfReader(out / name).pages for image in page.images
        ]
        assert widths == [expected], name


def test_a_raster_changed_after_the_check_is_checked_again(tmp_path):
    path = tmp_path / "photo.png"
    path.write_bytes(_png((60, 30)))
    assert pictures.picture_aspect(path, Location("c.yaml", 1, 1)) == 2
    good = _png((60, 30))
    middle = len(good) // 2
    path.write_bytes(good[:middle] + b"\xff" * 16 + good[middle + 16 :])  # same size, broken data
    with pytest.raises(ContentError, match=r"c\.yaml:1:1: image: cannot read this image"):
        pictures.raster_for_products(path, Location("c.yaml", 1, 1))


def test_laying_out_a_deck_loads_no_drawing_library(tmp_path):
    from alliancedeck.api import prepare

    (tmp_path / "map.svg").write_text(SVG_HEAD + '<rect width="50" height="50"/></svg>')
    content = _brief_with_image(tmp_path, "map.svg")
    prepared = prepare(content)
    (tmp_path / "doc.pickle").write_bytes(pickle.dumps((prepared.doc, prepared.theme)))
    script = (
        "import pathlib, pickle, sys\n"
        "from alliancedeck.backends import RenderContext\n"
        "from alliancedeck.compose.deck import deck_geometry\n"
        f"doc, theme = pickle.loads(open({str(tmp_path / 'doc.pickle')!r}, 'rb').read())\n"
        f"deck = deck_geometry(doc, theme, RenderContext(pathlib.Path({str(tmp_path)!r}), 0))\n"
        "assert any(type(b).__name__ == 'PictureBox' for s in deck.slides for b in s.boxes)\n"
        "loaded = [m for m in sys.modules if m.startswith(('svglib', 'reportlab.graphics'))]\n"
        "print(loaded)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def _chunks(png: bytes) -> list[tuple[bytes, bool]]:
    """Return each chunk's kind of the PNG `png`, with whether its checksum is right."""
    found, at = [], 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind, data = png[at + 4 : at + 8], png[at + 8 : at + 8 + length]
        (stored,) = struct.unpack(">I", png[at + 8 + length : at + 12 + length])
        found.append((kind, zlib.crc32(kind + data) == stored))
        at += 12 + length
    return found


def test_products_embed_a_png_made_again_from_its_checked_pixels(tmp_path):
    # Pillow never checks an IDAT checksum, and PowerPoint refuses a PNG with a wrong one;
    # ancillary chunks (text, animation frames) are nobody's business in the products.
    from PIL import Image

    good = _png((60, 30))
    chunks = _chunks(good)
    assert chunks[1][0] == b"IDAT"
    broken = bytearray(good)
    broken[-12 - 4 : -12] = b"\0\0\0\0"  # the IDAT checksum, just before IEND
    text = b"tEXt" + b"Comment\0a notional secret"
    extra = struct.pack(">I", len(text) - 4) + text + struct.pack(">I", zlib.crc32(text))
    broken[33:33] = extra  # after IHDR
    (tmp_path / "photo.png").write_bytes(bytes(broken))
    made = pictures.raster_for_products(tmp_path / "photo.png", Location("c.yaml", 1, 1))
    raw = made.data
    assert made.format == "png"
    assert [k for k, _ in _chunks(raw)] == [b"IHDR", b"IDAT", b"IEND"]
    assert all(ok for _, ok in _chunks(raw))
    assert Image.open(io.BytesIO(raw)).tobytes() == Image.open(io.BytesIO(good)).tobytes()


@pytest.mark.parametrize("text", ["שלום", "abc\u202edef"])
def test_right_to_left_text_in_an_svg_is_refused_as_in_the_content(tmp_path, text):
    # Neither product orders right-to-left text: inside a picture it would be drawn reversed.
    (tmp_path / "rtl.svg").write_text(SVG_HEAD + f'<text x="5" y="30">{text}</text></svg>')
    with pytest.raises(PathRefused, match=r"right-to-left text \(U\+"):
        pictures.check_picture(tmp_path / "rtl.svg")


def _one_colour_png(colour: tuple[int, int, int], size: tuple[int, int] = (90, 45)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def _pdf_colours(pdf: bytes) -> set[tuple[int, ...]]:
    """Return the colours of every image a reader gets from the PDF `pdf`."""
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return {
        colour
        for page in reader.pages
        for image in page.images
        for _, colour in image.image.convert("RGB").getcolors()
    }


def test_a_picture_is_decoded_once_a_build_whatever_the_products(tmp_path, monkeypatch):
    # The check decodes it and makes what the products embed; every product embeds that, as
    # it is. Each product decoding and compressing it again made a noise picture cost 3.8 s.
    import PIL.Image

    from alliancedeck.api import build

    monkeypatch.setenv("ALLIANCEDECK_NO_PARALLEL", "1")  # every product in this process
    (tmp_path / "photo.png").write_bytes(_one_colour_png((200, 16, 46)))
    (tmp_path / "photo.jpg").write_bytes(_jpeg((90, 45)))
    content = write_brief(
        tmp_path,
        """
        meta: {title: Pictures, date: 2024-05-31}
        sections:
          - title: First
            points: [A notional point]
            image: {path: photo.png, alt: A notional picture}
          - title: Second
            points: [A notional point]
            image: {path: photo.jpg, alt: A notional photograph}
        """,
    )
    decoders = []
    real = PIL.Image._getdecoder

    def counted(mode, name, *args, **kwargs):
        decoders.append(name)
        return real(mode, name, *args, **kwargs)

    monkeypatch.setattr(PIL.Image, "_getdecoder", counted)
    build(content, out_dir=tmp_path / "out", products=["pdf", "slides", "deck-pdf", "html"])
    assert sorted(decoders) == ["jpeg", "zip"]


def _jpeg(size: tuple[int, int]) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 50, 92)).save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def test_a_renderer_draws_the_picture_as_checked_not_as_the_file_is_now(tmp_path):
    # The renderer process gets the checked picture with its job: it reads no picture file,
    # so a file changed (or removed) after the check cannot reach a product unchecked.
    from alliancedeck.api import prepare, render_all
    from alliancedeck.parallel import Renderer

    products = ("pdf", "slides", "deck-pdf")
    renderer = Renderer(products)
    try:
        path = tmp_path / "photo.png"
        path.write_bytes(_one_colour_png((200, 16, 46)))
        prepared = prepare(_brief_with_image(tmp_path, "photo.png"))
        path.write_bytes(_one_colour_png((0, 160, 0)))  # a different, valid picture
        rendered = render_all(prepared, products, renderer)
    finally:
        renderer.close()
    for name in ("pdf", "deck-pdf"):
        assert _pdf_colours(rendered[name]) == {(200, 16, 46)}, name
    from PIL import Image

    with zipfile.ZipFile(io.BytesIO(rendered["slides"])) as deck:
        media = [deck.read(n) for n in deck.namelist() if n.startswith("ppt/media/")]
    assert [Image.open(io.BytesIO(m)).convert("RGB").getcolors() for m in media] == [
        [(90 * 45, (200, 16, 46))]
    ]


def _pixels(mode: str, kind: str, size: tuple[int, int]) -> Any:
    """Return a picture in `mode` of noise, a photograph-like grain or flat areas (`kind`)."""
    import random

    from PIL import Image, ImageChops

    bands = len(mode)
    noise = Image.frombytes(mode, size, random.Random(11).randbytes(size[0] * size[1] * bands))
    if kind == "noise":
        return noise
    if kind == "photograph":  # a gradient with a fine grain: neither noise nor flat
        grey = Image.linear_gradient("L").resize(size)
        smooth = Image.merge(mode, [grey.rotate(90 * i).resize(size) for i in range(bands)])
        return ImageChops.add(smooth, noise.point(lambda value: value % 24))
    image = Image.new(mode, size, (255,) * bands)
    image.paste((40,) * bands, (0, 0, size[0] // 2, size[1]))
    return image


def test_every_kind_of_png_reaches_every_product_pixel_for_pixel(tmp_path, monkeypatch):
    # The PNG is written here and the PDFs read its rows through their PNG predictor, with the
    # transparency apart: each reader must get back exactly the pixels that were checked.
    import pypdf
    import pypdfium2
    import pypdfium2.raw as pdfium_raw
    from PIL import Image

    from alliancedeck.api import build

    monkeypatch.setenv("ALLIANCEDECK_NO_PARALLEL", "1")
    cases = {}
    sections = []
    for mode in ("RGB", "RGBA", "L", "LA"):
        for kind in ("noise", "photograph", "flat"):
            size = (61 + 2 * len(cases), 31)  # odd widths; the width tells the pictures apart
            cases[size] = _pixels(mode, kind, size)
            name = f"{mode}-{kind}.png"
            cases[size].save(tmp_path / name)
            sections.append(
                f"  - title: {mode} {kind}\n    points: [A notional point]\n"
                f"    image: {{path: {name}, alt: A notional picture}}\n"
            )
    content = tmp_path / "content.yaml"
    content.write_text("meta: {title: Pictures, date: 2024-05-31}\nsections:\n" + "".join(sections))
    out = tmp_path / "out"
    build(content, out_dir=out, products=["pdf", "slides", "deck-pdf"])

    with zipfile.ZipFile(out / "deck.pptx") as deck:
        media = [deck.read(n) for n in deck.namelist() if n.startswith("ppt/media/")]
    seen = {}
    for data in media:
        image = Image.open(io.BytesIO(data))
        seen[image.size] = (image.mode, image.tobytes())
    assert seen == {size: (image.mode, image.tobytes()) for size, image in cases.items()}

    for name in ("brief.pdf", "deck.pdf"):
        colours, alphas = {}, {}
        document = pypdfium2.PdfDocument(out / name)
        for page in document:
            for placed in page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_IMAGE]):
                bitmap = placed.get_bitmap(render=False).to_pil()  # decoded by pdfium
                colours[bitmap.size] = bitmap.tobytes()
        document.close()
        for page in pypdf.PdfReader(out / name).pages:
            for image in page.images:
                if image.image.mode in ("RGBA", "LA"):
                    alphas[image.image.size] = image.image.getchannel("A").tobytes()
        expected = {
            size: image.convert("RGB" if image.mode.startswith("RGB") else "L").tobytes()
            for size, image in cases.items()
        }
        assert colours == expected, name
        assert alphas == {
            size: image.getchannel("A").tobytes()
            for size, image in cases.items()
            if "A" in image.mode
        }, name


def test_a_png_of_more_chunks_than_the_budget_is_refused_before_decoding(tmp_path):
    # Pillow reads every chunk in Python: a million empty ones in 12 MB took 8 s to open.
    good = _png((10, 10))
    chunk = struct.pack(">I", 0) + b"prVt" + struct.pack(">I", zlib.crc32(b"prVt"))
    many = good[:33] + chunk * pictures.MAX_PNG_CHUNKS + good[33:]
    (tmp_path / "many.png").write_bytes(many)
    with pytest.raises(PathRefused, match="the PNG has more than 20,000 chunks"):
        pictures.check_picture(tmp_path / "many.png")
    fewer = good[:33] + chunk * (pictures.MAX_PNG_CHUNKS - 3) + good[33:]  # IHDR IDAT IEND
    (tmp_path / "fewer.png").write_bytes(fewer)
    assert pictures.check_picture(tmp_path / "fewer.png").format == "png"


def _embedded_png(kind: str) -> str:
    """Return an SVG <image> of PNG data: `flat` (2 million pixels) or `noise` (368 KB)."""
    import random

    from PIL import Image

    if kind == "flat":
        png = _png((2_000, 1_000))
    else:
        noise = Image.frombytes("RGB", (350, 350), random.Random(5).randbytes(350 * 350 * 3))
        buffer = io.BytesIO()
        noise.save(buffer, "PNG", compress_level=0)
        png = buffer.getvalue()
    data = base64.b64encode(png).decode()
    return f'<image href="data:image/png;base64,{data}" width="40" height="20"/>'


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        # Ten flat 25-megapixel PNGs (84 KB each) in a 1 MB SVG took 20 s and 1.3 GB to check.
        ("flat", "embedded images hold more than 4,000,000 pixels"),
        # Noise does not compress: 3.6 MB of it in one SVG (within its 5 MiB) cost 1.8 s.
        ("noise", "embedded images are more than 1,048,576 bytes"),
    ],
)
def test_rasters_embedded_in_an_svg_are_budgeted_together_before_decoding(tmp_path, kind, message):
    image = _embedded_png(kind)
    (tmp_path / "two.svg").write_text(SVG_HEAD + image * 2 + "</svg>")
    assert pictures.check_picture(tmp_path / "two.svg").format == "svg"
    (tmp_path / "three.svg").write_text(SVG_HEAD + image * 3 + "</svg>")
    with pytest.raises(PathRefused, match=message):
        pictures.check_picture(tmp_path / "three.svg")


def test_a_raster_embedded_in_an_svg_counts_once_a_use(tmp_path):
    # Each 2,000 pixels count as an element, so this one weighs 1,000 in its <defs> and in
    # each of three uses: more than the 4,000 an SVG may draw.
    used = f'<defs><g id="p">{_embedded_png("flat")}</g></defs>' + '<use href="#p"/>' * 3
    (tmp_path / "used.svg").write_text(SVG_HEAD + used + "</svg>")
    with pytest.raises(PathRefused, match="expand to more than 4,000 elements"):
        pictures.check_picture(tmp_path / "used.svg")


def test_the_pictures_of_one_brief_are_budgeted_together(tmp_path, monkeypatch):
    # Each file is small and within its own budget; 21 flat 25-megapixel PNGs of 80 KB each
    # would decode for a minute. (A smaller budget here keeps the test quick.)
    from alliancedeck.api import check

    monkeypatch.setattr(pictures, "MAX_BRIEF_PIXELS", 50_000)
    flat = _png((200, 100))  # 20,000 pixels: two fit, the third does not
    sections = []
    for index in range(3):
        (tmp_path / f"p{index}.png").write_bytes(flat)
        sections.append(
            f"  - title: S{index}\n    points: [A notional point]\n"
            f"    image: {{path: p{index}.png, alt: A notional picture}}\n"
        )
    content = tmp_path / "content.yaml"
    content.write_text("meta: {title: Pictures, date: 2024-05-31}\nsections:\n" + "".join(sections))
    with pytest.raises(ContentError) as caught:
        check(content, products=["pdf"])
    [problem] = caught.value.problems
    assert (problem.location.line, problem.location.column) == (11, 19)  # the third picture
    assert "this brief's pictures hold more than 50,000 pixels together" in problem.message
    # Links in the folder to one file are one picture (a path is resolved), counted once.
    for index in (1, 2):
        (tmp_path / f"p{index}.png").unlink()
        (tmp_path / f"p{index}.png").symlink_to("p0.png")
    check(content, products=["pdf"])


def test_a_refused_svg_reference_is_quoted_without_controls_or_direction_marks(tmp_path):
    # The message quotes the SVG's own text: a C1 control (CSI) or a right-to-left override
    # would reach the terminal as it is.
    (tmp_path / "odd.svg").write_text(
        SVG_HEAD + '<use href="\u009b31m\u202eevil.svg"/></svg>', encoding="utf-8"
    )
    with pytest.raises(PathRefused, match=r'refers to "\?31m\?evil\.svg"'):
        pictures.check_picture(tmp_path / "odd.svg")
