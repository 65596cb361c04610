"""Brief paragraphs: reportlab's Paragraph, its lines broken by the layout's rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.platypus import Paragraph as _ReportlabParagraph
from reportlab.platypus.paragraph import ParaLines, _handleBulletWidth, cjkU, makeCJKParaLine

from alliancedeck.layout.text import is_wide, kinsoku_cut, line_starts

_FUZZ = 1e-6


class Paragraph(_ReportlabParagraph):
    """A platypus paragraph whose `wordWrap="CJK"` lines break as `layout.text` says.

    reportlab's own CJK breaking lets a line end with an opening bracket and cuts Latin
    words anywhere; this one breaks where `line_starts` allows (kinsoku both ways, Latin
    words whole, Japanese phrases kept together where the line has room).
    """

    def breakLinesCJK(self, maxWidths: Any) -> Any:
        if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
            return self.blPara
        if not isinstance(maxWidths, list | tuple):
            maxWidths = [maxWidths]
        style = self.style
        self.height = 0
        _handleBulletWidth(self.bulletText, style, maxWidths)
        chars = []
        for frag in self.frags:
            text = getattr(frag, "text", "")
            if text:
                chars.extend(cjkU(char, frag, "utf8") for char in text)
            else:
                chars.append(cjkU("", frag, "utf8"))
        if not chars:
            return ParaLines(
                kind=0,
                fontSize=style.fontSize,
                fontName=style.fontName,
                textColor=style.textColor,
                lines=[],
                ascent=style.fontSize,
                descent=-0.2 * style.fontSize,
            )
        calc_bounds = getattr(self, "autoLeading", getattr(style, "autoLeading", "")) not in (
            "",
            "off",
        )
        text = "".join(str(c) or "\n" for c in chars)
        preferred, allowed = line_starts(text)
        lines = []
        start = 0
        while start < len(chars):
            max_width = maxWidths[min(len(lines), len(maxWidths) - 1)]
            end, used, forced = start, 0.0, False
            while end < len(chars):
                if hasattr(chars[end].frag, "lineBreak"):
                    end, forced = end + 1, True
                    break
                if used + chars[end].width > max_width + _FUZZ and end > start:
                    break
                used += chars[end].width
                end += 1
            if end < len(chars) and not forced:

                def fits(a: int, b: int, max_width: float = max_width) -> bool:
                    return sum(c.width for c in chars[a:b]) <= max_width + _FUZZ

                end = _best_break(start, end, preferred, allowed, text, fits)
            line = chars[start:end]
            while line and str(line[-1]).isspace() and len(line) > 1:
                line = line[:-1]
            width = sum(c.width for c in line)
            lines.append(
                makeCJKParaLine(line, max_width, width, max_width - width, forced, calc_bounds)
            )
            start = end
            while start < len(chars) and str(chars[start]).isspace() and str(chars[start]):
                start += 1
        return ParaLines(kind=1, lines=lines)


def _best_break(
    start: int,
    end: int,
    preferred: frozenset[int],
    allowed: frozenset[int],
    text: str,
    fits: Callable[[int, int], bool],
) -> int:
    """Return where the line from `start` ends, given that `end` is the first character that
    overflows: the last preferred break, else the last allowed one, else a cut by the
    kinsoku rules alone. A Japanese phrase that `fits` no line is cut where it overflows, so
    the line before it is filled (as typeset Japanese is)."""
    for candidates in (preferred, allowed):
        for position in range(end, start, -1):
            if position in candidates:
                if candidates is preferred and _too_wide(position, end, preferred, text, fits):
                    break
                return position
    return start + kinsoku_cut(text[start : end + 1], end - start)


def _too_wide(
    position: int, end: int, preferred: frozenset[int], text: str, fits: Callable[[int, int], bool]
) -> bool:
    """Return whether the Japanese phrase from `position` (past `end`) fits no line."""
    phrase_end = min((p for p in preferred if p > end), default=len(text))
    return any(map(is_wide, text[position:phrase_end])) and not fits(position, phrase_end)
