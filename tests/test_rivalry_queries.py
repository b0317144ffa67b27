"""The rivalry analysis queries on the hand-written case (tests/cases/rivalry.trig), built
into a real store by the project's own build: exact rows for each day that matters, so
a change in what "in force", "responds to" or "exposed" means shows up here.

The case: the US issues guidance restricting a Casefirm chip (announced 2025-05-13), lists
Casefirm (effective 2025-06-01) and had a rule on the chip from 2020, rescinded on
2025-01-01. China's anti-sanctions law (2021) is invoked against the rule (2024-06-01), the
guidance (2025-05-21) and the listing (2025-06-10); a Chinese countermeasure answers the
listing (announced 2025-06-05). In Malaysia a project run by Case Operator uses the chip's
family, and Casefirm has a Malaysian subsidiary with a fab. An amendment to the guidance
(announced 2025-06-20) restricts a second chip of the family.
"""

from __future__ import annotations

from test_queries import answer

GUIDANCE = "instrument:us-case-guidance-2025"
LISTING = "designation:case-list-casefirm-2025"
OLD_RULE = "instrument:us-case-rule-2020"
PROJECT = "project:my-case-cloud"
SUBSIDIARY = "firm:casefirm-my"
FAB = "facility:casefirm-my-fab"
HOSTS = "hosts a project using a restricted item"
TAKES_PART = "takes part in a project using a restricted item"


def exposure(store, date: str, **params) -> set[tuple[str, str, str, str]]:
    rows = answer(store, "conflicting-obligations-as-of", date=date, **params)
    assert all(
        row["lawState"] == "China" and row["measureState"] == "United States" for row in rows
    )
    return {(row["exposed"], row["how"], row["through"], row["measure"]) for row in rows}


def test_nobody_is_caught_before_the_rival_invokes_its_law(case_store):
    assert exposure(case_store, "2025-05-20") == set()
    assert exposure(case_store, "2024-05-31") == set()


def test_a_rescinded_measure_stops_catching_anyone(case_store):
    caught = {
        ("state:MY", HOSTS, PROJECT, OLD_RULE),
        ("firm:case-operator", TAKES_PART, PROJECT, OLD_RULE),
    }
    assert exposure(case_store, "2024-06-01") == caught
    assert exposure(case_store, "2024-12-31") == caught
    assert exposure(case_store, "2025-01-01") == set()


def test_malaysia_and_the_operator_are_caught_by_the_guidance(case_store):
    assert exposure(case_store, "2025-05-21") == {
        ("state:MY", HOSTS, PROJECT, GUIDANCE),
        ("firm:case-operator", TAKES_PART, PROJECT, GUIDANCE),
    }
    [row] = answer(
        case_store, "conflicting-obligations-as-of", date="2025-05-21", exposed="Case Operator"
    )
    assert row["restricted"] == "Casefirm Accel 1"
    assert row["measureSince"] == "2025-05-13" and row["firstThreat"] == "2025-05-21"
    assert row["measureSources"] == "https://example.org/case/official"
    assert row["threatSources"] == "https://example.org/case/news"


def test_the_listing_reaches_the_subsidiary_its_fab_and_chips_the_group_designs(case_store):
    # listed on 2025-06-01, but the law is invoked against the listing only on 2025-06-10
    assert exposure(case_store, "2025-06-09") == exposure(case_store, "2025-05-21")
    assert exposure(case_store, "2025-06-10") == {
        ("state:MY", HOSTS, PROJECT, GUIDANCE),
        ("firm:case-operator", TAKES_PART, PROJECT, GUIDANCE),
        ("state:MY", HOSTS, PROJECT, LISTING),
        ("firm:case-operator", TAKES_PART, PROJECT, LISTING),
        ("state:MY", "home of a subsidiary of a restricted firm", SUBSIDIARY, LISTING),
        (SUBSIDIARY, "a subsidiary of a restricted firm", SUBSIDIARY, LISTING),
        ("state:MY", "hosts a facility of a restricted firm's group", FAB, LISTING),
    }
    only = exposure(case_store, "2025-06-10", exposed=SUBSIDIARY)
    assert only == {(SUBSIDIARY, "a subsidiary of a restricted firm", SUBSIDIARY, LISTING)}


