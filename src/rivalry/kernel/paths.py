"""Where a project's parts live: ontology, shapes, graph, queries and the store.

A project is a folder with ``ontology/``, ``graph/`` and ``queries/``. It is found from
``--project``, else ``RIVALRY_PROJECT``, else the current folder or the nearest parent that is
one — never from where the package is installed, so two checkouts sharing a virtual environment
each use their own. With no project at all, the graph bundled in the package is used read-only,
its store kept in the per-user data folder. ``RIVALRY_STORE`` or ``--store`` moves the store.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from rivalry.kernel.errors import RivalryError
from rivalry.kernel.namespaces import GRAPH
from rivalry.kernel.version import VERSION

# a source id, which names both the source's graph and its file graph/sources/<id>.trig:
# one path segment of lowercase ASCII words joined by single hyphens, as every shipped file is
# the RDF files of a project, by suffix (kernel.formats maps each to its parser)
RDF_SUFFIXES = (".ttl", ".trig", ".nt", ".nq", ".jsonld")

SOURCE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SOURCE_ID_MAX = 120  # well below the 255 bytes a file name may have, with room for temp suffixes


class BadGraphName(RivalryError, ValueError):
    """A graph IRI that does not name a file under graph/sources/; says why and what to use."""


def suggested_id(text: str) -> str:
    """A source id made from ``text``: lowercase words joined by hyphens, cut to the limit."""
    words = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return words[:SOURCE_ID_MAX].rstrip("-")


def source_id(graph: str) -> str:
    """The source id of a graph IRI ``…/graph/<id>``, refused unless it is of the one form
    that names a file inside graph/sources/ (no ``/``, ``..``, dots or empty id)."""
    if not graph.startswith(GRAPH):
        raise BadGraphName(f"the graph IRI <{graph}> is not under <{GRAPH}>")
    key = graph.removeprefix(GRAPH)
    if len(key) > SOURCE_ID_MAX:
        raise BadGraphName(
            f"graph id too long (max {SOURCE_ID_MAX} characters, this one has {len(key)}): "
            f"<{graph[: len(GRAPH) + 40]}…>; use a shorter source id, e.g. "
            f"<{GRAPH}{suggested_id(key) or 'my-source-2025'}>"
        )
    if not SOURCE_ID.fullmatch(key):
        hint = suggested_id(key) or "my-source-2025"
        raise BadGraphName(
            f"the graph IRI <{graph}> does not end in a source id: after <{GRAPH}> it must be "
            "one path segment of lowercase letters, digits and single hyphens (at most "
            f"{SOURCE_ID_MAX} characters), which also names its file graph/sources/<id>.trig; "
            f"use e.g. <{GRAPH}{hint}>"
        )
    return key


PARTS = ("ontology", "graph", "queries")
# the curated project inside the installed package, copied there when the wheel is built
BUNDLED = Path(__file__).resolve().parents[1] / "data"
# an editable install has no copy: its package data is the checkout's own folders
_EDITABLE_SOURCE = Path(__file__).resolve().parents[3]


class ProjectMissing(RivalryError):
    pass


def is_project(folder: Path) -> bool:
    return all((folder / part).is_dir() for part in PARTS)


def bundled_root() -> Path | None:
    """The package's own copy of the curated project, if it has one."""
    for candidate in (BUNDLED, _EDITABLE_SOURCE):
        if is_project(candidate):
            return candidate
    return None


def user_store() -> Path:
    """The store of the bundled graph: per user and per version, so an upgrade rebuilds."""
    import platformdirs

    return platformdirs.user_data_path("rivalry") / VERSION / "store"


def _not_a_project(folder: Path, source: str) -> ProjectMissing:
    missing = ", ".join(f"{p}/" for p in PARTS if not (folder / p).is_dir())
    return ProjectMissing(
        f"{source} {folder} is not a rivalry project: it has no {missing}. "
        f"Create one with `rivalry init {folder}`, or point {source} at a folder holding "
        "ontology/, graph/ and queries/."
    )


