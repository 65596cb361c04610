"""The YAML files alliancedeck reads through `paths.read_our_yaml` (libyaml's parser where PyYAML
has it) hold what PyYAML's pure-Python safe loader reads in them, scalar types included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from alliancedeck.design import PACKAGE_LAYOUTS
from alliancedeck.labels import DATA as LABELS
from alliancedeck.markings import DATA as MARKINGS_DATA
from alliancedeck.paths import read_our_yaml

#: What `read_our_yaml` reads: the printed labels, the distribution statements, and the default
#: layout whose fonts a renderer loads while it waits (other layouts are read with positions).
READ = [LABELS, MARKINGS_DATA / "distribution.yaml", PACKAGE_LAYOUTS / "default.yaml"]


def typed(value: Any) -> Any:
    """Return `value` with each scalar paired with its type: Python holds 1 == 1.0 == True, a
    comparison of `typed` values does not."""
    if isinstance(value, dict):
        return {typed(key): typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    return (type(value).__name__, value)


def python_reading(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)


@pytest.mark.parametrize("path", READ, ids=lambda p: p.name)
def test_each_file_reads_as_the_python_loader_reads_it(path: Path):
    assert typed(read_our_yaml(path)) == typed(python_reading(path))


@pytest.mark.parametrize("path", READ, ids=lambda p: p.name)
def test_libyaml_parses_each_file_as_the_python_parser_does(path: Path):
    """Both loaders share the safe constructor; only their parsers differ, and `read_our_yaml`
    takes libyaml's where PyYAML was built with it."""
    if not yaml.__with_libyaml__:
        pytest.skip("this PyYAML was built without libyaml: read_our_yaml uses the Python loader")
    with path.open(encoding="utf-8") as stream:
        by_libyaml = yaml.load(stream, Loader=yaml.CSafeLoader)
    assert typed(by_libyaml) == typed(python_reading(path))


def test_the_files_hold_numbers_and_flags_as_such():
    """The comparisons above mean something: the files hold integers, decimals and texts, which
    a loader reading every scalar as text, or numbers as another type, would change."""
    kinds: set[str] = set()

    def collect(value: Any) -> None:
        if isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)
        else:
            kinds.add(type(value).__name__)

    for path in READ:
        collect(python_reading(path))
    assert {"int", "float", "str"} <= kinds


def test_only_safe_yaml_is_read(tmp_path: Path):
    """A tag that makes Python objects is refused, as the safe loader refuses it."""
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text("!!python/object/apply:os.getcwd []\n", encoding="utf-8")
    with pytest.raises(yaml.constructor.ConstructorError):
        read_our_yaml(hostile)
