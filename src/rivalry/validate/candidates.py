"""The nodes that can fail a SHACL core shape, found by Oxigraph, so pySHACL checks only those.

pySHACL takes about a minute per million triples, most of it on nodes that conform. Each
shape's constraints are compiled here into one SPARQL pattern that matches the focus nodes
that *may* violate them — a superset: a constraint this module does not compile matches
every target of its shape — and pySHACL then validates only those nodes, on their
neighbourhood (their own triples, the triples of the nodes they point to, and the ontology
for subclasses). Core constraints look no further than that, so the results, messages
included, are pySHACL's own and the same as a run over the whole graph.
"""

from __future__ import annotations

import pyoxigraph as ox

from rivalry.kernel.namespaces import PREFIXES, SH, XSD, compact
from rivalry.kernel.terms import owl, rdf, rdfs, sh, xsd

# each shape compiles to a FILTER expression on ?this, true when ?this may fail the shape
ALL, NONE = "true", "false"

# predicates of a shape that are not constraints (sh:sparql runs in sparql_shapes)
NOT_CONSTRAINTS = {
    rdf.type,
    rdfs.label,
    rdfs.comment,
    sh.message,
    sh.severity,
    sh.name,
    sh.description,
    sh.order,
    sh.group,
    sh.deactivated,
    sh.sparql,
    sh.declare,
    sh.prefixes,
    sh.path,
    sh.flags,
    sh.targetClass,
    sh.targetSubjectsOf,
    sh.targetObjectsOf,
    sh.targetNode,
}
TARGETS = {
    sh.targetClass: "{{ ?this a/rdfs:subClassOf* {} }}",
    sh.targetSubjectsOf: "{{ ?this {} [] }}",
    sh.targetObjectsOf: "{{ [] {} ?this }}",
    sh.targetNode: "{{ VALUES ?this {{ {} }} }}",
}
NODE_KINDS = {
    sh.IRI: "isIRI(?v)",
    sh.BlankNode: "isBlank(?v)",
    sh.Literal: "isLiteral(?v)",
    sh.BlankNodeOrIRI: "!isLiteral(?v)",
    sh.BlankNodeOrLiteral: "!isIRI(?v)",
    sh.IRIOrLiteral: "!isBlank(?v)",
}
LOGICAL = {sh.not_, sh.or_, sh.and_, sh.xone}
# datatypes whose lexical form Oxigraph checks by casting; it stores the others unchecked
CASTABLE = {
    XSD + t
    for t in ("date", "gYearMonth", "gYear", "dateTime", "integer", "decimal", "double", "boolean")
}
# datatypes whose lexical form neither store checks: pySHACL (rdflib) has no lexical test
# for xsd:anyURI, so only the datatype itself can fail
UNCHECKED_LEXICAL = {xsd.string, rdf.langString, XSD + "anyURI"}


class ShapesGraph:
    def __init__(self, shapes: ox.Store):
        self.store = shapes

    def pairs(self, node) -> list[tuple[str, ox.NamedNode | ox.BlankNode | ox.Literal]]:
        return [
            (q.predicate.value, q.object) for q in self.store.quads_for_pattern(node, None, None)
        ]

    def one(self, node, predicate: str):
        return next((o for p, o in self.pairs(node) if p == predicate), None)

    def items(self, head) -> list:
        out = []
        while head is not None and head != ox.NamedNode(rdf.nil):
            out.append(self.one(head, rdf.first))
            head = self.one(head, rdf.rest)
        return out

    def is_class(self, node) -> bool:
        types = {o.value for p, o in self.pairs(node) if p == rdf.type}
        return bool(types & {rdfs.Class, owl.Class})

    def targeted(self) -> list:
        subjects = {q.subject for q in self.store.quads_for_pattern(None, None, None)}
        return sorted(
            (
                s
                for s in subjects
                if self.is_class(s) or any(p in TARGETS for p, _ in self.pairs(s))
            ),
            key=str,
        )

    def reads_values(self) -> bool:
        """Whether a shape looks at value nodes' triples beyond their types."""
        if any(self._with(SH + p) for p in ("node", "qualifiedValueShape")):
            return True
        for q in self._with(sh.path):
            for p, o in self.pairs(q.subject):
                members = [o] if p == sh.not_ else self.items(o) if p in LOGICAL else []
                keys = (sh.path, sh.property)
                if any(self.one(m, k) is not None for m in members for k in keys):
                    return True
        return False

    def _with(self, predicate: str) -> list[ox.Quad]:
        return list(self.store.quads_for_pattern(None, _node(predicate), None))


def _node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def any_of(tests: list[str]) -> str:
    if not tests:
        return NONE
    if ALL in tests:
        return ALL
    return "(" + " || ".join(tests) + ")"


def union(groups: list[str]) -> str:
    return "{ " + " UNION ".join(groups) + " }" if groups else "{ FILTER (false) }"


def targets(shapes: ShapesGraph, shape) -> str:
    groups = [TARGETS[p].format(o) for p, o in shapes.pairs(shape) if p in TARGETS]
    if shapes.is_class(shape):  # an implicit class target
        groups.append(TARGETS[sh.targetClass].format(shape))
    return union(groups)


