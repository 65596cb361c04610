"""The Jinja sandbox brief texts render in: no globals, bounded arithmetic, no nested loops.

Imported only for a text that uses more than `{{ name }}` (see resolve.plain_substitution).
"""

from __future__ import annotations

import operator
from functools import cache
from typing import Any

from jinja2 import StrictUndefined, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

#: Largest string or list a template may build with * (repetition).
MAX_REPEAT = 10_000
#: Largest whole number (in bits) a template may compute with **.
MAX_POWER_BITS = 4096


class _BriefSandbox(SandboxedEnvironment):
    """The sandbox texts render in: no globals, bounded repetition, no private attributes."""

    intercepted_binops = frozenset({"*", "**"})

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
        for count, other in ((right, left), (left, right)):
            sized = isinstance(other, str | list | tuple) and isinstance(count, int)
            if sized and count * max(len(other), 1) > MAX_REPEAT:
                raise SecurityError("repetition too large")
        return operator.mul(left, right)


@cache
def environment() -> SandboxedEnvironment:
    """Return the sandbox (one per run)."""
    env = _BriefSandbox(
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        finalize=lambda value: "" if value is None else value,
    )
    env.globals.clear()
    return env


def nested_loop(template_ast: nodes.Template) -> bool:
    """Return whether a `for` loop sits inside another (their counts would multiply)."""
    for loop in template_ast.find_all(nodes.For):
        for child in loop.body:
            if isinstance(child, nodes.For) or any(True for _ in child.find_all(nodes.For)):
                return True
    return False
