"""Faults not covered by test_gate.py's kill trials (RELIABILITY.md §3.2): a full disk during
``rivalry add``, readers during a merge, round-trip fidelity of the formats the project
writes and reads, and how far past its deadline a killed query worker answers."""

from __future__ import annotations

import itertools
import resource
import signal
import threading
import time
from urllib.parse import quote

import pyoxigraph as ox
import pytest

from conftest import ROOT, fingerprint, project_copy, rivalry, served
from rdf_equal import canonical, write
from rivalry.gate import merge
from rivalry.kernel.namespaces import GRAPH, ID, PREFIXES, RDFS, TR, XSD
from rivalry.kernel.paths import Project
from rivalry.load.parse import FORMATS, Sources, parse_file
from scorecard import record
from test_conformance_sparql import send

ACCEPTED = ROOT / "tests" / "gate" / "accepted" / "new-chip-of-existing-firm.trig"


@pytest.fixture
def workspace(tmp_path):
    return project_copy(tmp_path / "project")


# ------------------------------------------------------------------ disk full


def _file_size_limit(limit: int):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


# 512 B and 64 KiB fail while the store opens; 128 KiB fails writing the store's tables
@pytest.mark.parametrize("limit", [512, 64 * 1024, 128 * 1024])
def test_a_full_disk_during_add_is_all_or_nothing(workspace, limit):
    before = fingerprint(workspace)
    result = rivalry(
        "add",
        str(ACCEPTED),
        "--no-owl",
        project=workspace,
        store=workspace / ".rivalry" / "store",
        preexec_fn=_file_size_limit(limit),
    )
    assert "Traceback" not in result.stderr, result.stderr
    if result.returncode != 0:
        assert result.returncode == 2, result.stdout + result.stderr
        assert "File too large" in result.stderr and "run the command again" in result.stderr
    # the next writer (with room to write) settles whatever the failed one left
    again = rivalry("build", "--no-owl", project=workspace, store=workspace / ".rivalry" / "store")
    assert again.returncode == 0, again.stderr
    assert not list((workspace / ".rivalry" / "staging").glob("*.tmp"))
    files, _ = fingerprint(workspace)
    merged = "sources/gate-new-chip-of-existing-firm.trig" in " ".join(files)
    # all or nothing: either the old files exactly, or the old files plus the merged one
    partial = (files != before[0]) and not (
        merged and {k: v for k, v in files.items() if k in before[0]} == before[0]
    )
    record("faults", disk_full_trials=1, disk_full_partial=int(partial))
    assert not partial
    assert merged == (result.returncode == 0)


# ------------------------------------------------------------------ readers during a merge


def test_readers_never_see_half_a_merge(workspace):
    project = Project.locate(workspace, workspace / ".rivalry" / "store")
    store = ox.Store(str(project.store_path))
    graph = ox.NamedNode(GRAPH + "fault-readers")
    facts = [
        ox.Quad(
            ox.NamedNode(f"{ID}chip/reader-{i}"),
            ox.NamedNode(RDFS + "label"),
            ox.Literal(f"part {i}", language="en"),
            graph,
        )
        for i in range(20_000)
    ]
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph.value}> {{ ?s rdfs:label ?l }} }}"
    seen, errors, done = [], [], threading.Event()

    def reader():
        while not done.is_set():
            try:
                rows = store.query(count, prefixes=PREFIXES)
                seen.append(int(next(iter(rows))["n"].value))
            except Exception as error:
                errors.append(repr(error))

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    merge.merge(project, store, Sources(facts=facts, origin={graph.value: ACCEPTED}), [ACCEPTED])
    time.sleep(0.2)
    done.set()
    for thread in threads:
        thread.join(30)
    torn = [n for n in seen if n not in (0, len(facts))]
    record("faults", reader_queries=len(seen), torn_reads=len(torn), reader_errors=len(errors))
    assert not errors and not torn, (errors[:3], sorted(set(torn))[:5])
    assert 0 in seen and len(facts) in seen


# ------------------------------------------------------------------ round trips

XSD_INT, XSD_INTEGER = ox.NamedNode(XSD + "int"), ox.NamedNode(XSD + "integer")


