"""The Python API (rivalry.open and the Graph it returns) on real stores, the project lookup
(--project, RIVALRY_PROJECT, the current folder upwards, else the bundled graph), `rivalry
init`, and the tutorial notebook run by a real Jupyter kernel."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

import rivalry
from conftest import ROOT, project_copy
from rivalry.kernel.paths import Project, ProjectMissing

GATE = Path(__file__).parent / "gate"
ACCEPTED = GATE / "accepted" / "new-chip-of-existing-firm.trig"
REJECTED = GATE / "rejected" / "unknown-entity-typo.trig"


@pytest.fixture(scope="module")
def graph(built, project):
    return rivalry.open(project.root, project.store_path)


@pytest.fixture
def workspace(tmp_path):
    return project_copy(tmp_path / "project")


def cli(*args: str, cwd: Path, env: dict[str, str] | None = None):
    """The CLI from ``cwd`` with no project named, as a user in that folder would run it."""
    clean = {k: v for k, v in os.environ.items() if k not in ("RIVALRY_PROJECT", "RIVALRY_STORE")}
    return subprocess.run(
        [sys.executable, "-m", "rivalry", *args],
        cwd=cwd,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_public_names_are_typed_and_documented():
    assert set(rivalry.__all__) >= {"open", "Graph", "Result", "Entity", "ChangeRefused"}
    for name in rivalry.__all__:
        if name != "__version__":
            assert getattr(rivalry, name).__doc__, name
    assert (Path(rivalry.__file__).parent / "py.typed").is_file()


def test_importing_the_kernel_stays_cheap():
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, rivalry.kernel.paths; "
            "print(sorted(m for m in sys.modules if m in ('rivalry.api', 'pyoxigraph', 'rdflib')))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "[]"


def test_catalogue_query_gives_python_values(graph):
    rows = graph.query("timeline", **{"from": "2025-05-19", "to": dt.date(2025, 5, 22)})
    assert len(rows) > 0 and "event" in rows.columns
    assert all(dt.date(2025, 5, 19) <= row["date"] <= dt.date(2025, 5, 22) for row in rows)
    assert all(row["event"].startswith("https://w3id.org/tech-rivalry/id/event/") for row in rows)
    frame = rows.to_pandas()
    assert list(frame.columns) == rows.columns and len(frame) == len(rows)


def test_sparql_text_ask_and_construct(graph):
    ask = graph.query("ASK { firm:huawei a tr:Firm }")
    assert ask.boolean is True and bool(ask)
    count = graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s a tr:Firm }")
    assert isinstance(count[0]["n"], int) and count[0]["n"] > 0
    bound = graph.query("SELECT ?firm ?label WHERE { ?firm rdfs:label ?label }", firm="firm:huawei")
    assert {row["firm"] for row in bound} == {"https://w3id.org/tech-rivalry/id/firm/huawei"}
    triples = graph.query(
        "CONSTRUCT { firm:huawei rdfs:label ?l } WHERE { firm:huawei rdfs:label ?l }"
    )
    import rdflib

    as_rdflib = triples.to_rdflib()
    assert isinstance(as_rdflib, rdflib.Graph) and len(as_rdflib) == len(triples) > 0
    select = count.to_rdflib()
    assert isinstance(select[0]["n"], rdflib.Literal) and select[0]["n"].toPython() > 0


def test_bad_queries_and_parameters_are_rivalry_errors(graph):
    with pytest.raises(rivalry.RivalryError, match="no query named 'timelime'"):
        graph.query("timelime")
    with pytest.raises(rivalry.RivalryError, match="unknown parameter 'since'"):
        graph.query("timeline", since="2025-05-19")
    with pytest.raises(rivalry.RivalryError, match="is not a date"):
        graph.query("timeline", **{"from": "19 May"})


def test_entity_by_label_or_iri(graph):
    by_label = graph.entity("huawei technologies co., ltd.")
    by_iri = graph.entity("firm:huawei")
    assert by_label.iri == by_iri.iri == "https://w3id.org/tech-rivalry/id/firm/huawei"
    assert by_label.label and "Huawei" in by_label.label
    assert "https://w3id.org/tech-rivalry/ontology#Firm" in by_iri.types
    assert len(by_iri.relations) == len(by_label.relations) > 0
    with pytest.raises(rivalry.RivalryError, match="no entity has that label"):
        graph.entity("No Such Firm")


def test_check_reports_without_writing(graph):
    assert graph.check(ACCEPTED, owl=False).conforms
    report = graph.check(REJECTED, owl=False)
    assert not report.conforms and report.violations


def test_stats(graph):
    figures = graph.stats()
    assert "triples" in figures.sections() and figures.unsourced == 0


def test_add_merges_through_the_gate_and_refuses_what_fails(workspace):
    g = rivalry.open(workspace)
    before = _digests(workspace)
    with pytest.raises(rivalry.ChangeRefused) as refused:
        g.add(REJECTED, owl=False)
    assert refused.value.report.violations
    assert _digests(workspace) == before, "a refused change must leave graph/ as it was"
    result = g.add(ACCEPTED, owl=False)
    assert result.quads > 0
    assert (workspace / "graph" / "sources" / "gate-new-chip-of-existing-firm.trig").is_file()
    chip = g.entity("chip:test-gate-ascend-920")  # the reopened store sees the merge
    assert chip.label == "Gate Ascend test part"
    assert not (workspace / ".rivalry" / "add-journal.json").exists()


def test_add_respects_the_writer_lock(workspace):
    from rivalry.gate import merge

    g = rivalry.open(workspace)
    with merge.writer_lock(g.project), pytest.raises(merge.MergeBusy):
        g.add(ACCEPTED, owl=False)


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((folder / "graph").rglob("*"))
        if p.is_file()
    }


def test_project_is_found_from_the_current_folder_upwards(workspace, monkeypatch):
    monkeypatch.delenv("RIVALRY_PROJECT", raising=False)
    monkeypatch.delenv("RIVALRY_STORE", raising=False)
    deep = workspace / "graph" / "sources"
    found = Project.locate(cwd=deep)
    assert found.root == workspace.resolve() and not found.bundled
    assert found.store_path == (workspace / ".rivalry" / "store").resolve()
    monkeypatch.setenv("RIVALRY_PROJECT", str(workspace))
    assert Project.locate(cwd=Path("/")).root == workspace.resolve()


def test_a_named_folder_that_is_no_project_is_an_error(tmp_path, monkeypatch):
    monkeypatch.delenv("RIVALRY_PROJECT", raising=False)
    with pytest.raises(ProjectMissing, match="has no ontology/, graph/, queries/"):
        Project.locate(tmp_path)
    done = cli("queries", "--project", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 2
    assert f"--project {tmp_path.resolve()} is not a rivalry project" in done.stderr
    assert "rivalry init" in done.stderr and "Traceback" not in done.stderr


def test_outside_a_project_the_bundled_graph_is_used_and_never_written(tmp_path):
    env = {"XDG_DATA_HOME": str(tmp_path / "data")}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    missing = cli("query", "timeline", cwd=elsewhere, env=env)
    assert missing.returncode == 2 and "no store at" in missing.stderr
    assert str(tmp_path / "data" / "rivalry") in missing.stderr
    built = cli("build", "--no-owl", cwd=elsewhere, env=env)
    assert built.returncode == 0, built.stderr
    assert "building the bundled graph" in built.stderr
    asked = cli("query", "timeline", "-p", "from=2025-05-19", "-f", "csv", cwd=elsewhere, env=env)
    assert asked.returncode == 0 and "2025-05-19" in asked.stdout
    refused = cli("add", str(ACCEPTED), cwd=elsewhere, env=env)
    assert refused.returncode == 2
    assert "the bundled graph is read-only" in refused.stderr
    assert "rivalry init DIR" in refused.stderr
    assert not list(elsewhere.iterdir()), "nothing is written into the current folder"


def test_init_makes_a_project_that_the_tools_find(tmp_path):
    target = tmp_path / "mine"
    made = cli("init", str(target), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    for part in ("ontology/core.ttl", "ontology/shapes", "ontology/rules", "queries/timeline.rq"):
        assert (target / part).exists(), part
    assert sorted(p.name for p in (target / "graph" / "sources").iterdir()) == sorted(
        p.name for p in (ROOT / "graph" / "sources").iterdir()
    )
    assert ".rivalry/" in (target / ".gitignore").read_text()
    again = cli("init", str(target), cwd=tmp_path)
    assert again.returncode == 2 and "not an empty folder" in again.stderr
    inside = target / "queries"
    built = cli("build", "--no-owl", cwd=inside)
    assert built.returncode == 0, built.stderr
    assert (target / ".rivalry" / "store").is_dir()
    added = cli("add", str(ACCEPTED), "--no-owl", cwd=inside)
    assert added.returncode == 0, added.stderr
    assert (target / "graph" / "sources" / "gate-new-chip-of-existing-firm.trig").is_file()
    assert not (ROOT / "graph" / "sources" / "gate-new-chip-of-existing-firm.trig").exists()


def test_tutorial_notebook_runs(tmp_path, monkeypatch):
    import nbclient
    import nbformat

    notebook = nbformat.read(ROOT / "docs" / "tutorial.ipynb", as_version=4)
    # from an empty folder, with its own per-user data folder: the bundled graph
    for name in ("RIVALRY_PROJECT", "RIVALRY_STORE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    client = nbclient.NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    )
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("2025-05-19" in str(o.get("data", o.get("text", ""))) for o in outputs)