def test_an_amendment_in_force_adds_what_it_restricts(case_store):
    def restricted_by_guidance(date):
        rows = answer(case_store, "conflicting-obligations-as-of", date=date, exposed="state:MY")
        [row] = [r for r in rows if r["measure"] == GUIDANCE]
        return set(row["restricted"].split(", "))

    assert restricted_by_guidance("2025-06-19") == {"Casefirm Accel 1"}
    assert restricted_by_guidance("2025-06-20") == {"Casefirm Accel 1", "Casefirm Accel 2"}


def test_the_rivals_and_their_own_firms_are_never_caught(case_store):
    caught = {row[0] for row in exposure(case_store, "2025-12-31")}
    assert caught.isdisjoint({"state:US", "state:CN", "firm:casefirm", "firm:us-casecorp"})


def test_measure_responses_pair_measures_with_countermeasures_and_threats(case_store):
    rows = answer(case_store, "measure-responses")
    got = [
        (row["responseDate"], row["kind"], row["measure"], row["response"], row["invokes"])
        for row in rows
    ]
    law = "Case anti-sanctions law"
    assert got == [
        ("2024-06-01", "threat of countermeasures", OLD_RULE, "event:2024-06-01-case-threat", law),
        ("2025-05-21", "threat of countermeasures", GUIDANCE, "event:2025-05-21-case-threat", law),
        ("2025-06-05", "countermeasure", LISTING, "instrument:cn-case-countermeasure-2025", law),
        ("2025-06-10", "threat of countermeasures", LISTING, "event:2025-06-10-case-threat", law),
    ]
    assert {(row["measureState"], row["responseState"]) for row in rows} == {
        ("state:US", "state:CN")
    }
    counter = rows[2]
    assert (
        counter["measureDate"] == "2025-06-01" and counter["responseName"] == "Case countermeasure"
    )
    assert counter["sources"] == "https://example.org/case/official"


def test_measure_responses_by_window_and_state(case_store):
    window = answer(case_store, "measure-responses", **{"from": "2025-06-01", "to": "2025-06-30"})
    assert [row["responseDate"] for row in window] == ["2025-06-05", "2025-06-10"]
    assert answer(case_store, "measure-responses", responseState="state:US") == []
    by_cn = answer(case_store, "measure-responses", responseState="China", measureState="state:US")
    assert len(by_cn) == 4


def restricted(store, date: str, state: str = "state:US") -> set[tuple[str, str, str, str]]:
    rows = answer(store, "restricted-as-of", state=state, date=date)
    return {(row["target"], row["targetKind"], row["how"], row["instrument"]) for row in rows}


def test_restricted_as_of_follows_dates_and_rescission(case_store):
    chip = "chip:casefirm-accel-1"
    assert restricted(case_store, "2019-12-31") == set()
    assert restricted(case_store, "2020-01-01") == {(chip, "chip", "restricts", OLD_RULE)}
    assert restricted(case_store, "2025-05-13") == {(chip, "chip", "restricts", GUIDANCE)}
    assert restricted(case_store, "2025-06-01") == {
        (chip, "chip", "restricts", GUIDANCE),
        ("firm:casefirm", "firm", "designates", LISTING),
    }
    amendment = "instrument:us-case-guidance-amendment-2025"
    assert restricted(case_store, "2025-06-20") == {
        (chip, "chip", "restricts", GUIDANCE),
        ("chip:casefirm-accel-2", "chip", "restricts", amendment),
        ("firm:casefirm", "firm", "designates", LISTING),
    }
    [listing] = [
        row
        for row in answer(case_store, "restricted-as-of", date="2025-06-01")
        if row["instrument"] == LISTING
    ]
    assert listing["list"] == "Case List" and listing["kind"] == "list designation"
    assert listing["since"] == "2025-06-01"


def test_restricted_as_of_for_the_other_side(case_store):
    countermeasure = "instrument:cn-case-countermeasure-2025"
    assert restricted(case_store, "2025-06-14", state="state:CN") == set()
    assert restricted(case_store, "2025-06-15", state="China") == {
        ("firm:us-casecorp", "firm", "restricts", countermeasure)
    }
