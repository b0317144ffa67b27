"""Attacks on `rivalry add` and the store swap that once succeeded (ATTACKS.md F4-F7, F16-F19,
F21, F28, F29): a merge target is derived from a validated source id, never taken from the
input; nothing from the input reaches a graph file except as escaped RDF; interrupted
merges and builds are always settled; odd change files get a clear refusal.

Each test runs the real CLI on a copy of the project. A refusal must exit 2 with a message
saying what is wrong and leave every graph file and the store as they were.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, fingerprint, project_copy, rivalry

G = "https://w3id.org/tech-rivalry/graph/"
PREFIXES = (
    "@prefix tr: <https://w3id.org/tech-rivalry/ontology#> . "
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . "
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . "
    "@prefix firm: <https://w3id.org/tech-rivalry/id/firm/> . "
    "@prefix chip: <https://w3id.org/tech-rivalry/id/chip/> . "
    "@prefix publisher: <https://w3id.org/tech-rivalry/id/publisher/> . "
    "@prefix source: <https://w3id.org/tech-rivalry/id/source/> .\n"
)
CSV_HEADER = (
    "subject,relation,object,value,language,start,end,source_url,source_title,publisher,"
    "source_date\n"
)


def change(graph: str, source: str, chip: str) -> str:
    """A change the gate accepts, in the named graph ``graph`` (as in ATTACKS.md)."""
    return (
        f"{PREFIXES}<{graph}> {{ source:{source} a tr:NewsReport ; "
        f'tr:url "https://example.org/{source}"^^xsd:anyURI ; tr:publisher publisher:iso ; '
        f'tr:title "Probe"@en ; tr:published "2025-06-02"^^xsd:date ; '
        f"tr:describesGraph <{graph}> . "
        f'chip:{chip} a tr:Chip ; rdfs:label "Probe {chip}"@en ; tr:designedBy firm:huawei . }}\n'
    )


def env(workspace: Path) -> dict[str, str]:
    store = workspace / ".rivalry" / "store"
    return {**os.environ, "RIVALRY_PROJECT": str(workspace), "RIVALRY_STORE": str(store)}


def run(workspace: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return rivalry(*args, project=workspace, store=workspace / ".rivalry" / "store", **kwargs)


def rows(workspace: Path, query: str) -> list[str]:
    result = run(workspace, "query", "-", "--format", "csv", stdin=query)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[1:]


def chip_in_store(workspace: Path, chip: str) -> bool:
    found = f"SELECT ?l WHERE {{ <https://w3id.org/tech-rivalry/id/chip/{chip}> ?p ?l }}"
    return bool(rows(workspace, found))


def assert_refused(result, *fragments: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "Traceback" not in output, output
    assert "recorded as" not in output and "Merged" not in output, output
    for fragment in fragments:
        assert fragment in output, (fragment, output)


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One project copy for the refusals: none of them may change it."""
    return project_copy(tmp_path_factory.mktemp("attacks-merge") / "project")


@pytest.fixture
def workspace(tmp_path):
    return project_copy(tmp_path / "project")


def refused_by_check_and_add(workspace: Path, path: Path, *fragments: str) -> None:
    before = fingerprint(workspace)
    assert_refused(run(workspace, "check", "--no-owl", str(path)), *fragments)
    assert_refused(run(workspace, "add", "--no-owl", str(path)), *fragments)
    assert fingerprint(workspace) == before
    assert not (workspace / ".rivalry" / "add-journal.json").exists()


# ------------------------------------------------------------------ F4, F6, F7, F28: graph IRIs


@pytest.mark.parametrize(
    ("key", "suggestion"),
    [("../../../outside/pwned", "outside-pwned"), ("../reference/iso-3166", "reference-iso-3166")],
)
def test_f4_a_graph_iri_with_dot_segments_is_refused(shared, tmp_path, key, suggestion):
    path = tmp_path / "trav.trig"
    path.write_text(change(G + key, "trav", "p-trav"))
    refused_by_check_and_add(
        shared, path, f"<{G}{key}>", "lowercase letters, digits", f"<{G}{suggestion}>"
    )
    assert not list(shared.parent.rglob("pwned.trig"))
    assert not chip_in_store(shared, "p-trav")


