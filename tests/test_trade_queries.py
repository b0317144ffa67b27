"""Ownership, supply, classification and licensing in the catalogue, on tests/cases/trade.trig:
control passes along a chain of majority shares and the shares multiply; an owner whose
share ended drops out; a supply ended by a rule is listed up to its last day and no later,
and is not a truthy tr:suppliesTo; a chip classified under an ECCN paragraph is reached by a
requirement on the ECCN; a country group reaches its member only on the days it holds."""

from __future__ import annotations

import pytest

from conftest import CASES, built_project
from rivalry.kernel.namespaces import PREFIXES
from rivalry.store.embedded import open_store
from test_queries import answer


@pytest.fixture(scope="module")
def trade_store(tmp_path_factory):
    case = built_project(tmp_path_factory.mktemp("trade"), [CASES / "trade.trig"])
    return open_store(case.store_path)


def chain(store, date: str) -> dict[str, tuple[str, str, str]]:
    rows = answer(store, "ownership-chain", firm="firm:tradefab", date=date)
    return {r["owner"]: (r["depth"], r["effectiveShare"], r["controls"]) for r in rows}


def test_control_passes_along_majority_shares(trade_store):
    owners = chain(trade_store, "2024-06-01")
    assert owners == {
        "firm:tradeholding": ("1", "60", "true"),
        "firm:tradegroup": ("2", "60", "true"),
    }


def test_an_ended_share_counts_until_its_last_day(trade_store):
    owners = chain(trade_store, "2023-12-31")
    assert owners["firm:tradeinvestor"] == ("3", "18", "false")
    assert "firm:tradeinvestor" not in chain(trade_store, "2024-01-01")
    assert chain(trade_store, "2019-12-31") == {}  # before the fab's first share


def holds(store, ask: str) -> bool:
    return bool(store.query(ask, prefixes=PREFIXES))


def test_control_is_derived_for_majority_owners_only(trade_store):
    ask = "ASK { firm:tradefab tr:controlledBy+ firm:tradegroup }"
    assert holds(trade_store, ask)
    ask = "ASK { firm:tradegroup tr:controlledBy firm:tradeinvestor }"
    assert not holds(trade_store, ask)


@pytest.mark.parametrize(
    ("day", "supplies"),
    [("2018-12-31", set()), ("2019-01-01", {"firm:tradefab"}), ("2020-09-14", {"firm:tradefab"}),
     ("2020-09-15", set()), ("2021-01-01", {"firm:tradeholding"})],
)  # fmt: skip
def test_supply_holds_until_the_day_it_ended(trade_store, day, supplies):
    rows = answer(trade_store, "supply-as-of", firm="firm:tradedesigner", date=day)
    assert {r["supplier"] for r in rows} == supplies
    for row in rows:
        if row["supplier"] == "firm:tradefab":
            assert row["endedBy"] == "instrument:us-trade-rule"
            assert row["supplierKind"] == "Foundry"


def test_an_ended_supply_is_not_truthy(trade_store):
    ask = "ASK { firm:%s tr:suppliesTo firm:tradedesigner }"
    assert not holds(trade_store, ask % "tradefab")
    assert holds(trade_store, ask % "tradeholding")


def test_items_under_a_paragraph_are_items_of_the_eccn(trade_store):
    rows = answer(trade_store, "items-by-eccn", eccn="eccn:9A999")
    assert [(r["item"], r["classifiedAs"], r["category"]) for r in rows] == [
        ("chip:tradechip", "9A999.b", "9")
    ]


def test_a_requirement_on_an_eccn_reaches_its_items(trade_store):
    rows = answer(trade_store, "licence-policy", entity="chip:tradechip")
    assert [(r["how"], r["policy"]) for r in rows] == [
        ("classified under 9A999", "CaseByCaseReview")
    ]


@pytest.mark.parametrize(
    ("day", "reached"), [("2023-12-31", False), ("2024-01-01", True), ("2024-12-31", True),
                         ("2025-01-01", False)]
)  # fmt: skip
def test_a_country_group_reaches_its_member_only_while_it_holds(trade_store, day, reached):
    rows = answer(trade_store, "licence-policy", entity="state:MY", date=day)
    assert bool(rows) is reached
    if reached:
        assert rows[0]["how"] == "destination in country group Z:1"


def test_an_end_user_has_its_review_policy(trade_store):
    rows = answer(trade_store, "licence-policy", entity="firm:tradefab")
    assert [(r["how"], r["policy"]) for r in rows] == [("end user", "PresumptionOfDenial")]


def test_licence_decisions_are_grants_and_denials(trade_store):
    rows = answer(trade_store, "licence-decisions", state="state:US")
    assert [(r["day"], r["outcome"], r["first"]) for r in rows] == [
        ("2020-06-01", "granted", "true"),
        ("2020-07-01", "denied", ""),
    ]
