"""The release's dumps: deterministic, so two releases diff line by line.

Data dumps hold every named graph of the store except the vocabulary (ontology and shapes are
published as files of their own): the source graphs, the reference graphs and the inferred graph.
Quads are sorted; gzip headers carry no time stamp. Blank nodes only occur in the vocabulary; it is
written through rdflib's canonical labelling, so their labels are stable from one release to the
next.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.compare import to_canonical_graph

from rivalry.kernel.namespaces import (
    BASE,
    ONTOLOGY_GRAPH,
    PREFIXES,
    SHAPES_GRAPH,
    VOCABULARY_GRAPHS,
    compact,
)

CONTEXT_URL = BASE + "context.jsonld"


@dataclass(frozen=True)
class Dump:
    """One file of the release, as the DCAT description lists it."""

    path: Path
    media_type: str
    title: str
    compression: str | None = None

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def data_quads(store: ox.Store) -> list[ox.Quad]:
    """Every quad in the store's named graphs except the vocabulary's, sorted."""
    quads = [
        q
        for q in store.quads_for_pattern(None, None, None, None)
        if not isinstance(q.graph_name, ox.DefaultGraph)
        and q.graph_name.value not in VOCABULARY_GRAPHS
    ]
    return sorted(
        quads, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))
    )


def union_triples(quads: list[ox.Quad]) -> list[ox.Triple]:
    """The RDF merge of the named graphs: each triple once, sorted."""
    triples = {q.triple for q in quads}
    return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def context() -> dict:
    """The published JSON-LD context: the project's prefixes."""
    return {"@context": dict(sorted(PREFIXES.items()))}


def write_data(quads: list[ox.Quad], out: Path) -> list[Dump]:
    """The data dumps of ``quads`` (from ``data_quads``)."""
    triples = union_triples(quads)
    dumps = [
        _write(
            out / "dataset.trig",
            ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES),
            "application/trig",
            "All named graphs (TriG)",
        ),
        _write(
            out / "dataset.ttl",
            ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES),
            "text/turtle",
            "The merge of all named graphs (Turtle)",
        ),
        _write_gz(
            out / "dataset.nq.gz",
            ox.serialize(quads, format=ox.RdfFormat.N_QUADS),
            "application/n-quads",
            "All named graphs (N-Quads, gzip)",
        ),
        _write_gz(
            out / "dataset.nt.gz",
            ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES),
            "application/n-triples",
            "The merge of all named graphs (N-Triples, gzip)",
        ),
    ]
    (out / "context.jsonld").write_text(json.dumps(context(), indent=1, sort_keys=True) + "\n")
    dumps.append(Dump(out / "context.jsonld", "application/ld+json", "JSON-LD context"))
    dumps.append(
        _write(
            out / "dataset.jsonld",
            _jsonld(quads),
            "application/ld+json",
            "All named graphs (JSON-LD, context inline)",
        )
    )
    return dumps


def write_vocabulary(store: ox.Store, out: Path) -> list[Dump]:
    dumps = []
    for name, graph in (("ontology", ONTOLOGY_GRAPH), ("shapes", SHAPES_GRAPH)):
        canonical = _canonical(store, graph)
        turtle = canonical.serialize(format="turtle").encode()
        # rdflib's RDF/XML writer follows set order; pyoxigraph's follows the sorted input
        lines = sorted(canonical.serialize(format="nt").splitlines())
        triples = ox.parse("\n".join(lines).encode(), format=ox.RdfFormat.N_TRIPLES)
        xml = ox.serialize(list(triples), format=ox.RdfFormat.RDF_XML, prefixes=PREFIXES)
        dumps.append(_write(out / f"{name}.ttl", turtle, "text/turtle", f"The {name} (Turtle)"))
        dumps.append(
            _write(out / f"{name}.rdf", xml, "application/rdf+xml", f"The {name} (RDF/XML)")
        )
    return dumps


def entity_document(triples: list[ox.Triple], fmt: str) -> bytes:
    """One entity's data document (Turtle or JSON-LD), sorted like the dumps."""
    ordered = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    if fmt == "jsonld":
        return _jsonld([ox.Quad(t.subject, t.predicate, t.object) for t in ordered])
    return ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)


def _jsonld(quads: list[ox.Quad]) -> bytes:
    """JSON-LD in the published context: one node object per subject and graph, keys sorted."""
    graphs: dict[str, dict[str, dict]] = {}
    for q in quads:
        graph = "@default" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value
        node = graphs.setdefault(graph, {}).setdefault(q.subject.value, {"@id": _id(q.subject)})
        key = (
            "@type"
            if q.predicate.value == PREFIXES["rdf"] + "type"
            else _compact(q.predicate.value)
        )
        node.setdefault(key, []).append(_value(q.object, key == "@type"))
    body = []
    for graph, nodes in sorted(graphs.items()):
        members = [nodes[s] for s in sorted(nodes)]
        body.extend(members) if graph == "@default" else body.append(
            {"@id": graph, "@graph": members}
        )
    # the context inline: a dump must parse offline (context.jsonld is published beside it)
    document = {"@context": context()["@context"], "@graph": body}
    return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def _compact(iri: str) -> str:
    """The project's prefixed form where it makes a JSON-LD compact IRI, else the full IRI."""
    short = compact(iri)
    return iri if short == iri or short.endswith(":") else short


def _id(term) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else _compact(term.value)


def _value(term, is_type: bool):
    if is_type:
        return _compact(term.value)
    if isinstance(term, ox.NamedNode | ox.BlankNode):
        return {"@id": _id(term)}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == PREFIXES["xsd"] + "string":
        return {"@value": term.value}
    return {"@value": term.value, "@type": _compact(term.datatype.value)}


def _canonical(store: ox.Store, graph: str) -> rdflib.Graph:
    nt = ox.serialize(
        [q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))],
        format=ox.RdfFormat.N_TRIPLES,
    )
    parsed = rdflib.Graph().parse(data=nt.decode(), format="nt")
    canonical = rdflib.Graph()
    for prefix, namespace in PREFIXES.items():
        canonical.bind(prefix, namespace)
    for triple in sorted(to_canonical_graph(parsed)):
        canonical.add(triple)
    return canonical


def _write(path: Path, data: bytes, media_type: str, title: str) -> Dump:
    path.write_bytes(data)
    return Dump(path, media_type, title)


def _write_gz(path: Path, data: bytes, media_type: str, title: str) -> Dump:
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(data)
    return Dump(path, media_type, title, compression="application/gzip")