def test_f6_a_graph_iri_with_a_slash_is_refused_before_the_store_commits(shared, tmp_path):
    path = tmp_path / "sub.trig"
    path.write_text(change(G + "sub/dir", "subdir", "p-sub"))
    refused_by_check_and_add(shared, path, f"<{G}sub/dir>", "one path segment", f"<{G}sub-dir>")
    assert not chip_in_store(shared, "p-sub")
    # the project is not wedged: the next build and add work
    assert run(shared, "build", "--no-owl").returncode == 0


def test_f7_an_empty_graph_id_is_refused(shared, tmp_path):
    path = tmp_path / "empty.trig"
    path.write_text(change(G, "emptyid", "p-empty"))
    refused_by_check_and_add(shared, path, f"<{G}>", "source id")
    assert not (shared / "graph" / "sources" / ".trig").exists()


def test_f28_a_graph_id_300_characters_long_is_refused_as_too_long(shared, tmp_path):
    path = tmp_path / "long.trig"
    path.write_text(change(G + "a" * 300, "long", "p-long"))
    refused_by_check_and_add(shared, path, "graph id too long (max 120")
    before = run(shared, "check", "--no-owl", str(path)).stderr
    assert "File name too long" not in before and "Free some space" not in before


# ------------------------------------------------------------------ F5: file names


