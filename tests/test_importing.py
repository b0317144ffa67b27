"""`rivalry import csl|ftm`: hand-written samples in the real formats land on the entities
the graph already has, keep their raw values, pass the gate, change nothing when imported
twice, and malformed files are refused with file:line:column, changing nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import project_copy, rivalry
from rivalry.gate.check import check_change
from rivalry.importing.prepare import prepare
from rivalry.importing.records import share_percentage
from rivalry.kernel.namespaces import PREFIXES
from test_gate import snapshot

SAMPLES = Path(__file__).parent / "importing"
CSL_CSV, CSL_JSON, FTM = (
    SAMPLES / n for n in ("csl-sample.csv", "csl-sample.json", "ftm-sample.json")
)
DAY = "2026-11-20"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A copy of the project with its own built store; the tests below import into it."""
    return project_copy(tmp_path_factory.mktemp("import") / "project")


def run(workspace: Path, *args: str, **kwargs):
    return rivalry(*args, project=workspace, store=workspace / ".rivalry" / "store", **kwargs)


def ask(workspace: Path, query: str) -> list[dict]:
    result = run(workspace, "query", "-", "--format", "json", stdin=query)
    assert result.returncode == 0, result.stderr
    return [
        {k: v["value"] for k, v in b.items()}
        for b in json.loads(result.stdout)["results"]["bindings"]
    ]


# ---------------------------------------------------------------- mapping, in process


def test_rows_land_on_existing_entities(project, store):
    change, mapped = prepare(store, CSL_CSV, "csl", retrieved=DAY)
    assert mapped.matched["c1a0e5d1"] == PREFIXES["firm"] + "huawei"
    assert mapped.matched["c1a0e5d2"] == PREFIXES["firm"] + "hisilicon"  # found by its alias
    assert not any("huawei" in iri for iri in mapped.minted.values())
    # the same new entity on two lists (two rows) is one IRI
    photonics = {mapped.minted["c1a0e5d3"], mapped.minted["c1a0e5d6"]}
    assert photonics == {PREFIXES["organisation"] + "example-photonics-research-institute"}
    report = check_change(project, store, change)
    assert report.conforms, [p.message for p in report.violations]


def test_non_ascii_names_are_kept_and_keyed_by_their_latin_alias(store):
    _, mapped = prepare(store, CSL_CSV, "csl", retrieved=DAY)
    entity = ox.NamedNode(mapped.minted["c1a0e5d4"])
    assert entity.value.endswith("/organisation/beijing-example-semiconductor-co-ltd")
    labels = {q.object.value for q in mapped.quads if q.subject == entity}
    assert "北京示例半导体有限公司" in labels


def test_same_file_gives_same_quads(store):
    first, _ = prepare(store, FTM, "ftm", retrieved=DAY)
    second, _ = prepare(store, FTM, "ftm", retrieved=DAY)
    assert first.facts == second.facts


# ---------------------------------------------------------------- the verbs, end to end


def test_import_csl_csv(workspace):
    result = run(workspace, "import", "csl", str(CSL_CSV), "--retrieved", DAY)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{CSL_CSV}:9: skipped: Vessel 'EXAMPLE STAR'" in result.stdout
    graph = "trg:import-csl-" + _digest(CSL_CSV)
    # Huawei's row backs the designation the graph already had, from a second source
    rows = ask(
        workspace,
        "SELECT ?g WHERE { GRAPH ?g { designation:us-entity-list-huawei-2019 "
        "tr:designates firm:huawei } }",
    )
    assert len(rows) >= 2 and any(r["g"].endswith(graph.removeprefix("trg:")) for r in rows)
    # provenance of the run, and the raw record beside the normalised facts
    source = ask(
        workspace,
        f"SELECT ?file ?day ?list WHERE {{ GRAPH {graph} {{ ?s tr:describesGraph {graph} ; "
        f"tr:importedFile ?file ; tr:retrievedOn ?day ; tr:sourceList ?list }} }}",
    )
    assert {r["file"] for r in source} == {"csl-sample.csv"} and {r["day"] for r in source} == {DAY}
    assert "Entity List (EL) - Bureau of Industry and Security" in {r["list"] for r in source}
    raw = ask(
        workspace,
        'SELECT ?raw ?line WHERE { ?r tr:recordId "c1a0e5d9" ; tr:rawRecord ?raw ; '
        "tr:recordLine ?line }",
    )
    assert json.loads(raw[0]["raw"])["remarks"] == "Listed for its support\nof military end uses."
    assert raw[0]["line"] == "10"
    # a row without a start date: on the list as of the day the file was retrieved
    seen = ask(
        workspace,
        "SELECT ?day WHERE { ?r tr:relSubject organisation:societe-exemple-d-electronique-sarl ; "
        "tr:relProperty tr:listedOn ; tr:pointInTime ?day }",
    )
    assert seen == [{"day": DAY}]
    # a person stays a person; the listing is on the record
    person = ask(
        workspace,
        "SELECT ?list WHERE { ?r tr:recordOf person:jane-q-example ; tr:recordOnList ?list }",
    )
    assert person == [{"list": PREFIXES["list"] + "us-denied-persons-list"}]
    # multi-valued cells become alternative names
    alt = ask(
        workspace,
        "SELECT ?alt WHERE { "
        "organisation:example-photonics-research-institute skos:altLabel ?alt }",
    )
    assert {r["alt"] for r in alt} == {"EPRI", "Example Photonics Inst."}


