"""Where a project's parts live: ontology, shapes, graph, queries and the store.

A project is a folder with ``ontology/``, ``graph/`` and ``queries/``. By default it is
the checkout this package was installed from; ``RIVALRY_PROJECT`` or ``--project``
points elsewhere, and ``RIVALRY_STORE`` or ``--store`` moves the on-disk store.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from rivalry.kernel.formats import RDF_FILE_FORMATS
from rivalry.kernel.namespaces import GRAPH

# a source id, which names both the source's graph and its file graph/sources/<id>.trig:
# one path segment of lowercase ASCII words joined by single hyphens, as every shipped file is
SOURCE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SOURCE_ID_MAX = 120  # well below the 255 bytes a file name may have, with room for temp suffixes


class BadGraphName(ValueError):
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


def _default_root() -> Path:
    env = os.environ.get("RIVALRY_PROJECT")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Project:
    root: Path
    store_path: Path

    @classmethod
    def locate(cls, root: Path | None = None, store: Path | None = None) -> Project:
        root = (root or _default_root()).resolve()
        store = store or Path(os.environ.get("RIVALRY_STORE", root / ".rivalry" / "store"))
        return cls(root=root, store_path=Path(store).resolve())

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
        return sorted(p for p in self.graph_dir.rglob("*") if p.suffix in RDF_FILE_FORMATS)
