"""Graph isomorphism for tests (two sets of quads are equal once blank nodes are
canonicalised), and writing triples the way the project writes files."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from rivalry.kernel.namespaces import PREFIXES
from rivalry.load.parse import FORMATS


def canonical(quads: Iterable[ox.Quad | ox.Triple]) -> set[str]:
    """The quads as N-Quads lines, blank nodes renamed canonically (RDFC-1.0)."""
    dataset = ox.Dataset(
        q if isinstance(q, ox.Quad) else ox.Quad(q.subject, q.predicate, q.object) for q in quads
    )
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(q) for q in dataset}


def isomorphic(a: Iterable, b: Iterable) -> bool:
    return canonical(a) == canonical(b)


def write(triples, path: Path) -> None:
    """Serialise as ``rivalry add`` and the server do: pyoxigraph, with the project's prefixes."""
    fmt = FORMATS[path.suffix]
    try:
        path.write_bytes(ox.serialize(triples, format=fmt, prefixes=PREFIXES))
    except (TypeError, ValueError):  # line formats take no prefixes
        path.write_bytes(ox.serialize(triples, format=fmt))
