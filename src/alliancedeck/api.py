"""The library entry points: check a content file, render a product, build them all."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alliancedeck import backends
from alliancedeck.document import Document
from alliancedeck.errors import ContentError, Location, Problem, UsageError
from alliancedeck.output import CHECKSUMS, write_set
from alliancedeck.parallel import (
    PARALLEL_FROM as PARALLEL_FROM,  # what makes a document large (tests build one)
)
from alliancedeck.parallel import (
    Job,
    Rendered,
    Renderer,
    as_problem,
    can_fork,
    groups,
    large_document,
    render_group,
    render_groups,
)
from alliancedeck.session import active as in_session
from alliancedeck.session import forget_pictures, next_rebuild
from alliancedeck.source import (
    EXPONENT_NUMBER,
    MAX_DEPTH,
    ExponentNumber,
    KeyPath,
    Loaded,
    SourceMap,
    load_yaml_file,
)

if TYPE_CHECKING:
    from alliancedeck.layout_files import Design
    from alliancedeck.session import Session

#: What `build` and `check` accept as content: a content file, or the data of one.
Content = str | os.PathLike[str] | Mapping[str, Any]
#: A file or folder name, as a string or a path.
PathLike = str | os.PathLike[str]

#: The file a content folder holds.
CONTENT_FILE = "content.yaml"
#: The source name of content given as a mapping (its errors read `<content>.sections[0]...`).
MAPPING_SOURCE = "<content>"


@dataclass
class Prepared:
    """A content file checked and resolved, with its theme: ready for any backend."""

    doc: Document
    theme: Design
    content_path: Path  # for a mapping: base_dir / MAPPING_SOURCE
    warnings: list[Problem] = field(default_factory=list)

    @property
    def content_dir(self) -> Path:
        return self.content_path.parent


@dataclass
class Product:
    """One written file."""

    backend: str
    path: Path
    sha256: str
    size: int


@dataclass
class BuildResult:
    """What `build` wrote (into `out_dir`) and what it warned about."""

    products: list[Product]
    warnings: list[Problem]
    out_dir: Path | None = None
    inputs: list[Path] = field(default_factory=list)  # the files it read: content, layout, images


def content_file(item: PathLike) -> Path:
    """Return the content file `item` names: itself, or `content.yaml` in it if it is a folder."""
    path = Path(item)
    return path / CONTENT_FILE if path.is_dir() else path


def output_folder(content: PathLike) -> Path:
    """Return where the products of the content file `content` go by default.

    `output/` beside it; `output/STEM/` when it is not named content.yaml, so that two briefs
    in one folder never share an output folder.
    """
    path = Path(content)
    folder = path.parent / "output"
    return folder if path.name == CONTENT_FILE else folder / path.stem


def prepare(
    content: Content,
    *,
    layout: str | None = None,
    training_markings: bool = False,
    allow_outside: Sequence[PathLike] = (),
    base_dir: PathLike | None = None,
    template: PathLike | None = None,
) -> Prepared:
    """Load, validate and resolve `content` and load its layout (`layout` overrides meta.layout).

    `template` (a .pptx or .potx) overrides the layout's `slide.template`: the deck is built on
    it and both products take its theme (see `alliancedeck.template`).

    `content` is a content file, or its data as a mapping: then images, `fonts/` and
    `layouts/` are looked up in `base_dir` (default: the current folder) and problems are
    located by key path.
    """
    validate, fill_texts, design_for = checkers()
    forget_earlier_inputs()
    if in_session():
        next_rebuild()  # the pieces of the content file the last rebuild left unused go
    loaded = _load(content, base_dir)
    content_dir = loaded.path.parent
    try:
        brief = validate(loaded)
    except ContentError as exc:  # with the loader's warnings: `- #1 x` explains an empty point
        raise ContentError([*exc.problems, *loaded.source_map.warnings]) from None
    layout_name = layout or brief.meta.layout
    where = loaded.source_map.locate(("meta", "layout")) if layout is None else Location("--layout")
    problems: list[Problem] = []
    try:
        doc = fill_texts(
            brief,
            loaded.source_map,
            training_markings=training_markings,
            content_dir=content_dir,
            allow_outside=tuple(Path(p) for p in allow_outside),
        )
    except ContentError as exc:
        problems += exc.problems
    try:
        inside = tuple(Path(p) for p in allow_outside) if layout is None else None
        theme = design_for(layout_name, content_dir, where, inside=inside)
    except ContentError as exc:
        problems += exc.problems  # reported with the content's own, all at once
    if problems:
        raise ContentError([*problems, *loaded.source_map.warnings])
    warnings = [as_problem(w, doc.source_file) for w in doc.warnings]
    if template or theme.slide.template:
        from alliancedeck.template.design import theme_on_template

        inside = None if layout is not None else tuple(Path(p) for p in allow_outside)
        theme, template_warnings = theme_on_template(
            theme, template, content_dir, inside, bool(doc.meta.classification)
        )
        warnings += template_warnings
    return Prepared(doc=doc, theme=theme, content_path=loaded.path, warnings=warnings)


def checkers() -> tuple[Any, Any, Any]:
    """Return what checks content: the model's `validate`, `fill_texts` and `design_for`.

    They load pydantic and the content model, imported here rather than with this module: a
    build whose content is read in a child process (`_prepared_apart`) never loads them in its
    own, which then holds about 8 MB less while its products render. A process that forks
    workers which all check content calls this first, so that they share one copy. The
    collector is paused while they load, as `alliancedeck.launch` pauses it for a build's
    first imports.
    """
    collecting = gc.isenabled()
    gc.disable()  # importing makes many objects and no garbage
    try:
        from alliancedeck.fill import fill_texts
        from alliancedeck.layout_files import design_for
        from alliancedeck.model import validate
    finally:
        if collecting:
            gc.enable()
    return validate, fill_texts, design_for


def forget_earlier_inputs() -> None:
    """Forget what earlier builds in this process read from files, so each is read as it is now.

    Every build starts here: nothing one build read or recorded (a layout, an image, a missing
    glyph) is seen by the next, so the API is safe to call many times in one process (from
    threads in turn) and inside process pools. An edited layout or image is read again, and a
    font file added since is found. (Fonts already read stay registered with reportlab under
    their file's path.)
    """
    from alliancedeck import fonts, layout_files

    layout_files.load_design.cache_clear()
    fonts.forget_found_files()
    forget_pictures()


def _load(content: Content, base_dir: PathLike | None) -> Loaded:
    if isinstance(content, Mapping):
        folder = Path(base_dir) if base_dir is not None else Path.cwd()
        return loaded_from_mapping(content, folder)
    if not isinstance(content, str | os.PathLike):
        raise UsageError(
            f"content must be a path or a mapping, not {type(content).__name__}"
        )  # a script's slip, not the content's
    if base_dir is not None:
        raise UsageError("base_dir is for content given as a mapping; a file's folder is its own")
    return load_yaml_file(content_file(content))  # a folder stands for its content.yaml


#: Values a content mapping may hold: what a YAML file can say.
_SCALARS = (str, int, float, bool, dt.date, type(None))


def loaded_from_mapping(data: Mapping[str, Any], base_dir: Path) -> Loaded:
    """Return `data` (content as Python values) as loaded content, every value located by its
    key path (`<content>.sections[0].title`, indexed from 0 as in Python, in the messages
    too), relative paths taken from `base_dir`."""
    source_map = SourceMap(MAPPING_SOURCE, first_index=0)
    problems: list[Problem] = []

    def copy(value: Any, path: KeyPath) -> Any:
        where = Location(_key_path_text(path))
        source_map.values[path] = where
        if len(path) > MAX_DEPTH:
            problems.append(Problem(where, f"nesting deeper than {MAX_DEPTH} levels"))
            return None
        if isinstance(value, Mapping):
            result = {}
            for key, item in value.items():
                if not isinstance(key, str):
                    problems.append(Problem(where, f"a key must be text, not {key!r}"))
                    continue
                source_map.keys[(*path, key)] = Location(_key_path_text((*path, key)))
                result[key] = copy(item, (*path, key))
            return result
        if isinstance(value, list | tuple):
            return [copy(item, (*path, index)) for index, item in enumerate(value)]
        if not isinstance(value, _SCALARS):
            problems.append(
                Problem(
                    where,
                    f"a {type(value).__name__} cannot be content; use text, numbers, dates, "
                    "lists and mappings (what a YAML file can hold)",
                )
            )
            return None
        if isinstance(value, str) and EXPONENT_NUMBER.match(value):
            return ExponentNumber(value)  # yaml.safe_load (YAML 1.1) leaves 1.5e9 as text
        return value

    plain = copy(data, ())
    if problems:
        raise ContentError(problems)
    return Loaded(plain, source_map, base_dir / MAPPING_SOURCE)


def _key_path_text(path: KeyPath) -> str:
    text = MAPPING_SOURCE
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def check(
    content: Content,
    *,
    products: Sequence[str] | None = None,
    layout: str | None = None,
    strict: bool = False,
    training_markings: bool = False,
    allow_outside: Sequence[PathLike] = (),
    base_dir: PathLike | None = None,
    template: PathLike | None = None,
) -> Prepared:
    """Do everything `build` does but write: return the prepared content with every warning.

    The `products` (default: those `build` writes) are rendered and thrown away, so that
    layout warnings (a shrunk title, a brief past two pages, a character no font has) are
    found too. Raise `ContentError` with every problem located, and with `strict` also for
    any warning, exactly as `build` would.
    """
    chosen = chosen_products(products)
    prepared = prepare(
        content,
        layout=layout,
        template=template,
        training_markings=training_markings,
        allow_outside=allow_outside,
        base_dir=base_dir,
    )
    render_all(prepared, chosen)
    if strict:
        raise_on_warnings(prepared.warnings)
    return prepared


def chosen_products(products: Sequence[str] | None) -> tuple[str, ...]:
    """Return the backend names `products` asks for (default: those `build` writes), checked.

    `products` may also be one comma-separated text (`"pdf,html"`).
    """
    if isinstance(products, str):
        products = [p for p in products.split(",") if p.strip()]
    chosen = tuple(p.strip() for p in products) if products is not None else backends.BUILD_PRODUCTS
    if not chosen:
        raise UsageError("no products asked for; name one or more backends")
    for name in chosen:
        find_backend(name)
    return tuple(dict.fromkeys(chosen))  # each once, in the order asked


#: The last second a date can name (31 December 9999, 23:59:59 UTC); the PDF libraries read
#: SOURCE_DATE_EPOCH themselves and fail past it.
LAST_EPOCH = 253_402_300_799


def build_time(doc: Document) -> int:
    """Return the time stamped into products: SOURCE_DATE_EPOCH, else meta.date, else now."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if raw:
        if not raw.isdigit() or len(raw) > len(str(LAST_EPOCH)) or int(raw) > LAST_EPOCH:
            raise UsageError(
                "SOURCE_DATE_EPOCH must be a whole number of seconds up to the end of year 9999 "
                f"({LAST_EPOCH}), not {raw[:40]!r}"
            )
        return int(raw)
    if doc.meta.date:
        moment = dt.datetime.combine(doc.meta.date, dt.time(12, 0), tzinfo=dt.UTC)
        return int(moment.timestamp())
    return int(time.time())


def render(
    prepared: Prepared, backend_name: str, context: backends.RenderContext | None = None
) -> bytes:
    """Return the bytes of the product of `backend_name` for `prepared`.

    Its warnings are added to `prepared.warnings`, as `build` adds them.
    """
    find_backend(backend_name)
    job = _job(prepared)
    own = context is None
    if context is None:
        context = backends.RenderContext(job.content_dir, job.build_time)
    results = [render_group((backend_name,), job, context, own_context=own)]
    return _collect(prepared.warnings, results, (backend_name,))[backend_name]


def find_backend(name: str) -> backends.Backend:
    """Return the backend registered as `name`, or raise a `UsageError` naming those there are."""
    try:
        return backends.load(name)
    except KeyError as exc:
        raise UsageError(str(exc.args[0])) from None


def default_output(backend_name: str, out_dir: Path) -> Path:
    """Return where `build` writes the product of `backend_name`."""
    return out_dir / find_backend(backend_name).default_output


def build(
    content: Content,
    *,
    out_dir: PathLike | None = None,
    products: Sequence[str] | None = None,
    layout: str | None = None,
    strict: bool = False,
    base_dir: PathLike | None = None,
    outputs: Mapping[str, PathLike] | None = None,
    training_markings: bool = False,
    allow_outside: Sequence[PathLike] = (),
    checksums: bool = True,
    renderer: Renderer | None = None,
    template: PathLike | None = None,
    session: Session | None = None,
) -> BuildResult:
    """Render the `products` of `content` and write each atomically into `out_dir`.

    `content` is a content file (or its data as a mapping, with `base_dir` for its images);
    `out_dir` defaults to `output_folder(content)` (`base_dir/output` for a mapping);
    `products` to those `alliancedeck build` writes (`backends.BUILD_PRODUCTS`); `outputs`
    may send a product elsewhere. Every product is rendered before any is written, and the set is
    replaced as a whole (see `output.write_set`), so a failure leaves all earlier files as they
    were. With `checksums`, `SHA256SUMS` beside the
    products lists each file's SHA-256; with `strict`, any warning is an error and nothing is
    written. `renderer` is a process forked for `products` before this call (see
    `alliancedeck.parallel`); `session` keeps warm workers and caches between the builds of
    `build --watch` (see `alliancedeck.session`). Raise `ContentError` (every problem
    located) or `UsageError`.
    """
    chosen = chosen_products(products)
    options: dict[str, Any] = {
        "layout": layout,
        "template": template,
        "training_markings": training_markings,
        "allow_outside": allow_outside,
        "base_dir": base_dir,
    }
    if renderer is not None and renderer.products == chosen and read_apart(content):
        handed = _prepared_apart(content, options)
        content_path, warnings, inputs = handed.content_path, handed.warnings, handed.inputs
        pending: list[Rendered] | Prepared = renderer.render(handed.pop_job())
    else:
        pending = prepare(content, **options)
        content_path, warnings = pending.content_path, pending.warnings
        inputs = inputs_read(pending)
    if out_dir is None:
        out_dir = (
            content_path.parent / "output"
            if isinstance(content, Mapping)
            else output_folder(content_path)
        )
    folder = Path(out_dir)
    targets = {
        name: Path((outputs or {}).get(name) or default_output(name, folder)) for name in chosen
    }
    if isinstance(pending, Prepared):
        rendered = render_all(pending, chosen, renderer, session)
    else:
        rendered = _collect(warnings, pending, chosen)
    del pending
    if strict:
        raise_on_warnings(warnings)
    files = {targets[name]: data for name, data in rendered.items()}
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in rendered.items()}
    sums = folder / CHECKSUMS if checksums and files else None
    by_path = {targets[name]: digest for name, digest in digests.items()}
    write_set(files, checksums=sums, protect=(content_path,), digests=by_path)
    written = [
        Product(name, targets[name], digests[name], len(data)) for name, data in rendered.items()
    ]
    return BuildResult(written, warnings, folder, inputs)


