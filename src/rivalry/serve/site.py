"""The HTML pages: home, search, entities, the catalogue and the SPARQL editor."""

from __future__ import annotations

import json
import re
from html import escape

import pyoxigraph as ox
from starlette.requests import Request as HttpRequest
from starlette.responses import HTMLResponse, Response

from rivalry.kernel.formats import SELECT_FORMATS
from rivalry.kernel.names import normalise
from rivalry.kernel.namespaces import PREFIXES, expand_curie
from rivalry.query import catalogue, execute, resolve
from rivalry.serve.responses import plain_error
from rivalry.serve.sparql import Forbidden, vet
from rivalry.serve.workers import (
    Busy,
    QueryError,
    QueryTimeout,
    Request,
    WorkerFailed,
    to_tuple,
)
from rivalry.web import html, pages

SEARCH = """
SELECT DISTINCT ?q ?entity ?label ?type WHERE {
    ?entity rdfs:label|skos:altLabel ?label .
    FILTER (CONTAINS(LCASE(STR(?label)), LCASE(STR(?q))) && STRSTARTS(STR(?entity), STR(id:)))
    OPTIONAL {
        ?entity a ?class . FILTER (STRSTARTS(STR(?class), STR(tr:))) ?class rdfs:label ?type
    }
} ORDER BY STRLEN(STR(?label)) LIMIT 2000"""
SEARCH_SHOWN = 50  # entities listed; the page says how many more matched

COUNTS = """
SELECT ?what (COUNT(DISTINCT ?x) AS ?n) WHERE {
    VALUES (?class ?what) { (tr:State "states") (tr:GovernmentBody "government bodies")
        (tr:Firm "firms") (tr:Chip "chips") (tr:LegalInstrument "legal instruments")
        (tr:Event "events") (tr:Claim "claims") (tr:SourceDocument "source documents") }
    ?x a ?class .
} GROUP BY ?what ORDER BY DESC(?n)"""


