"""The characters no text may hold, one rule for the content, layouts, templates and SVG text."""

from __future__ import annotations

import re

#: Characters no text may hold: controls other than tab and line breaks (C0, DEL, C1), code
#: points XML 1.0 (inside every .pptx and PDF metadata) cannot carry, and Unicode's
#: noncharacters (U+FDD0-FDEF, and the last two of every plane), which no text should exchange.
NONCHARACTERS = "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}-{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
_FORBIDDEN_SET = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef" + NONCHARACTERS
FORBIDDEN = re.compile(f"[{_FORBIDDEN_SET}]")
#: Right-to-left letters (Hebrew, Arabic, Syriac, Thaana, N'Ko...) and the marks and controls
#: that reorder text: neither product can order them (no bidi algorithm) nor draw Arabic.
_RIGHT_TO_LEFT_SET = (
    "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff"
    "\u061c\u200f\u202a-\u202e\u2066-\u2069"
)
RIGHT_TO_LEFT = re.compile(f"[{_RIGHT_TO_LEFT_SET}]")
#: Either kind: one search clears a text of both (almost every text), where two would look.
UNFIT = re.compile(f"[{_FORBIDDEN_SET}{_RIGHT_TO_LEFT_SET}]")
