"""Ontology hygiene: every term is labelled and defined, the ontology has a version IRI,
every class is constrained by a shape, and the ontology is consistent under HermiT."""

from __future__ import annotations

import subprocess
import sys

import owlready2
import pyoxigraph as ox
import pytest

from conftest import ROOT
from rivalry.kernel.namespaces import OWL, RDF, RDFS, SH, SKOS, TR
from rivalry.validate.owl import is_consistent

ONTOLOGY_IRI = "https://w3id.org/tech-rivalry/ontology"


def _graph(quads) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    return store


def _terms(store: ox.Store) -> set[str]:
    kinds = ("Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty")
    terms = set()
    for kind in kinds:
        for q in store.quads_for_pattern(
            None, ox.NamedNode(RDF + "type"), ox.NamedNode(OWL + kind)
        ):
            if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(TR):
                terms.add(q.subject.value)
    return terms


def _values(store: ox.Store, subject: str, predicate: str) -> list:
    return [
        q.object
        for q in store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None)
    ]


def test_ontology_declares_terms(sources):
    assert len(_terms(_graph(sources.ontology))) > 80


def test_every_term_has_english_label_and_definition(sources):
    store = _graph(sources.ontology)
    missing = []
    for term in sorted(_terms(store)):
        labels = [v for v in _values(store, term, RDFS + "label") if v.language == "en"]
        definitions = [v for v in _values(store, term, SKOS + "definition") if v.language == "en"]
        if len(labels) != 1 or len(definitions) != 1:
            missing.append(term)
    assert missing == []


def test_every_term_is_defined_by_the_ontology(sources):
    store = _graph(sources.ontology)
    missing = [
        term
        for term in sorted(_terms(store))
        if ox.NamedNode(ONTOLOGY_IRI) not in _values(store, term, RDFS + "isDefinedBy")
    ]
    assert missing == []


def test_no_two_terms_share_a_label(sources):
    """A class and its property once shared one label (stance/stance): the terms page and
    the query answers that print labels could not tell them apart."""
    store = _graph(sources.ontology)
    seen: dict[str, str] = {}
    clashes = []
    for term in sorted(_terms(store)):
        for label in _values(store, term, RDFS + "label"):
            key = label.value.casefold()
            if key in seen:
                clashes.append((seen[key], term, label.value))
            seen.setdefault(key, term)
    assert clashes == []


def test_ontology_has_version_iri(sources):
    store = _graph(sources.ontology)
    versions = _values(store, ONTOLOGY_IRI, OWL + "versionIRI")
    assert len(versions) == 1
    assert versions[0].value.startswith(ONTOLOGY_IRI + "/")
    assert versions[0].value == ONTOLOGY_IRI + "/0.2.0"


def test_every_class_has_a_shape(sources):
    ontology, shapes = _graph(sources.ontology), _graph(sources.shapes)
    classes = {
        q.subject.value
        for q in ontology.quads_for_pattern(
            None, ox.NamedNode(RDF + "type"), ox.NamedNode(OWL + "Class")
        )
        if q.subject.value.startswith(TR)
    }
    targeted = {
        q.object.value
        for q in shapes.quads_for_pattern(None, ox.NamedNode(SH + "targetClass"), None)
    }
    # abstract superclasses are covered through their subclasses' shapes
    abstract = {TR + "Agent", TR + "Item"}
    assert sorted(classes - targeted - abstract) == []


def test_ontology_loads_in_owlready2(sources, tmp_path):
    path = tmp_path / "ontology.nt"
    path.write_bytes(
        ox.serialize((q.triple for q in sources.ontology), format=ox.RdfFormat.N_TRIPLES)
    )
    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load(format="ntriples")
    names = {c.name for c in onto.world.classes()}
    assert {"State", "Ministry", "Chip", "LegalInstrument", "ThreatOfCountermeasures"} <= names
    world.close()


@pytest.mark.owl
def test_ontology_is_consistent_under_hermit(sources):
    assert is_consistent(q.triple for q in sources.ontology)


@pytest.mark.owl
def test_hermit_detects_a_disjointness_clash(sources):
    """The consistency check can fail: a chip that is also a state is inconsistent."""
    thing = ox.NamedNode("https://w3id.org/tech-rivalry/id/chip/test-clash")
    rdf_type = ox.NamedNode(RDF + "type")
    clash = [
        ox.Triple(thing, rdf_type, ox.NamedNode(TR + "Chip")),
        ox.Triple(thing, rdf_type, ox.NamedNode(TR + "State")),
    ]
    assert not is_consistent([*(q.triple for q in sources.ontology), *clash])


def test_changes_since_0_1_are_noted_and_nothing_was_removed():
    """ontology/changes.ttl is current (every added or deprecated term has its note) and every
    term of 0.1.0 is still declared: the script exits 1 when stale, and fails on a removal."""
    script = ROOT / "scripts" / "ontology_changes.py"
    done = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_ontology_page_lists_the_changes(store):
    from rivalry.web import ontology_docs

    page = ontology_docs.render(store, [], "test")
    assert "<h2 id='changes'>Changes in 0.2.0</h2>" in page
    assert "<code>tr:suspends</code></a>" in page and "Added in 0.2.0." in page
