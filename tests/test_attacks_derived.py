"""Facts the build derives are validated too (issue 14, ATTACKS.md F14): a timed relation's
direct triple meets the same shapes as a triple written directly, through `add`, `build`
and `validate`, and the report points at the timed relation's line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT, fingerprint, project_copy, rivalry

PREFIXES = """\
@prefix tr: <https://w3id.org/tech-rivalry/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix firm: <https://w3id.org/tech-rivalry/id/firm/> .
@prefix body: <https://w3id.org/tech-rivalry/id/body/> .
@prefix source: <https://w3id.org/tech-rivalry/id/source/> .
@prefix publisher: <https://w3id.org/tech-rivalry/id/publisher/> .
@prefix relation: <https://w3id.org/tech-rivalry/id/relation/> .
"""


def change(key: str, statements: str) -> str:
    """A sourced change in its own named graph, as ATTACKS.md's ``change`` writes one."""
    graph = f"<https://w3id.org/tech-rivalry/graph/{key}>"
    return f"""{PREFIXES}{graph} {{
    source:{key} a tr:NewsReport ; tr:url "https://example.org/{key}"^^xsd:anyURI ;
        tr:publisher publisher:iso ; tr:title "Probe"@en ;
        tr:published "2025-06-02"^^xsd:date ; tr:describesGraph {graph} .
{statements}
}}
"""


SELF_SUBSIDIARY = change(
    "p-tss",
    """    relation:p-selfsub a tr:TimedRelation ;
        tr:relSubject firm:huawei ; tr:relProperty tr:subsidiaryOf ; tr:relObject firm:huawei ;
        tr:startDate "2020-01-01"^^xsd:date ; tr:source source:p-tss .""",
)
# the CSV row of issue 14, as a curator would write it by hand in graph/
BIS_UNDER_MOFCOM = change(
    "p-bis",
    """    relation:p-bis-under-mofcom a tr:TimedRelation ;
        tr:relSubject body:us-bis ; tr:relProperty tr:parentBody ; tr:relObject body:cn-mofcom ;
        tr:startDate "2025-05-14"^^xsd:date ; tr:source source:p-bis .""",
)
BIS_CSV = ROOT / "tests" / "gate" / "rejected" / "csv-timed-parent-body-other-state.csv"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    return project_copy(tmp_path_factory.mktemp("derived-project") / "project")


def _store(root: Path) -> Path:
    return root / ".rivalry" / "store"


def test_f14_add_without_owl_refuses_a_firm_made_its_own_subsidiary(workspace, tmp_path):
    path = tmp_path / "tss.trig"
    path.write_text(SELF_SUBSIDIARY, encoding="utf-8")
    before = fingerprint(workspace)
    result = rivalry("add", "--no-owl", str(path), project=workspace, store=_store(workspace))
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "trsh:IrreflexiveShape" in out and "firm:huawei" in out, out
    # reported at the timed relation (line 12 of the file), not at an unrelated file
    assert f"{path}:12" in out and "derived from the timed relation" in out, out
    assert fingerprint(workspace) == before


def test_add_refuses_the_csv_timed_relation_naming_both_states(workspace):
    before = fingerprint(workspace)
    result = rivalry("add", "--no-owl", str(BIS_CSV), project=workspace, store=_store(workspace))
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "trsh:SameStateParentShape" in out and "state:US" in out and "state:CN" in out, out
    assert f"{BIS_CSV}:2" in out, out
    assert fingerprint(workspace) == before


def test_build_and_validate_refuse_a_hand_written_timed_relation_across_states(tmp_path):
    root = project_copy(tmp_path / "project")
    written = root / "graph" / "sources" / "p-bis.trig"
    written.write_text(BIS_UNDER_MOFCOM, encoding="utf-8")
    before = fingerprint(root)
    for command in ("build", "validate"):
        result = rivalry(command, "--no-owl", project=root, store=_store(root))
        out = result.stdout + result.stderr
        assert result.returncode == 1, (command, out)
        assert "trsh:SameStateParentShape" in out, (command, out)
        assert "state:US" in out and "state:CN" in out, (command, out)
        assert "graph/sources/p-bis.trig:12" in out, (command, out)
        assert "derived from the timed relation" in out, (command, out)
    assert fingerprint(root) == before  # the previous store was kept
    shutil.rmtree(root)