def test_import_twice_changes_nothing(workspace):
    first = run(workspace, "import", "csl", str(CSL_JSON), "--retrieved", DAY, "--no-owl")
    assert first.returncode == 0, first.stdout + first.stderr
    before = snapshot(workspace)
    again = run(workspace, "import", "csl", str(CSL_JSON), "--retrieved", DAY, "--no-owl")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Already imported" in again.stdout
    assert snapshot(workspace) == before


def test_import_ftm(workspace):
    result = run(workspace, "import", "ftm", str(FTM), "--retrieved", DAY)
    assert result.returncode == 0, result.stdout + result.stderr
    for line, why in ((12, "ossanc-primer-eu"), (16, "schema Address")):
        assert f"{FTM}:{line}: skipped: " in result.stdout and why in result.stdout
    # FollowTheMoney's Ownership keeps its share and start day (tr:Ownership), a person's too
    shares = ask(
        workspace,
        "SELECT ?asset ?owner ?share ?start WHERE { ?o a tr:Ownership ; tr:ownedAsset ?asset ; "
        "tr:owner ?owner ; tr:source ?s . OPTIONAL { ?o tr:sharePercentage ?share } "
        "OPTIONAL { ?o tr:startDate ?start } FILTER(CONTAINS(STR(?s), 'import')) } ORDER BY ?asset",
    )
    assert {(r["asset"], r.get("share"), r.get("start")) for r in shares} >= {
        (PREFIXES["firm"] + "example-quantum-devices-hefei-co-ltd", "51", "2019-07-01"),
        (PREFIXES["firm"] + "hisilicon", "100", None),
    }
    assert any(r["owner"].startswith(PREFIXES["person"]) and "share" not in r for r in shares)
    assert f"{FTM}:17: skipped: " not in result.stdout
    owned = ask(
        workspace,
        "SELECT ?start WHERE { ?r tr:relSubject firm:example-quantum-devices-hefei-co-ltd ; "
        "tr:relProperty tr:subsidiaryOf ; tr:relObject firm:example-quantum-computing-ltd ; "
        "tr:startDate ?start }",
    )
    assert owned == [{"start": "2019-07-01"}]
    # a partial date ("2004-10") is kept raw, not turned into a day
    partial = ask(
        workspace, 'SELECT ?raw WHERE { ?r tr:recordId "own-huawei-hisilicon" ; tr:rawRecord ?raw }'
    )
    assert json.loads(partial[0]["raw"])["properties"]["startDate"] == ["2004-10"]
    assert not ask(
        workspace,
        "SELECT ?d WHERE { ?r tr:relSubject firm:hisilicon ; tr:relProperty "
        "tr:subsidiaryOf ; tr:startDate ?d ; tr:source ?s . FILTER(CONTAINS(STR(?s), 'import')) }",
    )
    wikidata = ask(
        workspace, "SELECT ?item WHERE { firm:example-quantum-computing-ltd skos:exactMatch ?item }"
    )
    assert wikidata == [{"item": "http://www.wikidata.org/entity/Q999999901"}]
    built = run(workspace, "build")  # the files alone rebuild, OWL included
    assert built.returncode == 0, built.stdout + built.stderr


MALFORMED = {
    "bad-date.csv": (
        CSL_CSV.read_text().splitlines()[0] + "\n"
        "x1,Entity List (EL) - Bureau of Industry and Security,,Entity,EAR,Acme,,,,"
        "16/05/2019" + "," * 19 + "\n",
        "csl",
        ":2:10: start_date '16/05/2019' is not a date",
    ),
    "unknown-list.csv": (
        "_id,source,name\nx1,Entity List,Acme\n",
        "csl",
        ":2:2: unknown source list",
    ),
    "extra-column.csv": ("_id,source,name,colour\n", "csl", ":1:4: unknown column 'colour'"),
    "broken.json": (
        '{"results": [\n  {"id": "x1", "name": "Acme",}\n]}\n',
        "csl",
        ":2:31: not valid JSON",
    ),
    "no-results.json": (
        '{"entries": []}\n',
        "csl",
        ':1:1: a CSL JSON file is an object with a "results"',
    ),
    "broken-line.ftm.json": (
        '{"id": "a", "schema": "Company", "properties": {"name": ["A"]}}\n{"id": \n',
        "ftm",
        ":2:8: not a JSON object",
    ),
    "dangling.ftm.json": (
        '{"id": "s", "schema": "Sanction", "properties": {"entity": ["nobody"]}}\n',
        "ftm",
        ":1:1: entity refers to entity 'nobody'",
    ),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_file_changes_nothing(workspace, tmp_path, name):
    text, family, expected = MALFORMED[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    before = snapshot(workspace)
    result = run(workspace, "import", family, str(path), "--no-owl")
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"{path}{expected}" in " ".join(result.stderr.split()), result.stderr
    assert snapshot(workspace) == before


def _digest(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


@pytest.mark.parametrize(
    ("text", "share"),
    [("51", "51"), ("100", "100"), ("33.30", "33.30"), ("12.5%", "12.5"), ("0", "0"),
     ("150", None), ("-1", None), ("half", None), ("", None), (None, None), ("NaN", None)],
)  # fmt: skip
def test_share_percentage(text, share):
    """FollowTheMoney's percentage is kept as a decimal from 0 to 100, or not at all."""
    assert share_percentage(text) == share