#: The size (bytes) from which a content file sent to a renderer is read in a child process.
READ_APART_FROM = 100_000


def read_apart(content: Content) -> bool:
    """Return whether `content` is a file large enough to be read in a child (`_prepared_apart`)."""
    if isinstance(content, Mapping) or not can_fork():
        return False
    try:
        return content_file(content).stat().st_size >= READ_APART_FROM
    except (OSError, TypeError, ValueError):
        return False  # read here: `prepare` says what is wrong with it


@dataclass
class HandedOff:
    """What a build keeps of content read in a child process: its job, pickled for the
    renderer, and what the build reports. The document itself stays in no process but those
    that render it."""

    content_path: Path
    warnings: list[Problem]
    inputs: list[Path]
    job: bytes | None  # a pickled `Job`, until `pop_job` takes it

    def pop_job(self) -> bytes:
        """Return the pickled job, keeping no reference to it."""
        job, self.job = self.job, None
        assert job is not None, "the job was already taken"
        return job


def _prepared_apart(content: Content, options: Mapping[str, Any]) -> HandedOff:
    """Prepare `content` (with `options`, as `prepare` takes them) in a child process.

    Reading a large content file builds its YAML node tree, the model and the document: tens
    of megabytes which, once freed, the allocator keeps in this process. Read in a child that
    then ends, they are given back before the products render (the longest and largest part
    of a build), instead of being held by this process while its renderer works.
    """
    from functools import partial

    from alliancedeck.parallel import Child

    return Child(partial(_hand_off, content, options)).result()


