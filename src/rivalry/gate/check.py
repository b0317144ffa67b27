"""``rivalry check``: validate change files against the built graph, touching only the
part of the graph the change reaches.

The change is parsed strictly, its neighbourhood is taken from the store, and the same
validation layers as ``rivalry validate`` (SHACL, provenance, OWL) run on the change plus
that neighbourhood, reporting only problems of the nodes the change touches.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from rivalry import reason
from rivalry.gate.contested import contested_problems
from rivalry.gate.forbidden import forbidden_problems
from rivalry.gate.identity import identity_problems, reuse_known_publishers
from rivalry.gate.neighbourhood import neighbourhood
from rivalry.gate.one_valued import one_valued_problems
from rivalry.kernel.namespaces import GRAPH
from rivalry.kernel.paths import BadGraphName, Project
from rivalry.load.parse import ParseError, Sources, load_change, load_vocabulary
from rivalry.validate.layers import located, validate
from rivalry.validate.locate import Locator
from rivalry.validate.report import Report

# no cap on a submission's statements: the checks grow with the change, not with the graph,
# and the merge writes it in batches (gate/merge.py); kept for callers that pass one
CHANGE_LIMIT: int | None = None
EMPTY = (
    "holds no statements, so there is nothing to check or add (an empty file, only prefixes, "
    "an empty graph block, or a CSV with only its header)"
)


def check(project: Project, store: ox.Store, files: Iterable[Path], *, owl: bool = True) -> Report:
    change = load_submission(project, files)
    return check_change(project, store, change, owl=owl)


def change_files(files: Iterable[Path]) -> list[Path]:
    """The files of a submission, each once, refused unless each is a regular file named
    directly: a link could make the gate read (and echo) a file the curator never meant."""
    seen, unique = set(), []
    for path in files:
        try:
            info = os.lstat(path)
        except OSError as error:
            raise ParseError(path, None, None, _unreadable(error)) from None
        if stat.S_ISLNK(info.st_mode):
            raise ParseError(path, None, None, "is a symbolic link; give the file it points to")
        if stat.S_ISDIR(info.st_mode):
            raise ParseError(path, None, None, "is a directory, not a change file")
        if not stat.S_ISREG(info.st_mode):
            raise ParseError(path, None, None, "is not a regular file (a pipe, socket or device)")
        if (info.st_dev, info.st_ino) not in seen:  # the same file given twice counts once
            seen.add((info.st_dev, info.st_ino))
            unique.append(path)
    return unique


def _unreadable(error: OSError) -> str:
    if error.errno == errno.ENAMETOOLONG:
        longest = max(len(os.fsencode(part)) for part in Path(error.filename or "").parts)
        return f"file name too long ({longest} bytes; the file system allows 255); rename it"
    if error.errno == errno.ENOENT:
        return "no such file"
    return error.strerror or str(error)


def load_submission(project: Project, files: Iterable[Path]) -> Sources:
    """Parse a submission's files, refusing one that holds no statement (an empty change
    would pass every check and record a merge of nothing)."""
    change = Sources()
    for path in change_files(files):
        part = load_change(project, [path], limit=None)
        if path.suffix.lower() == ".jsonld":
            _check_languages(path)
        if not part.facts:
            raise ParseError(path, None, None, EMPTY)
        change.facts += part.facts
        for graph, origin in part.origin.items():
            change.origin.setdefault(graph, origin)
    return change


def _check_languages(path: Path) -> None:
    """A JSON-LD ``@language`` that is not a language tag makes the parser drop the values
    it applies to, silently; refuse it instead."""
    try:
        text = path.read_text(encoding="utf-8")
        document = json.loads(text)
    except (ValueError, RecursionError):
        return  # the parser has already accepted it; nothing more to say here
    pending = [document]
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending += node
        elif isinstance(node, dict):
            tag = node.get("@language")
            if isinstance(tag, str):
                try:
                    ox.Literal("x", language=tag)
                except ValueError:
                    line, column = _position(text, json.dumps(tag))
                    raise ParseError(
                        path,
                        line,
                        column,
                        f"@language {tag!a} is not a language tag (BCP 47, like en or en-GB); "
                        "the values it applies to would be dropped",
                    ) from None
            pending += node.values()


def _position(text: str, needle: str) -> tuple[int | None, int | None]:
    at = text.find(needle)
    if at < 0:
        return None, None
    line = text.count("\n", 0, at) + 1
    return line, at - text.rfind("\n", 0, at)


def refuse_bad_graph_names(project: Project, change: Sources) -> None:
    """Refuse a graph IRI under …/graph/ that is not a source id: the merge derives the
    graph's file from it, so ``../``, ``/``, an empty or an over-long id cannot pass."""
    graphs = {q.graph_name.value for q in change.facts if isinstance(q.graph_name, ox.NamedNode)}
    for graph in sorted(g for g in graphs if g.startswith(GRAPH)):
        try:
            project.source_file(graph)
        except BadGraphName as error:
            origin = change.origin.get(graph, Path("change"))
            _, line = Locator({graph: [origin]}).locate(graph)
            raise ParseError(origin, line, None, str(error)) from None


def check_change(project: Project, store: ox.Store, change: Sources, *, owl: bool = True) -> Report:
    return checked_change(project, store, change, owl=owl)[0]


def checked_change(
    project: Project, store: ox.Store, change: Sources, *, owl: bool = True
) -> tuple[Report, ox.Store | None]:
    """The check's report, and the change's neighbourhood with what the rules infer from it
    (None when the change is refused before inference), which the merge then writes."""
    refuse_bad_graph_names(project, change)
    reuse_known_publishers(store, change)
    vocabulary = load_vocabulary(project)
    boundary = forbidden_problems(vocabulary.ontology, change)
    if any(p.severity == "violation" for p in boundary):
        # refused before the reasoner and the shapes ever see the change
        locator = Locator.from_quads(change.facts, change.origin)
        return Report([located(p, locator) for p in boundary]), None
    focus = {q.subject for q in change.facts if isinstance(q.subject, ox.NamedNode)}
    touched = focus | {q.object for q in change.facts if isinstance(q.object, ox.NamedNode)}
    context = Sources(
        ontology=vocabulary.ontology,
        shapes=vocabulary.shapes,
        facts=[*neighbourhood(store, touched), *change.facts],
        origin=change.origin,
    )
    merged = reason.materialised(context, project.rules_dir)
    gate_problems = (
        boundary
        + identity_problems(store, change)
        + contested_problems(store, change)
        + one_valued_problems(project, store, vocabulary.ontology, change)
    )
    report = validate(
        merged, context, owl=owl, focus=focus, graphs=set(change.origin), also=gate_problems
    )
    return report, merged