@dataclass(frozen=True)
class Project:
    root: Path
    store_path: Path
    # True for the graph shipped in the package: readable, never written (no `rivalry add`)
    bundled: bool = False
    # the folders searched for a project before the bundled graph was taken, for messages
    searched: tuple[Path, ...] = field(default=(), compare=False)

    @classmethod
    def locate(
        cls, root: Path | None = None, store: Path | None = None, *, cwd: Path | None = None
    ) -> Project:
        """The project named by ``root``, ``$RIVALRY_PROJECT`` or found from ``cwd`` upwards;
        else the bundled graph. Raises ProjectMissing when a named folder is not a project,
        or when there is neither a project nor a bundled graph."""
        store = store or _env_path("RIVALRY_STORE")
        if root is not None or _env_path("RIVALRY_PROJECT") is not None:
            source = "--project" if root is not None else "$RIVALRY_PROJECT"
            folder = Path(root or _env_path("RIVALRY_PROJECT") or ".").resolve()
            if not is_project(folder):
                raise _not_a_project(folder, source)
            return cls._at(folder, store)
        start = (cwd or Path.cwd()).resolve()
        searched = (start, *start.parents)
        for folder in searched:
            if is_project(folder):
                return cls._at(folder, store)
        bundled = bundled_root()
        if bundled is None:
            raise ProjectMissing(
                f"no rivalry project in {start} or its parents (a folder with ontology/, "
                "graph/ and queries/), and this installation has no bundled graph. Give "
                "--project DIR or set RIVALRY_PROJECT, or create one with `rivalry init DIR`."
            )
        return cls(bundled, Path(store or user_store()).resolve(), True, searched)

    @classmethod
    def _at(cls, folder: Path, store: Path | None) -> Project:
        return cls(folder, Path(store or folder / ".rivalry" / "store").resolve())

    def require_writable(self, verb: str) -> None:
        """Refuse to write into the bundled graph: curated changes need a project of one's own."""
        if self.bundled:
            where = self.searched[0] if self.searched else Path.cwd()
            raise ProjectMissing(
                f"`rivalry {verb}` writes into a project's graph/, and no project was found "
                f"in {where} or its parents (a folder with ontology/, graph/ and queries/); "
                "the bundled graph is read-only. Create a project with `rivalry init DIR` "
                "and run the command there, or give --project DIR."
            )

    def describe(self) -> str:
        """Where the project is, for notes and errors."""
        if self.bundled:
            return f"the bundled graph ({self.root}), store in {self.store_path}"
        return str(self.root)

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "ontology" / "shapes"

    @property
    def rules_dir(self) -> Path:
        return self.root / "ontology" / "rules"

    @property
    def graph_dir(self) -> Path:
        return self.root / "graph"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    def ontology_files(self) -> list[Path]:
        return sorted(self.ontology_dir.glob("*.ttl"))

    def shape_files(self) -> list[Path]:
        return sorted(self.shapes_dir.glob("*.ttl"))

    @property
    def sources_dir(self) -> Path:
        return self.graph_dir / "sources"

    def source_file(self, graph: str) -> Path:
        """The file a merge writes ``graph`` to: derived from its validated source id and
        checked to lie directly inside graph/sources/, whatever the IRI held."""
        target = self.sources_dir / f"{source_id(graph)}.trig"
        if target.resolve(strict=False).parent != self.sources_dir.resolve():
            raise BadGraphName(f"<{graph}> would be written outside {self.sources_dir}")
        return target

    def is_source_file(self, path: Path) -> bool:
        """Whether ``path`` is a file ``source_file`` could return (journals are checked so)."""
        try:
            return path == self.source_file(GRAPH + path.name.removesuffix(".trig"))
        except BadGraphName:
            return False

    def graph_files(self) -> list[Path]:
        return sorted(p for p in self.graph_dir.rglob("*") if p.suffix in RDF_SUFFIXES)


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None
