"""The JSON Schema of the content file: generated from the model, true to every example brief."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from alliancedeck.api import check
from alliancedeck.schema import (
    FIELD_HELP,
    LAYOUT_HELP,
    content_schema,
    keys_at,
    layout_schema,
    schema_text,
)
from alliancedeck.source import ExponentNumber, parse_yaml
from alliancedeck.starter import starter_text
from conftest import REPO

#: Every brief the project ships or tests with that `check` accepts (the bad corpus aside).
BRIEFS = sorted(
    [REPO / "content.yaml", *REPO.glob("examples/**/*.yaml"), *REPO.glob("tests/**/*.yaml")]
)
BRIEFS = [
    p
    for p in BRIEFS
    if "bad" not in p.parts and re.search(r"(?m)^meta:", p.read_text(encoding="utf-8"))
]


def as_json(value):
    """Return YAML data as the JSON an editor's YAML 1.2 reader sees (dates are text)."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, ExponentNumber):  # 1.5e9: a number to YAML 1.2
        return float(value)
    return value.isoformat() if isinstance(value, dt.date) else value


@pytest.fixture(scope="module")
def validator():
    schema = content_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_briefs_to_validate_are_found():
    names = {p.relative_to(REPO).as_posix() for p in BRIEFS}
    assert {"content.yaml", "examples/blocks/content.yaml", "tests/blocks/blocks.yaml"} <= names


@pytest.mark.parametrize("path", BRIEFS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_example_brief_is_valid_against_the_schema(path: Path, validator):
    check(path)  # a brief alliancedeck accepts...
    data = as_json(parse_yaml(path.read_text(encoding="utf-8"), str(path))[0])
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []  # ...is one the schema accepts


def test_the_starter_is_valid_against_the_schema(validator):
    data = as_json(parse_yaml(starter_text(), "starter.yaml")[0])
    assert list(validator.iter_errors(data)) == []


@pytest.mark.parametrize(
    ("path", "typo"),
    [(("meta",), "titel"), (("sections", 0), "pionts"), (("figures", "troops"), "lable")],
)
def test_a_misspelt_key_is_rejected(validator, path, typo):
    data = as_json(yaml.safe_load((REPO / "content.yaml").read_text(encoding="utf-8")))
    node = data
    for part in path:
        node = node[part]
    node[typo] = "notional"
    errors = list(validator.iter_errors(data))
    assert [list(e.path) for e in errors] == [list(path)]
    assert typo in errors[0].message and errors[0].validator == "additionalProperties"


def test_an_unknown_chart_type_is_rejected_by_its_enum(validator):
    chart = {"type": "donut", "categories": ["a"], "series": [{"name": "s", "values": [1]}]}
    data = {"meta": {"title": "Notional"}, "sections": [{"title": "A", "chart": chart}]}
    errors = list(validator.iter_errors(data))
    assert len(errors) == 1
    assert jsonschema.exceptions.best_match(errors).validator == "enum"


@pytest.mark.parametrize("schema", [content_schema(), layout_schema()], ids=["content", "layout"])
def test_every_field_of_every_model_has_a_description(schema):
    for definition in [schema, *schema["$defs"].values()]:
        for key, field in definition.get("properties", {}).items():
            assert field.get("description"), f"{definition['title']}.{key} has no description"


def test_every_described_model_exists():
    assert set(FIELD_HELP) <= {*content_schema()["$defs"], "Brief"}
    assert set(LAYOUT_HELP) <= {*layout_schema()["$defs"], "Design"}  # Design: the top level


def test_every_mapping_refuses_unknown_keys():
    for schema in (content_schema(), layout_schema()):
        for definition in [schema, *schema["$defs"].values()]:
            if "properties" in definition:
                assert definition["additionalProperties"] is False, definition["title"]


def test_the_schema_file_in_the_repository_is_current():
    """content.yaml names content.schema.json; it must say what `alliancedeck schema` says."""
    first = (REPO / "content.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=content.schema.json"
    assert (REPO / "content.schema.json").read_text(encoding="utf-8") == schema_text()


def test_the_examples_name_the_schema_file():
    for path in REPO.glob("examples/*/content.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        named = first.removeprefix("# yaml-language-server: $schema=")
        assert (path.parent / named).resolve() == REPO / "content.schema.json"


def test_the_layout_schema_accepts_the_default_layout():
    from alliancedeck.design import PACKAGE_LAYOUTS

    schema = layout_schema()
    data = yaml.safe_load((PACKAGE_LAYOUTS / "default.yaml").read_text(encoding="utf-8"))
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(data)) == []
    data["page"]["gutterr"] = "0.3in"
    assert len(list(jsonschema.Draft202012Validator(schema).iter_errors(data))) == 1
    assert "path" not in schema["properties"]  # set by the loader, never written


def test_keys_at_follows_lists_and_mappings():
    schema = content_schema()
    assert "points" in keys_at(schema, ("sections", 0))
    assert "label" in keys_at(schema, ("figures", "any_id"))
    assert keys_at(schema, ("meta", "title")) == []


def test_the_schema_command_prints_the_schema():
    result = subprocess.run(
        [sys.executable, "-m", "alliancedeck", "schema"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == content_schema()
    layout = subprocess.run(
        [sys.executable, "-m", "alliancedeck", "schema", "--layout"], capture_output=True, text=True
    )
    assert json.loads(layout.stdout)["title"] == "alliancedeck layout file"
