"""Benchmark the consistency gate: `rivalry check` of a 100-fact change set against full
pySHACL re-validation, on generated graphs of several sizes.

    .venv/bin/python scripts/bench_gate.py                    # 10k, 100k, 1M triples
    .venv/bin/python scripts/bench_gate.py --sizes 10000 100000 --repeat 3

Writes benchmarks/gate.md and benchmarks/gate.json and prints the table. Figures are
medians of --repeat runs (check) or one run (full re-validation, which takes minutes).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import pyshacl
from rich.progress import track

from rivalry import reason
from rivalry.bench_report import write_report
from rivalry.gate.check import check_change
from rivalry.load import Sources, load_vocabulary, to_rdflib
from rivalry.project import Project
from rivalry.synthetic import change_set, generate
from rivalry.validate.run import validate


def seconds(action) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def measure(project: Project, size: int, repeat: int, full_max: int) -> dict:
    vocabulary = load_vocabulary(project)
    data = generate(size)
    base = Sources(vocabulary.ontology, vocabulary.shapes, data.quads)
    load_s, store = seconds(lambda: reason.materialised(base, project.rules_dir))
    quads = change_set(data, facts=100, broken=9)
    change = Sources(facts=quads, origin={q.graph_name.value: Path("change.trig") for q in quads})
    runs = [seconds(lambda: check_change(project, store, change, owl=False)) for _ in range(repeat)]
    check_s = statistics.median(t for t, _ in runs)
    violations = len(runs[0][1].violations)
    owl_s, _ = seconds(lambda: check_change(project, store, change, owl=True))
    row = {
        "triples": len(data.quads),
        "change_triples": len(quads),
        "load_and_infer_s": round(load_s, 2),
        "check_s": round(check_s, 3),
        "check_with_owl_s": round(owl_s, 2),
        "violations_found": violations,
        "full_validate_s": None,
        "ratio_vs_validate": None,
        "full_pyshacl_s": None,
        "ratio_vs_pyshacl": None,
    }
    # rivalry's own full validation (pySHACL core + Oxigraph SPARQL) of graph plus change
    full_sources = Sources(vocabulary.ontology, vocabulary.shapes, data.quads + quads)
    validate_s, _ = seconds(lambda: validate(store, full_sources, owl=False))
    row["full_validate_s"] = round(validate_s, 2)
    row["ratio_vs_validate"] = round(validate_s / check_s, 1)
    if len(data.quads) <= full_max:
        graph = to_rdflib(vocabulary.ontology + data.quads + quads)
        shapes = to_rdflib(vocabulary.shapes)
        full_s, _ = seconds(
            lambda: pyshacl.validate(graph, shacl_graph=shapes, advanced=True, allow_warnings=True)
        )
        row["full_pyshacl_s"] = round(full_s, 2)
        row["ratio_vs_pyshacl"] = round(full_s / check_s, 1)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--full-max",
        type=int,
        default=20_000,
        help="skip plain pySHACL re-validation above this many triples "
        "(it runs each SPARQL constraint once per node: about 100 s at 10k)",
    )
    args = parser.parse_args()
    project = Project.locate()
    rows = [
        measure(project, size, args.repeat, args.full_max)
        for size in track(args.sizes, description="Benchmarking the gate")
    ]
    write_report(
        "gate",
        "Gate benchmark: check of a 100-fact change set vs full re-validation",
        "Command: `.venv/bin/python scripts/bench_gate.py`.",
        rows,
    )


if __name__ == "__main__":
    main()
