"""OWL 2 DL consistency of ontology plus facts, checked by HermiT through owlready2.

HermiT rejects literals outside the OWL 2 datatype map (xsd:date, xsd:gYearMonth, xsd:gYear), so
triples with such values are left out of the export; dates are checked by the time
shapes instead. When HermiT finds the graph inconsistent, it says nothing about why,
so the usual causes (disjoint types, functional properties with two values, a thing
related to itself by an irreflexive property) are looked up with SPARQL and named.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from rivalry.kernel.namespaces import OWL, PREFIXES, compact
from rivalry.kernel.terms import rdf, xsd
from rivalry.validate.report import Problem

_UNSUPPORTED = {xsd.date, xsd.gYearMonth, xsd.gYear}
RULE = "owl-consistency"


def is_consistent(triples: Iterable[ox.Triple]) -> bool:
    """True when HermiT finds the triples (ontology included) consistent."""
    import owlready2  # here, not at the top: --no-owl and the other verbs do not pay for it

    kept = (
        t
        for t in triples
        if not (isinstance(t.object, ox.Literal) and t.object.datatype.value in _UNSUPPORTED)
    )
    with tempfile.TemporaryDirectory(prefix="rivalry-owl-") as tmp:
        path = Path(tmp) / "graph.nt"
        ox.serialize(kept, str(path), format=ox.RdfFormat.N_TRIPLES)
        world = owlready2.World()
        world.get_ontology(path.as_uri()).load(format="ntriples")
        try:
            owlready2.sync_reasoner_hermit(
                world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True
            )
        except owlready2.OwlReadyInconsistentOntologyError:
            return False
        finally:
            world.close()
    return True


def owl_problems(store: ox.Store) -> list[Problem]:
    """Check a store (ontology, facts and inferences) and explain an inconsistency."""
    if not needs_reasoner(store):
        return []
    return reasoner_problems(store)


def reasoner_problems(store: ox.Store) -> list[Problem]:
    """HermiT on the whole store, and the named causes when it finds it inconsistent."""
    triples = (q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    if is_consistent(triples):
        return []
    causes = explain(store)
    if causes:
        return causes
    return [
        Problem(
            severity="violation",
            layer="owl",
            rule=RULE,
            message="HermiT finds the graph logically inconsistent with the ontology, and no "
            "simple cause was found. Check the types and functional properties of the "
            "entities you changed.",
        )
    ]


# The OWL constructs the ontology may use for the patterns below to find every way the
# facts can contradict it; anything else in the store sends the check to HermiT.
PATTERN_VOCABULARY = {
    OWL + name
    for name in (
        "Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty", "Ontology",
        "FunctionalProperty", "InverseFunctionalProperty", "IrreflexiveProperty",
        "TransitiveProperty", "SymmetricProperty", "AllDisjointClasses", "members",
        "AllDifferent", "distinctMembers", "inverseOf", "versionInfo", "versionIRI",
        "priorVersion", "imports", "Thing", "deprecated", "differentFrom",
    )
}  # fmt: skip

# Each query matches a node that *may* make the graph inconsistent (a superset): two types
# (asserted, or implied by a domain or range) from disjoint classes, a thing related to
# itself by an irreflexive property, two values of a functional property or two subjects
# of an inverse-functional one (OWL would merge them, which may clash), a literal outside
# its property's range datatype or a value of the wrong kind. When none matches, no
# axiom of this vocabulary can be violated; when one does, HermiT decides, as before.
_SUSPECTS = (
    "ASK { ?p a owl:IrreflexiveProperty . ?x ?p ?x }",
    "ASK { ?x owl:differentFrom ?x }",
    "ASK { ?p a owl:FunctionalProperty . ?x ?p ?v1 , ?v2 . FILTER (!sameTerm(?v1, ?v2)) }",
    "ASK { ?p a owl:InverseFunctionalProperty . ?x1 ?p ?v . ?x2 ?p ?v . "
    "FILTER (!sameTerm(?x1, ?x2)) }",
    "ASK { ?p a owl:ObjectProperty . ?x ?p ?v . FILTER (isLiteral(?v)) }",
)
# a literal outside its property's range datatype, one property at a time with the property
# and its datatypes written in (unbound, or with the union's list path inside the filter,
# Oxigraph took over a minute for a 12,000-row screening list's check, or at 1M triples);
# a range may be a union of datatypes (tr:CalendarDate: a day, a month or a year)
_RANGES = """
SELECT ?p ?range ?member WHERE {
    ?p a owl:DatatypeProperty ; rdfs:range ?range . FILTER (?range != rdfs:Literal)
    OPTIONAL { ?range owl:equivalentClass/owl:unionOf/rdf:rest*/rdf:first ?member }
}"""


def _out_of_range(store: ox.Store) -> bool:
    """Whether a datatype property has a value outside its range."""
    allowed: dict = defaultdict(set)  # (property, range) -> the range's datatypes
    for row in store.query(_RANGES, prefixes=PREFIXES):
        allowed[(row["p"], row["range"])] |= {row["range"], row["member"]} - {None}
    for (prop, _), datatypes in allowed.items():
        if not all(isinstance(t, ox.NamedNode) for t in (prop, *datatypes)):
            return True  # a range this pattern cannot write out: HermiT decides
        # IRIs from the ontology in pyoxigraph's escaped N-Triples form; a VALUES block,
        # which Oxigraph plans its joins from
        listed = ", ".join(sorted(str(d) for d in datatypes))
        ask = (
            f"ASK {{ VALUES ?p {{ {prop} }} ?x ?p ?v . "
            f"FILTER (!isLiteral(?v) || DATATYPE(?v) NOT IN ({listed})) }}"
        )
        if store.query(ask):
            return True
    return False


_OWL_TERMS = """
SELECT DISTINCT ?term WHERE {
    { ?s ?term ?o } UNION { ?s a ?term } FILTER (STRSTARTS(STR(?term), STR(owl:)))
}"""


def needs_reasoner(store: ox.Store) -> bool:
    """Whether the store may be inconsistent: it uses an OWL construct the patterns do
    not cover, or a node matches one of the patterns (see ``_SUSPECTS``)."""
    terms = {row["term"].value for row in store.query(_OWL_TERMS, prefixes=PREFIXES)}
    unknown = terms - PATTERN_VOCABULARY
    if unknown - _DATATYPE_UNION or (
        unknown and store.query(_NOT_A_DATATYPE_UNION, prefixes=PREFIXES)
    ):
        return True
    return (
        _disjoint_types(store)
        or any(bool(store.query(ask, prefixes=PREFIXES)) for ask in _SUSPECTS)
        or _out_of_range(store)
    )


# owl:equivalentClass and owl:unionOf are understood only as a datatype's union of
# datatypes (ontology/dates.ttl), which the range pattern above reads; any other use of
# them (a class defined by a union or an equivalence) goes to the reasoner
_DATATYPE_UNION = {OWL + "equivalentClass", OWL + "unionOf"}
_NOT_A_DATATYPE_UNION = """ASK {
    { ?a owl:equivalentClass ?b FILTER NOT EXISTS { ?a a rdfs:Datatype . ?b a rdfs:Datatype } }
    UNION { ?u owl:unionOf ?members FILTER NOT EXISTS { ?u a rdfs:Datatype } }
}"""

_GROUPS = """
SELECT ?axiom ?member WHERE {
    ?axiom a owl:AllDisjointClasses ; owl:members/rdf:rest*/rdf:first ?member
}"""
_ANCESTORS = """
SELECT ?class ?super WHERE { ?class rdfs:subClassOf* ?super . FILTER (isIRI(?class)) }"""
_SCOPE = """
SELECT ?p ?class ?kind WHERE {
    { ?p rdfs:domain ?class BIND (0 AS ?kind) } UNION { ?p rdfs:range ?class BIND (1 AS ?kind) }
}"""


def _disjoint_types(store: ox.Store) -> bool:
    """Whether a node has two types (asserted, inferred, or implied by a property's domain
    or range) under two classes declared disjoint; one pass over the facts (a SPARQL join
    of every type with every other took a minute on a change of 40,000 quads)."""

    def rows(query: str):
        return store.query(query, prefixes=PREFIXES)

    groups: dict = {}
    for row in rows(_GROUPS):
        groups.setdefault(row["axiom"], set()).add(row["member"])
    if not groups:
        return False
    ancestors: dict = {}
    for row in rows(_ANCESTORS):
        ancestors.setdefault(row["class"], set()).add(row["super"])
    domain: dict = {}
    range_: dict = {}
    for row in rows(_SCOPE):
        (range_ if row["kind"].value == "1" else domain).setdefault(row["p"], set()).add(
            row["class"]
        )
    default = ox.DefaultGraph()
    implied: dict = defaultdict(set)
    for quad in store.quads_for_pattern(None, ox.NamedNode(rdf.type), None, default):
        implied[quad.subject].add(quad.object)
    for p in domain.keys() | range_.keys():
        for quad in store.quads_for_pattern(None, p, None, default):
            implied[quad.subject].update(domain.get(p, ()))
            if not isinstance(quad.object, ox.Literal):
                implied[quad.object].update(range_.get(p, ()))
    classes = set().union(*groups.values())
    seen: set[frozenset] = set()  # nodes of the same types clash alike
    for types in map(frozenset, implied.values()):
        if types in seen:
            continue
        seen.add(types)
        reached = set().union(*(ancestors.get(t, {t}) for t in types)) & classes
        if len(reached) > 1 and any(len(reached & members) > 1 for members in groups.values()):
            return True
    return False


_DISJOINT = """
SELECT DISTINCT ?x ?first ?second WHERE {
    ?axiom a owl:AllDisjointClasses ;
           owl:members/rdf:rest*/rdf:first ?a , ?b .
    FILTER (?a != ?b)
    GRAPH ?g1 { ?x a ?first } GRAPH ?g2 { ?x a ?second }
    FILTER (?g1 != trg:inferred && ?g2 != trg:inferred)
    ?first rdfs:subClassOf* ?a . ?second rdfs:subClassOf* ?b .
    FILTER (STR(?first) < STR(?second))
}"""

# a property's domain or range makes its subject or object an instance of a class; that
# clashes when the thing is asserted to be of a class disjoint from it
_DOMAIN_RANGE = """
SELECT DISTINCT ?x ?p ?expected ?actual WHERE {
    { ?p rdfs:domain ?expected . GRAPH ?g { ?x ?p ?o } }
    UNION
    { ?p rdfs:range ?expected . GRAPH ?g { ?o ?p ?x } FILTER (isIRI(?x)) }
    FILTER (?g != trg:inferred && isIRI(?expected))
    GRAPH ?g2 { ?x a ?actual } FILTER (?g2 != trg:inferred)
    ?axiom a owl:AllDisjointClasses ;
           owl:members/rdf:rest*/rdf:first ?a , ?b .
    FILTER (?a != ?b)
    ?expected rdfs:subClassOf* ?a . ?actual rdfs:subClassOf* ?b .
}"""

_FUNCTIONAL = """
SELECT DISTINCT ?x ?p ?v1 ?v2 WHERE {
    ?p a owl:FunctionalProperty .
    ?x ?p ?v1 , ?v2 .
    FILTER (STR(?v1) < STR(?v2))
}"""

_IRREFLEXIVE = """
SELECT DISTINCT ?x ?p WHERE { ?p a owl:IrreflexiveProperty . ?x ?p ?x . }"""


def explain(store: ox.Store) -> list[Problem]:
    """Name the facts behind an inconsistency, by the patterns that usually cause one."""
    problems = []

    def select(query: str):
        return store.query(query, prefixes=PREFIXES)

    for row in select(_DISJOINT):
        problems.append(
            _problem(
                row["x"],
                f"is typed both as {_short(row['first'])} and as {_short(row['second'])}, which "
                "the ontology declares disjoint. Remove the wrong rdf:type, or use two IRIs.",
            )
        )
    for row in select(_DOMAIN_RANGE):
        problems.append(
            _problem(
                row["x"],
                f"is used with {_short(row['p'])}, which applies only to a "
                f"{_short(row['expected'])}, but it is a {_short(row['actual'])}, which cannot "
                "be one. Use the property meant for this kind of thing, or fix the type.",
            )
        )
    for row in select(_FUNCTIONAL):
        problems.append(
            _problem(
                row["x"],
                f"has two values for {_short(row['p'])}, which allows only one: "
                f"{_short(row['v1'])} and {_short(row['v2'])}. OWL would have to treat them as "
                "the same thing. Keep one, or record the change over time as a timed relation.",
            )
        )
    for row in select(_IRREFLEXIVE):
        problems.append(
            _problem(row["x"], f"is related to itself by {_short(row['p'])}, which forbids that.")
        )
    return problems


def _problem(focus: ox.NamedNode, text: str) -> Problem:
    return Problem(
        severity="violation",
        layer="owl",
        rule=RULE,
        message=f"OWL: {_short(focus)} {text}",
        focus=focus.value if isinstance(focus, ox.NamedNode) else None,
    )


def _short(term) -> str:
    return (
        compact(term.value) if isinstance(term, ox.NamedNode) else str(getattr(term, "value", term))
    )
