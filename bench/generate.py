"""Generate the bench's notional content: every text unique, the shape of content.yaml, any size."""

from __future__ import annotations

import copy
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

#: Seed of the word sequence: the same seed and size always give the same content.
SEED = 20261202
#: Figures a content file may hold (alliancedeck's model.MAX_FIGURES; not imported here).
MAX_FIGURES = 200
#: Words the notional text is drawn from (plain English of mixed lengths, letters only).
_WORD_LIST = """
able access account across action active adapt address advance advice affair agency agenda
agree aircraft alert allied alliance allow amount analysis annual answer approach area argue
arrange asset assume attention audit authority average balance barrier base basis become
behind benefit border brief budget build burden cable capable capacity career carrier case
central century chain chance change channel charter choice civil claim clear climate close
coast combined command common community compare complex concern condition conduct conflict
congress consider constant contract control convoy corridor council country course cover
credit crisis current cycle debate decade decision defense degree delay delivery demand
deploy design detail develop dialogue direct discuss distance district domain draft drill
early economy effect effort element emergency energy engage enough ensure entire equipment
escort estimate event exercise expand expect expert export factor failure federal field
figure final finance flexible focus follow force foreign formal forward frame freight
function future garrison general global govern ground growth guidance harbor health heavy
history holding horizon identify impact import improve include increase index industry
inform initial inland inquiry inside island issue joint judge keeper kind labor landing
language large launch leader legal level liaison limit local logistics maintain major manage
margin maritime market measure medium member method middle mission mobile model modest
monitor motion mutual narrow nation native naval network normal notice number object ocean
office open operate option order outline output overview partner patrol pattern payment
period permit phase place plan platform policy portion position posture power practice
prepare present pressure primary priority process produce program project protect provide
public purpose quarter question radar range rapid rather reach ready reason record reduce
reform region relief remain report request reserve resource response result review risk
route routine safety schedule science screen season secure select senior series service
settle share shelter shift signal simple single sector source space special stable staff
stage standard station status steady strait strategy strong structure study subject supply
support surface survey system target task team technical tempo term territory theater
thread timely total track trade training transfer transit treaty trend trust unit update
urgent usage value vessel village visible volume warning watch water weather window
withdraw workshop yard yield zone
"""
WORDS = tuple(_WORD_LIST.split())
TEMPLATE = re.compile(r"(\{\{.*?\}\})")
TOKEN = re.compile(r"^(\W*)(.*?)(\W*)$")
SENTENCE_END = re.compile(r"(?<=[.;:!?])\s+")
#: Fields of a section that hold text (points and sources may nest mappings with `text`).
TEXT_FIELDS = ("lead", "notes")


class TextWriter:
    """Write notional text shaped like a given text, never repeating a sentence."""

    def __init__(self, seed: int = SEED):
        self.random = random.Random(seed)
        self.seen: set[str] = set()

    def _word(self, like: str) -> str:
        """Return a random word (or number of as many digits) to stand in for `like`."""
        if like.isdigit():
            digits = str(self.random.randint(1, 9))
            return digits + "".join(str(self.random.randint(0, 9)) for _ in like[1:])
        word = self.random.choice(WORDS)
        return word.capitalize() if like[:1].isupper() else word

    def _replace(self, text: str) -> str:
        """Return `text` with every word replaced, punctuation and templates kept."""
        parts = []
        for part in TEMPLATE.split(text):
            if TEMPLATE.fullmatch(part):
                parts.append(part)
                continue
            tokens = []
            words = part.split()
            for index, token in enumerate(words):
                lead, core, trail = TOKEN.match(token).groups()  # type: ignore[union-attr]
                if "." in core and index < len(words) - 1:
                    # An abbreviation ("U.S.") inside a sentence: its dot does not end one.
                    trail = trail.replace(".", "", 1)
                tokens.append(lead + self._word(core) + trail if core else token)
            parts.append(" ".join(tokens))
        return " ".join(p for p in parts if p)

    def like(self, text: str) -> str:
        """Return new text with the words, punctuation and templates of `text` in its places.

        No sentence of the result (a span ending at `.`, `;`, `:`, `!` or `?`) was written
        before by this writer; a clash draws new words.
        """
        for _ in range(1000):
            made = self._replace(text)
            pieces = [key(s) for s in SENTENCE_END.split(made)]
            if len(set(pieces)) == len(pieces) and not self.seen.intersection(pieces):
                self.seen.update(pieces)
                return made
        raise RuntimeError(f"no unique text like {text!r} after 1000 tries")


def key(sentence: str) -> str:
    """Return the form two sentences are compared in: lower case, templates and spaces removed."""
    return " ".join(TEMPLATE.sub(" ", sentence).lower().split())


