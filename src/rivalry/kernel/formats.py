"""The result formats the CLI, the server and the remote client all speak: one name each,
with the engine's format and the media type used on the wire."""

from __future__ import annotations

import pyoxigraph as ox

from rivalry.kernel.paths import RDF_SUFFIXES

# SELECT and ASK results
SELECT_FORMATS = {
    "json": (ox.QueryResultsFormat.JSON, "application/sparql-results+json"),
    "xml": (ox.QueryResultsFormat.XML, "application/sparql-results+xml"),
    "csv": (ox.QueryResultsFormat.CSV, "text/csv; charset=utf-8"),
    "tsv": (ox.QueryResultsFormat.TSV, "text/tab-separated-values; charset=utf-8"),
}
# CONSTRUCT and DESCRIBE results, and data documents
GRAPH_FORMATS = {
    "turtle": (ox.RdfFormat.TURTLE, "text/turtle; charset=utf-8"),
    "ntriples": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json"),
    "rdfxml": (ox.RdfFormat.RDF_XML, "application/rdf+xml"),
}


def media_type(name: str) -> str:
    """The bare media type (no parameters) of a format name."""
    return {**SELECT_FORMATS, **GRAPH_FORMATS}[name][1].split(";")[0]


# media type in an Accept header -> ("select" | "graph", format name); plain JSON/XML accepted too
BY_MEDIA_TYPE = {
    **{media_type(n): ("select", n) for n in SELECT_FORMATS},
    **{media_type(n): ("graph", n) for n in GRAPH_FORMATS},
    "application/json": ("select", "json"),
    "application/xml": ("select", "xml"),
}


# the RDF files the project reads (graph/, change sets), by suffix; kernel.paths lists them
RDF_FILE_FORMATS = {suffix: ox.RdfFormat.from_extension(suffix[1:]) for suffix in RDF_SUFFIXES}

# an entity's data documents, /data/<entity>.<extension>, in the order content negotiation tries
DOCUMENT_EXTENSIONS = {"ttl": "turtle", "jsonld": "jsonld", "nt": "ntriples", "rdf": "rdfxml"}
