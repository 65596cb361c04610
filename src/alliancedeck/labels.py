"""The words alliancedeck prints itself (Agenda, "(cont.)", "Page N of M"), in its language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "labels.yaml"


@cache
def _table() -> dict[str, dict[str, str]]:
    from alliancedeck.paths import read_our_yaml

    return read_our_yaml(DATA)


@dataclass(frozen=True)
class Labels:
    """Fixed wording for one language."""

    words: tuple[tuple[str, str], ...]

    def __getattr__(self, name: str) -> str:
        if name.startswith("_") or name == "words":  # not a label: copy and pickle look these up
            raise AttributeError(name)
        return self.word(name)

    def word(self, key: str) -> str:
        """Return the label `key` as written in the labels file."""
        for name, value in self.words:
            if name == key:
                return value
        raise AttributeError(key)

    def say(self, key: str, **values: object) -> str:
        """Return the label `key` with `values` filled in."""
        return self.word(key).format(**values)

    def continued(self, title: str, page: int) -> str:
        """Return the title of the `page`-th slide (0-based) of a section: X, X (cont.), ..."""
        if page == 0:
            return title
        if page == 1:
            return self.say("continued", title=title)
        return self.say("continued_n", title=title, n=page)

    def as_of(self, date: dt.date | None) -> str | None:
        """Return "As of 31 May 2024" (in the language), or None without a date."""
        return self.say("as_of", date=self.format_date(date)) if date else None

    def format_date(self, value: dt.date) -> str:
        """Return `value` written as readers of the language expect."""
        return self.say(
            "date", day=value.day, month=value.month, year=value.year, month_name=f"{value:%B}"
        )


def labels_for(language: str) -> Labels:
    """Return the labels of `language` (a BCP 47 tag), English when it has none."""
    table = _table()
    words = table.get(language.split("-")[0].lower(), table["en"])
    return Labels(tuple({**table["en"], **words}.items()))
