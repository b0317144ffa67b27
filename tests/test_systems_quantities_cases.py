"""Issue 13, capabilities 3, 5 and 15 on the shipped graph: the May 2025 "3,000" claims
count different things (units, chips, GPUs) and the quantities query keeps them apart; the
Singapore server-fraud case is structure (court, defendants, one charge per defendant and
offence, dates, alleged victims, the sums in two currencies); the Skyvast cloud hosts
DeepSeek's model and runs on Huawei Ascend; and a chip content that names its chip makes
the build derive that the system contains it."""

from __future__ import annotations

import pytest

from conftest import ROOT, built_project
from rivalry.store.embedded import open_store
from rivalry.web import ontology_parts
from test_queries import answer

PLANNED = (
    "How many Huawei Ascend units the Strategic AI Infrastructure project planned to deploy by 2026"
)


def test_equal_counts_of_different_things_are_different_claims(store):
    rows = [r for r in answer(store, "quantities") if r["matterLabel"] == PLANNED]
    assert {r["value"] for r in rows} == {"3000"}
    kinds = {r["source"]: r["counts"] for r in rows}
    assert kinds == {
        "source:thestar-2025-05-21-miti": "unspecified units",
        "source:crnasia-skyvast-160m": "chips, counted one by one",
        "source:reportify-sohu-2025-05-19": "GPUs, counted one by one",
    }


def test_money_carries_its_currency(store):
    rows = answer(store, "quantities", holder="case:sg-server-fraud-prosecution")
    assert {(r["value"], r["currency"]) for r in rows} == {
        ("390000000", "USD"),
        ("519000000", "SGD"),
    }
    assert all(r["property"] == "amount involved" for r in rows)


def test_the_singapore_case_is_structure(store):
    rows = answer(store, "cases", case="case:sg-server-fraud-prosecution")
    assert len(rows) == 6  # two charges for each of the three defendants
    assert {r["court"] for r in rows} == {"State Courts of Singapore"}
    by_defendant: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_defendant.setdefault(row["defendant"], []).append(row)
    assert sorted(by_defendant) == ["Aaron Woon Guo Jie", "Alan Wei Zhaolun", "Li Ming"]
    for name in ("Aaron Woon Guo Jie", "Alan Wei Zhaolun"):
        charges = {(r["victims"], r["chargedOn"], r["amendedOn"]) for r in by_defendant[name]}
        assert charges == {("Dell", "2025-02-27", "2025-03-06"), ("Supermicro", "2025-03-06", "")}
    access = [r for r in by_defendant["Li Ming"] if r["offenceOn"]]
    assert [(r["chargedOn"], r["offenceOn"]) for r in access] == [("2025-03-06", "2024-06-19")]
    assert {r["amounts"] for r in rows} == {"390000000 USD = 519000000 SGD"}


def test_cloud_hosts_a_model_and_runs_on_chips(store):
    rows = answer(store, "systems", item="service:skyvast-genai-cloud")
    assert [(r["hosts"], r["runsOn"], r["deployedIn"]) for r in rows] == [
        ("DeepSeek large language model", "Huawei Ascend", "Malaysia")
    ]
    server = answer(store, "systems", item="system:altermatic-dt250")
    assert [r["contains"] for r in server] == ["8 x unnamed (GPUs, counted one by one)"]


@pytest.fixture(scope="module")
def systems_store(tmp_path_factory):
    case = built_project(
        tmp_path_factory.mktemp("systems"),
        [
            ROOT / "tests" / "shapes" / "valid" / "systems-server-model-and-cloud.trig",
            ROOT / "graph" / "reference" / "iso-3166.trig",
        ],
    )
    return open_store(case.store_path)


def test_a_chip_content_derives_that_the_system_contains_the_chip(systems_store):
    rows = answer(
        systems_store, "systems", item="system:test-systems-server-model-and-cloud-server"
    )
    assert [r["contains"] for r in rows] == [
        "8 x Test systems-server-model-and-cloud accelerator (GPUs, counted one by one)"
    ]
    ask = (
        "PREFIX tr: <https://w3id.org/tech-rivalry/ontology#> "
        "PREFIX system: <https://w3id.org/tech-rivalry/id/system/> "
        "PREFIX family: <https://w3id.org/tech-rivalry/id/family/> "
        "ASK { system:test-systems-server-model-and-cloud-server tr:containsItem "
        "family:test-systems-server-model-and-cloud-accel }"
    )
    assert systems_store.query(ask)


def test_the_ontology_page_lists_each_module_change(store):
    page = ontology_parts.metadata(store)
    assert "<th>changes</th>" in page
    for module in ("a systems module", "a quantities module", "a cases module"):
        assert f"0.2.0: {module}" in page
