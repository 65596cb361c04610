"""Markings: classification banners, portion marks, CUI designation and distribution statements."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alliancedeck.document import format_date
from alliancedeck.errors import Report, did_you_mean, known_list

if TYPE_CHECKING:
    from alliancedeck.model import Brief
    from alliancedeck.source import SourceMap

DATA = Path(__file__).parent / "data"
TRAINING_NOTICE = "CLASSIFICATION MARKINGS FOR TRAINING PURPOSES ONLY"
FOUO = "UNCLASSIFIED//FOR OFFICIAL USE ONLY"

#: Levels from least to most sensitive: banner word -> (rank, portion mark).
LEVELS: dict[str, tuple[int, str]] = {
    "UNCLASSIFIED": (0, "U"),
    "CUI": (1, "CUI"),
    "CONFIDENTIAL": (2, "C"),
    "SECRET": (3, "S"),
    "TOP SECRET": (4, "TS"),
}
#: Portion marks (and banner words written as portion marks) -> banner word.
PORTIONS = {mark: level for level, (_, mark) in LEVELS.items()} | {level: level for level in LEVELS}
#: Highest level alliancedeck marks without --training-markings.
HIGHEST_REAL = "CUI"


@dataclass(frozen=True)
class Banner:
    """The classification banner as printed: its level and full text."""

    level: str  # a key of LEVELS
    text: str


def banner_level(classification: str) -> str | None:
    """Return the level word of a banner such as `SECRET//NOFORN`, or None if unknown."""
    head = classification.split("//")[0].strip().upper()
    if head in LEVELS:
        return head
    if head in ("CONTROLLED", "CONTROLLED UNCLASSIFIED INFORMATION"):
        return "CUI"
    return None


def portion_level(mark: str) -> str | None:
    """Return the level word of a portion mark such as `U`, `CUI` or `(S)`, or None."""
    return PORTIONS.get(mark.strip().strip("()").split("//")[0].strip().upper())


def check_markings(
    brief: Brief, source_map: SourceMap, report: Report, *, training: bool
) -> Banner | None:
    """Check the banner against the portion marks and the CUI block; return the banner.

    Records errors (and the FOUO warning) in `report`.
    """
    meta = brief.meta
    banner: Banner | None = None
    if meta.classification:
        where = source_map.locate(("meta", "classification"))
        text = " ".join(meta.classification.split()).upper()
        level = banner_level(text)
        if text == FOUO:
            report.warning(
                where,
                "UNCLASSIFIED//FOR OFFICIAL USE ONLY was replaced by CUI "
                "(Controlled Unclassified Information); mark the brief CUI if it is",
            )
        if level is None:
            report.error(
                where,
                f'unknown classification "{meta.classification}"'
                f"{did_you_mean(text, LEVELS)}; use one of {known_list(LEVELS)}",
            )
        elif LEVELS[level][0] > LEVELS[HIGHEST_REAL][0] and not training:
            report.error(
                where,
                f"{level} is above CUI: alliancedeck is for unclassified material. "
                "For an exercise, pass --training-markings to mark the products as "
                "training material",
            )
        else:
            if training:
                text = f"{text} \u2013 {TRAINING_NOTICE}"
            banner = Banner(level, text)
        if level == "CUI" and meta.cui is None:
            report.error(
                where,
                "a CUI brief needs a designation block: add meta.cui with "
                "controlled_by, category, dissemination (or distribution) and poc",
            )

    marked = [(i, s) for i, s in enumerate(brief.sections) if s.marking]
    for index, section in enumerate(brief.sections):
        if marked and not section.marking:
            report.error(
                source_map.locate(("sections", index), key=True),
                f'section "{section.title}" has no portion marking; once one section '
                "is marked, every section must be (marking: U, CUI, ...)",
            )
    for index, section in marked:
        where = source_map.locate(("sections", index, "marking"))
        level = portion_level(section.marking or "")
        if level is None:
            report.error(
                where,
                f'unknown portion marking "{section.marking}"'
                f"{did_you_mean(str(section.marking).upper(), PORTIONS)}; use one of "
                f"{known_list({m for _, m in LEVELS.values()})}",
            )
            continue
        if meta.classification is None:
            report.error(where, "portion markings need a banner: set meta.classification")
        elif banner and LEVELS[level][0] > LEVELS[banner.level][0]:
            report.error(
                where,
                f"portion marked ({LEVELS[level][1]}) is above the banner "
                f"{banner.level}: the banner must be at least the highest portion",
            )
    return banner


def portion_mark(marking: str | None) -> str | None:
    """Return the portion mark as printed, `(U)` or `(CUI)`, for a section's `marking`."""
    if not marking:
        return None
    level = portion_level(marking)
    return LEVELS[level][1] if level else marking.strip().upper()


@cache
def distribution_data() -> dict[str, Any]:
    """Return the standard distribution statements (data/distribution.yaml), read once."""
    from alliancedeck.paths import read_our_yaml

    return read_our_yaml(DATA / "distribution.yaml")


def distribution_statement(value: Any, source_map: SourceMap, report: Report) -> str | None:
    """Return the full distribution statement for `meta.distribution` (text or a DoD letter)."""
    if value is None:
        return None
    if isinstance(value, str):
        letter = value.strip().upper()
        if letter in distribution_data()["statements"]:
            return _lettered({"statement": letter}, source_map, report)
        return value
    return _lettered(value.model_dump(), source_map, report)


def _lettered(fields: dict[str, Any], source_map: SourceMap, report: Report) -> str | None:
    data = distribution_data()
    letter = str(fields["statement"]).strip().upper()
    base = ("meta", "distribution")
    where = source_map.locate((*base, "statement"))
    if letter not in data["statements"]:
        report.error(
            where,
            f'unknown distribution statement "{fields["statement"]}"; '
            f"use a letter A to F or write the statement out",
        )
        return None
    spec = data["statements"][letter]
    missing = [name for name in spec["requires"] if not fields.get(name)]
    for name in missing:
        report.error(
            source_map.locate(base, key=True),
            f'distribution statement {letter} needs "{name}" ({", ".join(spec["requires"])})',
        )
    reason = fields.get("reason")
    if reason and "reason" in spec["requires"]:
        reasons = data["reasons"]
        if reason.strip().lower() not in {r.lower() for r in reasons}:
            report.error(
                source_map.locate((*base, "reason")),
                f'"{reason}" is not a standard reason{did_you_mean(reason, reasons)}; '
                f"use one of: {', '.join(reasons)}",
            )
    if missing:
        return None
    date = fields.get("date")
    values = {
        "reason": fields.get("reason") or "",
        "date": format_date(date) if date else "",
        "controlling_office": fields.get("controlling_office") or "",
    }
    return " ".join(spec["text"].format(**values).split())
