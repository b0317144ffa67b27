"""Where a project's parts live: ontology, shapes, graph, queries and the store.

A project is a folder with ``ontology/``, ``graph/`` and ``queries/``. By default it is
the checkout this package was installed from; ``RIVALRY_PROJECT`` or ``--project``
points elsewhere, and ``RIVALRY_STORE`` or ``--store`` moves the on-disk store.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

RDF_SUFFIXES = (".ttl", ".trig", ".nt", ".nq", ".jsonld")


def _default_root() -> Path:
    env = os.environ.get("RIVALRY_PROJECT")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2]


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

    def graph_files(self) -> list[Path]:
        return sorted(p for p in self.graph_dir.rglob("*") if p.suffix in RDF_SUFFIXES)
