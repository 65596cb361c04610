"""The `alliancedeck` program: what runs before and after the command line proper."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from typing import NoReturn


def entry() -> NoReturn:
    """Run the command line (`alliancedeck` and `python -m alliancedeck`), then exit quickly.

    For a plain `build` (the most common command, and the slowest), a renderer process is
    forked first, before the command line is even read, so that it loads the drawing libraries
    while this process reads the command line (alliancedeck.commands, without typer) and checks
    the content (see alliancedeck.parallel).

    Every product is written (and synced) before a command returns, so nothing is left to clean
    up at the end. Skipping the interpreter's teardown of the hundreds of modules a build
    imports saves about 60 ms of each run.

    Pydantic's plug-ins (observability tools that hook every model's validation) are off in the
    program, unless PYDANTIC_DISABLE_PLUGINS is set: the content is checked as alliancedeck
    wrote the checks, and finding plug-ins reads every installed package's metadata, 10-20 ms
    of each run. The library API leaves the setting to its caller.
    """
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    args = sys.argv[1:]
    if args[:1] == ["build"] and not {"-h", "--help", "--watch"} & set(args):
        hold_collection()
        from alliancedeck.backends import BUILD_PRODUCTS
        from alliancedeck.parallel import CHECKED_AND_DRAWN, can_fork, import_shared, prefork

        if can_fork():  # what both processes need, loaded once before they part
            import_shared(CHECKED_AND_DRAWN, BUILD_PRODUCTS)
        prefork(BUILD_PRODUCTS)
    code: int | str | None = 0
    try:
        from alliancedeck.commands import main

        main()
    except SystemExit as exc:
        code = exc.code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        code = 130
    finally:
        from alliancedeck.parallel import discard_preforked

        discard_preforked()
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to say
            stream.flush()
    os._exit(code or 0)


#: Whether `hold_collection` turned the cyclic garbage collector off in this process.
_held = False

#: Whether this process is a one-shot build's (or forked from one): set by `hold_collection`.
#: Such a process renders a document whose products leave no reference cycles with the
#: collector off (see `parallel.render_group`); the library and `build --watch` never do.
one_shot = False

#: A one-shot build's oldest generation is collected once every this many collections of the
#: middle one (the interpreter's default is 10). A build keeps what it lays out and draws to
#: its end, so its full collections find next to nothing, and they walk every live object: at
#: 200x they took 15-20 % of a build's CPU. The young generations are collected as usual, so
#: short-lived cycles are freed as soon as before; what a finished product leaves is freed
#: where it matters (`parallel.release_memory`). Measured at 200x against the default: time in
#: the collector -55 %, total CPU about -10 %, no more memory. Higher first thresholds (2,000
#: to 50,000) save as much but hold more memory (+10-15 MB summed over the processes).
FULL_COLLECTION_EVERY = 100


def hold_collection() -> None:
    """Turn the garbage collector off while a one-shot build imports its libraries.

    Imports make many objects and no garbage; collecting through them costs 5-8 % of the
    start-up. `imports_done` turns it on again in each process once its imports are done.
    """
    global _held, one_shot
    one_shot = True
    if gc.isenabled():
        gc.disable()
        _held = True


def imports_done() -> None:
    """Turn the collector back on if `hold_collection` held it, keeping what was imported out
    of its reach (`gc.freeze`): those objects live as long as the process, so collections stay
    short, and a forked process does not copy their pages by collecting them. From then on its
    full collections are rarer (`FULL_COLLECTION_EVERY`); the library and `build --watch`,
    which never hold the collector, keep the interpreter's thresholds."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        youngest, middle, _oldest = gc.get_threshold()
        gc.set_threshold(youngest, middle, FULL_COLLECTION_EVERY)
        gc.enable()
