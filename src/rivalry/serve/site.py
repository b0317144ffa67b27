"""The HTML pages: home, search, entities, the catalogue and the SPARQL editor."""

from __future__ import annotations

import datetime
import json
from html import escape

import pyoxigraph as ox
from starlette.requests import Request as HttpRequest
from starlette.responses import HTMLResponse, Response

from rivalry.kernel.formats import SELECT_FORMATS
from rivalry.kernel.namespaces import PREFIXES
from rivalry.query import catalogue, execute
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
from rivalry.web import browse, html, pages, views

SEARCH = """
SELECT DISTINCT ?q ?entity ?label ?type WHERE {
    ?entity rdfs:label|skos:altLabel ?label .
    FILTER (CONTAINS(LCASE(STR(?label)), LCASE(STR(?q))) && STRSTARTS(STR(?entity), STR(id:)))
    OPTIONAL {
        ?entity a ?class . FILTER (STRSTARTS(STR(?class), STR(tr:))) ?class rdfs:label ?type
    }
} ORDER BY STRLEN(STR(?label)) LIMIT 50"""


class Pages:
    """Routes of the HTML pages."""

    async def home(self, request: HttpRequest) -> Response:
        counts = await self.select(request, browse.COUNTS)
        items = browse.class_list(counts["results"]["bindings"])
        body = (
            "<p>An open knowledge graph of the technology rivalry between states: states, "
            "government bodies, firms, chips, legal instruments, and the dated events and "
            "sourced claims that link them.</p>"
            "<form action='/search' method='get'><label>Find an entity "
            "<input name='q' type='search' placeholder='e.g. Ascend 910C'></label> "
            "<button type='submit'>Search</button></form>"
            f"<h2>Browse by class</h2>{items}"
            "<p><a href='/queries'>Ask the catalogue's questions</a> · "
            "<a href='/sparql-editor'>write SPARQL</a> · SPARQL endpoint: <code>/sparql</code></p>"
        )
        return HTMLResponse(html.page("Tech Rivalry Knowledge Graph", body, built=self.built()))

    def built(self) -> str | None:
        """The day the served store was built (its folder's last change)."""
        try:
            stamp = self.project.store_path.stat().st_mtime
        except OSError:
            return None
        return datetime.datetime.fromtimestamp(stamp, datetime.UTC).date().isoformat()

    async def class_page(self, request: HttpRequest) -> Response:
        name = request.path_params["name"]
        if name not in browse.NAMES:
            known = ", ".join(sorted(browse.NAMES))
            return plain_error(404, f"{name!r} is not a class the site lists; try one of {known}.")
        found = await self.select(
            request, browse.MEMBERS, {"class": ox.NamedNode(browse.TR + name)}
        )
        body = browse.members_html(found["results"]["bindings"], self.linker)
        return HTMLResponse(html.page(browse.plural(name).capitalize(), body))

    async def search(self, request: HttpRequest) -> Response:
        text = request.query_params.get("q", "").strip()[:200]
        rows = []
        if text:
            found = await self.select(request, SEARCH, {"q": ox.Literal(text)})
            rows = found["results"]["bindings"]
        items = "".join(
            f"<li>{self.linker.link(r['entity']['value'], r['label']['value'])} "
            f"<span class='muted'>{escape(r.get('type', {}).get('value', ''))}</span></li>"
            for r in rows
        )
        body = (
            f"<form action='/search'><input name='q' type='search' value='{escape(text)}'> "
            f"<button type='submit'>Search</button></form><ul class='results'>{items}</ul>"
            + ("" if rows or not text else "<p>Nothing found.</p>")
        )
        return HTMLResponse(html.page(f"Search: {text}" if text else "Search", body))

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
        found = {"facts": facts}
        for name, query in pages.QUERIES.items():
            if name != "facts":
                result = await self.select(request, query, {"entity": iri})
                found[name] = result["results"]["bindings"]
        data = {name: f"/data/{path}.{ext}" for name, ext in pages.DATA_LINKS}
        title, body = pages.entity(
            iri.value,
            facts,
            found["events"],
            found["contributed"],
            self.linker,
            data,
            inferred=found["inferred"],
            dated=found["dated"],
            claims=found["claims"],
        )
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
            return plain_error(400, str(err))
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
            f"{len(rows)} rows</p>"
            + views.embed(views.result_views(variables, rows, self.linker), "views", "result")
            + f"<div id='result'>{html.table(variables, rows, self.linker)}</div>"
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
            try:
                await vet(query)
            except Forbidden:
                result_html = "<p>SERVICE and LOAD are not allowed.</p>"
            else:
                try:
                    body, _ = await self.run(request, Request(query, "json"))
                    result = json.loads(body)
                    if "boolean" in result:
                        result_html = f"<p>{result['boolean']}</p>"
                    else:
                        result_html = html.table(
                            result["head"]["vars"], result["results"]["bindings"], self.linker
                        )
                except (QueryError, QueryTimeout, WorkerFailed, Busy, ValueError) as err:
                    result_html = f"<p>Error: {escape(str(err))}</p>"
        body = (
            "<form method='get' action='/sparql-editor'>"
            f"<textarea name='query' rows='14'>{escape(text)}</textarea>"
            "<p><button type='submit'>Run</button></p></form>" + result_html
        )
        return HTMLResponse(html.page("SPARQL editor", body))
