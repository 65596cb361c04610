"""`Face.splitString` encodes texts exactly as reportlab's `TTFont.splitString` does, and
leaves the font's codes in a document exactly as reportlab would."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st
from reportlab.pdfbase.ttfonts import TTFont

from alliancedeck.draw.ttf_face import Face
from conftest import REPO

FONTS = REPO / "src" / "alliancedeck" / "fonts"
#: Latin letters, a no-break space, accents, dashes and quotes, a character no font here has,
#: and enough Japanese to fill the first subset and go on to later ones.
LATIN = "abcdefgh ABCDEFGH.,;:-\u00a0\u00e9\u00fc\u00df\u2014\u201c\u201d\U0001f6f0"
#: More Japanese characters the Japanese font has than the first subset holds (the rest go to
#: later ones), and as many it lacks.
_HAS = TTFont("Japanese", str(FONTS / "BIZUDPGothic-Regular.ttf")).face.charToGlyph
_KANJI = [chr(code) for code in range(0x4E00, 0x4E00 + 3000)]
MANY = "".join([c for c in _KANJI if ord(c) in _HAS][:300])
LACKED = "".join([c for c in _KANJI if ord(c) not in _HAS][:50])
ALPHABET = LATIN + MANY + LACKED


class _Document:
    """Stands for a reportlab document: fonts keep their codes per document object."""


def _twins(file_name: str) -> tuple[TTFont, Face]:
    path = str(FONTS / file_name)
    return TTFont("Plain", path), Face("Fast", path)


@settings(max_examples=60, deadline=None)
@example("BIZUDPGothic-Regular.ttf", [MANY[:150], LATIN + MANY + LACKED, "a" + MANY[::-1]])
@given(
    st.sampled_from(["LiberationSans-Regular.ttf", "BIZUDPGothic-Regular.ttf"]),
    st.lists(st.text(alphabet=ALPHABET, max_size=40), max_size=60),
)
def test_texts_encode_as_reportlab_encodes_them(file_name, texts):
    plain, fast = _twins(file_name)
    plain_doc, fast_doc = _Document(), _Document()
    for text in [*texts, *texts]:  # the second time round, every character has its code
        assert fast.splitString(text, fast_doc) == plain.splitString(text, plain_doc), text
    if texts:
        ours, theirs = fast.state[fast_doc], plain.state[plain_doc]
        assert ours.assignments == theirs.assignments
        assert ours.subsets == theirs.subsets
        assert ours.nextCode == theirs.nextCode


def test_a_text_of_known_characters_is_encoded_in_one_pass(monkeypatch):
    """The fast path is taken: once every character has its code, reportlab's method is not
    called (and its answer is the same)."""
    plain, fast = _twins("LiberationSans-Regular.ttf")
    plain_doc, fast_doc = _Document(), _Document()
    text = "The alliance\u00a0is a notional point, drawn twice."
    assert fast.splitString(text, fast_doc) == plain.splitString(text, plain_doc)
    expected = plain.splitString(text, plain_doc)  # the second time, as reportlab answers it
    calls = []
    original = TTFont.splitString

    def counted(self, *args, **kwargs):
        calls.append(args[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(TTFont, "splitString", counted)
    again = fast.splitString(text, fast_doc)
    assert calls == []
    assert again == expected == [(0, again[0][1])]
    fast.splitString(text + " \u00e9", fast_doc)  # a new character: reportlab's own method
    assert calls == [text + " \u00e9"]
    fast.splitString(text + " \u00e9", fast_doc)  # and from then on, one pass
    assert calls == [text + " \u00e9"]


def test_one_font_encodes_for_documents_in_turn_each_with_its_own_codes():
    """A font keeps codes per document: drawing in two documents by turns (the brief's and the
    deck's in one process, a document saved and a new one started) never mixes them."""
    from reportlab.pdfgen.canvas import Canvas

    plain, fast = _twins("LiberationSans-Regular.ttf")
    firsts = ["\u00e9\u00fc\u00df", "\u00df\u00fc\u00e9"]  # other codes in each document
    plain_docs, fast_docs = [_Document(), _Document()], [_Document(), _Document()]
    for round_ in range(3):
        for index in (0, 1):
            text = firsts[index] if round_ == 0 else f"{firsts[0]} {firsts[1]}"
            got = fast.splitString(text, fast_docs[index])
            assert got == plain.splitString(text, plain_docs[index]), (round_, index)
    # Saving a document drops the font's state there; drawing in it again starts afresh.
    after_save = []
    for font in (plain, fast):
        canvas = Canvas(None)
        font.splitString("\u00e9\u00fc\u00df", canvas._doc)
        font.splitString("\u00e9\u00fc\u00df", canvas._doc)
        font.getSubsetInternalName(0, canvas._doc)
        canvas._doc.fontMapping[font.fontName] = "/F1"
        font.addObjects(canvas._doc)
        after_save.append(font.splitString("\u00df\u00e9\u00fc", canvas._doc))
    assert after_save[0] == after_save[1]


def test_a_new_document_where_a_freed_one_was_gets_codes_of_its_own():
    """A document made where a freed one lay (the same `id`) is another document: the font's
    codes kept for the freed one are not used for it."""
    plain, fast = _twins("LiberationSans-Regular.ttf")
    reused = 0
    for _ in range(50):
        first = _Document()
        address = id(first)
        fast.splitString("\u00e9\u00fc\u00df", first)
        fast.splitString("\u00e9\u00fc\u00df", first)  # its codes now kept by the font
        del first
        second = _Document()
        if id(second) != address:
            continue
        reused += 1
        assert fast.splitString("\u00df\u00e9", second) == plain.splitString(
            "\u00df\u00e9", _Document()
        )
    assert reused  # CPython gives a freed object's memory to the next one of its size