def _hand_off(content: Content, options: Mapping[str, Any]) -> HandedOff:
    """Prepare `content`; return its job pickled and what the build reports."""
    import pickle

    prepared = prepare(content, **options)
    job = pickle.dumps(_job(prepared), protocol=pickle.HIGHEST_PROTOCOL)
    return HandedOff(prepared.content_path, prepared.warnings, inputs_read(prepared), job)


def inputs_read(prepared: Prepared) -> list[Path]:
    """Return the files a build of `prepared` reads: the content, its layout (and template),
    its images."""
    from alliancedeck.document import ImageInfo

    files = [prepared.content_path]
    if prepared.theme.path:
        files.append(Path(prepared.theme.path))
    if prepared.theme.template is not None:
        files.append(Path(prepared.theme.template.package.name))
    for section in prepared.doc.sections:
        files.extend(b.path for b in section.blocks if isinstance(b, ImageInfo))
    return files


def _job(prepared: Prepared) -> Job:
    from alliancedeck.document import ImageInfo
    from alliancedeck.pictures import checked_pictures

    doc = prepared.doc
    images = (b for s in doc.sections for b in s.blocks if isinstance(b, ImageInfo))
    pictures = checked_pictures(images)  # made by the check: sent, not made again
    return Job(doc, prepared.theme, prepared.content_dir, build_time(doc), pictures)


