"""`rivalry diff OLD NEW`: what changed between two releases, per named graph.

Releases are compared on their N-Quads dump (`dataset.nq.gz`); the data carry no blank nodes
(facts are skolemised), so comparing lines compares triples. The change set is written as TriG:
for each changed source graph, a named graph of added and one of removed triples, described in
the default graph with their counts.
"""

from __future__ import annotations

import gzip
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from rivalry.kernel.errors import RivalryError
from rivalry.kernel.namespaces import BASE, GRAPH, PREFIXES
from rivalry.kernel.terms import dcterms, prov, rdf, xsd

CHANGES = BASE + "changes/"
VOID_TRIPLES = "http://rdfs.org/ns/void#triples"


class ReleaseError(RivalryError):
    pass


@dataclass
class GraphChange:
    graph: str
    added: set[ox.Triple] = field(default_factory=set)
    removed: set[ox.Triple] = field(default_factory=set)


def read_release(path: Path) -> dict[str, set[ox.Triple]]:
    """A release directory (or its dump file) as {graph IRI: triples}."""
    dump = path / "dataset.nq.gz" if path.is_dir() else path
    if not dump.exists():
        raise ReleaseError(
            f"{path}: no dataset.nq.gz — give a directory written by rivalry publish"
        )
    opener = gzip.open if dump.suffix == ".gz" else open
    graphs: dict[str, set[ox.Triple]] = defaultdict(set)
    with opener(dump, "rb") as stream:
        try:
            for quad in ox.parse(stream, format=ox.RdfFormat.N_QUADS):
                graphs[str(quad.graph_name)].add(quad.triple)
        except SyntaxError as err:
            raise ReleaseError(f"{dump}: {err}") from err
    return graphs


def compare(old: dict[str, set], new: dict[str, set]) -> list[GraphChange]:
    changes = []
    for graph in sorted(old.keys() | new.keys()):
        before, after = old.get(graph, set()), new.get(graph, set())
        if before != after:
            changes.append(GraphChange(graph.strip("<>"), after - before, before - after))
    return changes


def to_trig(changes: list[GraphChange]) -> bytes:
    quads = []
    for change in changes:
        key = change.graph.removeprefix(GRAPH)
        for kind, triples in (("added", change.added), ("removed", change.removed)):
            if not triples:
                continue
            name = ox.NamedNode(f"{CHANGES}{kind}/{key}")
            quads.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
            for p, o in (
                (rdf.type, ox.NamedNode(prov.Entity)),
                (prov.wasDerivedFrom, ox.NamedNode(change.graph)),
                (dcterms.type, ox.Literal(kind)),
                (
                    VOID_TRIPLES,
                    ox.Literal(str(len(triples)), datatype=ox.NamedNode(xsd.integer)),
                ),
            ):
                quads.append(ox.Quad(name, ox.NamedNode(p), o, ox.DefaultGraph()))
    quads.sort(key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES)


def summary_rows(changes: list[GraphChange]) -> list[dict[str, object]]:
    return [
        {"graph": c.graph.removeprefix(GRAPH), "added": len(c.added), "removed": len(c.removed)}
        for c in changes
    ]


def to_markdown(changes: list[GraphChange], old: str, new: str, exposure=()) -> str:
    """The readable summary: one table row per changed named graph, then the exposure
    paths the changes created, removed or moved."""
    lines = [f"# Changes from {old} to {new}", ""]
    if not changes:
        return "\n".join([*lines, "No triple was added or removed.", ""])
    added = sum(len(c.added) for c in changes)
    removed = sum(len(c.removed) for c in changes)
    lines += [
        f"{len(changes)} named graph(s) changed: {added} triple(s) added, {removed} removed.",
        "",
        "| named graph | added | removed |",
        "|---|---:|---:|",
    ]
    lines += [f"| {r['graph']} | {r['added']} | {r['removed']} |" for r in summary_rows(changes)]
    lines += ["", "## Exposure", ""]
    lines += [f"- {e.text()}" for e in exposure] or [
        "No exposure path was created, removed or moved."
    ]
    return "\n".join(lines) + "\n"


def release_store(graphs: dict[str, set[ox.Triple]]) -> ox.Store:
    """A release in memory as the build lays it out: each named graph, and their union as
    the default graph (which the exposure walk reads)."""
    store = ox.Store()
    for name, triples in graphs.items():
        graph = ox.NamedNode(name.strip("<>")) if name.startswith("<") else ox.DefaultGraph()
        store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
        if not isinstance(graph, ox.DefaultGraph):
            store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return store


def exposure_changes(old: dict[str, set], new: dict[str, set], changes: list[GraphChange]):
    """The exposure paths created, removed or moved between two releases, for the states and
    firms the changed triples name (and their home states)."""
    from rivalry.analysis.exposure import effect

    before, after = release_store(old), release_store(new)
    changed = [
        ox.Quad(t.subject, t.predicate, t.object) for c in changes for t in (*c.added, *c.removed)
    ]
    entities = sorted(
        set(effect.touched_entities(after, changed)) | set(effect.touched_entities(before, changed))
    )
    return effect.compare(before, after, entities)
