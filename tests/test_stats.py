"""`rivalry stats` on graphs whose figures are known: the hand-written rivalry case (counted
by eye), a generated graph (counted from the generator's own quads), and the shipped graph
through the CLI (figures that must agree with each other)."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

import pyoxigraph as ox
import pytest

from conftest import CASES, built_project, rivalry
from rivalry.analysis.source_quality import identity_quality, source_quality
from rivalry.analysis.stats import collect
from rivalry.kernel.namespaces import GRAPH, RDF, TR
from rivalry.load.parse import parse_file
from rivalry.store.embedded import open_store
from test_queries import answer
from tools import synthetic

DESCRIBES = ox.NamedNode(TR + "describesGraph")


def test_case_figures(case_store):
    stats = collect(case_store)
    quads = parse_file(CASES / "rivalry.trig")
    described = {q.subject for q in quads if q.predicate == DESCRIBES}
    own = sum(1 for q in quads if q.subject in described)
    assert stats.get("triples", "asserted") == len(quads)
    assert stats.get("facts", "asserted") == len(quads) - own
    assert stats.get("facts", "corroborated (2+ sources)") == 0
    assert stats.get("facts", "without a source") == 0
    assert stats.section("named graphs") == [("", "source graphs", 3), ("", "all", 6)]
    assert stats.section("source documents") == [
        ("", "all", 3),
        ("", "official", 1),
        ("", "news", 1),
        ("", "reference", 1),
        ("", "unspecified", 0),
    ]
    assert stats.section("sources by publisher") == [("", "Case Wire", 2), ("", "Case Bureau", 1)]
    assert stats.section("events") == [("", "events", 3), ("", "with an exact day", 3)]
    assert stats.section("claims") == [
        ("", "claims", 2),
        ("", "matters", 1),
        ("", "contested matters", 1),
    ]
    assert stats.section("instruments") == [
        ("China", "law", 1),
        ("China", "regulation or rule", 1),
        ("United States", "guidance", 2),
        ("United States", "list designation", 1),
        ("United States", "regulation or rule", 1),
    ]
    # the 2020 rule is the oldest fact, the amendment's announcement the newest; the
    # sources' own publication days (up to 2025-07-01) are kept apart
    assert stats.section("date span") == [
        ("", "earliest", "2020-01-01"),
        ("", "latest", "2025-06-20"),
        ("", "first source published", "2025-06-20"),
        ("", "last source published", "2025-07-01"),
    ]
    classes = dict((name, value) for _, name, value in stats.section("entities by class"))
    assert classes["tr:State"] == 3 and classes["tr:Firm"] == 4 and classes["tr:Chip"] == 2
    assert classes["tr:LegalInstrument"] == 6 and classes["tr:Facility"] == 1


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    data = synthetic.generate(1500, seed=3)
    folder = tmp_path_factory.mktemp("generated")
    path = folder / "generated.trig"
    path.write_bytes(ox.serialize(data.quads, format=ox.RdfFormat.TRIG))
    project = built_project(folder / "project", [path])
    return data, collect(open_store(project.store_path))


def test_generated_figures(generated):
    data, stats = generated
    quads = set(data.quads)
    described = {q.subject for q in quads if q.predicate == DESCRIBES}
    types = Counter(
        q.object.value.removeprefix(TR) for q in quads if q.predicate.value == RDF + "type"
    )
    assert stats.get("triples", "asserted") == len(quads)
    assert stats.get("facts", "asserted") == sum(1 for q in quads if q.subject not in described)
    assert stats.get("facts", "without a source") == 0
    assert stats.get("source documents", "all") == len(described)
    assert stats.get("source documents", "news") == len(described)
    assert stats.get("named graphs", "source graphs") == len({q.graph_name for q in quads})
    assert stats.get("entities by class", "tr:Firm") == len(data.firms)
    assert stats.get("entities by class", "tr:Chip") == types["Chip"]
    assert stats.get("events", "events") == types["PublicStatement"]
    assert stats.get("claims", "claims") == types["Claim"]
    # every generated claim denies the same matter: nothing is contested
    assert stats.get("claims", "contested matters") == 0
    issued = sum(value for _, _, value in stats.section("instruments"))
    assert issued == types["Regulation"]
    publishers = Counter(
        q.object for q in quads if q.predicate.value == TR + "publisher" and q.subject in described
    )
    assert sum(v for _, _, v in stats.section("sources by publisher")) == sum(publishers.values())


def test_cli_figures_on_the_shipped_graph(built, project, store):
    result = rivalry("stats", "--format", "json", store=project.store_path)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    sources = figures["source documents"]
    assert sources["all"] == figures["named graphs"]["source graphs"] == built.sources
    assert (
        sources["official"] + sources["news"] + sources["reference"] + sources["unspecified"]
        == (sources["all"])
    )
    assert figures["triples"]["asserted"] == built.asserted
    assert figures["triples"]["inferred"] == built.inferred
    assert figures["facts"]["without a source"] == 0
    assert figures["instruments"]["United States"]["guidance"] >= 1
    # the same matters as the contested-claims query, counted without pairing claims
    contested = {row["matter"] for row in answer(store, "contested-claims")}
    assert figures["claims"]["contested matters"] == len(contested) >= 1
    assert figures["date span"]["earliest"] <= "2025-05-13" <= figures["date span"]["latest"]
    table = rivalry("stats", store=project.store_path)
    assert table.returncode == 0 and "contested matters" in table.stdout
    rows = list(
        csv.DictReader(io.StringIO(rivalry("stats", "-f", "csv", store=project.store_path).stdout))
    )
    assert {"section": "facts", "group": "", "name": "without a source", "value": "0"} in rows


def test_cli_fails_on_facts_without_a_source(case_store, tmp_path):
    """A store with a fact in a graph no source describes, and one in no named graph."""
    store_path = tmp_path / "store"
    broken = ox.Store(str(store_path))
    broken.extend(case_store.quads_for_pattern(None, None, None, None))
    stray = ox.NamedNode(GRAPH + "stray")
    chip = ox.NamedNode("https://w3id.org/tech-rivalry/id/chip/casefirm-accel-1")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    broken.add(ox.Quad(chip, label, ox.Literal("Stray name"), stray))
    broken.add(ox.Quad(chip, label, ox.Literal("Nowhere name"), ox.DefaultGraph()))
    broken.flush()
    del broken
    result = rivalry("stats", "-f", "json", store=store_path)
    assert result.returncode == 1
    assert json.loads(result.stdout)["facts"]["without a source"] == 2
    assert "2 fact(s) have no source" in result.stderr


def test_cli_without_a_store(tmp_path):
    result = rivalry("stats", store=tmp_path / "none")
    assert result.returncode == 2 and "rivalry build" in result.stderr


PREFIXES = """
@prefix tr: <https://w3id.org/tech-rivalry/ontology#> .
@prefix source: <https://w3id.org/tech-rivalry/id/source/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

