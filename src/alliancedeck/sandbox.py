"""The Jinja sandbox brief texts render in: read-only data, bounded values, no clock, no chance.

Imported only for a text that uses more than `{{ name }}` (see fill.plain_substitution). Every
route by which a template can make something big is bounded here, before the work is done: the
operators (`+`, `~`, `*`, `**`, `%`), every filter (also when Jinja runs it while compiling, to
fold constants), the methods of strings, numbers, lists, dicts and dates, and the joining of the
output. What is left (loops, macros) costs time, which fill bounds.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
import string
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from functools import cache, wraps
from typing import Any

from jinja2 import StrictUndefined, nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment
from pydantic import BaseModel

from alliancedeck.fill import MAX_TEMPLATE_OUTPUT

#: Longest string, or list with most items, a template may build (its whole output as well).
MAX_LENGTH = MAX_TEMPLATE_OUTPUT
#: Largest whole number (in bits) a template may compute with * or **.
MAX_POWER_BITS = 4096


class OutputTooLong(SecurityError):
    """A template's output (or a macro's or block's) is longer than `MAX_LENGTH`."""

    def __init__(self, length: int):
        self.length = length
        super().__init__(
            f"template output is {length:,} characters, more than the limit of {MAX_LENGTH:,}"
        )


def _too_long(what: str, length: int) -> SecurityError:
    return SecurityError(
        f"{what} would be {length:,} characters or items long, more than the limit of "
        f"{MAX_LENGTH:,}"
    )


def printed_length(value: Any, limit: int = MAX_LENGTH) -> int:
    """Return about how long `str(value)` is, counting no further than just past `limit`.

    A list that holds one long string many times prints as all the copies; this finds that
    without printing it.
    """
    total = 0
    pending = [value]
    while pending and total <= limit:
        item = pending.pop()
        if isinstance(item, str):
            total += len(item) + 2  # its quotes, inside a list
        elif isinstance(item, list | tuple | set | frozenset):
            total += 2 + 2 * len(item)
            pending.extend(item)
        elif isinstance(item, dict):
            total += 2 + 4 * len(item)
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 2
        else:  # a float, a date, a figure, meta.cui: each prints its own (bounded) fields
            total += len(str(item))
    return total


def _check_printable(value: Any, what: str) -> None:
    length = printed_length(value)
    if length > MAX_LENGTH:
        raise _too_long(what, length)


def _check_built(value: Any) -> Any:
    """Return `value`, or refuse it if it is a string or container longer than `MAX_LENGTH`."""
    if isinstance(value, str | list | tuple | dict | set | frozenset) and len(value) > MAX_LENGTH:
        raise _too_long("the value", len(value))
    return value


def _check_width(width: Any, what: str) -> None:
    if isinstance(width, int) and width > MAX_LENGTH:
        raise _too_long(what, width)


#: A %-format conversion: flags, width and precision (either may be `*`, taken from the values).
_PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _check_percent_format(text: str, values: Any) -> None:
    """Refuse `text % values` if a width or precision would make it longer than `MAX_LENGTH`."""
    conversions = 0
    for match in _PERCENT.finditer(text):
        conversions += 1
        for size in match.groups():
            if size == "*":
                raise SecurityError("a width taken from the values (%*s) is not allowed")
            if size is not None and int(size) > MAX_LENGTH:
                raise _too_long("the formatted text", int(size))
    # `%(name)s` may print one value many times: count it once per conversion.
    _check_width(len(text) + conversions * printed_length(values), "the formatted text")


def _check_brace_format(text: str, values: Iterable[Any]) -> None:
    """Refuse `text.format(...)` if a width or precision would make it longer than `MAX_LENGTH`."""
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:
        return  # str.format reports the malformed text itself
    conversions = 0
    for _, name, spec, _ in fields:
        conversions += name is not None
        if not spec:
            continue
        if "{" in spec:
            raise SecurityError("a width taken from the values ({:{}}) is not allowed")
        for digits in re.findall(r"\d+", spec):
            if int(digits) > MAX_LENGTH:
                raise _too_long("the formatted text", int(digits))
    # `{0}{0}{0}` prints one value many times: count it once per field.
    _check_width(len(text) + conversions * printed_length(list(values)), "the formatted text")


# --- filters ----------------------------------------------------------------------------------

#: Filters that make HTML (texts here are not HTML) or differ from run to run: not available.
REMOVED_FILTERS = frozenset(
    {"random", "urlize", "xmlattr", "escape", "e", "forceescape", "safe", "striptags"}
)
#: Filters that print their input (or its items): its printed length is bounded first.
_PRINTING_FILTERS = frozenset(
    {
        "capitalize",
        "center",
        "format",
        "indent",
        "join",
        "lower",
        "pprint",
        "replace",
        "string",
        "title",
        "tojson",
        "trim",
        "truncate",
        "upper",
        "urlencode",
        "wordcount",
        "wordwrap",
    }
)


