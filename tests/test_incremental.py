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
