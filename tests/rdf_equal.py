"""Graph isomorphism for tests: two sets of quads are equal once blank nodes are canonicalised."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox


def canonical(quads: Iterable[ox.Quad | ox.Triple]) -> set[str]:
    """The quads as N-Quads lines, blank nodes renamed canonically (RDFC-1.0)."""
    dataset = ox.Dataset(
        q if isinstance(q, ox.Quad) else ox.Quad(q.subject, q.predicate, q.object) for q in quads
    )
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(q) for q in dataset}


def isomorphic(a: Iterable, b: Iterable) -> bool:
    return canonical(a) == canonical(b)
