"""Benchmark the rivalry analysis queries and `rivalry stats` on generated graphs.

    .venv/bin/python scripts/bench_analysis.py                  # 10k, 100k triples
    .venv/bin/python scripts/bench_analysis.py --sizes 10000 100000 1000000 --repeat 3

Each graph is `rivalry.synthetic` plus its rivalry layer (laws, threats, countermeasures,
projects), materialised in memory. Writes benchmarks/analysis.md and .json; figures are
medians of --repeat runs, with the number of rows each query returned.
"""

from __future__ import annotations

import argparse
import statistics
import time
from functools import partial

from rich.progress import track

import _repo_root  # noqa: F401  (puts tools/ on the path)
from rivalry import reason
from rivalry.analysis.stats import collect
from rivalry.kernel.paths import Project
from rivalry.load.parse import Sources, load_vocabulary
from rivalry.query import catalogue, execute
from tools.bench_report import write_report
from tools.synthetic import generate, rivalry_layer


def median_seconds(action, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def measure(project: Project, size: int, repeat: int) -> list[dict]:
    data = generate(size)
    vocabulary = load_vocabulary(project)
    facts = data.quads + rivalry_layer(data)
    store = reason.materialised(
        Sources(vocabulary.ontology, vocabulary.shapes, facts), project.rules_dir
    )
    state = data.states[0].value
    cases = [
        ("conflicting-obligations-as-of", {"date": "2025-12-31"}),
        ("conflicting-obligations-as-of", {"date": "2025-12-31", "exposed": state}),
        ("measure-responses", {}),
        ("measure-responses", {"responseState": state}),
        ("restricted-as-of", {"state": state, "date": "2025-12-31"}),
    ]
    rows = []
    for name, params in cases:
        query = catalogue.find(project.queries_dir, name)
        bindings = execute.bind(store, query, params)
        ask = partial(execute.execute, store, query.text, bindings)
        seconds, answer = median_seconds(lambda ask=ask: list(ask()), repeat)
        label = " ".join(f"{k}={v.rsplit('/', 1)[-1]}" for k, v in params.items())
        rows.append(
            {
                "triples": len(facts),
                "query": f"{name} {label}".strip(),
                "rows": len(answer),
                "seconds": round(seconds, 3),
            }
        )
    seconds, _ = median_seconds(lambda: collect(store), repeat)
    rows.append(
        {"triples": len(facts), "query": "rivalry stats", "rows": "", "seconds": round(seconds, 3)}
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    project = Project.locate()
    rows = [
        row
        for size in track(args.sizes, description="Benchmarking the analysis queries")
        for row in measure(project, size, args.repeat)
    ]
    write_report(
        "analysis",
        "Analysis queries and stats on generated graphs",
        "Command: `.venv/bin/python scripts/bench_analysis.py`. In-memory store; medians.",
        rows,
    )


if __name__ == "__main__":
    main()
