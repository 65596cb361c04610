"""Start-up of `alliancedeck build`: what each process imports, and the plain command line.

A build at the size most briefs have spends most of its CPU importing libraries, so these tests
read back which modules every process of a real build loaded (not timings, which the shared
machine makes unreliable; `bench/` times builds).
"""

from __future__ import annotations

import functools
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from alliancedeck import cli, commands
from conftest import REPO, write_long_brief

# Runs `alliancedeck build` and writes, for every process of it, its parent, the modules it had
# when it forked each child, and the modules it had at its end.
RECORDER = """
import json, os, sys
folder = sys.argv.pop(1)
forks = []
real_fork, real_exit = os.fork, os._exit
def fork():
    before = sorted(sys.modules)
    pid = real_fork()
    if pid == 0:
        forks.clear()
    else:
        forks.append({"child": pid, "modules": before})
    return pid
def leave(code):
    import gc
    model = sys.modules.get("alliancedeck.model")
    schema = model.Brief.__pydantic_core_schema__ if model else None
    record = {"pid": os.getpid(), "parent": os.getppid(), "forks": forks,
              "modules": sorted(sys.modules), "collecting": gc.isenabled(),
              "frozen": gc.get_freeze_count(), "code": code,
              "model_collected": any(o is schema for o in gc.get_objects()) if model else None}
    with open(os.path.join(folder, f"{os.getpid()}.json"), "w") as stream:
        json.dump(record, stream)
    real_exit(code)
os.fork, os._exit = fork, leave
sys.argv = ["alliancedeck", *sys.argv[1:]]
import runpy
runpy.run_module("alliancedeck", run_name="__main__")
"""

TWO_CORES = len(os.sched_getaffinity(0)) > 1 and sys.platform.startswith("linux")


def _processes(
    tmp_path: Path, *arguments: str, content: Path = REPO / "content.yaml", parallel: bool = True
) -> dict[int, dict]:
    """Build `content` through the recorder (in one process unless `parallel`); return each
    process's record by pid."""
    records = tmp_path / "records"
    records.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "ALLIANCEDECK_NO_PARALLEL"}
    if not parallel:
        env["ALLIANCEDECK_NO_PARALLEL"] = "1"
    command = [sys.executable, "-c", RECORDER, str(records), "build", str(content)]
    done = subprocess.run(
        [*command, "--out-dir", str(tmp_path / "out"), *arguments],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "SHA256SUMS").is_file()
    return {r["pid"]: r for r in (json.loads(p.read_text()) for p in records.iterdir())}


def _tree(processes: dict[int, dict]) -> tuple[dict, dict, dict]:
    """Return the command's process, its renderer and the renderer's brief process."""
    (command,) = [r for r in processes.values() if r["parent"] not in processes]
    (renderer,) = [r for r in processes.values() if r["parent"] == command["pid"]]
    (brief,) = [r for r in processes.values() if r["parent"] == renderer["pid"]]
    return command, renderer, brief


def _loaded_after(record: dict, parent: dict) -> set[str]:
    """Return the modules `record`'s process imported itself (after `parent` forked it)."""
    (fork,) = [f for f in parent["forks"] if f["child"] == record["pid"]]
    return set(record["modules"]) - set(fork["modules"])


@pytest.mark.skipif(not TWO_CORES, reason="a build forks its renderer on 2+ Linux cores only")
def test_no_module_is_imported_twice_by_the_processes_of_a_build(tmp_path):
    """What both the checking and the drawing sides use is imported once, before they part:
    every module a forked process imports itself is one its parent never imports."""
    command, renderer, brief = _tree(_processes(tmp_path))
    twice = _loaded_after(renderer, command) & set(command["modules"])
    assert not twice, f"imported by both the command's process and the renderer: {sorted(twice)}"
    twice = _loaded_after(brief, renderer) & set(renderer["modules"])
    assert not twice, f"imported by both the deck's and the brief's process: {sorted(twice)}"
    assert "alliancedeck.fonts" in set(command["modules"]) - _loaded_after(renderer, command)