def _awkward() -> list[ox.Triple]:
    """Terms that serialisers get wrong: control and astral characters, NFC/NFD, language
    case, non-canonical numbers, ill-typed values, blank-node cycles and a long chain."""
    s = ox.NamedNode(ID + "firm/round-trip")
    p = ox.NamedNode(TR + "note")
    literals = [
        ox.Literal("control \x07 \t \n \r \x7f"),
        ox.Literal("astral \U0001d518 \U0001f600"),
        ox.Literal(""),
        ox.Literal("Cafe\u0301"),
        ox.Literal("Caf\u00e9"),
        ox.Literal('quote " backslash \\'),
        ox.Literal("x" * 200_000),
        ox.Literal("tag", language="en-GB"),
        ox.Literal("01", datatype=XSD_INTEGER),
        ox.Literal("+1", datatype=XSD_INT),
        ox.Literal("1.50", datatype=ox.NamedNode(XSD + "decimal")),
        ox.Literal("1.0E0", datatype=ox.NamedNode(XSD + "double")),
        ox.Literal("abc", datatype=XSD_INTEGER),
        ox.Literal("v", datatype=ox.NamedNode("https://example.org/custom")),
    ]
    triples = [ox.Triple(s, p, o) for o in literals]
    a, b = ox.BlankNode(), ox.BlankNode()
    triples += [ox.Triple(a, p, b), ox.Triple(b, p, a), ox.Triple(s, p, a)]
    chain = [ox.BlankNode() for _ in range(300)]
    triples += [ox.Triple(x, p, y) for x, y in itertools.pairwise(chain)]
    return triples


@pytest.mark.parametrize("suffix", sorted(FORMATS))
@pytest.mark.parametrize("data", ["awkward", "project"])
def test_files_round_trip_losslessly(suffix, data, sources, tmp_path):
    """Written as ``rivalry add`` and the server write (ox.serialize with the project's
    prefixes), read back by the gate's parser: the same graph."""
    triples = _awkward() if data == "awkward" else [q.triple for q in sources.facts]
    path = tmp_path / f"graph{suffix}"
    write(triples, path)
    back = [q.triple for q in parse_file(path)]
    lost = canonical(triples) ^ canonical(back)
    record("faults", roundtrip_checks=1, roundtrip_losses_on_production_path=len(lost))
    assert not lost, sorted(lost)[:3]


def test_the_store_normalises_only_numbers_and_is_a_fixpoint():
    """The store rewrites non-canonical numbers ("01" -> "1", xsd:int -> xsd:integer): the
    documented policy. Everything else survives, and a second pass changes nothing."""
    triples = _awkward()
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    first = list(store)
    changed = {line for line in canonical(triples) - canonical(first) if "XMLSchema#" in line}
    assert canonical(triples) - canonical(first) == changed  # only typed numbers changed
    assert all(any(n in line for n in ("int", "decimal", "double")) for line in changed)
    again = ox.Store()
    again.extend(ox.parse(store.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS))
    assert canonical(list(again)) == canonical(first)
    record("faults", store_normalised_literals=len(changed))


# ------------------------------------------------------------------ deadline overshoot


def test_deadline_overshoot_of_killed_workers(built, project):
    timeout = 0.5
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    cheap = "ASK { ?s ?p ?o }"
    overshoots, respawns = [], []
    with served(project.store_path, "--timeout", str(timeout), "--workers", "1") as url:
        send(url, "GET", "/sparql?query=" + quote(cheap))  # the worker is up
        for _ in range(5):
            started = time.monotonic()
            status, _, body = send(url, "GET", "/sparql?query=" + quote(slow))
            overshoots.append((time.monotonic() - started - timeout) * 1000)
            assert status == 503 and b"longer than" in body, (status, body)
            started = time.monotonic()
            status, _, _ = send(url, "GET", "/sparql?query=" + quote(cheap))
            respawns.append((time.monotonic() - started) * 1000)
            assert status == 200
    record(
        "deadlines",
        deadline_s=timeout,
        max_overshoot_ms=round(max(overshoots)),
        max_respawn_ms=round(max(respawns)),
        trials=len(overshoots),
    )
    assert max(overshoots) < 1000, overshoots
