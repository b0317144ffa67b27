"""SHACL-SPARQL constraints evaluated by Oxigraph, once per constraint for all focus nodes.

pySHACL runs a SPARQL-based constraint once per focus node on rdflib's engine, re-parsing
the query each time: on this graph that was 99 % of a check's time. Here each
``sh:sparql`` constraint becomes one query — its targets joined with its ``SELECT``,
``$this`` read as ``?this`` — run on a store holding what pySHACL would see (asserted
facts plus the ontology). Messages get ``{$this}`` and ``{?var}`` filled in, as SHACL says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from rivalry.kernel.namespaces import PREFIXES, compact
from rivalry.kernel.terms import sh
from rivalry.validate.report import SEVERITY_OF, Problem

CONSTRAINTS = """
SELECT ?shape ?select ?message ?severity ?targetClass ?targetSubjectsOf WHERE {
    ?shape sh:sparql ?constraint .
    ?constraint sh:select ?select .
    OPTIONAL { ?constraint sh:message ?message }
    OPTIONAL { ?shape sh:severity ?severity }
    OPTIONAL { ?shape sh:targetClass ?targetClass }
    OPTIONAL { ?shape sh:targetSubjectsOf ?targetSubjectsOf }
}"""


@dataclass(frozen=True)
class SparqlConstraint:
    shape: str
    select: str
    message: str
    severity: str
    targets: tuple[tuple[str, str], ...]  # ("class" | "subjectsOf", IRI)

    def query(self) -> str:
        """The constraint's SELECT as a subquery, joined with a pattern for its targets.

        The target IRIs come from the project's own shapes files, never from user input.
        """
        inner = re.sub(r"\$this\b", "?this", self.select)
        targets = " UNION ".join(_target(kind, iri) for kind, iri in self.targets)
        return (
            f"SELECT * WHERE {{ {{ SELECT DISTINCT ?this WHERE {{ {targets} }} }} {{ {inner} }} }}"
        )


def _target(kind: str, iri: str) -> str:
    node = str(ox.NamedNode(iri))  # serialised by the engine's own term type: always <…>
    if kind == "class":
        return f"{{ ?this a/rdfs:subClassOf* {node} }}"
    return f"{{ ?this {node} ?targetValue }}"


def load_constraints(shapes: ox.Store) -> list[SparqlConstraint]:
    """Read the SPARQL-based constraints of a shapes graph (a store with it as default)."""
    found: dict[tuple[str, str], dict] = {}
    for row in shapes.query(CONSTRAINTS, prefixes=PREFIXES):
        key = (row["shape"].value, row["select"].value)
        entry = found.setdefault(key, {"message": "", "severity": "violation", "targets": set()})
        if row["message"] is not None:
            entry["message"] = row["message"].value
        if row["severity"] is not None:
            entry["severity"] = SEVERITY_OF.get(row["severity"].value, "violation")
        if row["targetClass"] is not None:
            entry["targets"].add(("class", row["targetClass"].value))
        if row["targetSubjectsOf"] is not None:
            entry["targets"].add(("subjectsOf", row["targetSubjectsOf"].value))
    return [
        SparqlConstraint(shape, select, e["message"], e["severity"], tuple(sorted(e["targets"])))
        for (shape, select), e in sorted(found.items())
        if e["targets"]
    ]


def sparql_problems(
    data: ox.Store, constraints: list[SparqlConstraint], focus: set[str] | None = None
) -> list[Problem]:
    problems = []
    for constraint in constraints:
        for row in data.query(constraint.query(), prefixes=PREFIXES):
            this = row["this"]
            if focus is not None and this.value not in focus:
                continue
            problems.append(
                Problem(
                    severity=constraint.severity,
                    layer="shacl",
                    rule=compact(constraint.shape),
                    message=_fill(constraint.message, row),
                    focus=this.value if isinstance(this, ox.NamedNode) else None,
                )
            )
    return problems


def _fill(message: str, row) -> str:
    def value(match: re.Match) -> str:
        name = "this" if match.group(1) == "$this" else match.group(1)[1:]
        try:
            term = row[name]
        except (KeyError, IndexError):
            return match.group(0)
        if term is None:
            return match.group(0)
        return compact(term.value) if isinstance(term, ox.NamedNode) else term.value

    return re.sub(r"\{(\$this|\?\w+)\}", value, message)


def without_sparql(shapes: list[ox.Quad]) -> list[ox.Quad]:
    """The shapes minus their SPARQL-based constraints, for pySHACL to run the rest."""
    sparql = ox.NamedNode(sh.sparql)
    return [q for q in shapes if q.predicate != sparql]