@pytest.mark.skipif(not TWO_CORES, reason="a build forks its renderer on 2+ Linux cores only")
def test_each_process_of_a_build_loads_only_what_it_uses(tmp_path):
    command, renderer, brief = _tree(_processes(tmp_path))
    # A plain command line is read and run without typer (whose parser builds a pydantic
    # validator for every parameter of every command; importing it costs more than checking).
    assert "typer" not in command["modules"]
    # The drawing processes load neither the validation nor the command-line libraries.
    for record in (renderer, brief):
        assert not {"pydantic", "typer", "jinja2"} & set(record["modules"])
    # Nor does any process load urllib and http for one XML escape (python-pptx still does).
    for record in (command, renderer, brief):
        if "pptx" not in record["modules"]:
            assert not {"xml.sax.saxutils", "urllib.request"} & set(record["modules"])
    # The brief's process does not draw the deck, nor the deck's the brief.
    assert not {"alliancedeck.draw.pdf_deck", "alliancedeck.draw.pptx_deck"} & set(brief["modules"])
    assert not {"alliancedeck.draw.pdf_brief", "alliancedeck.compose.brief"} & set(
        renderer["modules"]
    )
    assert "logging" not in renderer["modules"]  # only an SVG picture needs it
    # "Did you mean" hints (difflib) are for content with a slip in it
    assert not any("difflib" in record["modules"] for record in (command, renderer, brief))


@pytest.mark.skipif(not TWO_CORES, reason="a build forks its renderer on 2+ Linux cores only")
def test_a_large_build_s_command_process_never_loads_the_content_model(tmp_path):
    """A large content file is read and checked in a child of the command's process, which
    ends before the products render: the command's process holds neither the document nor
    the libraries that check it while it waits."""
    from alliancedeck.api import READ_APART_FROM

    brief = write_long_brief(tmp_path, copies=25)
    assert brief.stat().st_size >= READ_APART_FROM
    processes = _processes(tmp_path, content=brief)
    (command,) = [r for r in processes.values() if r["parent"] not in processes]
    children = [r for r in processes.values() if r["parent"] == command["pid"]]
    (reader,) = [r for r in children if "alliancedeck.model" in r["modules"]]
    assert {"pydantic", "alliancedeck.model", "yaml"} <= set(reader["modules"])
    assert not {"pydantic", "alliancedeck.model"} & set(command["modules"])
    assert len(children) == 2  # the reader, and the renderer (with its brief's process)


def test_a_build_in_one_process_loads_no_command_line_parser(tmp_path):
    (record,) = _processes(tmp_path, parallel=False).values()
    assert "typer" not in record["modules"]


def _typer_arguments(monkeypatch, argv: list[str]) -> dict:
    """Return the arguments typer's own parser would call `build` with for `argv`."""
    captured: dict = {}
    (info,) = [c for c in cli.app.registered_commands if c.callback is cli.build]

    @functools.wraps(cli.build)  # its name, parameters and their types, read in cli's module
    def capture(**arguments):
        captured.update(arguments)

    monkeypatch.setattr(info, "callback", capture)
    cli.app(argv, prog_name="alliancedeck", standalone_mode=False)
    return captured


DEFAULTS = {
    name: parameter.default for name, parameter in inspect.signature(cli.build).parameters.items()
}


def test_the_plain_build_takes_typers_defaults():
    """A plain command line runs `commands.build` with the options it names: every other one
    must have the default typer gives it."""
    from alliancedeck import commands

    plain = inspect.signature(commands.build).parameters
    assert {name: p.default for name, p in plain.items()} == DEFAULTS


@pytest.mark.parametrize(
    "message",
    [
        "wrote out/deck.pptx",
        "",
        "日本語の見出し: warning: ü",
        "\x1b[31mred\x1b[0m and \x1b[1;4mbold\x1b[m",
    ],
)
@pytest.mark.parametrize("err", [False, True])
@pytest.mark.parametrize("nl", [True, False])
@pytest.mark.parametrize("encoding", ["utf-8", "ascii"])
def test_messages_are_printed_as_typer_prints_them(monkeypatch, message, err, nl, encoding):
    """What a plain build prints (without typer) is byte for byte what typer.echo prints."""
    import io

    import typer

    from alliancedeck import commands

    def printed(echo) -> bytes:
        data = io.BytesIO()
        stream = io.TextIOWrapper(data, encoding=encoding, errors="strict", write_through=True)
        monkeypatch.setattr(sys, "stderr" if err else "stdout", stream)
        echo(message, err=err, nl=nl)
        stream.flush()
        return data.getvalue()

    assert printed(commands.echo) == printed(typer.echo)


