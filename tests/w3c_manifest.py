"""Read the W3C test manifests vendored in ``tests/w3c`` (see its README) into plain entries.

A manifest is itself RDF: a ``mf:Manifest`` with an ``mf:entries`` list. Each entry keeps its
name, its type's local name, and its action/result resolved to files in the local copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

W3C = Path(__file__).parent / "w3c"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SHT = "http://www.w3.org/ns/shacl-test#"


@dataclass
class Entry:
    name: str
    kind: str  # local name of the entry's rdf:type, e.g. TestTurtleNegativeSyntax
    action: Path | None
    result: Path | None
    base: str  # the IRI the action file is assumed to have
    node: ox.NamedNode | ox.BlankNode = field(repr=False, default=None)


def manifest_graph(path: Path, base: str) -> ox.Store:
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=base + path.name)
    return store


def read_list(store: ox.Store, head) -> list:
    items = []
    nil = ox.NamedNode(RDF + "nil")
    while head != nil:
        items.append(_one(store, head, RDF + "first"))
        head = _one(store, head, RDF + "rest")
    return items


def entries(manifest: Path, base: str) -> list[Entry]:
    """The manifest's entries in order; ``base`` is the IRI of the manifest's folder."""
    store = manifest_graph(manifest, base)
    root = ox.NamedNode(base + manifest.name)
    found = []
    for node in read_list(store, _one(store, root, MF + "entries")):
        kind = _one(store, node, RDF + "type").value.rsplit("#", 1)[-1]
        found.append(
            Entry(
                name=_name(store, node),
                kind=kind,
                action=_local(_one(store, node, MF + "action"), base, manifest.parent),
                result=_local(_one(store, node, MF + "result"), base, manifest.parent),
                base=base,
                node=node,
            )
        )
    return found


def _name(store: ox.Store, node) -> str:
    label = _one(store, node, MF + "name")
    if label is not None:
        return label.value
    return node.value.rsplit("#", 1)[-1]


def _one(store: ox.Store, subject, predicate: str):
    for quad in store.quads_for_pattern(subject, ox.NamedNode(predicate), None, None):
        return quad.object
    return None


def _local(term, base: str, folder: Path) -> Path | None:
    if isinstance(term, ox.NamedNode) and term.value.startswith(base):
        return folder / term.value.removeprefix(base)
    return None