CITABILITY = (
    PREFIXES
    + """
# in the default graph (a built store makes it the union of the source graphs), with the
# types the build would infer written out
    source:slug a tr:SourceDocument ;
        tr:url "https://news.example/2025/03/04/miti-probes-chips/"^^xsd:anyURI ;
        tr:title "miti-probes-chips"@en ; tr:published "2025-03-04"^^xsd:date .
    source:fr a tr:SourceDocument, tr:OfficialDocument ;
        tr:url "https://www.federalregister.gov/documents/2025/01/15/x"^^xsd:anyURI ;
        tr:title "Framework for AI Diffusion"@en ;
        rdfs:comment "The page shows no date of its own."@en .
    source:mofcom a tr:SourceDocument, tr:OfficialDocument ;
        tr:url "http://www.mofcom.gov.cn/article/zwgk/a.shtml"^^xsd:anyURI ;
        tr:title "Announcement No. 46"@en .
    source:amp a tr:SourceDocument ;
        tr:url "https://thenews.example/3-men-charged-with-fraud-123/amp"^^xsd:anyURI ;
        tr:title "3-men-charged-with-fraud"@en ; tr:published "2025-03-06"^^xsd:date ;
        rdfs:comment "The stored page shows no headline, only the article's text."@en .
    source:lookalike a tr:SourceDocument, tr:NewsReport ;
        tr:url "https://notgov.example/gov.cn"^^xsd:anyURI ; tr:title "gov.cn"@en ;
        tr:published "2025-01-01"^^xsd:date .
    <https://w3id.org/tech-rivalry/id/firm/a> a tr:Firm ;
        skos:exactMatch <http://www.wikidata.org/entity/Q1> .
    <https://w3id.org/tech-rivalry/id/firm/b> a tr:Firm ;
        skos:exactMatch <https://example.org/not-wikidata> .
    <https://w3id.org/tech-rivalry/id/body/c> a tr:GovernmentBody .
    <https://w3id.org/tech-rivalry/id/position/p> a tr:Position ;
        tr:startDate "2024-01-01"^^xsd:date .
    <https://w3id.org/tech-rivalry/id/position/q> a tr:Position .
"""
)


def test_citability_figures():

    store = ox.Store()
    store.load(CITABILITY.encode(), format=ox.RdfFormat.TRIG)
    assert dict(source_quality(store)) == {
        "source documents": 5,
        "slug titles": 3,  # the last path segment (less an id or /amp), whatever the host
        "slug titles, page shows no headline": 1,
        "slug titles, headline not read": 2,
        "undated": 2,
        "undated, reason stated": 1,
        "undated, no reason stated": 1,
        "on a government site": 2,  # federalregister.gov and mofcom.gov.cn, not notgov.example
    }
    assert identity_quality(store) == [
        ("firms", 2),
        ("firms with a Wikidata id", 1),
        ("government bodies", 1),
        ("government bodies with a Wikidata id", 0),
        ("firms and bodies with a Wikidata id, share", "33 %"),
        ("positions", 2),
        ("positions with a start date", 1),
    ]


def test_shipped_graph_citability(built, project, store):
    stats = collect(store)
    section = dict((name, value) for _, name, value in stats.section("citability"))
    assert section["source documents"] == stats.get("source documents", "all")
    assert section["undated"] == (
        section["undated, reason stated"] + section["undated, no reason stated"]
    )
    identity = dict((name, value) for _, name, value in stats.section("identity"))
    assert identity["positions with a start date"] <= identity["positions"]
