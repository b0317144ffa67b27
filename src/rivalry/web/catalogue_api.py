"""The query catalogue as JSON (/queries.json) and as an OpenAPI 3 description
(/openapi.json), grlc-style: one GET path per query, one query parameter per `#+ params`."""

from __future__ import annotations

from rivalry.kernel.version import VERSION
from rivalry.query.catalogue import CatalogueQuery

# OpenAPI schemas of the catalogue's parameter types
SCHEMAS = {
    "iri": {"type": "string", "format": "uri"},
    "entity": {"type": "string", "description": "an IRI, a prefixed name or a label"},
    "date": {"type": "string", "format": "date"},
    "string": {"type": "string"},
    "integer": {"type": "integer"},
}
FORMATS = ("json", "csv", "tsv", "xml", "html")


def catalogue_json(queries: list[CatalogueQuery]) -> list[dict]:
    return [
        {
            "name": q.name,
            "summary": q.summary,
            "description": q.description,
            "tags": list(q.tags),
            "params": [
                {
                    "name": p.name,
                    "type": p.type,
                    "default": p.default,
                    "description": p.description,
                }
                for p in q.params
            ],
            "sparql": q.text,
            "links": {
                "html": f"/queries/{q.name}",
                "json": f"/queries/{q.name}?format=json",
                "csv": f"/queries/{q.name}?format=csv",
            },
        }
        for q in queries
    ]


def openapi(queries: list[CatalogueQuery], server: str) -> dict:
    paths = {}
    for q in queries:
        parameters = [
            {
                "name": p.name,
                "in": "query",
                "required": p.default is None,
                "description": p.description,
                "schema": {**SCHEMAS.get(p.type, SCHEMAS["string"])}
                | ({"default": p.default} if p.default is not None else {}),
            }
            for p in q.params
        ]
        parameters.append(
            {
                "name": "format",
                "in": "query",
                "required": False,
                "schema": {"type": "string", "enum": list(FORMATS), "default": "html"},
            }
        )
        paths[f"/queries/{q.name}"] = {
            "get": {
                "operationId": q.name.replace("-", "_"),
                "summary": q.summary,
                "description": q.description + "\n\n```sparql\n" + q.text + "\n```",
                "tags": list(q.tags),
                "parameters": parameters,
                "responses": {
                    "200": {
                        "description": "the query's results",
                        "content": {
                            "application/sparql-results+json": {},
                            "text/csv": {},
                            "text/tab-separated-values": {},
                            "application/sparql-results+xml": {},
                            "text/html": {},
                        },
                    },
                    "400": {"description": "a parameter is missing or malformed"},
                },
            }
        }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Tech Rivalry Knowledge Graph: question catalogue",
            "version": VERSION,
            "description": "Each path runs one named, parameterised SPARQL query.",
        },
        "servers": [{"url": server}],
        "paths": paths,
    }
