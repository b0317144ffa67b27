"""Source lineage and claims in time, on tests/cases/lineage.trig: a mirror and a syndicated
copy of a wire story are one report with it, not corroboration; a withdrawn wording retracts
the claim from the day it is known to be gone; declining to comment is a position (of a body
and of a firm in its own name) but contests nothing; the credited first reporter is read."""

from __future__ import annotations

import pytest

from conftest import CASES, built_project
from rivalry.analysis.stats import collect
from rivalry.gate.check import check
from rivalry.store.embedded import open_store
from test_queries import answer


@pytest.fixture(scope="module")
def lineage_project(tmp_path_factory):
    return built_project(tmp_path_factory.mktemp("lineage"), [CASES / "lineage.trig"])


@pytest.fixture(scope="module")
def lineage_store(lineage_project):
    return open_store(lineage_project.store_path)


def test_a_copy_and_its_original_are_one_report(lineage_store):
    rows = answer(lineage_store, "single-source-facts")
    hq = [
        r
        for r in rows
        if r["subject"] == "firm:test-chipmaker" and r["predicate"] == "tr:headquarteredIn"
    ]
    assert len(hq) == 1, "three copies of one story must not corroborate it"
    stats = collect(lineage_store)
    # the bureau and the matter (3 + 2 triples) are stated by two independent reports; the
    # chipmaker's three triples, stated only by the wire and its copies, are not corroborated
    assert stats.get("facts", "corroborated (2+ sources)") == 5
    assert stats.get("lineage", "strict mirrors") == 1
    assert stats.get("lineage", "syndicated copies") == 1
    assert stats.get("lineage", "read at the original publisher") == 2


def positions(store, entity, date):
    return answer(store, "position-as-of", entity=entity, date=date)


def test_withdrawn_wording_and_declined_comment_in_position_as_of(lineage_store):
    [before] = positions(lineage_store, "state:US", "2025-04-04")
    assert (before["stance"], before["retracted"]) == ("affirms", "")
    on_fifth = positions(lineage_store, "state:US", "2025-04-05")
    assert {(r["stance"], r["retracted"]) for r in on_fifth if r["claimant"] == "Test Bureau"} == {
        ("affirms", "2025-04-05")
    }
    later = positions(lineage_store, "body:test-bureau", "2025-04-07")
    assert [(r["stance"], r["claimedOn"]) for r in later] == [("declines to comment", "2025-04-06")]


def test_an_entity_is_its_own_claimant(lineage_store):
    """The old query matched the entity itself through an empty-group FILTER, never true."""
    rows = positions(lineage_store, "firm:test-other", "2025-04-05")
    assert [r["stance"] for r in rows] == ["declines to comment"]


def test_declining_to_comment_contests_nothing(lineage_store):
    assert answer(lineage_store, "contested-claims") == []
    stats = collect(lineage_store)
    assert stats.get("claims", "contested matters") == 0


def test_first_reported(lineage_store):
    [row] = answer(lineage_store, "first-reported", event="event:2025-04-01-test-bureau-statement")
    assert row["creditedOutlet"] == "Test Wire"
    assert row["earliestPublished"] == "2025-04-01"
    assert row["reports"] == "2"


CHANGE = """@prefix tr: <https://w3id.org/tech-rivalry/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix state: <https://w3id.org/tech-rivalry/id/state/> .
@prefix firm: <https://w3id.org/tech-rivalry/id/firm/> .
@prefix claim: <https://w3id.org/tech-rivalry/id/claim/> .
@prefix matter: <https://w3id.org/tech-rivalry/id/matter/> .
@prefix publisher: <https://w3id.org/tech-rivalry/id/publisher/> .
@prefix source: <https://w3id.org/tech-rivalry/id/source/> .
<https://w3id.org/tech-rivalry/graph/test-late-report> {
    source:test-late-report a tr:NewsReport ;
        tr:url "https://late.example.org/tech-rivalry-tests/late-report"^^xsd:anyURI ;
        tr:publisher publisher:test-daily ; tr:published "2025-04-08"^^xsd:date ;
        tr:title "Test fixture: a later report (not a real report)"@en ;
        tr:describesGraph <https://w3id.org/tech-rivalry/graph/test-late-report> .
    firm:test-third a tr:Firm ; rdfs:label "Test Third Firm"@en ; tr:headquarteredIn state:US .
    claim:test-third-no-comment a tr:Claim ; tr:claimant firm:test-third ;
        tr:matter matter:test-matter ; tr:stance tr:DeclinesToComment ;
        tr:claimedOn "2025-04-08"^^xsd:date ; tr:source source:test-late-report .
}
"""


def test_the_gate_does_not_call_a_declined_comment_contested(
    lineage_project, lineage_store, tmp_path
):
    change = tmp_path / "late.trig"
    change.write_text(CHANGE, encoding="utf-8")
    report = check(lineage_project, lineage_store, [change])
    assert not report.violations, [p.message for p in report.violations]
    assert not [p for p in report.warnings if p.rule == "contested"]