@pytest.mark.parametrize(
    "argv",
    [
        ["build"],
        ["build", "content.yaml"],
        ["build", "a.yaml", "b/content.yaml", "--jobs", "2"],
        ["build", "content.yaml", "--out-dir", "/tmp/notional out"],
        ["build", "--out-dir=out", "content.yaml", "--strict", "--debug"],
        ["build", "x.yaml", "--products", "pdf,slides", "--layout", "report"],
        ["build", "--allow-outside", "pics", "--allow-outside=more", "--template", "org.potx"],
        ["build", "--training-markings", "c.yaml", "-j", "3"],
        ["build", "--jobs=12", "c.yaml"],
        ["build", "données/content.yaml", "--layout", "layouts/mine.yaml"],
    ],
)
def test_a_plain_command_line_is_read_as_typer_reads_it(monkeypatch, argv):
    expected = _typer_arguments(monkeypatch, argv)
    plain = commands.plain_build(argv)
    if plain is not None:  # read here, it must be read exactly as typer reads it
        assert {**DEFAULTS, **plain} == expected
    else:
        assert argv[-2:] == ["-j", "3"]  # the one line above left to typer (a short option)


@pytest.mark.parametrize(
    "argv",
    [
        ["-q", "build"],
        ["build", "--help"],
        ["build", "-h"],
        ["build", "--watch"],
        ["build", "-"],
        ["build", "--", "content.yaml"],
        ["build", "--jobs", "0"],
        ["build", "--jobs", "02"],
        ["build", "--jobs", "two"],
        ["build", "--out-dir"],
        ["build", "--out-dir", "a", "--out-dir", "b"],
        ["build", "--out-dir", "--strict"],
        ["build", "--out-dir="],
        ["build", "--strict", "--strict"],
        ["build", "--strict=yes"],
        ["build", "--outdir", "x"],
        ["build", "--out", "x"],
        ["build", "bad\x1bname.yaml"],
        ["check", "content.yaml"],
    ],
)
def test_anything_else_is_left_to_typer(argv):
    """Help, errors, abbreviations, odd values: typer reads them and says what it says."""
    assert commands.plain_build(argv) is None


def test_shell_completion_is_left_to_typer(monkeypatch):
    monkeypatch.setenv("_ALLIANCEDECK_COMPLETE", "bash_source")
    assert commands.plain_build(["build", "content.yaml"]) is None


def test_an_unreadable_content_file_is_left_to_typer(tmp_path):
    path = tmp_path / "content.yaml"
    path.write_text("meta: {}\n", encoding="utf-8")
    path.chmod(0)
    try:
        readable = os.access(path, os.R_OK)  # root reads anything
        assert (commands.plain_build(["build", str(path)]) is None) == (not readable)
    finally:
        path.chmod(0o644)


@pytest.mark.parametrize(
    ("arguments", "status", "says"),
    [
        (["--out-dir", "a", "--out-dir"], 2, "requires an argument"),
        (["--jobs", "0"], 2, "--jobs"),
        (["--products", "nothing"], 2, 'error: no backend named "nothing"'),
        (["--layout", "nonesuch"], 2, "nonesuch"),
    ],
)
def test_errors_of_the_command_line_are_still_said(tmp_path, arguments, status, says):
    """Lines read here and lines left to typer fail the same way as before."""
    command = [sys.executable, "-m", "alliancedeck", "build", str(REPO / "content.yaml")]
    done = subprocess.run(
        [*command, "--out-dir", str(tmp_path / "out"), *arguments], capture_output=True, text=True
    )
    assert done.returncode == status
    assert says in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(not TWO_CORES, reason="a build forks its renderer on 2+ Linux cores only")
def test_every_process_collects_garbage_again_once_its_imports_are_done(tmp_path):
    """The collector is held only while a build imports its libraries (see launch)."""
    for record in _tree(_processes(tmp_path)):
        assert record["collecting"], f"process {record['pid']} ended with gc off"
        assert record["frozen"] > 10_000  # what it imported, kept out of the collector's way


