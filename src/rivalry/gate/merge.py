"""``rivalry add``: merge a checked change set into the graph files and the store, all or
nothing.

The order makes every interruption recoverable to the old or the new state:

1. each named graph's file is derived from its source id (``Project.source_file``, never
   a path taken from the input), and every target is checked writable before anything is
   written;
2. new graph files are written to temporary files under ``.rivalry/staging`` and fsynced;
3. the quads the store does not hold yet are written to an undo log, and a journal naming
   the temporary files, their targets, each target's old size and the staged content's
   digest, the undo log and the merge's IRI is fsynced;
4. the store takes the new quads (with their inferences and the merge record) in one
   transaction;
5. the temporary files are renamed over their targets, and the journal is removed.

``recover`` runs before any write. If the store holds the journal's merge record, the
renames are finished (roll forward). If not, every target is put back to its old size and
the temporary files are dropped (roll back); a committed merge whose files cannot be
written is rolled back only by ``rivalry build`` (its quads removed with the undo log, then
the store rebuilt), while ``add`` refuses until it can be finished. Either way files and
store agree.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import stat
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from rivalry import reason
from rivalry.gate.neighbourhood import neighbourhood
from rivalry.kernel.errors import RivalryError
from rivalry.kernel.namespaces import ID, INFERRED_GRAPH, PREFIXES
from rivalry.kernel.paths import BadGraphName, Project
from rivalry.kernel.terms import rdf, tr, xsd
from rivalry.load.parse import Sources, load_vocabulary
from rivalry.store.embedded import mark_changed

# quads per store transaction when a merge is written: a 12,000-row screening list (about
# 700,000 quads with union copies and inferences) takes three; a reader that queries
# between two of them sees part of a merge that is not committed yet
BATCH = 250_000


class MergeError(RivalryError):
    """A merge that cannot be made or settled; the message says what to do."""


class MergeBusy(MergeError):
    pass


class RecoveryNeeded(MergeError):
    """An interrupted merge is in the store but its files cannot be written."""


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


def recover(project: Project, *, rebuilding: bool = False) -> str | None:
    """Finish or undo a merge that was interrupted; say which, if any.

    ``rebuilding``: the caller rebuilds the store from graph/ next, so a merge whose files
    cannot be written is rolled back (files and store) instead of refused.
    """
    path = journal_path(project)
    staging = project.root / ".rivalry" / "staging"
    if not path.exists():
        # staged files of a merge that failed before its journal was written
        for orphan in staging.glob("*.tmp"):
            orphan.unlink()
        return None
    journal = _read_journal(path)
    if journal is None:  # torn while being written (so before the store commit), or damaged
        _drop(staging, path)
        return "rolled back"
    entries = journal["files"]
    if not _committed(project, journal["merge"]):
        _remove_landed_batches(project, journal)
        _roll_back(project, entries)
        _drop(staging, path)
        return "rolled back"
    why = _cannot_write(project, [Path(e["target"]) for e in entries if Path(e["tmp"]).exists()])
    if why is None:
        try:
            for entry in entries:
                if Path(entry["tmp"]).exists():
                    os.replace(entry["tmp"], entry["target"])
            _fsync_dirs([Path(e["target"]).parent for e in entries])
        except OSError as error:
            why = f"{error.filename or ''}: {error.strerror}"
        else:
            _drop(staging, path)
            return "completed"
    undo = _undo_log(project, journal)
    if not rebuilding:  # keep the merge: once the files can be written it is finished
        fix = (
            "Fix that and run the command again to finish the merge, or run `rivalry build`, "
            "which undoes it"
            if undo is not None
            else "Run `rivalry build`: it puts the graph files back as they were and rebuilds "
            "the store from them without that merge; then add the change again"
        )
        raise RecoveryNeeded(
            f"an interrupted merge ({journal['merge']}) is in the store, but its graph files "
            f"cannot be written: {why}. {fix}"
        )
    if undo is not None:
        db = ox.Store(str(project.store_path))
        record = ox.NamedNode(journal["merge"])
        # the merge record goes last: while any of it is there, the next recovery resumes
        for quad in sorted(undo, key=lambda q: q.subject == record):
            db.remove(quad)
        db.flush()
        del db
    _roll_back(project, entries)
    _drop(staging, path)
    return f"rolled back (its files could not be written: {why})"


def _remove_landed_batches(project: Project, journal: dict) -> None:
    """Take out of the store the batches of a merge interrupted before its record landed:
    the undo log names exactly the quads the store did not hold before."""
    undo = _undo_log(project, journal)
    if not undo or not project.store_path.exists():
        return
    db = ox.Store(str(project.store_path))
    for quad in undo:  # removing a quad a batch never wrote does nothing
        db.remove(quad)
    db.flush()
    del db


def _undo_log(project: Project, journal: dict) -> list[ox.Quad] | None:
    """The quads a committed merge added to the store, if its journal names them (journals
    written before there was an undo log do not: the store is then rebuilt from the files)."""
    undo = journal.get("undo")
    if not isinstance(undo, str) or Path(undo).parent != project.root / ".rivalry" / "staging":
        return None
    try:
        return list(ox.parse(path=undo, format=ox.RdfFormat.N_QUADS))
    except (OSError, SyntaxError):
        return None


def merge(
    project: Project,
    store: ox.Store,
    change: Sources,
    inputs: list[Path],
    checked: ox.Store | None = None,
) -> MergeResult:
    """Write ``change`` (already checked) into graph files and ``store``; ``checked`` is the
    check's materialised neighbourhood of the change, whose inferences are then not
    computed again."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    merge_iri = ox.NamedNode(f"{ID}merge/{now.strftime('%Y%m%dT%H%M%SZ')}-{os.getpid()}")
    graphs = sorted({_graph_iri(q) for q in change.facts})
    try:
        targets = {graph: project.source_file(graph) for graph in graphs}
    except BadGraphName as error:
        raise MergeError(str(error)) from None
    staging = project.root / ".rivalry" / "staging"
    staging.mkdir(parents=True, exist_ok=True)
    project.sources_dir.mkdir(parents=True, exist_ok=True)
    why = _cannot_write(project, list(targets.values()))
    if why is not None:
        raise MergeError(f"{why}; nothing was merged")
    record = _record(merge_iri, now, inputs, graphs)
    facts = list(dict.fromkeys(change.facts + record))  # a file given twice adds once

    journal = journal_path(project)
    entries = []
    try:
        for graph, target in targets.items():
            quads = [q for q in facts if q.graph_name.value == graph]
            entries.append(_stage(staging, target, quads, merge_iri, now))
        additions = [*facts, *_union_and_inferences(project, store, facts, record, checked)]
        # the quads the store does not hold yet: removing them undoes the commit exactly
        undo = staging / f"undo.{os.getpid()}.nq.tmp"
        new = [q for q in dict.fromkeys(additions) if q not in store]
        _write_synced(undo, ox.serialize(new, format=ox.RdfFormat.N_QUADS))
        _write_synced(
            journal,
            json.dumps({"merge": merge_iri.value, "files": entries, "undo": str(undo)}).encode(),
        )
    except BaseException:  # before the commit nothing may stay behind
        _drop(staging, journal)
        raise

    _fault_point("journal")
    commit(store, additions, merge_iri)
    store.flush()
    mark_changed(project.store_path)  # a running `rivalry serve` reopens its store
    _fault_point("commit")

    try:
        for entry in entries:
            os.replace(entry["tmp"], entry["target"])
        _fsync_dirs([t.parent for t in targets.values()])
    except OSError as error:
        raise MergeError(
            f"the change is in the store, but {error.filename}: {error.strerror}. The journal "
            "is kept: the next rivalry add or build finishes the merge once the file can be "
            "written (a build that still cannot write it rolls the merge back instead)"
        ) from None
    journal.unlink()
    undo.unlink()
    return MergeResult(merge_iri.value, list(targets.values()), len(facts))


