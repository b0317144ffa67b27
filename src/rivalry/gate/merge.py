"""``rivalry add``: merge a checked change set into the graph files and the store, all or
nothing.

The order makes every interruption recoverable to the old or the new state:

1. new graph files are written to temporary files under ``.rivalry/staging`` and fsynced;
2. a journal naming the temporary files, their targets and the merge's IRI is fsynced;
3. the store takes the new quads (with their inferences and the merge record) in one
   transaction;
4. the temporary files are renamed over their targets, and the journal is removed.

``recover`` runs before any write: if the store holds the journal's merge record, the
renames are finished; if not, the temporary files are dropped. Either way files and
store agree again.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from rivalry import reason
from rivalry.gate.neighbourhood import neighbourhood
from rivalry.load import Sources, load_vocabulary
from rivalry.project import Project
from rivalry.vocab import GRAPH, ID, PREFIXES, RDF, TR, XSD


class MergeBusy(Exception):
    pass


@dataclass
class MergeResult:
    merge: str
    files: list[Path]
    quads: int


def journal_path(project: Project) -> Path:
    return project.store_path.parent / "add-journal.json"


@contextmanager
def writer_lock(project: Project):
    """One writer at a time (build or add); a second one is refused, not queued."""
    project.store_path.parent.mkdir(parents=True, exist_ok=True)
    with open(project.store_path.parent / "writer.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise MergeBusy(
                "another rivalry build or add is writing; try again when it ends"
            ) from None
        yield


def recover(project: Project) -> str | None:
    """Finish or undo a merge that was interrupted; say which, if any."""
    path = journal_path(project)
    if not path.exists():
        # staged files of a merge that failed before its journal was written
        for orphan in (project.root / ".rivalry" / "staging").glob("*.tmp"):
            orphan.unlink()
        return None
    journal = json.loads(path.read_text(encoding="utf-8"))
    store = ox.Store(str(project.store_path))
    merge = ox.NamedNode(journal["merge"])
    committed = next(iter(store.quads_for_pattern(merge, None, None, None)), None) is not None
    del store
    for entry in journal["files"]:
        tmp = Path(entry["tmp"])
        if committed and tmp.exists():
            os.replace(tmp, entry["target"])
        elif tmp.exists():
            tmp.unlink()
    _fsync_dirs([Path(e["target"]).parent for e in journal["files"]])
    path.unlink()
    return "completed" if committed else "rolled back"


def merge(project: Project, store: ox.Store, change: Sources, inputs: list[Path]) -> MergeResult:
    """Write ``change`` (already checked) into graph files and ``store``."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    merge_iri = ox.NamedNode(f"{ID}merge/{now.strftime('%Y%m%dT%H%M%SZ')}-{os.getpid()}")
    graphs = sorted({q.graph_name.value for q in change.facts})
    record = _record(merge_iri, now, inputs, graphs)
    facts = change.facts + record

    staged = []
    for graph in graphs:
        target = project.graph_dir / "sources" / f"{graph.removeprefix(GRAPH)}.trig"
        quads = [q for q in facts if q.graph_name.value == graph]
        staged.append(
            (_stage(project.root / ".rivalry" / "staging", target, quads, inputs, now), target)
        )
    journal = journal_path(project)
    _write_synced(
        journal,
        json.dumps(
            {
                "merge": merge_iri.value,
                "files": [{"tmp": str(tmp), "target": str(target)} for tmp, target in staged],
            }
        ).encode(),
    )

    _fault_point("journal")
    store.extend([*facts, *_union_and_inferences(project, store, facts)])  # one transaction
    store.flush()
    _fault_point("commit")

    for tmp, target in staged:
        os.replace(tmp, target)
    _fsync_dirs([target.parent for _, target in staged])
    journal.unlink()
    return MergeResult(merge_iri.value, [t for _, t in staged], len(facts))


def _record(merge: ox.NamedNode, now: dt.datetime, inputs: list[Path], graphs) -> list[ox.Quad]:
    """The merge's provenance, kept in each graph it touched (so rebuilds keep it)."""
    quads = []
    for graph in graphs:
        g = ox.NamedNode(graph)
        quads += [
            ox.Quad(merge, ox.NamedNode(RDF + "type"), ox.NamedNode(TR + "Merge"), g),
            ox.Quad(
                merge,
                ox.NamedNode(TR + "mergedAt"),
                ox.Literal(
                    now.strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=ox.NamedNode(XSD + "dateTime")
                ),
                g,
            ),
            ox.Quad(merge, ox.NamedNode(TR + "mergedInto"), g, g),
            *(
                ox.Quad(merge, ox.NamedNode(TR + "mergedFrom"), ox.Literal(p.name), g)
                for p in inputs
            ),
        ]
    return quads


def _union_and_inferences(project: Project, store: ox.Store, facts: list[ox.Quad]):
    """Default-graph copies of the new facts, and what the rules infer from them."""
    touched = {t for q in facts for t in (q.subject, q.object) if isinstance(t, ox.NamedNode)}
    context = Sources(
        ontology=load_vocabulary(project).ontology,
        facts=[*neighbourhood(store, touched), *facts],
    )
    local = reason.materialised(context, project.rules_dir)
    inferred_graph = ox.NamedNode(reason.INFERRED_GRAPH)
    extra = [ox.Quad(q.subject, q.predicate, q.object, reason.UNION) for q in facts]
    for q in local.quads_for_pattern(None, None, None, inferred_graph):
        present = store.quads_for_pattern(q.subject, q.predicate, q.object, reason.UNION)
        if next(iter(present), None) is None:
            extra += [q, ox.Quad(q.subject, q.predicate, q.object, reason.UNION)]
    return extra


def _stage(
    staging: Path, target: Path, quads: list[ox.Quad], inputs: list[Path], now: dt.datetime
) -> Path:
    """Write the target's new content to a temporary file beside it; return its path."""
    iris = {
        t.value
        for q in quads
        for t in (q.subject, q.predicate, q.object, q.graph_name)
        if isinstance(t, ox.NamedNode)
    } | {q.object.datatype.value for q in quads if isinstance(q.object, ox.Literal)}
    used = {p: ns for p, ns in PREFIXES.items() if any(i.startswith(ns) for i in iris)}
    body = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=used)
    names = ", ".join(p.name for p in inputs)
    header = f"\n# Added by rivalry add on {now.isoformat()} from {names}\n".encode()
    old = target.read_bytes() if target.exists() else b""
    tmp = staging / f"{target.name}.{os.getpid()}.tmp"
    _write_synced(tmp, old + header + body if old else header.lstrip() + body)
    return tmp


def _fault_point(name: str) -> None:
    """Fault injection for the crash tests: stop here for a kill if asked to."""
    if os.environ.get("RIVALRY_FAULT_PAUSE") == name:
        print(f"paused at {name}", flush=True)
        time.sleep(60)


def _write_synced(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    _fsync_dirs([path.parent])


def _fsync_dirs(dirs) -> None:
    for directory in set(dirs):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
