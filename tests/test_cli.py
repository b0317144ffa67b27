"""The CLI end to end, as a subprocess, on a fresh on-disk store."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import rivalry

pytestmark = pytest.mark.owl


@pytest.fixture(scope="module")
def fresh_store(tmp_path_factory):
    store = tmp_path_factory.mktemp("cli") / "store"
    result = rivalry("build", "--verbose", store=store)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Build summary" in result.stdout
    assert "tr:State" in result.stdout  # the entities per class, listed with --verbose
    return store


def test_help_lists_verbs_and_exit_codes():
    result = rivalry("--help")
    assert result.returncode == 0
    for verb in ("build", "validate", "query", "queries"):
        assert verb in result.stdout
    assert "Exit codes" in result.stdout


def test_query_csv_has_dates_and_sources(fresh_store):
    result = rivalry("query", "story-statements", "--format", "csv", store=fresh_store)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows
    assert all(row["date"] and row["url"].startswith("http") for row in rows)


def test_query_json_is_sparql_results(fresh_store):
    result = rivalry("query", "timeline", "--format", "json", store=fresh_store)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert "date" in data["head"]["vars"]
    assert data["results"]["bindings"]


def test_query_from_stdin(fresh_store):
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s a tr:State }"
    result = rivalry("query", "-", "--format", "csv", store=fresh_store, stdin=text)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.splitlines()[1]) >= 3


def test_query_text_on_the_command_line(fresh_store):
    """A pasted query runs as text (a name is one word), prologue comments allowed."""
    text = "# states\nSELECT (COUNT(*) AS ?n) WHERE { ?s a tr:State }"
    result = rivalry("query", text, "--format", "csv", store=fresh_store)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.splitlines()[1]) >= 3
    broken = rivalry("query", "SELECT ?s WHERE { ?s a }", store=fresh_store)
    assert broken.returncode == 2 and "no query named" not in broken.stderr


def test_query_table_for_people(fresh_store):
    result = rivalry("query", "chips-singled-out", store=fresh_store)
    assert result.returncode == 0, result.stderr
    # the newest measures come first; a long name wraps at its spaces inside its column
    assert "Huawei Ascend" in result.stdout and "910C" in result.stdout
    assert "rows, the first 8 shown" in result.stdout


def test_bad_parameter_is_a_usage_error(fresh_store):
    result = rivalry("query", "timeline", "-p", "from=20 May 2025", store=fresh_store)
    assert result.returncode == 2
    assert "YYYY-MM-DD" in result.stderr


def test_unknown_query_is_a_usage_error(fresh_store):
    result = rivalry("query", "no-such-query", store=fresh_store)
    assert result.returncode == 2
    assert "known queries" in result.stderr


def test_query_without_store_says_build_first(tmp_path):
    result = rivalry("query", "timeline", store=tmp_path / "none")
    assert result.returncode == 2
    assert "rivalry build" in result.stderr


def test_queries_lists_the_catalogue():
    result = rivalry("queries", "--json")
    assert result.returncode == 0
    names = {q["name"] for q in json.loads(result.stdout)}
    assert {
        "story-statements",
        "timeline",
        "contested-claims",
        "conflicting-obligations-as-of",
    } <= names


def test_validate_shipped_graph_is_valid():
    result = rivalry("validate")
    assert result.returncode == 0, result.stdout


def test_validate_chip_typed_as_state_names_entity_and_rule():
    result = rivalry("validate", "tests/fixtures/chip-as-state.trig")
    assert result.returncode == 1
    assert "chip:test-accelerator" in result.stdout
    assert "disjoint" in result.stdout
    assert "chip-as-state.trig:" in result.stdout


def test_validate_ministry_with_two_states_names_entity_and_rule():
    result = rivalry("validate", "tests/fixtures/ministry-two-states.trig", "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    mine = [p for p in report["problems"] if p["focus"].endswith("test-trade-ministry")]
    assert any("exactly one state" in p["message"] for p in mine)
    assert any(p["layer"] == "owl" for p in mine)


def test_validate_turtle_is_a_shacl_report():
    result = rivalry(
        "validate", "tests/fixtures/chip-as-state.trig", "--format", "turtle", "--no-owl"
    )
    assert result.returncode == 1
    assert "sh:ValidationReport" in result.stdout
    assert "sh:conforms false" in result.stdout


def test_parse_error_gives_file_line_column():
    result = rivalry("validate", "tests/fixtures/broken.trig")
    assert result.returncode == 2
    assert "broken.trig:3:" in result.stderr
