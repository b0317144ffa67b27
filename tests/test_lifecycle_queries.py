"""A measure's life cycle in the as-of queries, day by day, on tests/cases/lifecycle.trig:
a rule suspended from 2025-03-01 to 2025-03-03 is not in force on those days and is again
on 2025-03-04; a rule its issuer announced on 2025-02-01 it will not enforce stays listed,
reported as "not enforced" from that day; a bureau renamed on 2025-03-10 keeps its old
name in the answers for the days before."""

from __future__ import annotations

import pytest

from conftest import CASES, built_project
from rivalry.store.embedded import open_store
from test_queries import answer

RULE = "instrument:us-life-rule"
UNENFORCED = "instrument:us-unenforced-rule"
SUSPENDED_DAYS = {"2025-03-01", "2025-03-02", "2025-03-03"}
DAYS = ["2025-02-27", "2025-02-28", *sorted(SUSPENDED_DAYS), "2025-03-04", "2025-03-05"]


@pytest.fixture(scope="module")
def life_store(tmp_path_factory):
    case = built_project(tmp_path_factory.mktemp("life"), [CASES / "lifecycle.trig"])
    return open_store(case.store_path)


def restricted(store, date: str) -> dict[str, str]:
    rows = answer(store, "restricted-as-of", state="state:US", date=date)
    return {row["instrument"]: row["enforcement"] for row in rows}


@pytest.mark.parametrize("day", DAYS)
def test_a_suspended_rule_is_not_in_force_while_suspended(life_store, day):
    in_force = restricted(life_store, day)
    assert (RULE in in_force) is (day not in SUSPENDED_DAYS)
    assert UNENFORCED in in_force


@pytest.mark.parametrize("day", DAYS)
def test_a_relation_under_a_suspended_rule_lapses_while_suspended(life_store, day):
    rows = answer(life_store, "relations-as-of", entity="firm:lifefirm", date=day)
    assert bool(rows) is (day not in SUSPENDED_DAYS)


@pytest.mark.parametrize(
    ("day", "status"),
    [("2025-01-31", "in force"), ("2025-02-01", "not enforced"), ("2025-03-02", "not enforced")],
)
def test_announced_non_enforcement_is_reported_not_hidden(life_store, day, status):
    assert restricted(life_store, day)[UNENFORCED] == status


def status(store, date: str) -> dict[str, str]:
    rows = answer(store, "instrument-status-as-of", date=date)
    return {row["instrument"]: row["status"] for row in rows}


OCTOBER_CONTROLS = (
    "instrument:cn-rare-earth-technology-controls-2025",
    "instrument:cn-rare-earth-extraterritorial-controls-2025",
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2025-11-06", "in force"),
        ("2025-11-07", "suspended"),
        ("2026-11-10", "suspended"),
        ("2026-11-11", "in force"),
    ],
)
def test_mofcom_suspended_the_october_2025_controls_until_november_2026(store, day, expected):
    """MOFCOM Announcement No. 70 of 2025 (rawmaterials.net, 7 November 2025)."""
    today = status(store, day)
    assert [today[name] for name in OCTOBER_CONTROLS] == [expected, expected]


def test_bis_announced_it_would_not_enforce_the_ai_diffusion_rule(store):
    """Morrison Foerster, 17 June 2025: non-enforcement announced 13 May 2025."""
    rule = "instrument:us-ai-diffusion-rule-2025"
    assert status(store, "2025-05-12")[rule] == "in force"
    assert status(store, "2025-05-13")[rule] == "not enforced"


@pytest.mark.parametrize(
    ("day", "name"),
    [
        ("2025-03-08", "Old Life Bureau"),
        ("2025-03-09", "Old Life Bureau"),
        ("2025-03-10", "Life Bureau"),
        ("2025-03-11", "Life Bureau"),
    ],
)
def test_relations_give_a_renamed_body_the_name_it_bore_that_day(life_store, day, name):
    rows = answer(life_store, "relations-as-of", entity="body:us-life-bureau", date=day)
    assert {row["object"] for row in rows if row["relation"] == "official of"} == {name}


@pytest.mark.parametrize(
    ("day", "name"),
    [
        ("2025-03-09", "Old Life Bureau"),
        ("2025-03-11", "Old Life Bureau"),
        ("2025-03-12", "Life Bureau"),
    ],
)
def test_position_names_the_claimant_as_it_was_called_when_it_spoke(life_store, day, name):
    rows = answer(life_store, "position-as-of", entity="state:US", date=day)
    assert [row["claimant"] for row in rows] == [name]


@pytest.mark.parametrize(
    ("day", "name"),
    [
        ("2023-01-01", "Ministry of International Trade and Industry"),
        ("2023-04-13", "Ministry of Investment, Trade and Industry"),
    ],
)
def test_miti_bore_its_old_name_before_the_2023_renaming(store, day, name):
    """paultan.org, 13 April 2023: the ministry was renamed, keeping its acronym."""
    rows = answer(store, "relations-as-of", entity="body:my-miti", date=day)
    assert {row["object"] for row in rows if row["relation"] == "official of"} == {name}
