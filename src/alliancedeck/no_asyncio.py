"""Import pydantic without asyncio, which it loads only to tell coroutines from plain functions.

`typing_extensions.deprecated`, applied at import time to functions of pydantic_core and to
methods of pydantic's models, imports `asyncio.coroutines` to ask whether the function it
wraps is a coroutine function. Importing asyncio (its event loops, transports, subprocesses)
costs about 15-20 ms of CPU, 4 % of a small build, and nothing in a build uses it.
"""

from __future__ import annotations

import contextlib
import inspect
import sys
import types
from collections.abc import Iterator
from typing import Any

#: The names `asyncio_held_back` puts in `sys.modules` while it holds asyncio back.
_STAND_INS = ("asyncio", "asyncio.coroutines")


@contextlib.contextmanager
def asyncio_held_back() -> Iterator[None]:
    """Within this block, let `import asyncio.coroutines` find a stand-in, not asyncio.

    The stand-in answers `iscoroutinefunction` for plain functions (False, as asyncio would);
    anything else it is asked (a coroutine function to mark, any other name) loads the real
    asyncio and answers from it. Where asyncio is loaded already, nothing changes. On leaving,
    the stand-in is taken out of `sys.modules`, so a later `import asyncio` loads the real one;
    what imported the stand-in keeps only the answers it was given.
    """
    if "asyncio" in sys.modules:
        yield
        return
    package, coroutines = types.ModuleType("asyncio"), types.ModuleType("asyncio.coroutines")
    package.__dict__["coroutines"] = coroutines
    package.__dict__["__getattr__"] = lambda name: getattr(_real(package, coroutines), name)
    coroutines.__dict__["iscoroutinefunction"] = _stand_in_iscoroutinefunction(package, coroutines)
    coroutines.__dict__["__getattr__"] = lambda name: getattr(
        _real(package, coroutines).coroutines, name
    )
    sys.modules.update(zip(_STAND_INS, (package, coroutines), strict=True))
    try:
        yield
    finally:
        _remove(package, coroutines)


def _stand_in_iscoroutinefunction(package: types.ModuleType, coroutines: types.ModuleType) -> Any:
    """Return the stand-in's `iscoroutinefunction`: False for a plain function, else asyncio's
    own answer."""

    def iscoroutinefunction(func: Any) -> bool:
        plain = inspect.isfunction(func) and not inspect.iscoroutinefunction(func)
        if plain and not hasattr(func, "_is_coroutine"):  # asyncio's mark of a coroutine one
            return False
        return bool(_real(package, coroutines).coroutines.iscoroutinefunction(func))

    return iscoroutinefunction


def _real(package: types.ModuleType, coroutines: types.ModuleType) -> Any:
    """Take the stand-ins out of `sys.modules`; import and return the real asyncio."""
    _remove(package, coroutines)
    import asyncio.coroutines

    return asyncio


def _remove(package: types.ModuleType, coroutines: types.ModuleType) -> None:
    for name, stand_in in zip(_STAND_INS, (package, coroutines), strict=True):
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