def commit(store: ox.Store, additions: list[ox.Quad], merge_iri: ox.NamedNode) -> None:
    """Write ``additions`` in batches of at most ``BATCH`` quads through the bulk loader
    (a transaction would hold a large change's whole write set in memory, and costs four
    times as much), the merge record last and in one transaction: until it lands the merge
    counts as not committed, and ``recover`` removes whatever batches did land, wholly or
    in part, with the undo log."""
    record = [q for q in additions if q.subject == merge_iri]
    rest = [q for q in additions if q.subject != merge_iri]
    for start in range(0, len(rest), BATCH):
        store.bulk_extend(rest[start : start + BATCH])
        if not start:
            _fault_point("batch")  # the crash tests kill here: some quads in, no record
    store.extend(record)


def _graph_iri(quad: ox.Quad) -> str:
    if not isinstance(quad.graph_name, ox.NamedNode):
        raise MergeError("a fact outside any named graph cannot be merged; the gate refuses it")
    return quad.graph_name.value


def _cannot_write(project: Project, targets: list[Path]) -> str | None:
    """Why one of ``targets`` could not be renamed into place from the staging folder, if so."""
    staging = project.root / ".rivalry" / "staging"
    for target in targets:
        if not project.is_source_file(target):
            return f"{target} is not a source file directly inside {project.sources_dir}"
        parent = target.parent
        if not parent.is_dir():
            return f"{parent} is not a directory"
        if not os.access(parent, os.W_OK | os.X_OK):
            return f"{parent} is not writable"
        if os.stat(parent).st_dev != os.stat(staging).st_dev:
            return f"{parent} is on another file system than {staging}; a rename cannot reach it"
        try:
            mode = os.lstat(target).st_mode
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(mode):
            return f"{target} exists and is not a regular file"
    return None


def _read_journal(path: Path) -> dict | None:
    try:
        journal = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:  # UnicodeDecodeError and JSONDecodeError alike
        return None
    try:
        ox.NamedNode(journal["merge"])
        files = journal["files"]
        if all(isinstance(e["tmp"], str) and isinstance(e["target"], str) for e in files):
            return journal
    except (TypeError, KeyError, ValueError):
        pass
    return None