def _argument(args: tuple, kwargs: dict, index: int, name: str, default: Any = None) -> Any:
    """Return a filter's argument `name`, given at `index` (after the value) or by name."""
    if name in kwargs:
        return kwargs[name]
    return args[index] if len(args) > index else default


def _check_filter(name: str, value: Any, args: tuple, kwargs: dict) -> None:
    """Refuse a call of filter `name` that would build more than `MAX_LENGTH` (before it runs)."""
    if name in _PRINTING_FILTERS:
        _check_printable(value, f"the input of |{name}")
    if name == "center":
        _check_width(_argument(args, kwargs, 0, "width", 80), "|center's width")
    elif name == "indent":
        width = _argument(args, kwargs, 0, "width", 4)
        per_line = len(width) if isinstance(width, str) else width
        if isinstance(per_line, int):
            lines = str(value).count("\n") + 1
            _check_width(len(str(value)) + lines * max(per_line, 0), "the indented text")
    elif name in ("batch", "slice"):
        count = _argument(args, kwargs, 0, "linecount" if name == "batch" else "slices")
        _check_width(count, f"|{name}'s count")
    elif name == "format":
        _check_percent_format(str(value), (args, kwargs))
    elif name == "replace":
        old, new = _argument(args, kwargs, 0, "old", ""), _argument(args, kwargs, 1, "new", "")
        text = str(value)
        count = text.count(str(old)) if old else len(text) + 1
        _check_width(len(text) + count * len(str(new)), "the replaced text")
    elif name == "wordwrap":
        width = _argument(args, kwargs, 0, "width", 79)
        wrap = _argument(args, kwargs, 2, "wrapstring") or "\n"
        if isinstance(width, int) and width > 0:
            text = str(value)
            _check_width(len(text) + (len(text) // width + 1) * len(str(wrap)), "the wrapped text")
    elif name == "join":
        separator = _argument(args, kwargs, 0, "d", "")
        items = value if isinstance(value, list | tuple | str) else []
        _check_width(printed_length(value) + len(items) * len(str(separator)), "the joined text")
    elif name == "truncate":
        _check_printable(_argument(args, kwargs, 2, "end", "..."), "|truncate's end")
    elif name == "tojson" and _argument(args, kwargs, 0, "indent") is not None:
        raise SecurityError("|tojson(indent=...) is not available in texts; write |tojson")


def _listed(value: Any) -> Any:
    """Return `value` with a one-pass iterator (a generator) made a list, bounded in length.

    The text its items hold together is bounded too: `|map('center', 19000)` makes a new long
    string per item, each within the limit, but not all of them.
    """
    if isinstance(value, str | list | tuple | dict | set | frozenset) or not hasattr(
        value, "__next__"
    ):
        return value
    items = []
    text = 0
    for item in value:
        items.append(item)
        text += len(item) if isinstance(item, str) else 1
        if len(items) > MAX_LENGTH or text > MAX_LENGTH:
            raise _too_long("the sequence", max(len(items), text))
    return items


def _bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """Return filter `function` with its input and arguments checked and its result bounded.

    Jinja calls filters directly (also while compiling, to fold constants), so the bound must
    sit on the filter itself, not on the sandbox's call.
    """
    passes = getattr(function, "jinja_pass_arg", None)

    @wraps(function)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        head, rest = (args[:1], args[1:]) if passes is not None else ((), args)
        value, arguments = (_listed(rest[0]), rest[1:]) if rest else (None, ())
        if name == "sum":
            _check_sum(value, _argument(arguments, kwargs, 1, "start", 0))
        _check_filter(name, value, arguments, kwargs)
        result = function(*head, *((value,) if rest else ()), *arguments, **kwargs)
        return _check_built(result)

    return bounded


def _check_sum(items: Any, start: Any) -> None:
    """Refuse `|sum` of lists or strings whose total is longer than `MAX_LENGTH`."""
    if isinstance(start, list | tuple | str) or any(
        isinstance(item, list | tuple | str) for item in (items or ())
    ):
        total = len(start) if isinstance(start, list | tuple | str) else 0
        for item in items or ():
            total += len(item) if isinstance(item, list | tuple | str) else 1
            if total > MAX_LENGTH:
                raise _too_long("the sum", total)


def concat_values(values: list[Any]) -> str:
    """Return the `~` of `values`, refusing one longer than `MAX_LENGTH` before building it."""
    total = sum(printed_length(value) for value in values)
    if total > MAX_LENGTH:
        raise _too_long("the joined text (~)", total)
    return "".join(str(value) for value in values)


def concat_output(pieces: Iterable[str]) -> str:
    """Return the output pieces joined, refusing more than `MAX_LENGTH` before joining them."""
    pieces = list(pieces)
    length = sum(len(piece) for piece in pieces)
    if length > MAX_LENGTH:
        raise OutputTooLong(length)
    return "".join(pieces)


#: Characters one text may print in all, counting `{{ ... }}` inside macros and loops (whose
#: pieces are kept until joined): more than its output may hold, far less than memory.
PRINT_BUDGET = 5 * MAX_LENGTH
_printed: ContextVar[list[int] | None] = ContextVar("printed", default=None)


def finalize(value: Any) -> Any:
    """Return what `{{ value }}` prints: nothing for None, data for a generator, never too much."""
    if value is None:
        return ""
    value = _listed(value)
    length = printed_length(value)
    if length > MAX_LENGTH:
        raise _too_long("the printed value", length)
    counter = _printed.get()
    if counter is not None:
        counter[0] += length
        if counter[0] > PRINT_BUDGET:
            raise SecurityError(
                f"it prints more than {PRINT_BUDGET:,} characters in all (a loop or macro "
                f"printing long values); its output may be at most {MAX_LENGTH:,}"
            )
    return value


def render_text(env: ImmutableSandboxedEnvironment, source: str, context: dict[str, Any]) -> str:
    """Return `source` rendered as a template in `env` with `context`, every bound applied."""
    counter = _printed.set([0])
    try:
        template = env.from_string(prepare(env.parse(source), env))
        return template.render(context)
    finally:
        _printed.reset(counter)


# --- methods ----------------------------------------------------------------------------------

#: The methods a template may call on each type; anything else (`encode`, `to_bytes`,
#: `date.today`, `list.append`) is refused. Those that can grow are checked in `call`.
_METHODS: tuple[tuple[type, frozenset[str]], ...] = (
    (
        str,
        frozenset(
            [
                "capitalize",
                "casefold",
                "center",
                "count",
                "endswith",
                "find",
                "format",
                "format_map",
                "index",
                "isalnum",
                "isalpha",
                "isascii",
                "isdecimal",
                "isdigit",
                "isidentifier",
                "islower",
                "isnumeric",
                "isprintable",
                "isspace",
                "istitle",
                "isupper",
                "join",
                "ljust",
                "lower",
                "lstrip",
                "partition",
                "removeprefix",
                "removesuffix",
                "replace",
                "rfind",
                "rindex",
                "rjust",
                "rpartition",
                "rsplit",
                "rstrip",
                "split",
                "splitlines",
                "startswith",
                "strip",
                "swapcase",
                "title",
                "upper",
                "zfill",
            ]
        ),
    ),
    (bool, frozenset()),
    (int, frozenset({"bit_length", "bit_count", "conjugate", "is_integer"})),
    (float, frozenset({"is_integer", "conjugate", "as_integer_ratio"})),
    (list | tuple, frozenset({"count", "index"})),
    (dict, frozenset({"get", "items", "keys", "values"})),
    (dt.date, frozenset({"isoformat", "strftime", "weekday", "isoweekday", "isocalendar"})),
    (BaseModel, frozenset({"model_dump"})),  # meta.cui, meta.distribution: data only
    (type, frozenset()),
)


def _allowed_method(obj: Any, name: str) -> bool | None:
    """Return whether method `name` of `obj` may be called (None: not a type listed here)."""
    for kind, names in _METHODS:
        if isinstance(obj, kind):
            return name in names
    return None


def _bounded_method_arguments(method: Any, args: tuple, kwargs: dict) -> tuple:
    """Return `args` for a call of `method`; refuse a string method that would build too much.

    The items given to `str.join` are listed first (and so returned), to measure them.
    """
    owner = getattr(method, "__self__", None)
    name = getattr(method, "__name__", "")
    if not isinstance(owner, str):
        return args
    if name in ("center", "ljust", "rjust", "zfill"):
        _check_width(_argument(args, kwargs, 0, "width", 0), f"{name}()'s width")
    elif name == "replace":
        old = str(_argument(args, kwargs, 0, "old", ""))
        new = str(_argument(args, kwargs, 1, "new", ""))
        count = owner.count(old) if old else len(owner) + 1
        _check_width(len(owner) + count * len(new), "the replaced text")
    elif name == "join" and args:
        items = _listed(args[0])
        if not isinstance(items, str | list | tuple):
            items = list(items) if hasattr(items, "__len__") else items
        _check_width(printed_length(items) + len(items) * len(owner), "the joined text")
        return (items, *args[1:])
    return args


class _BriefSandbox(ImmutableSandboxedEnvironment):
    """The sandbox texts render in: no globals, read-only data, every growth bounded."""

    intercepted_binops = frozenset({"+", "*", "**", "%"})

    def call_binop(self, context: Any, operator_name: str, left: Any, right: Any) -> Any:
        if operator_name == "**":
            if isinstance(right, int | float) and abs(right) > 100:
                raise SecurityError("exponent too large")
            too_big = (
                isinstance(left, int)
                and isinstance(right, int)
                and (abs(left).bit_length() * abs(right) > MAX_POWER_BITS)
            )
            if too_big:
                raise SecurityError("number too large")
            return operator.pow(left, right)
        if operator_name == "+":
            if isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
                _check_width(len(left) + len(right), "the joined value (+)")
            return operator.add(left, right)
        if operator_name == "%":
            if isinstance(left, str):
                _check_percent_format(left, right)
            return operator.mod(left, right)
        for count, other in ((right, left), (left, right)):
            sized = isinstance(other, str | list | tuple) and isinstance(count, int)
            if sized and count * max(len(other), 1) > MAX_LENGTH:
                raise SecurityError("repetition too large")
        numbers = isinstance(left, int) and isinstance(right, int)
        if numbers and left.bit_length() + right.bit_length() > MAX_POWER_BITS:
            raise SecurityError("number too large")
        return operator.mul(left, right)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if not callable(value):
            return True
        allowed = _allowed_method(obj, attr)
        return True if allowed is None else allowed

    def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
        return self.undefined(
            f"access to attribute {attribute!r} of {type(obj).__name__!r} object is unsafe; "
            "texts read figures and meta and may use filters, but not change data, call "
            "this or reach the clock",
            name=attribute,
            obj=obj,
            exc=SecurityError,
        )

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        text = value.__self__

        def bounded(*args: Any, **kwargs: Any) -> str:
            _check_brace_format(text, [*args, *kwargs.values()])
            return _check_built(wrapped(*args, **kwargs))

        return bounded

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        args = _bounded_method_arguments(__obj, args, kwargs)
        if isinstance(getattr(__obj, "__self__", None), type):
            raise SecurityError(f"{__obj.__name__}() is not available in texts")
        result = super().call(__context, __obj, *args, **kwargs)
        if isinstance(__obj, Macro):
            return result  # its output is joined (and bounded) by concat_output
        return _check_built(_listed(result))


@cache
def environment() -> ImmutableSandboxedEnvironment:
    """Return the sandbox (one per run)."""
    env = _BriefSandbox(
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        finalize=finalize,
    )
    env.globals.clear()
    env.concat = concat_output  # type: ignore[method-assign]
    for name in REMOVED_FILTERS:
        env.filters.pop(name, None)
    for name, function in list(env.filters.items()):
        env.filters[name] = _bounded_filter(name, function)
    env.filters[_CONCAT_FILTER] = concat_values
    return env


#: The filter `~` becomes (see `prepare`); not a name a template can write.
_CONCAT_FILTER = "~"


def prepare(template_ast: nodes.Template, env: ImmutableSandboxedEnvironment) -> nodes.Template:
    """Return `template_ast` checked and made safe to compile; raise `SecurityError` if refused.

    Each `a ~ b` becomes a call of `concat_values`, so it is bounded also when Jinja folds it
    while compiling.
    """
    if nested_loop(template_ast):
        raise SecurityError("loops inside loops are not allowed")
    pending: list[nodes.Node] = [template_ast]  # one pass, no recursion: a text may be long
    while pending:
        node = pending.pop()
        for field, value in node.iter_fields():
            if isinstance(value, nodes.Node):
                value = _bounded_concat(value, env)
                setattr(node, field, value)
                pending.append(value)
            elif isinstance(value, list):
                value[:] = [
                    _bounded_concat(item, env) if isinstance(item, nodes.Node) else item
                    for item in value
                ]
                pending.extend(item for item in value if isinstance(item, nodes.Node))
    return template_ast


def _bounded_concat(node: nodes.Node, env: ImmutableSandboxedEnvironment) -> nodes.Node:
    """Return `node`, or for an `a ~ b` node the call of `concat_values` that replaces it."""
    if not isinstance(node, nodes.Concat):
        return node
    replacement = nodes.Filter(nodes.List(list(node.nodes)), _CONCAT_FILTER, [], [], None, None)
    replacement.set_lineno(node.lineno)
    replacement.set_environment(env)
    return replacement


def nested_loop(template_ast: nodes.Template) -> bool:
    """Return whether a `for` loop sits inside another (their counts would multiply)."""
    for loop in template_ast.find_all(nodes.For):
        for child in loop.body:
            if isinstance(child, nodes.For) or any(True for _ in child.find_all(nodes.For)):
                return True
    return False
