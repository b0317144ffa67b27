"""Tech Rivalry Knowledge Graph: ontology, shapes, sourced graph, store and queries.

The Python API (``rivalry.open``, ``Graph``, ``Result``, ``Entity``) lives in ``rivalry.api``
and is imported on first use, so ``import rivalry.kernel`` stays cheap.

The pipeline runs one way, and the sub-packages follow it: ``kernel`` (namespaces and terms,
formats, project paths, errors), ``load`` (strict parsing), ``reason`` (materialised
inferences), ``validate`` (SHACL, OWL, time and provenance layers), ``store`` (the embedded
Oxigraph store and the build) and ``gate`` (check and merge), ``query`` (the catalogue),
``importing``/``linking``/``analysis``, ``web`` (HTML shared by ``serve`` and ``publish``),
``push``, ``api``, and ``cli`` on top. tests/test_layers.py enforces that direction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rivalry.kernel.errors import RivalryError
from rivalry.kernel.version import VERSION as __version__

if TYPE_CHECKING:
    from rivalry.api import Entity, Graph, Result, open
    from rivalry.gate.transaction import ChangeRefused, MergeFailed

__all__ = [
    "ChangeRefused",
    "Entity",
    "Graph",
    "MergeFailed",
    "Result",
    "RivalryError",
    "__version__",
    "open",
]

_LAZY = {
    "open": "rivalry.api",
    "Graph": "rivalry.api",
    "Result": "rivalry.api",
    "Entity": "rivalry.api",
    "ChangeRefused": "rivalry.gate.transaction",
    "MergeFailed": "rivalry.gate.transaction",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'rivalry' has no attribute {name!r}")
