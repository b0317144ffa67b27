"""Which entity the user means: an IRI, a prefixed name or a label, as the catalogue reads
entity parameters, with a "did you mean" when nothing matches."""

from __future__ import annotations

import pyoxigraph as ox

from rivalry.kernel.errors import RivalryError
from rivalry.kernel.namespaces import compact
from rivalry.kernel.terms import rdf
from rivalry.query import execute
from rivalry.query.catalogue import Param

ENTITY = Param(name="entity", type="entity", description="A state or firm")


class EntityError(RivalryError):
    pass


def resolve(store: ox.Store, entity: str | ox.NamedNode) -> ox.NamedNode:
    """The entity's IRI; an error naming close matches when the graph has no such entity."""
    if isinstance(entity, ox.NamedNode):
        node = entity
    else:
        try:
            node = execute.to_term(store, ENTITY, entity)
        except execute.ParamError as error:
            raise EntityError(f"{error}{_did_you_mean(store, entity)}") from None
    if next(store.quads_for_pattern(node, ox.NamedNode(rdf.type), None, None), None) is None:
        raise EntityError(
            f"entity {compact(node.value)!r} is not in the graph"
            f"{_did_you_mean(store, compact(node.value).split(':')[-1].split('/')[-1])}"
        )
    return node


def _did_you_mean(store: ox.Store, text: str) -> str:
    from rivalry.analysis.exposure.walker import sparql

    wanted = ox.Literal(text.strip())
    rows = execute.execute(store, sparql("suggest"), {ox.Variable("wanted"): wanted})
    close = [f"{compact(r['entity'].value)} ({r['label'].value})" for r in rows]
    return f"; did you mean {', '.join(close)}?" if close else ""