def _committed(project: Project, merge_iri: str) -> bool:
    store = ox.Store(str(project.store_path))
    merge = ox.NamedNode(merge_iri)
    committed = next(iter(store.quads_for_pattern(merge, None, None, None)), None) is not None
    del store
    return committed


def _roll_back(project: Project, entries: list[dict]) -> None:
    """Put back every target a rename already reached: cut it to its old size, or remove it
    if the merge created it. Targets outside graph/sources/ are never touched."""
    for entry in entries:
        target = Path(entry["target"])
        digest, old_size = entry.get("sha256"), entry.get("old_size", 0)
        if digest is None or not project.is_source_file(target):
            continue
        try:
            renamed = hashlib.sha256(target.read_bytes()).hexdigest() == digest
        except OSError:  # not there, or something else in the way: the rename never happened
            continue
        if renamed and old_size is None:
            target.unlink()
        elif renamed:
            os.truncate(target, old_size)
    _fsync_dirs([Path(e["target"]).parent for e in entries if Path(e["target"]).parent.is_dir()])


def _drop(staging: Path, journal: Path) -> None:
    """Remove the staged files and the journal (a merge settled or never committed)."""
    for tmp in staging.glob("*.tmp"):
        tmp.unlink()
    journal.unlink(missing_ok=True)
    if staging.is_dir():
        _fsync_dirs([staging, journal.parent])


def _record(merge: ox.NamedNode, now: dt.datetime, inputs: list[Path], graphs) -> list[ox.Quad]:
    """The merge's provenance, kept in each graph it touched (so rebuilds keep it)."""
    quads = []
    for graph in graphs:
        g = ox.NamedNode(graph)
        quads += [
            ox.Quad(merge, ox.NamedNode(rdf.type), ox.NamedNode(tr.Merge), g),
            ox.Quad(
                merge,
                ox.NamedNode(tr.mergedAt),
                ox.Literal(now.strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=ox.NamedNode(xsd.dateTime)),
                g,
            ),
            ox.Quad(merge, ox.NamedNode(tr.mergedInto), g, g),
            *(
                ox.Quad(merge, ox.NamedNode(tr.mergedFrom), ox.Literal(name), g)
                for name in dict.fromkeys(_printable_name(p) for p in inputs)
            ),
        ]
    return quads


def _union_and_inferences(
    project: Project,
    store: ox.Store,
    facts: list[ox.Quad],
    record: list[ox.Quad],
    checked: ox.Store | None,
):
    """Default-graph copies of the new facts, and what the rules infer from them: from the
    check's inferences when given (no rule reads a merge record, so the record's own are
    inferred apart, from the ontology alone), else from the change's neighbourhood again."""
    ontology = load_vocabulary(project).ontology
    if checked is None:
        touched = {t for q in facts for t in (q.subject, q.object) if isinstance(t, ox.NamedNode)}
        context = Sources(ontology=ontology, facts=[*neighbourhood(store, touched), *facts])
        inferred_from = [reason.materialised(context, project.rules_dir)]
    else:
        own = reason.materialised(Sources(ontology=ontology, facts=record), project.rules_dir)
        inferred_from = [checked, own]
    inferred_graph = ox.NamedNode(INFERRED_GRAPH)
    extra = [ox.Quad(q.subject, q.predicate, q.object, reason.UNION) for q in facts]
    for local in inferred_from:
        for q in local.quads_for_pattern(None, None, None, inferred_graph):
            present = store.quads_for_pattern(q.subject, q.predicate, q.object, reason.UNION)
            if next(iter(present), None) is None:
                extra += [q, ox.Quad(q.subject, q.predicate, q.object, reason.UNION)]
    return extra


def _printable_name(path: Path) -> str:
    """The file's name as text (bytes that are not UTF-8 replaced); it only ever enters a
    graph file as an escaped literal."""
    return path.name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _stage(
    staging: Path, target: Path, quads: list[ox.Quad], merge: ox.NamedNode, now: dt.datetime
) -> dict:
    """Write the target's new content to a temporary file; return its journal entry."""
    iris = {
        t.value
        for q in quads
        for t in (q.subject, q.predicate, q.object, q.graph_name)
        if isinstance(t, ox.NamedNode)
    } | {q.object.datatype.value for q in quads if isinstance(q.object, ox.Literal)}
    used = {p: ns for p, ns in PREFIXES.items() if any(i.startswith(ns) for i in iris)}
    body = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=used)
    # nothing from the input goes into the comment: the file names are in the merge
    # record, as escaped literals
    header = f"\n# Added by rivalry add on {now.isoformat()} as <{merge.value}>\n".encode()
    old = target.read_bytes() if target.exists() else None
    tmp = staging / f"{target.name}.{os.getpid()}.tmp"
    data = old + header + body if old else header.lstrip() + body
    _write_synced(tmp, data)
    return {
        "tmp": str(tmp),
        "target": str(target),
        "old_size": None if old is None else len(old),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


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