def render_all(
    prepared: Prepared,
    products: tuple[str, ...],
    renderer: Renderer | None = None,
    session: Session | None = None,
) -> dict[str, bytes]:
    """Return the bytes of every product, rendering groups of them side by side where that pays.

    With `renderer` (forked for these `products` before the content was read), it renders them
    all. Otherwise a large brief on several cores forks a process per extra group of products
    now, and a small one renders here, group after group.
    """
    for name in products:
        find_backend(name)
    job = _job(prepared)
    if renderer is not None and renderer.products == products:
        return _collect(prepared.warnings, renderer.render(job), products)
    split = groups(products)
    if session is not None:
        return _collect(prepared.warnings, session.render(job, split), products)
    fork = len(split) > 1 and can_fork() and large_document(prepared.doc)
    return _collect(prepared.warnings, render_groups(job, split, fork=fork), products)


def _collect(
    warnings: list[Problem], results: list[Rendered], products: tuple[str, ...]
) -> dict[str, bytes]:
    """Return the bytes of `products` from `results`; add their new warnings to `warnings`."""
    rendered: dict[str, bytes] = {}
    for data, found in results:
        rendered.update(data)
        warnings.extend(w for w in found if w not in warnings)
    return {name: rendered[name] for name in products}


def raise_on_warnings(warnings: list[Problem]) -> None:
    """Raise the `warnings` as errors (for --strict)."""
    if warnings:
        raise ContentError([Problem(w.location, f"{w.message} (--strict)") for w in warnings])