def rename_figures(value: Any, names: dict[str, str]) -> Any:
    """Return `value` (any YAML data) with each `{{ figures.X` reference renamed by `names`."""
    if isinstance(value, str):
        return re.sub(
            r"(\{\{-?\s*figures\.)([A-Za-z_][A-Za-z0-9_]*)",
            lambda m: m.group(1) + names.get(m.group(2), m.group(2)),
            value,
        )
    if isinstance(value, list):
        return [rename_figures(item, names) for item in value]
    if isinstance(value, dict):
        return {k: rename_figures(v, names) for k, v in value.items()}
    return value


def _points(points: list[Any], writer: TextWriter) -> list[Any]:
    """Return `points` (strings or mappings with `text` and nested `points`) with new texts."""
    made: list[Any] = []
    for point in points:
        if isinstance(point, str):
            made.append(writer.like(point))
            continue
        point = dict(point)
        if "text" in point:
            point["text"] = writer.like(point["text"])
        if "points" in point:
            point["points"] = _points(point["points"], writer)
        made.append(point)
    return made


def _section(section: dict[str, Any], writer: TextWriter) -> dict[str, Any]:
    """Return a copy of `section` with every text it holds written anew."""
    made = copy.deepcopy(section)
    made["title"] = writer.like(section["title"])
    for name in TEXT_FIELDS:
        if isinstance(section.get(name), str):
            made[name] = writer.like(section[name])
    if "points" in section:
        made["points"] = _points(section["points"], writer)
    if "sources" in section:
        made["sources"] = _points(section["sources"], writer)
    if "timeline" in section:
        made["timeline"] = [
            {**entry, "date": writer.like(str(entry["date"])), "text": writer.like(entry["text"])}
            for entry in section["timeline"]
        ]
    return made


def _figure(figure: dict[str, Any], writer: TextWriter) -> dict[str, Any]:
    """Return a copy of `figure` with a new label and a new value of the same size."""
    made = dict(figure)
    made["label"] = writer.like(figure["label"])
    value = figure["value"]
    made["value"] = type(value)(value * writer.random.uniform(0.5, 1.5))
    if isinstance(figure.get("display"), str):
        made["display"] = re.sub(
            r"\d+", lambda m: str(writer.random.randint(1, 99)), figure["display"]
        )
    return made


