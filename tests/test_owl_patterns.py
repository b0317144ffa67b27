"""The OWL layer's patterns (issue 16): HermiT runs only when a pattern matches, so every
way these facts can contradict the ontology must match one. Each clash below is one HermiT
finds; the patterns must send each to it, and leave a consistent graph alone."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from rivalry import reason
from rivalry.kernel.namespaces import GRAPH, ID, TR, XSD
from rivalry.kernel.terms import rdf
from rivalry.load.parse import Sources, load_vocabulary
from rivalry.validate.owl import needs_reasoner, reasoner_problems

G = ox.NamedNode(GRAPH + "owl-patterns")
TYPE = ox.NamedNode(rdf.type)


def node(kind: str, key: str) -> ox.NamedNode:
    return ox.NamedNode(f"{ID}{kind}/{key}")


def t(name: str) -> ox.NamedNode:
    return ox.NamedNode(TR + name)


X, Y, Z = node("body", "x"), node("body", "y"), node("state", "zz")
CLASHES = {
    "asserted disjoint types": [(X, TYPE, t("Person")), (X, TYPE, t("Firm"))],
    # no type asserted: two domains of disjoint classes (the explanation queries miss it)
    "two disjoint domains": [(X, t("ofState"), Z), (X, t("designates"), Y)],
    "irreflexive": [(X, TYPE, t("Agency")), (X, t("parentBody"), X)],
    "functional, two literals": [
        (X, TYPE, t("Agency")),
        (X, t("dissolvedOn"), ox.Literal("2020-01-01", datatype=ox.NamedNode(XSD + "date"))),
        (X, t("dissolvedOn"), ox.Literal("2021-01-01", datatype=ox.NamedNode(XSD + "date"))),
    ],
    "functional, two codes": [
        (Z, t("isoCode"), ox.Literal("ZZ")),
        (Z, t("isoCode"), ox.Literal("ZY")),
    ],
    "literal outside its range": [
        (Z, t("isoCode"), ox.Literal("7", datatype=ox.NamedNode(XSD + "integer")))
    ],
}


def store_of(project, triples) -> ox.Store:
    vocabulary = load_vocabulary(project)
    facts = [ox.Quad(s, p, o, G) for s, p, o in triples]
    return reason.materialised(
        Sources(ontology=vocabulary.ontology, facts=facts), project.rules_dir
    )


@pytest.mark.parametrize("name", CLASHES)
def test_each_clash_is_sent_to_hermit(project, name):
    store = store_of(project, CLASHES[name])
    assert needs_reasoner(store)
    if name != "functional, two literals":  # dates are left out of HermiT's export
        assert reasoner_problems(store), f"HermiT should find {name} inconsistent"


def test_consistent_facts_need_no_reasoner(project):
    triples = [
        (X, TYPE, t("Agency")),
        (X, t("ofState"), Z),
        (Z, TYPE, t("State")),
        (Y, TYPE, t("Agency")),
        (Y, t("parentBody"), X),
    ]
    store = store_of(project, triples)
    assert not needs_reasoner(store)
    assert not reasoner_problems(store)


def test_a_day_a_month_or_a_year_needs_no_reasoner_but_text_does(project):
    """tr:CalendarDate is a union of datatypes: a year, a month or a day fits it without
    HermiT; a string in its place is a suspect; and a mirror that is also a syndication
    (the lineage module's disjointness) is one too."""

    def dated(value: ox.Literal) -> list:
        return [(X, TYPE, t("Agency")), (X, t("ofState"), Z), (Z, TYPE, t("State")),
                (X, t("foundedOn"), value)]  # fmt: skip

    for kind, text in (("gYear", "1921"), ("gYearMonth", "2003-03"), ("date", "2003-03-10")):
        literal = ox.Literal(text, datatype=ox.NamedNode(XSD + kind))
        assert not needs_reasoner(store_of(project, dated(literal))), kind
    assert needs_reasoner(store_of(project, dated(ox.Literal("March 2003"))))
    copy = node("source", "both")
    both = [(copy, TYPE, t("MirrorCopy")), (copy, TYPE, t("SyndicatedCopy"))]
    assert needs_reasoner(store_of(project, both))
