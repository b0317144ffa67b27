"""Provisions, signatures, joint issue, offices and international bodies in the catalogue
queries, on tests/cases/law.trig: the premier changes on 2025-03-10 and the office-holder
answers follow it day by day; a jointly issued decree is one row with both issuers, signed by
the office holder of its signing day; a threat names the article it invokes."""

from __future__ import annotations

import pytest

from conftest import CASES, built_project
from rivalry.kernel.namespaces import PREFIXES
from rivalry.store.embedded import open_store
from test_queries import answer

DECREE = "instrument:cn-case-decree"
BOTH = {"Case Council", "Case Customs Bureau"}


def issuers(joined: str) -> set[str]:
    """GROUP_CONCAT's order is the engine's choice: compare the issuers as a set."""
    return set(joined.split(" + "))


@pytest.fixture(scope="module")
def law_store(tmp_path_factory):
    case = built_project(tmp_path_factory.mktemp("law"), [CASES / "law.trig"])
    return open_store(case.store_path)


@pytest.mark.parametrize(
    ("day", "holders"),
    [
        ("2019-12-31", set()),
        ("2020-01-01", {"Old Premier"}),
        ("2025-03-09", {"Old Premier"}),
        ("2025-03-10", {"New Premier"}),
        ("2025-03-11", {"New Premier"}),
    ],
)
def test_office_holders_follow_the_term_day_by_day(law_store, day, holders):
    rows = answer(law_store, "office-holders-as-of", date=day, office="office:cn-case-premier")
    assert {row["holderName"] for row in rows} == holders


def test_a_signature_is_checked_against_the_office_holder_that_day(law_store):
    rows = [r for r in answer(law_store, "issuers-and-signatories") if r["instrument"] == DECREE]
    assert len(rows) == 1
    row = rows[0]
    assert (row["signatoryName"], row["officeName"], row["day"]) == (
        "New Premier",
        "Case Premier",
        "2025-03-12",
    )
    assert row["holderThatDay"] == "New Premier"
    assert issuers(row["issuers"]) == BOTH
    assert row["issuerCount"] == "2"


def test_the_issuer_filter_finds_a_joint_instrument_by_either_body(law_store):
    for body in ("body:cn-case-council", "body:cn-case-customs"):
        rows = answer(law_store, "issuers-and-signatories", issuer=body)
        assert [r["instrument"] for r in rows] == [DECREE]


def test_a_jointly_issued_instrument_is_one_row_naming_both_issuers(law_store):
    """The one-issuer assumption gave one row per issuer (the old queries, before 0.2)."""
    rows = answer(law_store, "instruments-restricting", firm="firm:casefirm")
    assert [(r["instrument"], issuers(r["issuer"])) for r in rows] == [(DECREE, BOTH)]
    chips = answer(law_store, "chips-singled-out", state="state:CN")
    assert [(r["chip"], issuers(r["issuer"])) for r in chips] == [("chip:casefirm-one", BOTH)]


def test_a_threat_names_the_article_it_invokes(law_store):
    rows = answer(law_store, "provisions-invoked", law="instrument:cn-case-sanctions-law")
    assert [(r["number"], r["heading"], r["kind"], r["date"]) for r in rows] == [
        ("Article 5", "Countermeasures", "threat of countermeasures", "2025-03-20")
    ]


def test_scope_and_membership_are_answered(law_store):
    scopes = answer(law_store, "instrument-scope", scope="tr:ExtraterritorialReach")
    assert [(r["instrument"], r["issuerState"]) for r in scopes] == [(DECREE, "China")]
    members = answer(law_store, "international-members")
    assert {(r["organisationName"], r["stateName"], r["kind"]) for r in members} == {
        ("Case Union", "United States", "supranational union"),
        ("Case Union", "Japan", "supranational union"),
    }


def test_an_international_organisation_counts_as_an_issuer_without_a_state(law_store):
    """Counting by the issuer's state dropped instruments of bodies with no state."""
    rows = answer(law_store, "counts-by-year")
    counted = {(r["year"], r["what"], r["who"]): r["count"] for r in rows}
    assert counted[("2024", "instruments issued", "Case Union")] == "1"
    assert counted[("2025", "instruments issued", "China")] == "1"


def test_a_term_in_office_gives_the_truthy_holds_office(law_store):
    """ontology/rules/office-truthy.rq derives tr:holdsOffice into the inferred graph."""
    rows = law_store.query(
        "ASK { GRAPH trg:inferred { person:new-premier tr:holdsOffice office:cn-case-premier } }",
        prefixes=PREFIXES,
    )
    assert bool(rows)