def unique_content(
    base: dict[str, Any], sections: int, label: str, seed: int = SEED
) -> dict[str, Any]:
    """Return notional content of `sections` sections shaped like `base`, every text unique.

    Section i takes the shape of base section i mod n (n sections in `base`): the same fields,
    the same number of points, nesting, and words per text, with new words. Copy k of the base
    (sections kn .. kn+n-1) has its own figures, `X` renamed `X_k`, and every reference to
    them is renamed to match; past `MAX_FIGURES` figures in all, copies share the sets in turn
    (copy k uses the figures of copy k mod the number of sets). `label` goes into the title
    ("Notional benchmark brief (label)").
    """
    writer = TextWriter(seed)
    meta = dict(base["meta"])
    meta["title"] = meta["short_title"] = f"Notional benchmark brief ({label})"
    base_figures: dict[str, Any] = base.get("figures") or {}
    base_sections: list[dict[str, Any]] = base["sections"]
    copies = -(-sections // len(base_sections))
    # Content may hold MAX_FIGURES figures: past that, copy k shares the set of copy k mod sets.
    sets = max(1, min(copies, MAX_FIGURES // max(1, len(base_figures))))
    figures: dict[str, Any] = {}
    made: list[dict[str, Any]] = []
    for k in range(1, copies + 1):
        own = (k - 1) % sets + 1
        names = {name: name if copies == 1 else f"{name}_{own}" for name in base_figures}
        if own == k:
            for name, figure in base_figures.items():
                figures[names[name]] = _figure(rename_figures(figure, names), writer)
        for section in base_sections[: sections - len(made)]:
            renamed = rename_figures(section, names)
            if "figures" in renamed:
                renamed["figures"] = [names.get(n, n) for n in section["figures"]]
            made.append(_section(renamed, writer))
    return {"meta": meta, "figures": figures, "sections": made}


def texts(content: dict[str, Any]) -> Iterator[str]:
    """Yield every text of generated content (titles, leads, points, notes, sources, labels)."""

    def walk(value: Any) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, list):
            for item in value:
                yield from walk(item)
        elif isinstance(value, dict):
            for name, item in value.items():
                if name not in ("figures", "url"):
                    yield from walk(item)

    for figure in (content.get("figures") or {}).values():
        yield figure["label"]
    for section in content["sections"]:
        yield from walk(section)


def sentences(content: dict[str, Any]) -> list[str]:
    """Return every sentence of `content`'s texts, in the form they are compared in."""
    return [key(s) for text in texts(content) for s in SENTENCE_END.split(text) if key(s)]


class _PlainDumper(yaml.SafeDumper):
    """A safe dumper that never writes anchors or aliases (alliancedeck refuses aliases)."""

    def ignore_aliases(self, data: Any) -> bool:
        """Return True: write every value out in full."""
        return True


def dump(content: dict[str, Any]) -> str:
    """Return `content` as YAML, every scalar on one line, with a notional header."""
    body = yaml.dump(
        content, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, width=float("inf")
    )
    return (
        "# Notional benchmark content generated by bench/generate.py: the words are random.\n"
        "# Not a real brief.\n" + body
    )


# ---- the peers' inputs: the same content as Markdown for Pandoc ---------------------------

FILL = re.compile(r"\{\{-?\s*(figures|meta)\.(\w+)(?:\.(\w+))?\s*-?\}\}")
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>$#@~^|])")


def fill_in(text: str, content: dict[str, Any]) -> str:
    """Return `text` with `{{ figures.X }}`, `{{ figures.X.label }}`, `{{ meta.Y }}` filled in."""

    def replace(match: re.Match[str]) -> str:
        scope, name, attribute = match.groups()
        if scope == "meta":
            return str(content["meta"].get(name, ""))
        figure = content["figures"][name]
        if attribute:
            return str(figure.get(attribute, ""))
        return str(figure.get("display") or f"{figure['value']:,}")

    return " ".join(FILL.sub(replace, text).split())


def _md(text: str, content: dict[str, Any]) -> str:
    """Return `text` filled in and escaped for Pandoc's Markdown."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", fill_in(text, content))


def _md_points(points: list[Any], content: dict[str, Any], depth: int = 0) -> Iterator[str]:
    """Yield the Markdown bullet lines of `points`, nested points indented."""
    for point in points:
        text = point if isinstance(point, str) else point["text"]
        yield "  " * depth + "- " + _md(text, content)
        if isinstance(point, dict) and point.get("points"):
            yield from _md_points(point["points"], content, depth + 1)


def _source_text(source: Any) -> str:
    """Return a source's text (a string, or a mapping with `text` and maybe `url`)."""
    if isinstance(source, str):
        return source
    return source["text"] + (f" {source['url']}" if source.get("url") else "")


def markdown(content: dict[str, Any], deck: bool) -> str:
    """Return `content` as Pandoc Markdown: the deck's (notes kept) or the brief's.

    Both open with the title and a section of key figures; each section is a level-1 heading
    (one slide in Pandoc's pptx) with its lead in italics, its points and timeline as bullets.
    The deck has each section's sources under it and its notes in a `notes` div; the brief
    has no notes and lists all sources at the end, as alliancedeck's brief does.
    """
    meta = content["meta"]
    lines = ["---", f"title: {_yaml_string(meta['title'])}"]
    if meta.get("subtitle"):
        lines.append(f"subtitle: {_yaml_string(meta['subtitle'])}")
    lines += ["---", "", "# Key figures", ""]
    for figure in content["figures"].values():
        value = figure.get("display") or f"{figure['value']:,}"
        lines.append(f"- **{_md(str(value), content)}** {_md(figure['label'], content)}")
    all_sources: list[str] = []
    for section in content["sections"]:
        lines += ["", f"# {_md(section['title'], content)}", ""]
        if section.get("lead"):
            lines += [f"*{_md(section['lead'], content)}*", ""]
        lines += _md_points(section.get("points", []), content)
        for entry in section.get("timeline", []):
            lines.append(f"- **{_md(str(entry['date']), content)}** {_md(entry['text'], content)}")
        sources = [_md(_source_text(s), content) for s in section.get("sources", [])]
        if deck and sources:
            lines += ["", "Source: " + " ".join(sources)]
        all_sources += sources
        if deck and section.get("notes"):
            lines += ["", "::: notes", _md(section["notes"], content), ":::"]
    if not deck and all_sources:
        lines += ["", "# Sources", ""] + [f"- {s}" for s in all_sources]
    return "\n".join(lines) + "\n"


def _yaml_string(text: str) -> str:
    """Return `text` as a double-quoted YAML string for a Markdown title block."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_inputs(
    content: dict[str, Any], folder: Path, stem: str, peers: bool = True
) -> dict[str, Path]:
    """Write `content` as `stem.yaml` (and the peers' `stem-deck.md`, `stem-brief.md`).

    Return the paths by kind: "yaml", "deck_md", "brief_md".
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"yaml": folder / f"{stem}.yaml"}
    paths["yaml"].write_text(dump(content), encoding="utf-8")
    if peers:
        paths["deck_md"] = folder / f"{stem}-deck.md"
        paths["brief_md"] = folder / f"{stem}-brief.md"
        paths["deck_md"].write_text(markdown(content, deck=True), encoding="utf-8")
        paths["brief_md"].write_text(markdown(content, deck=False), encoding="utf-8")
    return paths
