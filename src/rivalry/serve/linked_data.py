"""Linked data: /id/ redirects by Accept, /data/ documents, the vocabulary and VoID."""

from __future__ import annotations

from html import escape
from urllib.parse import unquote

import pyoxigraph as ox
from starlette.requests import Request as HttpRequest
from starlette.responses import HTMLResponse, RedirectResponse, Response

from rivalry.kernel.formats import DOCUMENT_EXTENSIONS, media_type
from rivalry.kernel.namespaces import compact
from rivalry.serve.responses import negotiate, plain_error
from rivalry.serve.workers import (
    Request,
    to_tuple,
)
from rivalry.web import html, pages

TERMS = """
SELECT ?graph ?term ?kind ?label ?definition WHERE {
    GRAPH ?graph {
        ?term a ?kind ; rdfs:label ?label . OPTIONAL { ?term skos:definition ?definition }
    }
    FILTER (isIRI(?term) && ?kind IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty,
                                      owl:AnnotationProperty, sh:NodeShape))
} ORDER BY ?kind ?label"""


class LinkedData:
    """Routes of the linked-data recipes."""

    async def resource(self, request: HttpRequest) -> Response:
        """/id/… : 303 See Other to the page or the data document, by Accept."""
        path = request.path_params["path"]
        accept = request.headers.get("accept", "")
        for ext, name in DOCUMENT_EXTENSIONS.items():
            if media_type(name) in accept:
                return RedirectResponse(f"/data/{path}.{ext}", status_code=303)
        return RedirectResponse(f"/page/{path}", status_code=303)

    async def data(self, request: HttpRequest) -> Response:
        path, ext = request.path_params["path"], request.path_params["ext"]
        if ext not in DOCUMENT_EXTENSIONS:
            known = ", ".join(f".{e}" for e in DOCUMENT_EXTENSIONS)
            return plain_error(404, f"No data format .{ext}; use one of {known}.")
        iri = self.entity_iri(path)
        if iri is None:
            return plain_error(404, f"{path!r} does not name an entity of this graph.")
        job = Request(
            pages.ABOUT, graph_format=DOCUMENT_EXTENSIONS[ext], bindings=(("e", *to_tuple(iri)),)
        )
        body, media = await self.run(request, job)
        return Response(body, media_type=media)

    def entity_iri(self, path: str) -> ox.NamedNode | None:
        """The graph IRI a /page/ or /data/ path names, or None if it is no valid IRI."""
        try:
            return ox.NamedNode(self.base + "id/" + unquote(path))
        except ValueError:  # control characters, spaces, brackets …
            return None

    # ------------------------------------------------------------ pages

    async def vocabulary(self, request: HttpRequest) -> Response:
        """/ontology and /shapes: the vocabulary's IRIs resolve, as Turtle or as a page."""
        name = request.url.path.strip("/")
        graph = ox.NamedNode(f"{self.base}graph/{name}")
        if any(
            m in request.headers.get("accept", "")
            for m in ("text/turtle", "application/n-triples", "application/ld+json")
        ):
            _, graph_format = negotiate(request)
            job = Request(
                pages.WHOLE_GRAPH, graph_format=graph_format, bindings=(("g", *to_tuple(graph)),)
            )
            body, media = await self.run(request, job)
            return Response(body, media_type=media)
        found = (await self.select(request, TERMS, {"graph": graph}))["results"]["bindings"]
        items = "".join(
            f"<tr id='{escape(t['term']['value'].rsplit('#', 1)[-1])}'>"
            f"<td><code>{escape(compact(t['term']['value']))}</code></td>"
            f"<td>{escape(t['label']['value'])}</td><td>{escape(compact(t['kind']['value']))}</td>"
            f"<td>{escape(t.get('definition', {}).get('value', ''))}</td></tr>"
            for t in found
        )
        body = (
            "<p>As Turtle: request this page with <code>Accept: text/turtle</code>.</p><table>"
            "<thead><tr><th>term</th><th>label</th><th>kind</th><th>definition</th></tr>"
            f"</thead><tbody>{items}</tbody></table>"
        )
        return HTMLResponse(html.page("Tech Rivalry " + name, body))

    async def void(self, request: HttpRequest) -> Response:
        counts = await self.select(
            request,
            "SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?entities) WHERE { ?s ?p ?o }",
        )
        row = counts["results"]["bindings"][0]
        text = (
            "@prefix void: <http://rdfs.org/ns/void#> .\n"
            "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
            f"<{self.base}dataset> a void:Dataset ;\n"
            '    dcterms:title "Tech Rivalry Knowledge Graph"@en ;\n'
            f"    void:sparqlEndpoint <{request.url_for('sparql')}> ;\n"
            f'    void:uriSpace "{self.base}id/" ;\n'
            f"    void:vocabulary <{self.base}ontology#> ;\n"
            f"    void:triples {row['triples']['value']} ;\n"
            f"    void:entities {row['entities']['value']} .\n"
        )
        return Response(text, media_type="text/turtle; charset=utf-8")
