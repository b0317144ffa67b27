"""SHACL validation with pySHACL over rdflib graphs made from strictly parsed quads."""

from __future__ import annotations

import re

import pyshacl
import rdflib
from rdflib.namespace import SH

from rivalry.kernel.namespaces import compact
from rivalry.validate.report import SEVERITY_OF, Problem


def shacl_problems(
    data: rdflib.Graph, shapes: rdflib.Graph, focus_nodes=None, use_shapes=None
) -> list[Problem]:
    """Validate ``data`` (facts plus the ontology) against ``shapes``; one problem per result.

    With ``use_shapes``, those shapes are applied to ``focus_nodes`` as given, targets unread.
    ``data`` is built for the call and nothing infers into it, so it is not copied first."""
    _, results, _ = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",  # the build materialises what the shapes need
        advanced=True,
        allow_warnings=True,
        focus_nodes=focus_nodes,
        use_shapes=use_shapes,
        inplace=True,
    )
    if not isinstance(results, rdflib.Graph):  # pySHACL could not run the shapes at all
        raise RuntimeError(f"the SHACL shapes cannot be applied: {results}")
    # top-level results only: pySHACL also types the nested sh:detail results, which would
    # report one failure twice
    return [_problem(results, r, shapes) for r in results.objects(None, SH.result)]


def _problem(results: rdflib.Graph, result, shapes: rdflib.Graph) -> Problem:
    def one(predicate):
        return results.value(result, predicate)

    shape = one(SH.sourceShape)
    message = one(SH.resultMessage)
    return Problem(
        severity=SEVERITY_OF.get(str(one(SH.resultSeverity)), "violation"),
        layer="shacl",
        rule=_rule_name(shape, shapes),
        message=_compact_iris(str(message)) if message else _fallback_message(results, result),
        focus=_text(one(SH.focusNode)),
        path=_text(one(SH.resultPath)),
        value=_text(one(SH.value)),
    )


def _rule_name(shape, shapes: rdflib.Graph) -> str:
    """Name a shape by its IRI, or — for an anonymous property shape — by its node shape."""
    if isinstance(shape, rdflib.BNode):
        parent = shapes.value(predicate=SH.property, object=shape)
        if parent is not None:
            shape = parent
    return compact(str(shape)) if isinstance(shape, rdflib.URIRef) else "shape"


def _fallback_message(results: rdflib.Graph, result) -> str:
    component = results.value(result, SH.sourceConstraintComponent)
    return f"Fails {compact(str(component))}" if component else "Fails a shape"


def _compact_iris(text: str) -> str:
    """SPARQL-based messages name nodes by full IRI; show them prefixed, as people write them."""
    return re.sub(r"https?://[^\s,;()<>]+", lambda m: compact(m.group(0)), text)


def _text(term) -> str | None:
    return None if term is None or isinstance(term, rdflib.BNode) else str(term)
