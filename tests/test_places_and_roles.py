"""Places below the state, agreements and roles in projects (issue 13, capabilities 1, 2, 4).

The derivation rules are checked on a tiny store; the catalogue queries on the real graph
and on tests/cases/places-projects.trig, where a firm and its fab are placed only in a
city, so the queries by country find them only through the derived state."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from conftest import CASES, ROOT, built_project
from rivalry.kernel.namespaces import PREFIXES
from rivalry.reason.rules import materialise, rule_queries
from rivalry.store.embedded import open_store
from test_queries import answer

TINY = """
@prefix tr: <https://w3id.org/tech-rivalry/ontology#> .
@prefix state: <https://w3id.org/tech-rivalry/id/state/> .
@prefix place: <https://w3id.org/tech-rivalry/id/place/> .
@prefix firm: <https://w3id.org/tech-rivalry/id/firm/> .
@prefix facility: <https://w3id.org/tech-rivalry/id/facility/> .
@prefix project: <https://w3id.org/tech-rivalry/id/project/> .
@prefix participation: <https://w3id.org/tech-rivalry/id/participation/> .
place:province tr:placeInState state:CN .
place:district tr:withinPlace place:city .
place:city tr:withinPlace place:province .
firm:a tr:headquartersPlace place:district .
facility:f tr:facilityPlace place:city .
participation:p a tr:ProjectParticipation ;
    tr:participationIn project:x ; tr:participatingOrganisation firm:a .
tr:withinPlace a <http://www.w3.org/2002/07/owl#TransitiveProperty> .
"""


def derived(triples: str) -> ox.Store:
    store = ox.Store()
    store.load(triples.encode(), ox.RdfFormat.TURTLE)
    materialise(store, rule_queries(ROOT / "ontology" / "rules"))
    return store


def holds(store: ox.Store, pattern: str) -> bool:
    return bool(store.query(f"ASK {{ {pattern} }}", prefixes=PREFIXES))


def test_the_state_is_derived_from_the_place_at_any_depth():
    store = derived(TINY)
    assert holds(store, "place:district tr:placeInState state:CN")
    assert holds(store, "firm:a tr:headquarteredIn state:CN")
    assert holds(store, "facility:f tr:facilityIn state:CN")


def test_a_qualified_participation_gives_the_direct_participant():
    assert holds(derived(TINY), "project:x tr:participant firm:a")


@pytest.fixture(scope="module")
def places_store(tmp_path_factory):
    case = built_project(tmp_path_factory.mktemp("places"), [CASES / "places-projects.trig"])
    return open_store(case.store_path)


def test_queries_by_country_find_what_is_placed_only_in_a_city(places_store):
    """The case writes no state for the firm or its fab (the build's shapes would reject the
    fab without tr:facilityIn): both are found by country through the derived state."""
    firms = [
        q["firm"].value
        for q in places_store.query(
            "SELECT ?firm WHERE { ?firm tr:headquarteredIn state:CN }", prefixes=PREFIXES
        )
    ]
    assert firms == [PREFIXES["firm"] + "case-foundry"]
    rows = answer(places_store, "places-by-state", state="state:CN")
    assert {(r["thing"], r["relation"], r["placeName"], r["withinName"]) for r in rows} == {
        ("firm:case-foundry", "headquarters", "Case City", "Case Province"),
        ("facility:case-fab", "facility", "Case City", "Case Province"),
    }
    assert answer(places_store, "places-by-state", state="state:MY") == []


def test_participants_with_and_without_a_role(places_store):
    rows = answer(places_store, "project-participants", project="project:case-cloud")
    assert [(r["participant"], r["role"], r["day"]) for r in rows] == [
        ("firm:case-developer", "developer", "2025-01-15"),
        ("firm:case-operator", "operator", "2025-05-19"),
        ("firm:case-bystander", "", ""),
    ]


def test_the_graph_places_huawei_in_shenzhen_and_the_launch_in_kuala_lumpur(store):
    china = answer(store, "places-by-state", state="state:CN")
    assert ("firm:huawei", "headquarters", "Shenzhen") in {
        (r["thing"], r["relation"], r["placeName"]) for r in china
    }
    malaysia = answer(store, "places-by-state", state="state:MY")
    assert [r["placeName"] for r in malaysia if r["relation"] == "event"] == ["Kuala Lumpur"]


def test_the_sabah_mou_has_parties_signatories_witness_day_and_place(store):
    rows = {r["agreement"]: r for r in answer(store, "agreements")}
    mou = rows["agreement:2023-11-07-sabah-huawei-digital-transformation-mou"]
    assert mou["kind"] == "memorandum of understanding"
    assert set(mou["parties"].split("; ")) == {
        "Sabah State Government",
        "Huawei Technologies (Malaysia) Sdn Bhd",
    }
    assert set(mou["signatories"].split("; ")) == {"Zainuddin Aman", "Simon Sun"}
    assert mou["witnesses"] == "Hajiji Noor"
    assert (mou["signedOn"], mou["placeName"]) == ("2023-11-07", "Shenzhen")


def test_the_strategic_ai_project_roles(store):
    rows = answer(store, "project-participants")
    assert {(r["participant"], r["role"]) for r in rows} == {
        ("firm:skyvast", "developer"),
        ("firm:huawei", "technology partner"),
        ("firm:leadyo", "technology partner"),
        ("firm:skyvast-cloud", "operator"),
    }