def node_violation(shapes: ShapesGraph, shape) -> str:
    """True for every ?this that may fail ``shape`` (given ?this is its focus)."""
    if shapes.one(shape, sh.path) is not None:
        return property_violation(shapes, shape)
    groups = []
    for predicate, obj in shapes.pairs(shape):
        if predicate in NOT_CONSTRAINTS:
            continue
        if predicate == sh.property:
            groups.append(property_violation(shapes, obj))
        elif predicate == sh.or_:  # fails only when every member fails
            members = [node_violation(shapes, m) for m in shapes.items(obj)]
            groups.append("(" + " && ".join(members) + ")" if members else ALL)
        else:
            groups.append(ALL)
    return any_of(groups)


def property_violation(shapes: ShapesGraph, shape) -> str:
    path = shapes.one(shape, sh.path)
    if not isinstance(path, ox.NamedNode):  # a complex path: not compiled
        return ALL
    groups = []
    for predicate, obj in shapes.pairs(shape):
        if predicate not in NOT_CONSTRAINTS:
            groups.append(_value_violation(shapes, shape, predicate, obj, str(path)))
    return any_of(groups)


def _value_violation(shapes: ShapesGraph, shape, predicate: str, obj, path: str) -> str:
    def some_value(test: str) -> str:
        return f"EXISTS {{ ?this {path} ?v . FILTER ({test}) }}"

    if predicate in (sh.minCount, sh.maxCount):
        count = int(obj.value)
        if predicate == sh.minCount and count <= 1:
            return NONE if count == 0 else f"NOT EXISTS {{ ?this {path} ?v }}"
        if predicate == sh.maxCount and count <= 1:
            return (
                some_value("true")
                if count == 0
                else some_value(
                    f"EXISTS {{ ?this {path} ?other . FILTER (!sameTerm(?v, ?other)) }}"
                )
            )
        return ALL
    if predicate == sh.class_:
        return some_value(f"NOT EXISTS {{ ?v a/rdfs:subClassOf* {obj} }}")
    if predicate == sh.datatype:
        test = _datatype_failure(obj)
        return some_value(test) if test else some_value("true")
    if predicate == sh.or_:  # a value fails when it fails every member (datatypes only)
        members = [_datatype_member(shapes, m) for m in shapes.items(obj)]
        if members and all(members):
            return some_value(" && ".join(f"({m})" for m in members))
        return ALL
    if predicate == sh.nodeKind and obj.value in NODE_KINDS:
        return some_value(f"!({NODE_KINDS[obj.value]})")
    if predicate == sh.in_:
        allowed = " || ".join(f"sameTerm(?v, {term})" for term in shapes.items(obj)) or "false"
        return some_value(f"!({allowed})")
    if predicate == sh.pattern:
        flags = shapes.one(shape, sh.flags)
        flags = ox.Literal(flags.value if flags else "")
        return some_value(f"isBlank(?v) || !REGEX(STR(?v), {ox.Literal(obj.value)}, {flags})")
    if predicate == sh.minInclusive:
        return some_value(f"!COALESCE(?v >= {obj}, false)")
    return ALL


def _datatype_failure(datatype) -> str | None:
    """A test true for a value ?v that is not a well-formed literal of ``datatype``, or
    None when Oxigraph cannot tell (it stores some datatypes' lexical forms unchecked)."""
    if datatype.value in CASTABLE:
        lexical = f" || !COALESCE(sameTerm(?v, {datatype}(STR(?v))), false)"
    elif datatype.value in UNCHECKED_LEXICAL:
        lexical = ""
    else:
        return None
    return f"!isLiteral(?v) || !sameTerm(DATATYPE(?v), {datatype}){lexical}"


def _datatype_member(shapes: ShapesGraph, member) -> str | None:
    """The failure test of an sh:or member that is only ``[ sh:datatype X ]``."""
    pairs = shapes.pairs(member)
    if len(pairs) != 1 or pairs[0][0] != sh.datatype:
        return None
    return _datatype_failure(pairs[0][1])


def candidates(data: ox.Store, shapes: ox.Store, names: set[str] | None = None) -> dict[str, set]:
    """For each targeted shape of ``shapes`` (those ``names`` calls, prefixed, if given),
    the nodes of ``data`` it may report."""
    graph = ShapesGraph(shapes)
    found = {}
    for shape in graph.targeted():
        if names is not None and compact(shape.value) not in names:
            continue
        violation = node_violation(graph, shape)
        if violation == NONE:
            continue
        query = f"SELECT DISTINCT ?this WHERE {{ {targets(graph, shape)} FILTER ({violation}) }}"
        nodes = {row["this"] for row in data.query(query, prefixes=PREFIXES)}
        if nodes:
            found[shape.value] = nodes
    return found


def surroundings(data: ox.Store, shapes: ox.Store, nodes: set) -> list[ox.Triple]:
    """What core shapes read of ``nodes``: their triples and the types of what they point to
    (all the triples of those, when a shape validates values against shapes of their own)."""
    own = [q.triple for n in nodes for q in data.quads_for_pattern(n, None, None)]
    reached = {t.object for t in own if not isinstance(t.object, ox.Literal)} - nodes
    predicate = None if ShapesGraph(shapes).reads_values() else ox.NamedNode(rdf.type)
    return own + [q.triple for n in reached for q in data.quads_for_pattern(n, predicate, None)]