@pytest.mark.parametrize("parallel", [True, False])
def test_the_content_model_is_loaded_with_the_imports_kept_from_the_collector(tmp_path, parallel):
    """The content model (pydantic and its schemas: most of what a small build's command
    process holds) is loaded before collecting resumes, so collections never traverse it."""
    processes = _processes(tmp_path, parallel=parallel)
    (record,) = [r for r in processes.values() if r["parent"] not in processes]
    assert "alliancedeck.model" in record["modules"] and record["collecting"]
    assert record["model_collected"] is False


def _batch_processes(tmp_path: Path) -> dict[int, dict]:
    """Build two briefs with `--jobs 2` through the recorder; return each process's record."""
    records = tmp_path / "records"
    records.mkdir()
    briefs = []
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        briefs.append(tmp_path / name / "content.yaml")
        briefs[-1].write_bytes((REPO / "content.yaml").read_bytes())
    done = subprocess.run(
        [sys.executable, "-c", RECORDER, str(records), "build", *map(str, briefs), "--jobs", "2"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return {r["pid"]: r for r in (json.loads(p.read_text()) for p in records.iterdir())}


def test_a_batch_and_the_library_keep_their_collector(tmp_path):
    import gc

    from alliancedeck import api

    api.build(REPO / "content.yaml", out_dir=tmp_path / "out", products=["pdf"])
    assert gc.isenabled()
    finished = list(_batch_processes(tmp_path).values())
    for record in finished:
        # (the renderer started for one build is stopped unused, maybe while still importing)
        assert record["collecting"] or record["code"] != 0, record["pid"]
    assert sum(record["code"] == 0 for record in finished) >= 3  # the command, 2 workers


def test_a_batch_s_workers_share_the_content_model_loaded_before_they_fork(tmp_path):
    processes = _batch_processes(tmp_path)
    (command,) = [r for r in processes.values() if r["parent"] not in processes]
    workers = [
        r
        for r in processes.values()
        if r["parent"] == command["pid"] and "alliancedeck.model" in r["modules"]
    ]
    assert len(workers) == 2
    for worker in workers:
        assert not {"pydantic", "alliancedeck.model"} & _loaded_after(worker, command)


@pytest.mark.skipif(not TWO_CORES, reason="a build forks its renderer on 2+ Linux cores only")
def test_a_build_of_the_built_in_products_reads_no_package_metadata(tmp_path):
    """The built-in backends are found by name, not by reading every installed package's
    metadata (importlib.metadata and its email parser cost 20-30 ms of each build)."""
    _command, renderer, brief = _tree(_processes(tmp_path))
    for record in (renderer, brief):
        assert "importlib.metadata" not in record["modules"]


def _pydantic_plugin(folder: Path) -> Path:
    """Install (as a folder on the path) a notional pydantic plug-in that leaves a mark when it
    is loaded; return where the mark goes."""
    mark = folder / "plugin-loaded"
    (folder / "notional_hook.py").write_text(
        f"open({str(mark)!r}, 'w').close()\n"
        "class Hook:\n"
        "    def new_schema_validator(self, *args, **kwargs):\n"
        "        return None, None, None\n"
        "hook = Hook()\n",
        encoding="utf-8",
    )
    info = folder / "notional_hook-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: notional-hook\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[pydantic]\nnotional = notional_hook:hook\n")
    return mark


@pytest.mark.parametrize("setting", [None, ""])
def test_pydantic_plug_ins_stay_out_of_the_program_unless_asked_for(tmp_path, setting):
    """Another package's pydantic plug-in does not hook alliancedeck's checks (nor is every
    package's metadata read to find one), unless PYDANTIC_DISABLE_PLUGINS says otherwise."""
    mark = _pydantic_plugin(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), env.get("PYTHONPATH", "")])
    if setting is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = setting  # "": every plug-in on
    out = tmp_path / "out"
    command = [sys.executable, "-m", "alliancedeck", "build", str(REPO / "content.yaml")]
    done = subprocess.run(
        [*command, "--out-dir", str(out)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert (out / "SHA256SUMS").is_file()
    assert mark.exists() == (setting == "")
