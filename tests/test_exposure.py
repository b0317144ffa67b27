"""rivalry explain exposure: paths day by day on a hand-written case, the timeline, what if,
the ranking query, the real graph's story, and the CLI as a user runs it.

The case (tests/cases/exposure-paths.trig) is worked out by hand: a US rule on the chip
Exco X1 from 2024-03-01, rescinded on 2024-09-01 (the ontology has no suspension term; the
gap until the 2025 rule stands for one), a new rule from 2025-01-15, Exco listed from
2024-06-01; China's law invoked against each by threats on 2024-04-01, 2024-06-10 and
2025-02-01 (a conflict counts from its first threat); a subsidiary chain of depth 3; a
project in Malaysia using the Exco Accel family (with a contested claim); a Taiwanese
foundry fabricating X1 until 2025-03-31.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import CASES, ROOT, built_project, rivalry
from rivalry.analysis import exposure
from rivalry.analysis.exposure import render
from rivalry.kernel.namespaces import PREFIXES, compact
from rivalry.kernel.paths import Project
from rivalry.query import catalogue, execute
from rivalry.store.embedded import open_store

ASSUME = CASES / "exposure-assume-ascend-2026.ttl"
RULE_2024 = "instrument:us-exco-rule-2024"
RULE_2025 = "instrument:us-exco-rule-2025"
LISTING = "designation:exco-list-exco-2024"
LAW = "instrument:cn-exco-law-2021"


def iri(name: str) -> str:
    prefix, _, local = name.partition(":")
    return PREFIXES[prefix] + local


@pytest.fixture(scope="module")
def case(tmp_path_factory) -> Project:
    return built_project(tmp_path_factory.mktemp("exposure"), [CASES / "exposure-paths.trig"])


@pytest.fixture(scope="module")
def case_db(case):
    return open_store(case.store_path)


def described(result) -> set[tuple[str, str, str, str]]:
    """(how, through, measure, restricted) of each path, in prefixed names."""
    return {
        (p.how, compact(p.through.iri), compact(p.measure.node.iri), compact(p.restricted.iri))
        for p in result.paths
    }


HOSTS = "hosts a project using a restricted item"
HOME = "home of a subsidiary of a restricted firm"
SUBSIDIARY = "a subsidiary of a restricted firm"
FABRICATES = "fabricates a restricted chip (supplies its designer)"
CLOUD = "project:my-exco-cloud"

# entity, day, the paths holding that day
DAY_BY_DAY = [
    ("state:MY", "2024-03-15", set()),  # the rule is in force, but no threat yet
    ("state:MY", "2024-04-01", {(HOSTS, CLOUD, RULE_2024, "chip:exco-x1")}),
    ("state:MY", "2024-06-09", {(HOSTS, CLOUD, RULE_2024, "chip:exco-x1")}),
    (
        "state:MY",
        "2024-06-10",
        {
            (HOSTS, CLOUD, RULE_2024, "chip:exco-x1"),
            (HOSTS, CLOUD, LISTING, "firm:exco"),
            (HOME, "firm:exco-my", LISTING, "firm:exco"),
        },
    ),
    (
        "state:MY",
        "2024-08-31",
        {
            (HOSTS, CLOUD, RULE_2024, "chip:exco-x1"),
            (HOSTS, CLOUD, LISTING, "firm:exco"),
            (HOME, "firm:exco-my", LISTING, "firm:exco"),
        },
    ),
    # rescinded on 2024-09-01: the rule's path ends, the listing's stay
    (
        "state:MY",
        "2024-09-01",
        {(HOSTS, CLOUD, LISTING, "firm:exco"), (HOME, "firm:exco-my", LISTING, "firm:exco")},
    ),
    # the 2025 rule is in force from 2025-01-15, the conflict from its threat of 2025-02-01
    (
        "state:MY",
        "2025-01-20",
        {(HOSTS, CLOUD, LISTING, "firm:exco"), (HOME, "firm:exco-my", LISTING, "firm:exco")},
    ),
    (
        "state:MY",
        "2025-02-01",
        {
            (HOSTS, CLOUD, RULE_2025, "chip:exco-x1"),
            (HOSTS, CLOUD, LISTING, "firm:exco"),
            (HOME, "firm:exco-my", LISTING, "firm:exco"),
        },
    ),
    ("firm:exco-my", "2024-06-09", set()),
    ("firm:exco-my", "2024-06-10", {(SUBSIDIARY, "firm:exco-asia", LISTING, "firm:exco")}),
    (
        "state:SG",
        "2024-06-10",
        {
            (HOME, "firm:exco-holdings", LISTING, "firm:exco"),
            (HOME, "firm:exco-asia", LISTING, "firm:exco"),
        },
    ),
    (
        "firm:tw-foundry",
        "2025-03-31",
        {
            (FABRICATES, "chip:exco-x1", RULE_2025, "chip:exco-x1"),
            (FABRICATES, "chip:exco-x1", LISTING, "firm:exco"),
        },
    ),
    ("firm:tw-foundry", "2025-04-01", set()),  # the supply relation ended on 2025-03-31
    ("state:TW", "2025-03-31", set()),  # home of a supplier, not of a subsidiary
    ("state:CN", "2025-03-31", set()),  # a party to the conflict, not caught in it
    ("firm:exco", "2025-03-31", set()),
]


@pytest.mark.parametrize(("entity", "day", "expected"), DAY_BY_DAY)
def test_paths_day_by_day(case_db, entity, day, expected):
    result = exposure.explain(case_db, entity, date.fromisoformat(day))
    assert described(result) == expected
    for path in result.paths:
        assert compact(path.law.node.iri) == LAW
        assert all(link.sources for link in path.links), path.key


def test_a_subsidiary_chain_of_depth_three_is_each_link_with_its_source(case_db):
    [path] = exposure.explain(case_db, "firm:exco-my", date(2025, 5, 21)).paths
    chain = [(compact(k.subject.iri), k.relation, compact(k.object.iri)) for k in path.links]
    assert chain == [
        (LISTING, "tr:designates", "firm:exco"),
        ("firm:exco-holdings", "tr:subsidiaryOf", "firm:exco"),
        ("firm:exco-asia", "tr:subsidiaryOf", "firm:exco-holdings"),
        ("firm:exco-my", "tr:subsidiaryOf", "firm:exco-asia"),
    ]
    assert {s.url for k in path.links[1:] for s in k.sources} == {
        "https://example.org/exco/registry"
    }
    kinds = {(a.kind, a.day) for a in path.acts}
    assert kinds == {("threat", date(2024, 6, 10)), ("countermeasure", None)}


def test_a_supply_link_carries_its_dates_and_source(case_db):
    result = exposure.explain(case_db, "firm:tw-foundry", date(2024, 7, 1))
    supply = {k for p in result.paths for k in p.links if k.relation == "tr:fabricatedBy"}
    [link] = supply
    assert [(p.start, p.end) for p in link.periods] == [(date(2023, 1, 1), date(2025, 3, 31))]
    assert [s.url for s in link.sources] == ["https://example.org/exco/registry"]


def test_a_contested_link_shows_both_sides(case_db):
    result = exposure.explain(case_db, "state:MY", date(2025, 2, 1))
    flagged = {
        (compact(k.subject.iri), k.relation, compact(k.object.iri)): k.contested
        for p in result.paths
        for k in p.links
        if k.contested
    }
    assert set(flagged) == {(CLOUD, "tr:usesItem", "family:exco-accel")}
    [matter] = flagged[(CLOUD, "tr:usesItem", "family:exco-accel")]
    assert matter.name == "How many Exco Accel units Exco Cloud uses"
    assert sorted((c.claimant, c.value) for c in matter.claims) == [
        ("Cloud Operator", "300"),
        ("Exco Wire", "3000"),
    ]
    text = render.text(result)
    assert "! contested: How many Exco Accel units Exco Cloud uses" in text
    assert "Cloud Operator: 300" in text and "Exco Wire: 3000" in text


def test_timeline_of_a_state_with_a_gap(case_db):
    result = exposure.timeline(case_db, "state:MY", date(2024, 1, 1), date(2025, 12, 31))
    rows = [
        (c.day.isoformat(), c.kind, c.count, len(c.began), len(c.ended)) for c in result.changes
    ]
    assert rows == [
        ("2024-04-01", "began", 1, 1, 0),
        ("2024-06-10", "changed", 3, 2, 0),
        ("2024-09-01", "changed", 2, 0, 1),  # the 2024 rule is rescinded
        ("2025-02-01", "changed", 3, 1, 0),  # the 2025 rule's conflict begins
    ]
    assert [(a.isoformat(), b.isoformat(), n) for a, b, n in result.periods()] == [
        ("2024-04-01", "2024-06-09", 1),
        ("2024-06-10", "2024-08-31", 3),
        ("2024-09-01", "2025-01-31", 2),
        ("2025-02-01", "2025-12-31", 3),
    ]


def test_timeline_of_a_supplier_whose_exposure_ends(case_db):
    result = exposure.timeline(case_db, "firm:tw-foundry", date(2024, 5, 1), date(2025, 12, 31))
    rows = [(c.day.isoformat(), c.kind, c.count) for c in result.changes]
    assert rows == [
        ("2024-05-01", "exposed", 1),  # already exposed when the window opens
        ("2024-06-10", "changed", 2),
        ("2024-09-01", "changed", 1),
        ("2025-02-01", "changed", 2),
        ("2025-04-01", "ended", 0),
    ]
    data = json.loads(render.to_json(result))
    assert data["changes"][-1] == {
        "date": "2025-04-01",
        "kind": "ended",
        "paths": 0,
        "began": [],
        "ended": [p.key for p in result.changes[-1].ended],
    }


@pytest.mark.parametrize(
    "day", ["2024-04-01", "2024-07-01", "2024-09-01", "2025-03-31", "2025-04-01"]
)
def test_ranking_counts_the_paths_the_explanation_gives(case, case_db, day):
    ranking = catalogue.find(case.queries_dir, "exposure-ranking")
    bindings = execute.bind(case_db, ranking, {"date": day})
    counted = {
        r["entity"].value: int(r["paths"].value)
        for r in execute.execute(case_db, ranking.text, bindings)
    }
    entities = [
        q.subject.value
        for cls in ("State", "Firm")
        for q in case_db.quads_for_pattern(
            None,
            ox.NamedNode(PREFIXES["rdf"] + "type"),
            ox.NamedNode(PREFIXES["tr"] + cls),
            ox.DefaultGraph(),
        )
    ]
    explained = {
        e: n
        for e in entities
        if (n := len(exposure.explain(case_db, e, date.fromisoformat(day)).paths))
    }
    assert counted == explained
    assert counted  # every chosen day has someone exposed


# ------------------------------------------------------------------ the real graph


def test_malaysia_on_the_story_day(store):
    result = exposure.explain(store, "state:MY", date(2025, 5, 21))
    assert described(result) == {
        (
            HOSTS,
            "project:my-strategic-ai-infrastructure",
            "instrument:us-bis-gp10-guidance-2025",
            chip,
        )
        for chip in (
            "chip:huawei-ascend-910b",
            "chip:huawei-ascend-910c",
            "chip:huawei-ascend-910d",
        )
    }
    for path in result.paths:
        assert compact(path.law.node.iri) == "instrument:cn-anti-foreign-sanctions-law-2021"
        assert [a.day for a in path.acts if a.kind == "threat"] == [date(2025, 5, 21)]
        for link in path.links:
            assert link.sources and all(s.url.startswith("http") for s in link.sources)
    contested = {c.matter for p in result.paths for k in p.links for c in k.contested}
    assert iri("matter:unit-kind-of-planned-ascend-units") in contested
    # the day before the threat, no conflict yet
    assert not exposure.explain(store, "state:MY", date(2025, 5, 20)).paths


def test_explanation_agrees_with_the_conflicting_obligations_query(store, project):
    entry = catalogue.find(project.queries_dir, "conflicting-obligations-as-of")
    rows = execute.execute(store, entry.text, execute.bind(store, entry, {"date": "2025-05-21"}))
    expected: dict[str, set] = {}
    for row in rows:
        expected.setdefault(row["exposed"].value, set()).add(
            (row["how"].value, row["through"].value, row["measure"].value, row["law"].value)
        )
    assert expected
    for entity, ways in expected.items():
        found = exposure.explain(store, entity, date(2025, 5, 21))
        got = {(p.how, p.through.iri, p.measure.node.iri, p.law.node.iri) for p in found.paths}
        assert got == ways, entity


def test_entity_by_label_and_did_you_mean(store):
    assert exposure.explain(store, "Malaysia", date(2025, 5, 21)).entity.iri == iri("state:MY")
    with pytest.raises(exposure.EntityError, match=r"did you mean.*state:MY"):
        exposure.explain(store, "Malaysi", date(2025, 5, 21))
    with pytest.raises(exposure.EntityError, match="neither a state nor a firm"):
        exposure.explain(store, "chip:huawei-ascend-910b", date(2025, 5, 21))


# ------------------------------------------------------------------ what if


def store_fingerprint(path: Path) -> str:
    db = ox.Store.read_only(str(path))
    lines = sorted(db.dump(format=ox.RdfFormat.N_QUADS).splitlines())
    del db
    return hashlib.sha256(b"\n".join(lines)).hexdigest()


def graph_fingerprint(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((root / "graph").rglob("*"))
        if p.is_file()
    }


def test_what_if_a_malaysian_firm_deploys_ascend_chips_in_2026(store, project):
    before = graph_fingerprint(ROOT), store_fingerprint(project.store_path)
    memory, assumed = exposure.overlay(store, project, [ASSUME])
    result = exposure.explain(memory, "firm:my-hypothetical-ai", date(2026, 3, 1), assumed)
    assert described(result) == {
        (
            "takes part in a project using a restricted item",
            "project:my-hypothetical-ascend-2026",
            "instrument:us-bis-gp10-guidance-2025",
            chip,
        )
        for chip in (
            "chip:huawei-ascend-910b",
            "chip:huawei-ascend-910c",
            "chip:huawei-ascend-910d",
        )
    }
    for path in result.paths:
        assert path.assumed
        assert [k.assumed for k in path.links] == [False, False, True, True]
    # Malaysia gains the hypothetical project's paths beside the real one's
    state = exposure.explain(memory, "state:MY", date(2026, 3, 1), assumed)
    throughs = {compact(p.through.iri) for p in state.paths}
    assert throughs == {
        "project:my-strategic-ai-infrastructure",
        "project:my-hypothetical-ascend-2026",
    }
    # nothing was merged: the store and graph/ are as they were
    with pytest.raises(exposure.EntityError, match="not in the graph"):
        exposure.explain(store, "firm:my-hypothetical-ai", date(2026, 3, 1))
    assert (graph_fingerprint(ROOT), store_fingerprint(project.store_path)) == before


# ------------------------------------------------------------------ the CLI


def test_cli_text_json_and_picture(built, project, tmp_path):
    done = rivalry(
        "explain", "exposure", "state:MY", "--date", "2025-05-21", store=project.store_path
    )
    assert done.returncode == 0, done.stderr
    assert "Malaysia (state:MY) on 2025-05-21: 3 exposure paths" in done.stdout
    assert "source: https://" in done.stdout and "threat 2025-05-21" in done.stdout

    done = rivalry(
        "explain",
        "exposure",
        "state:MY",
        "--date",
        "2025-05-21",
        "-f",
        "json",
        store=project.store_path,
    )
    data = json.loads(done.stdout)
    assert data["entity"] == iri("state:MY") and len(data["paths"]) == 3
    assert all(s["url"] for p in data["paths"] for k in p["links"] for s in k["sources"])

    picture = tmp_path / "my.svg"
    done = rivalry(
        "explain",
        "exposure",
        "state:MY",
        "--date",
        "2025-05-21",
        "-f",
        "svg",
        "--out",
        str(picture),
        store=project.store_path,
    )
    assert done.returncode == 0, done.stderr
    svg = picture.read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for label in (
        "Malaysia",
        "Huawei Ascend",
        "Sanctions Law of",
        "located in",
        "forbids compliance with",
        'xlink:href="https://',
    ):
        assert label in svg, label

    done = rivalry(
        "explain",
        "exposure",
        "state:MY",
        "--date",
        "2025-05-21",
        "-f",
        "dot",
        store=project.store_path,
    )
    assert done.stdout.startswith("digraph exposure {"), done.stdout[:80]


def test_cli_timeline_and_what_if(built, project):
    done = rivalry(
        "explain",
        "exposure",
        "state:MY",
        "--from",
        "2025-05-01",
        "--to",
        "2025-06-30",
        store=project.store_path,
    )
    assert done.returncode == 0, done.stderr
    assert "2025-05-21  2025-06-30      3  began +3" in done.stdout

    done = rivalry(
        "explain",
        "exposure",
        "firm:my-hypothetical-ai",
        "--date",
        "2026-03-01",
        "--assume",
        str(ASSUME),
        "-f",
        "json",
        store=project.store_path,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert len(data["paths"]) == 3 and all(p["assumed"] for p in data["paths"])
    assert data["assumed"] == [str(ASSUME)]


def test_cli_case_chain_by_subprocess(case):
    done = rivalry(
        "explain",
        "exposure",
        "Exco Malaysia",
        "--date",
        "2025-05-21",
        store=case.store_path,
        project=case.root,
    )
    assert done.returncode == 0, done.stderr
    assert "Exco Malaysia subsidiary of Exco Asia" in done.stdout
    assert "Exco Holdings subsidiary of Exco" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["state:MY", "--date", "21/05/2025"], "is not a date; write it as YYYY-MM-DD"),
        (["Malaysi", "--date", "2025-05-21"], "did you mean state:MY"),
        (["state:XX", "--date", "2025-05-21"], "is not in the graph"),
        (["chip:huawei-ascend-910b", "--date", "2025-05-21"], "neither a state nor a firm"),
        (["state:MY", "--date", "2025-05-21", "--from", "2025-01-01"], "not both"),
        (["state:MY", "--timeline", "-f", "svg"], "a timeline is text or json"),
        (["state:MY", "--from", "2025-06-01", "--to", "2025-01-01"], "is before"),
        (["state:MY", "--assume", "no-such-file.ttl"], "no such file"),
    ],
)
def test_cli_bad_input_is_a_clear_error(built, project, args, message):
    done = rivalry("explain", "exposure", *args, store=project.store_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_assume_file_that_does_not_parse(built, project, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix tr: <https://w3id.org/tech-rivalry/ontology#> .\ntr:a tr:b .\n")
    done = rivalry(
        "explain",
        "exposure",
        "state:MY",
        "--date",
        "2025-05-21",
        "--assume",
        str(bad),
        store=project.store_path,
    )
    assert done.returncode == 2
    assert f"{bad}:2:" in done.stderr and "Traceback" not in done.stderr


# -------------------------------------------------------------------- what a change does

SKYVAST_CLOUD = ROOT / "tests" / "gate" / "accepted" / "exposure-skyvast-initial-ai-cloud.trig"
GP10 = "instrument:us-bis-gp10-guidance-2025"
AFSL = "instrument:cn-anti-foreign-sanctions-law-2021"


def created_chain(entity: str, last: str, chip: str) -> list[str]:
    return [
        f"{GP10} tr:restricts chip:{chip}",
        f"chip:{chip} tr:productFamily family:huawei-ascend",
        "project:my-skyvast-initial-ai-cloud tr:usesItem family:huawei-ascend",
        f"project:my-skyvast-initial-ai-cloud {last} {entity}",
    ]


def test_check_lists_the_exposure_a_change_creates(store, project):
    from rivalry.analysis.exposure import effect
    from rivalry.gate.check import check

    assert check(project, store, [SKYVAST_CLOUD], owl=False).conforms
    effects = [e.to_json() for e in effect.change_effects(store, project, [SKYVAST_CLOUD])]
    found = {(e["kind"], compact(e["entity"]), tuple(e["links"])) for e in effects}
    chips = ("huawei-ascend-910b", "huawei-ascend-910c", "huawei-ascend-910d")
    assert found == {
        *(
            ("created", "state:MY", tuple(created_chain("state:MY", "tr:locatedIn", c)))
            for c in chips
        ),
        *(
            (
                "created",
                "firm:skyvast-cloud",
                tuple(created_chain("firm:skyvast-cloud", "tr:participant", c)),
            )
            for c in chips
        ),
    }
    for e in effects:
        assert (compact(e["measure"]), compact(e["law"])) == (GP10, AFSL)
        assert e["before"] == [] and e["after"] == [{"start": "2025-05-21", "end": None}]


def test_check_report_has_the_exposure_section_in_every_format(built, project):
    args = ("check", "--no-owl", str(SKYVAST_CLOUD))
    env = {"store": project.store_path, "project": ROOT}
    text = rivalry(*args, **env)
    assert text.returncode == 0, text.stderr
    assert "Exposure" in text.stdout
    assert (
        "created: Malaysia (state:MY) — hosts a project using a restricted item, through "
        "Skyvast Cloud initial generative AI cloud" in text.stdout
    )
    report = json.loads(rivalry(*args, "--format", "json", **env).stdout)
    assert report["conforms"] and len(report["exposure"]) == 6
    assert {e["kind"] for e in report["exposure"]} == {"created"}
    github = rivalry(*args, "--format", "github", **env).stdout
    assert github.count("::notice title=Exposure::created: ") == 6
    turtle = rivalry(*args, "--format", "turtle", **env).stdout
    graph = ox.Store()
    graph.load(turtle.encode(), format=ox.RdfFormat.TURTLE)
    comments = [
        q.object.value
        for q in graph.quads_for_pattern(
            None, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment"), None
        )
    ]
    assert len(comments) == 6 and all(c.startswith("Exposure: created: ") for c in comments)


def test_check_of_a_change_touching_no_exposure_says_so(store, project):
    from rivalry.analysis.exposure import effect

    plain = ROOT / "tests" / "gate" / "accepted" / "new-chip-of-existing-firm.trig"
    effects = effect.change_effects(store, project, [plain])
    assert effects == []
    assert effect.section(effects).lines == ("the change creates, removes or moves no exposure",)


def _dump(store: ox.Store, path: Path) -> None:
    """A release's dataset.nq.gz from a store: its named graphs as N-Quads."""
    import gzip

    path.mkdir()
    quads = [q for q in store if not isinstance(q.graph_name, ox.DefaultGraph)]
    (path / "dataset.nq.gz").write_bytes(
        gzip.compress(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    )


def test_diff_of_two_releases_reports_exposure_changes(store, project, tmp_path):
    memory, _ = exposure.overlay(store, project, [SKYVAST_CLOUD])
    _dump(store, tmp_path / "old")
    _dump(memory, tmp_path / "new")
    result = rivalry("diff", str(tmp_path / "old"), str(tmp_path / "new"), "--format", "json")
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    found = {(e["kind"], compact(e["entity"]), tuple(e["links"])) for e in document["exposure"]}
    assert (
        "created",
        "state:MY",
        tuple(created_chain("state:MY", "tr:locatedIn", "huawei-ascend-910c")),
    ) in found
    assert len(found) == 6 and {k for k, _, _ in found} == {"created"}
    table = rivalry("diff", str(tmp_path / "old"), str(tmp_path / "new"))
    assert "Exposure" in table.stdout
    assert "created: Skyvast Cloud Sdn Bhd (firm:skyvast-cloud)" in table.stdout
    reverse = json.loads(
        rivalry("diff", str(tmp_path / "new"), str(tmp_path / "old"), "-f", "json").stdout
    )
    assert {e["kind"] for e in reverse["exposure"]} == {"removed"}
    assert len(reverse["exposure"]) == 6


# -------------------------------------------------------------------- on a remote server


@pytest.fixture(scope="module")
def case_endpoint(case, tmp_path_factory):
    """`oxigraph serve` (PyPI package oxigraph) loaded with the case store's quads."""
    import servers

    workdir = tmp_path_factory.mktemp("oxigraph-exposure")
    dump = workdir / "dump.nq"
    store = ox.Store.read_only(str(case.store_path))
    store.dump(str(dump), ox.RdfFormat.N_QUADS)
    del store
    with servers.oxigraph_loaded(workdir, dump) as url:
        yield url


@pytest.mark.parametrize(
    ("entity", "day"),
    [("state:MY", "2024-06-10"), ("firm:exco-my", "2024-06-10"), ("firm:tw-foundry", "2025-02-01")],
)
def test_remote_oxigraph_gives_the_same_paths(case, case_endpoint, entity, day):
    local = rivalry(
        "explain",
        "exposure",
        entity,
        "--date",
        day,
        "-f",
        "json",
        project=case.root,
        store=case.store_path,
    )
    far = rivalry(
        "explain",
        "exposure",
        entity,
        "--date",
        day,
        "-f",
        "json",
        "--endpoint",
        case_endpoint,
        project=case.root,
    )
    assert local.returncode == 0, local.stderr
    assert far.returncode == 0, far.stderr
    assert json.loads(far.stdout) == json.loads(local.stdout)
    assert json.loads(local.stdout)["paths"]


def test_remote_timeline_and_errors(case, case_endpoint):
    args = (
        "explain",
        "exposure",
        "state:MY",
        "--from",
        "2024-01-01",
        "--to",
        "2025-12-31",
        "-f",
        "json",
    )
    local = rivalry(*args, project=case.root, store=case.store_path)
    far = rivalry(*args, "--endpoint", case_endpoint, project=case.root)
    assert json.loads(far.stdout) == json.loads(local.stdout)
    assume = rivalry(
        "explain", "exposure", "state:MY", "--assume", str(ASSUME), "--endpoint", case_endpoint
    )
    assert assume.returncode == 2 and "cannot with --endpoint" in assume.stderr
    gone = rivalry("explain", "exposure", "state:MY", "--endpoint", "http://127.0.0.1:9/query")
    assert gone.returncode == 2 and "the endpoint failed" in gone.stderr