class Pages:
    """Routes of the HTML pages."""

    async def home(self, request: HttpRequest) -> Response:
        counts = await self.select(request, COUNTS)
        items = "".join(
            f"<li>{escape(r['n']['value'])} {escape(r['what']['value'])}</li>"
            for r in counts["results"]["bindings"]
        )
        body = (
            "<p>An open knowledge graph of the technology rivalry between states: states, "
            "government bodies, firms, chips, legal instruments, and the dated events and "
            "sourced claims that link them.</p>"
            "<form action='/search' method='get'><label>Find an entity "
            "<input name='q' type='search' placeholder='e.g. Ascend 910C'></label> "
            "<button type='submit'>Search</button></form>"
            f"<h2>In the graph</h2><ul>{items}</ul>"
            "<p><a href='/queries'>Ask the catalogue's questions</a> · "
            "<a href='/sparql-editor'>write SPARQL</a> · SPARQL endpoint: <code>/sparql</code></p>"
        )
        return HTMLResponse(html.page("Tech Rivalry Knowledge Graph", body))

    async def search(self, request: HttpRequest) -> Response:
        text = request.query_params.get("q", "").strip()[:200]
        hits: dict[str, dict] = {}  # entity -> its best label and its types, once per entity
        if text:
            found = await self.select(request, SEARCH, {"q": ox.Literal(text)})
            for row in found["results"]["bindings"]:
                hit = hits.setdefault(
                    row["entity"]["value"], {"label": row["label"]["value"], "types": []}
                )
                kind = row.get("type", {}).get("value")
                if kind and kind not in hit["types"]:
                    hit["types"].append(kind)
        shown = list(hits.items())[:SEARCH_SHOWN]
        items = "".join(
            f"<li>{self.linker.link(iri, hit['label'])} "
            f"<span class='muted'>{escape(', '.join(hit['types']))}</span></li>"
            for iri, hit in shown
        )
        note = ""
        if len(hits) > SEARCH_SHOWN:
            note = f"<p class='muted'>Showing {SEARCH_SHOWN} of {len(hits)} matches; "
            note += "type more of the name to narrow them.</p>"
        elif text and not hits:
            note = "<p>Nothing found." + self._near_misses(text) + "</p>"
        body = (
            f"<form action='/search'><input name='q' type='search' value='{escape(text)}'> "
            f"<button type='submit'>Search</button></form>{note}<ul class='results'>{items}</ul>"
        )
        return HTMLResponse(html.page(f"Search: {text}" if text else "Search", body))

    def _near_misses(self, text: str) -> str:
        """ "Did you mean" links for a name spelled nearly like a known one."""
        if self.lookups is None:
            return ""
        near = resolve.near_names(resolve.names(self.lookups), normalise(text), n=5)
        if not near:
            return ""
        links = ", ".join(self.linker.link(expand_curie(c), c) for c in near)
        return f" Did you mean {links}?"

    async def entity(self, request: HttpRequest) -> Response:
        path = request.path_params["path"]
        iri = self.entity_iri(path)
        if iri is None:
            return plain_error(404, f"{path!r} does not name an entity of this graph.")
        facts = (await self.select(request, pages.DESCRIBE, {"entity": iri}))["results"]["bindings"]
        if not facts:
            return HTMLResponse(
                html.page("Not found", f"<p>{escape(iri.value)} is not in the graph.</p>"), 404
            )
        events = (await self.select(request, pages.TIMELINE, {"entity": iri}))["results"][
            "bindings"
        ]
        found = await self.select(request, pages.CONTRIBUTED, {"entity": iri})
        contributed = found["results"]["bindings"]
        data = {name: f"/data/{path}.{ext}" for name, ext in pages.DATA_LINKS}
        title, body = pages.entity(iri.value, facts, events, contributed, self.linker, data)
        return HTMLResponse(html.page(title, body))

    async def queries(self, request: HttpRequest) -> Response:
        items = []
        for q in catalogue.load_catalogue(self.project.queries_dir):
            fields = "".join(
                f"<label>{escape(p.name)} <input name='{escape(p.name)}' "
                f"value='{escape(p.default or '')}'></label> "
                for p in q.params
            )
            items.append(
                f"<li><h3>{escape(q.summary)}</h3><p class='muted'>{escape(q.description)}</p>"
                f"<form action='/queries/{escape(q.name)}' method='get'>{fields}"
                f"<button type='submit'>Run {escape(q.name)}</button></form></li>"
            )
        return HTMLResponse(html.page("Question catalogue", f"<ul>{''.join(items)}</ul>"))

    async def run_query(self, request: HttpRequest) -> Response:
        name = request.path_params["name"]
        fmt = request.query_params.get("format", "html")
        try:
            entry = catalogue.find(self.project.queries_dir, name)
            given = {k: v for k, v in request.query_params.items() if k != "format"}
            bindings = execute.bind(self.lookups, entry, given)
        except (catalogue.CatalogueError, execute.ParamError) as err:
            if fmt in SELECT_FORMATS:
                return plain_error(400, str(err))
            back = "<p><a href='/queries'>Back to the catalogue</a></p>"
            page = html.page("Bad request", f"<p class='error'>{escape(str(err))}</p>{back}")
            return HTMLResponse(page, 400)
        job = Request(
            entry.text,
            fmt if fmt in SELECT_FORMATS else "json",
            bindings=tuple((v.value, *to_tuple(t)) for v, t in bindings.items()),
        )
        body, media = await self.run(request, job)
        if fmt in SELECT_FORMATS:
            headers = {"Content-Disposition": f"attachment; filename={name}.{fmt}"}
            return Response(body, media_type=media, headers=headers)
        result = json.loads(body)
        variables, rows = result["head"]["vars"], result["results"]["bindings"]
        params = html.query_string(given)
        body_html = (
            f"<p>{escape(entry.description)}</p>"
            f"<p>Download: "
            f"<a href='/queries/{escape(name)}?{escape(params)}&amp;format=csv'>CSV</a> "
            f"<a href='/queries/{escape(name)}?{escape(params)}&amp;format=json'>JSON</a> · "
            f"{len(rows)} rows</p>{html.table(variables, rows, self.linker)}"
        )
        return HTMLResponse(html.page(entry.summary or name, body_html))

    async def editor(self, request: HttpRequest) -> Response:
        query = request.query_params.get("query")
        prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if ":" not in p)
        text = (
            query
            or prefixes
            + "\nSELECT ?entity ?label WHERE {\n  ?entity a tr:Chip ; rdfs:label ?label .\n}"
        )
        result_html = ""
        if query:
            result_html = await self._editor_result(request, query)
        body = (
            "<form method='get' action='/sparql-editor'>"
            f"<textarea name='query' rows='14'>{escape(text)}</textarea>"
            "<p><button type='submit'>Run</button></p></form>" + result_html
        )
        return HTMLResponse(html.page("SPARQL editor", body))

    async def _editor_result(self, request: HttpRequest, query: str) -> str:
        """The editor's answer as HTML: a table, a yes/no, or the graph as Turtle."""
        try:
            await vet(query)
        except Forbidden:
            return "<p class='error'>SERVICE and LOAD are not allowed.</p>"
        try:
            body, media = await self.run(request, Request(query, "json", "turtle"))
        except QueryError as err:
            # not a query: an update is refused as such, rather than with a parser message
            if UPDATE.search(query):
                return (
                    "<p class='error'>Updates are not accepted here: the editor is read-only. "
                    "Send SPARQL Update by POST to <code>/sparql</code> with the server's "
                    "token.</p>"
                )
            return f"<p class='error'>Error: {escape(str(err))}</p>"
        except (QueryTimeout, WorkerFailed, Busy, ValueError) as err:
            return f"<p class='error'>Error: {escape(str(err))}</p>"
        if not media.startswith("application/sparql-results+json"):  # CONSTRUCT, DESCRIBE
            text = body.decode("utf-8") if isinstance(body, bytes) else body
            return f"<p>The graph, as Turtle:</p><pre class='rdf'>{escape(text)}</pre>"
        result = json.loads(body)
        if "boolean" in result:
            return f"<p>{'yes' if result['boolean'] else 'no'} ({result['boolean']})</p>"
        rows = result["results"]["bindings"]
        return f"<p>{len(rows)} rows</p>" + html.table(result["head"]["vars"], rows, self.linker)


# the update forms of SPARQL 1.1 Update (§3), at the start of a statement
UPDATE = re.compile(
    r"(?:^|[;}\s])(?:INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\s",
    re.IGNORECASE,
)
