"""Full validation checks with pySHACL only the nodes a compiled SPARQL pattern says may
fail; it must find exactly what pySHACL finds over the whole graph."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from rivalry.kernel.namespaces import ID, TR, XSD
from rivalry.load.parse import Sources, load_project, load_vocabulary, to_rdflib
from rivalry.validate.candidates import candidates
from rivalry.validate.layers import _core_problems, _default_graph, _shape_problems
from rivalry.validate.shacl import shacl_problems
from rivalry.validate.sparql_shapes import without_sparql
from tools.synthetic import change_set, generate


def found(problems) -> list[tuple]:
    return sorted((p.severity, p.rule, p.message, p.focus, p.path, p.value) for p in problems)


def both_ways(sources: Sources) -> tuple[list, list]:
    shapes = to_rdflib(without_sparql(sources.shapes))
    whole = shacl_problems(to_rdflib(sources.ontology + sources.facts), shapes)
    facts = _default_graph(sources.ontology + sources.facts)
    return found(whole), found(_core_problems(facts, sources))


@pytest.mark.parametrize("broken", [0, 30])
def test_same_problems_as_pyshacl_on_the_whole_graph(project, broken):
    data = generate(3000)
    vocabulary = load_vocabulary(project)
    facts = data.quads + change_set(data, facts=200, broken=broken)
    whole, fast = both_ways(Sources(vocabulary.ontology, vocabulary.shapes, facts))
    assert fast == whole
    assert sum(p[0] == "violation" for p in whole) >= broken // 3  # broken rules are found


def test_same_problems_on_the_project_graph(project):
    whole, fast = both_ways(load_project(project))
    assert fast == whole and whole  # the project graph has warnings to find


def test_ill_typed_dates_and_uncompiled_constraints_are_candidates(project):
    """A constraint this module does not compile (sh:not) makes its nodes candidates, and a
    date Oxigraph stores but cannot read is still reported."""
    vocabulary = load_vocabulary(project)
    data = generate(4000)
    event, date = ox.NamedNode(ID + "event/syn-3"), ox.NamedNode(TR + "onDate")
    bad = ox.Literal("2025-13-45", datatype=ox.NamedNode(XSD + "date"))
    graph = next(q.graph_name for q in data.quads if q.subject == event)
    facts = [q for q in data.quads if not (q.subject == event and q.predicate == date)]
    facts.append(ox.Quad(event, date, bad, graph))
    store = _default_graph(vocabulary.ontology + facts)
    found_nodes = candidates(store, _default_graph(without_sparql(vocabulary.shapes)))
    ministries = {q.subject for q in facts if q.object == ox.NamedNode(TR + "Ministry")}
    assert found_nodes["https://w3id.org/tech-rivalry/shapes#MinistryShape"] == ministries
    sources = Sources(vocabulary.ontology, vocabulary.shapes, facts)
    whole, fast = both_ways(sources)
    assert fast == whole
    # a date's form is a SPARQL rule (shapes/dates.ttl: a day, a month or a year), so the
    # ill-typed day is reported by the shapes as a whole, on that event only
    problems = _shape_problems(store, sources, None)
    dated = {p.focus for p in problems if p.rule == "trsh:EventShape" and "date" in p.message}
    assert event.value in dated and ID + "event/syn-4" not in dated


def test_source_urls_are_candidates_only_when_pyshacl_could_fail_them(project):
    """pySHACL checks an xsd:anyURI value's datatype, not its lexical form, so a well-typed
    URL is no candidate, while one written as a plain string is, and both ways agree."""
    vocabulary = load_vocabulary(project)
    data = generate(2000)
    url = ox.NamedNode(TR + "url")
    sources_with_url = sorted({q.subject.value for q in data.quads if q.predicate == url})
    plain, odd = (ox.NamedNode(s) for s in sources_with_url[:2])
    facts = []
    for q in data.quads:
        if q.predicate == url and q.subject == plain:
            q = ox.Quad(q.subject, url, ox.Literal(q.object.value), q.graph_name)
        elif q.predicate == url and q.subject == odd:  # not a URL, yet well typed
            q = ox.Quad(
                q.subject, url, ox.Literal("https://a b", datatype=q.object.datatype), q.graph_name
            )
        facts.append(q)
    store = _default_graph(vocabulary.ontology + facts)
    found_nodes = candidates(store, _default_graph(without_sparql(vocabulary.shapes)))
    assert found_nodes["https://w3id.org/tech-rivalry/shapes#SourceDocumentShape"] == {plain}
    whole, fast = both_ways(Sources(vocabulary.ontology, vocabulary.shapes, facts))
    assert fast == whole
    assert any(p[3] == plain.value and p[4] == url.value for p in whole)