def test_f5_a_newline_in_the_file_name_never_injects_triples(workspace, tmp_path):
    injected = (
        f"a\n<{G}inj> {{ <http://evil.example/thing> "
        '<http://www.w3.org/2000/01/rdf-schema#label> "never checked" . }\n#.trig'
    ).replace("/", "\\u002F")  # a file name cannot hold "/"; TriG reads the escape as one
    path = tmp_path / injected
    path.write_text(change(G + "inj", "inj", "p-inj"))
    result = run(workspace, "add", "--no-owl", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    written = (workspace / "graph" / "sources" / "inj.trig").read_text()
    header = written.splitlines()[0]
    assert header.startswith("# Added by rivalry add on") and "evil" not in header
    rebuilt = run(workspace, "build", "--no-owl")
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert chip_in_store(workspace, "p-inj")
    evil = 'SELECT ?s WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), "http://evil")) }'
    assert rows(workspace, evil) == []
    # the name is kept, as an escaped literal of the merge record
    names = rows(workspace, "SELECT ?n WHERE { ?m tr:mergedFrom ?n }")
    assert any("evil.example" in n for n in names), names


# ------------------------------------------------------------------ F6, F16: interrupted merges


def _killed_after_commit(workspace: Path, path: Path) -> None:
    """Run `rivalry add` until its store commit is made, then SIGKILL it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "rivalry", "add", "--no-owl", str(path)],
        cwd=ROOT,
        env={**env(workspace), "RIVALRY_FAULT_PAUSE": "commit"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for line in process.stdout:
        if "paused at commit" in line:
            break
    else:
        raise AssertionError(process.stderr.read())
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def test_f6_a_blocked_rename_after_the_commit_is_finished_later_not_called_unmerged(
    workspace, tmp_path
):
    path = tmp_path / "blocked.trig"
    path.write_text(change(G + "p-blocked", "p-blocked", "p-blocked"))
    _killed_after_commit(workspace, path)
    target = workspace / "graph" / "sources" / "p-blocked.trig"
    target.mkdir()  # something in the way of the rename
    other = tmp_path / "other.trig"
    other.write_text(change(G + "p-other", "p-other", "p-other"))
    blocked = run(workspace, "add", "--no-owl", str(other))
    assert_refused(blocked, "is in the store", "not a regular file", "rivalry build")
    assert "nothing was merged" not in blocked.stderr
    target.rmdir()
    again = run(workspace, "add", "--no-owl", str(other))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "completed" in again.stderr
    assert "p-blocked" in target.read_text()
    rebuilt = run(workspace, "build", "--no-owl")
    assert rebuilt.returncode == 0
    assert chip_in_store(workspace, "p-blocked") and chip_in_store(workspace, "p-other")


def test_f6_a_build_that_cannot_finish_a_merge_undoes_it_in_the_store(workspace, tmp_path):
    before = fingerprint(workspace)
    path = tmp_path / "blocked.trig"
    path.write_text(change(G + "p-blocked", "p-blocked", "p-blocked"))
    _killed_after_commit(workspace, path)
    (workspace / "graph" / "sources" / "p-blocked.trig").mkdir()  # in the way, for good
    assert chip_in_store(workspace, "p-blocked")
    # the build settles the merge, then cannot load graph/ (a folder named .trig): the
    # store it keeps must be the one from before the merge, not the half-merged one
    built = run(workspace, "build", "--no-owl")
    output = built.stdout + built.stderr
    assert "Traceback" not in output and "rolled back" in output, output
    assert fingerprint(workspace) == before
    assert not (workspace / ".rivalry" / "add-journal.json").exists()
    assert not list((workspace / ".rivalry" / "staging").glob("*.tmp"))


def test_f16_the_f6_state_is_reported_and_recoverable(workspace, tmp_path):
    path = tmp_path / "sub.trig"
    path.write_text(change(G + "p-sub", "p-sub", "p-sub"))
    _killed_after_commit(workspace, path)
    # the journal 54d2016 left for <…/graph/sub/dir>: its target's folder does not exist
    journal_path = workspace / ".rivalry" / "add-journal.json"
    journal = json.loads(journal_path.read_text())
    for entry in journal["files"]:
        entry["target"] = str(workspace / "graph" / "sources" / "sub" / "dir.trig")
        entry.pop("sha256", None), entry.pop("old_size", None)
    journal.pop("undo", None)
    journal_path.write_text(json.dumps(journal))
    files_before, _ = fingerprint(workspace)
    assert chip_in_store(workspace, "p-sub")  # the store holds the half-made merge

    other = tmp_path / "other.trig"
    other.write_text(change(G + "p-other", "p-other", "p-other"))
    refused = run(workspace, "add", "--no-owl", str(other))
    assert_refused(refused, "interrupted merge", "is in the store", "Run `rivalry build`")
    rebuilt = run(workspace, "build", "--no-owl")
    output = rebuilt.stdout + rebuilt.stderr
    assert rebuilt.returncode == 0 and "Traceback" not in output, output
    assert "settled" in rebuilt.stderr
    assert not journal_path.exists()
    assert fingerprint(workspace)[0] == files_before
    assert not chip_in_store(workspace, "p-sub")  # files and store agree again
    assert not (workspace / "graph" / "sources" / "sub").exists()
    added = run(workspace, "add", "--no-owl", str(other))
    assert added.returncode == 0, added.stdout + added.stderr


# ------------------------------------------------------------------ F17, F18: killed builds


def test_f17_folders_of_killed_builds_are_removed_by_the_next_build(workspace):
    dot = workspace / ".rivalry"
    build = subprocess.Popen(
        [sys.executable, "-m", "rivalry", "build", "--no-owl"],
        cwd=ROOT,
        env=env(workspace),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    leftover = dot / f"store.building-{build.pid}"
    deadline = time.monotonic() + 60
    while not leftover.exists():
        assert build.poll() is None and time.monotonic() < deadline, "no staging folder"
        time.sleep(0.01)
    build.send_signal(signal.SIGKILL)
    build.wait(timeout=30)
    assert leftover.exists()
    result = run(workspace, "build", "--no-owl")
    assert result.returncode == 0, result.stdout + result.stderr
    assert not list(dot.glob("store.building-*")) and not list(dot.glob("store.old-*"))


# kill the build right after the first rename of the swap (the live store moved aside)
KILL_MID_SWAP = """
import os, signal, sys
import rivalry.store.embedded as s
real = os.replace
def replace(a, b):
    real(a, b)
    if ".old-" in str(b):
        os.kill(os.getpid(), signal.SIGKILL)
s.os.replace = replace
sys.argv = ["rivalry", "build", "--no-owl"]
from rivalry.cli import main
main()
"""


def test_f18_a_kill_between_the_swap_renames_leaves_a_live_store(workspace):
    dot = workspace / ".rivalry"
    killed = subprocess.run(
        [sys.executable, "-c", KILL_MID_SWAP],
        cwd=ROOT,
        env=env(workspace),
        capture_output=True,
        timeout=600,
    )
    assert killed.returncode == -signal.SIGKILL
    assert not (dot / "store").exists() and list(dot.glob("store.old-*"))
    timeline = run(workspace, "query", "timeline", "--format", "csv")
    assert timeline.returncode == 0, timeline.stderr
    assert len(timeline.stdout.splitlines()) > 10
    assert not list(dot.glob("store.old-*")) and not list(dot.glob("store.building-*"))


# ------------------------------------------------------------------ F19, F16, F28: odd files


def test_f19_a_symlinked_change_file_is_refused_without_echoing_its_target(shared, tmp_path):
    secret = tmp_path / "s.txt"
    secret.write_text("ghp_SECRETVALUE1234567890\n")
    link = tmp_path / "s.trig"
    link.symlink_to(secret)
    refused_by_check_and_add(shared, link, "symbolic link")
    output = run(shared, "check", str(link))
    assert "ghp_" not in output.stdout + output.stderr


@pytest.mark.parametrize("kind", ["directory", "fifo"])
def test_f28_a_directory_or_a_fifo_named_x_trig_gets_a_clear_message(shared, tmp_path, kind):
    path = tmp_path / "x.trig"
    if kind == "directory":
        path.mkdir()
        refused_by_check_and_add(shared, path, "is a directory")
    else:
        os.mkfifo(path)
        refused_by_check_and_add(shared, path, "not a regular file")
    assert "no such file" not in run(shared, "check", str(path)).stderr


def test_f16_a_file_name_longer_than_255_bytes_gets_a_clear_message(shared, tmp_path):
    path = tmp_path / ("a" * 300 + ".trig")
    refused_by_check_and_add(shared, path, "file name too long", "255")


# ------------------------------------------------------------------ F21: empty changes


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.trig", ""),
        ("prefixes.trig", PREFIXES),
        ("empty-graph.trig", f"{PREFIXES}<{G}p-void> {{ }}\n"),
        ("list.jsonld", "[]"),
        ("header.csv", CSV_HEADER),
    ],
)
def test_f21_an_empty_change_is_refused_not_recorded(shared, tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content)
    refused_by_check_and_add(shared, path, "holds no statements")


def test_f21_a_json_ld_language_that_is_not_a_tag_is_an_error(shared, tmp_path):
    path = tmp_path / "l.jsonld"
    path.write_text(
        '{"@context": {"@language": "not a tag!"}, '
        '"@id": "https://w3id.org/tech-rivalry/id/chip/x", '
        '"http://www.w3.org/2000/01/rdf-schema#label": "x"}'
    )
    refused_by_check_and_add(shared, path, f"{path}:1:", "'not a tag!' is not a language tag")


# ------------------------------------------------------------------ F29: one file given twice


def test_f29_the_same_file_given_twice_writes_each_statement_once(workspace, tmp_path):
    path = tmp_path / "d.trig"
    path.write_text(change(G + "p-dup", "p-dup", "p-dup"))
    again = tmp_path / "." / "d.trig"
    result = run(workspace, "add", "--no-owl", str(path), str(again))
    assert result.returncode == 0, result.stdout + result.stderr
    written = (workspace / "graph" / "sources" / "p-dup.trig").read_text()
    assert written.count('"Probe p-dup"@en') == 1
    assert written.count("tr:mergedFrom") == 1
    assert written.count("# Added by rivalry add") == 1


def test_f16_console_markup_in_a_file_name_is_printed_not_parsed(shared, tmp_path):
    (tmp_path / "[").mkdir()
    path = tmp_path / "[" / "x][red]b.trig"  # its path holds "[/x]", a closing tag
    path.write_text(PREFIXES + "this is not TriG\n")
    refused_by_check_and_add(shared, path, "[/x][red]b.trig:")
