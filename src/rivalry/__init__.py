"""Tech Rivalry Knowledge Graph: ontology, shapes, sourced graph, store and queries.

The pipeline runs one way — sources → ontology + shapes → graph → validate → store →
query — and each stage is a module here: ``project`` (where things are), ``load``
(strict parsing), ``reason`` (materialised inferences), ``validate`` (SHACL, OWL and
the report), ``store`` (the embedded Oxigraph store) and ``query`` (the catalogue).
The CLI in ``cli`` is a thin layer over them.
"""

__version__ = "0.1.0"
