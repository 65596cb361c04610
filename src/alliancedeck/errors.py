"""Problems with a place: the error and warning values every stage returns, and their wording."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Location:
    """A place in a source file; `line` and `column` count from 1."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or doubtful) in the input, with where it is."""

    location: Location
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        message = self.message
        if self.location.line <= 0 and self.location.file.startswith("<"):
            # Content given as a mapping is located by key path (`<content>.figures.x.value`):
            # a message that starts with that same path need not say it twice.
            where = self.location.file.partition(">")[2].lstrip(".")
            message = message.removeprefix(f"{where}: ") if where else message
        return f"{self.location}: {prefix}{message}"


class ContentError(Exception):
    """Raised when the content (or a layout) cannot be used; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = sorted(
            problems, key=lambda p: (p.location.file, p.location.line, p.location.column)
        )
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[ContentError], tuple[list[Problem]]]:
        return (ContentError, (self.problems,))

    @classmethod
    def at(cls, location: Location, message: str) -> ContentError:
        """Return an error holding the single problem `message` at `location`."""
        return cls([Problem(location, message)])


class UsageError(Exception):
    """Raised for a wrong command line or an unusable output place (exit status 2)."""


@dataclass
class Report:
    """Collects problems during one stage so that all of them are reported at once."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, location: Location, message: str) -> None:
        """Record an error `message` at `location`."""
        self.problems.append(Problem(location, message))

    def warning(self, location: Location, message: str) -> None:
        """Record a warning `message` at `location`."""
        self.problems.append(Problem(location, message, "warning"))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def raise_if_errors(self) -> None:
        """Raise a `ContentError` holding every error recorded so far, if there is any."""
        if self.errors:
            raise ContentError(self.errors)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return ' (did you mean "x"?)' for the closest of `choices` to `word`, or ''.

    Case is ignored in the comparison: "Column" suggests "column".
    """
    import difflib  # only a slip needs it: most builds never load it

    by_folded = {choice.casefold(): choice for choice in choices}
    close = difflib.get_close_matches(word.casefold(), list(by_folded), n=1, cutoff=0.6)
    return f' (did you mean "{by_folded[close[0]]}"?)' if close else ""


def not_one_of(where: str, value: object, choices: Iterable[str]) -> str:
    """Return the message for `value` at `where` that is not one of `choices`."""
    choices = [str(choice) for choice in choices]
    return (
        f'{where}: "{value}" is not one of {known_list(choices, limit=20)}'
        f"{did_you_mean(str(value), choices)}"
    )


def literal_choices(error: dict) -> list[str]:
    """Return the values a pydantic `literal_error` would have accepted."""
    expected = str((error.get("ctx") or {}).get("expected", ""))
    return [choice.strip("'") for choice in re.split(r",? or |, ", expected) if choice]


def known_list(choices: Iterable[str], limit: int = 8) -> str:
    """Return `choices` as a short quoted, comma-separated list for a message."""
    items = sorted(choices)
    text = ", ".join(f'"{c}"' for c in items[:limit])
    return text + (", ..." if len(items) > limit else "")
