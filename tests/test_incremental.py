"""The gate's incremental check finds exactly what full validation finds for the nodes a
change touches — on generated graphs, with rules broken on purpose."""

from __future__ import annotations

from pathlib import Path

import pytest

from rivalry import reason
from rivalry.gate.check import check_change
from rivalry.load.parse import Sources, load_vocabulary
from rivalry.validate.layers import validate
from tools.synthetic import change_set, generate


@pytest.mark.parametrize(("size", "broken"), [(2000, 0), (4000, 9)])
def test_incremental_equals_full(project, size, broken):
    data = generate(size)
    change_quads = change_set(data, facts=100, broken=broken)
    vocabulary = load_vocabulary(project)
    base = Sources(vocabulary.ontology, vocabulary.shapes, data.quads)
    store = reason.materialised(base, project.rules_dir)
    origin = {q.graph_name.value: Path("change.trig") for q in change_quads}
    change = Sources(facts=change_quads, origin=origin)

    incremental = check_change(project, store, change, owl=False)
    full_sources = Sources(
        vocabulary.ontology, vocabulary.shapes, data.quads + change_quads, origin
    )
    full = validate(reason.materialised(full_sources, project.rules_dir), full_sources, owl=False)

    focus = {q.subject.value for q in change_quads}

    def found(report):
        return {
            (p.rule, p.focus) for p in report.violations if p.layer == "shacl" and p.focus in focus
        }

    assert found(incremental) == found(full)
    assert len(found(full)) >= broken  # the broken rules are really found


def test_the_merge_writes_the_inferences_the_check_computed(built, project, store):
    """The merge reuses the check's inferences (and infers the merge record's own apart):
    for every accepted gate case, what it would write is what inferring again gives."""
    import datetime as dt

    import pyoxigraph as ox

    from rivalry.gate import merge
    from rivalry.gate.check import checked_change, load_submission

    compared = 0
    for case in sorted((Path(__file__).parent / "gate" / "accepted").glob("*.trig")):
        change = load_submission(project, [case])
        report, inferred = checked_change(project, store, change, owl=False)
        assert report.conforms and inferred is not None, case.name
        graphs = sorted({q.graph_name.value for q in change.facts})
        record = merge._record(
            ox.NamedNode(f"{case.as_uri()}#merge"), dt.datetime.now(dt.UTC), [case], graphs
        )
        facts = list(dict.fromkeys(change.facts + record))
        again = merge._union_and_inferences(project, store, facts, record, None)
        reused = merge._union_and_inferences(project, store, facts, record, inferred)
        assert set(reused) == set(again), case.name
        compared += len(again) > len(facts)  # the case brings inferences of its own
    assert compared >= 5
