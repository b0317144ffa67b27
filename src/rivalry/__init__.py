"""Tech Rivalry Knowledge Graph: ontology, shapes, sourced graph, store and queries.

The pipeline runs one way, and the sub-packages follow it: ``kernel`` (namespaces and terms,
formats, project paths, errors), ``load`` (strict parsing), ``reason`` (materialised
inferences), ``validate`` (SHACL, OWL, time and provenance layers), ``store`` (the embedded
Oxigraph store and the build) and ``gate`` (check and merge), ``query`` (the catalogue),
``importing``/``linking``/``analysis``, ``web`` (HTML shared by ``serve`` and ``publish``),
``push``, and ``cli`` on top. tests/test_layers.py enforces that direction.
"""

from rivalry.kernel.version import VERSION as __version__

__all__ = ["__version__"]
