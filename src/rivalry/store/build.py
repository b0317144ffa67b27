"""The build stage: parse the project, load the store, materialise, validate, swap in."""

from __future__ import annotations

import gc
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from rivalry import reason, store
from rivalry.kernel.namespaces import INFERRED_GRAPH, PREFIXES, TR
from rivalry.kernel.paths import Project
from rivalry.load.parse import load_project
from rivalry.validate.layers import validate
from rivalry.validate.report import Report

COUNT_BY_CLASS = """
SELECT ?class (COUNT(DISTINCT ?entity) AS ?entities) WHERE {
    ?entity a ?class .
    FILTER (STRSTARTS(STR(?class), STR(tr:)))
} GROUP BY ?class ORDER BY DESC(?entities) ?class"""


@dataclass
class BuildResult:
    store_path: Path
    asserted: int
    inferred: int
    sources: int
    graphs: int
    classes: dict[str, int] = field(default_factory=dict)
    report: Report = field(default_factory=Report)
    swapped: bool = False
    seconds: dict[str, float] = field(default_factory=dict)  # per stage, for benchmarks


def build(project: Project, *, owl: bool = True) -> BuildResult:
    clock = _Clock()
    sources = load_project(project)
    clock.lap("parse")
    tmp = store.staging_path(project.store_path)
    try:
        staged = reason.materialised(sources, project.rules_dir, ox.Store(str(tmp)))
        inferred = sum(
            1 for _ in staged.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED_GRAPH))
        )
        clock.lap("load_infer")
        report = validate(staged, sources, owl=owl)
        clock.lap("validate")
        result = BuildResult(
            store_path=project.store_path,
            asserted=len(set(sources.facts)),  # a quad stated twice in a file is one quad
            inferred=inferred,
            sources=_count_sources(staged),
            graphs=len({q.graph_name for q in sources.facts}),
            classes=count_classes(staged),
            report=report,
            seconds=clock.laps,
        )
        staged.flush()
        del staged
        gc.collect()  # close the RocksDB handle before the folder is renamed
        if report.conforms:
            store.swap_in(tmp, project.store_path)
            result.swapped = True
        clock.lap("finish")
        return result
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


class _Clock:
    def __init__(self):
        self.laps: dict[str, float] = {}
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self.last
        self.last = now


def count_classes(target: ox.Store) -> dict[str, int]:
    rows = target.query(COUNT_BY_CLASS, prefixes=PREFIXES)
    return {row["class"].value.removeprefix(TR): int(row["entities"].value) for row in rows}


def _count_sources(target: ox.Store) -> int:
    query = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a tr:SourceDocument }"
    rows = list(target.query(query, prefixes=PREFIXES))
    return int(rows[0]["n"].value)
