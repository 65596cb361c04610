"""The YAML files alliancedeck ships are read as the pure-Python safe loader reads them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from alliancedeck.design import PACKAGE_LAYOUTS
from alliancedeck.paths import read_our_yaml

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "alliancedeck"
SHIPPED = sorted(
    [*(PACKAGE / "data").glob("*.yaml"), *PACKAGE_LAYOUTS.glob("*.yaml")], key=lambda p: p.name
)


def test_the_shipped_files_are_found():
    names = {path.name for path in SHIPPED}
    assert {"labels.yaml", "distribution.yaml", "default.yaml"} <= names


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_libyaml_reads_each_shipped_file_as_the_python_loader_does(path: Path):
    """`read_our_yaml` takes libyaml's loader where PyYAML has it (the wheels do): a value it
    read otherwise (a date, a number written 1_000, a merge key) would change what is printed."""
    expected = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    assert read_our_yaml(path) == expected
    assert type(read_our_yaml(path)) is type(expected)
