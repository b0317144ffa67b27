"""The HTML pages: home, search, entities, the catalogue and the SPARQL editor."""

from __future__ import annotations

import datetime
import json
from html import escape
from urllib.parse import urlencode

import pyoxigraph as ox
from starlette.requests import Request as HttpRequest
from starlette.responses import HTMLResponse, Response

from rivalry.kernel.formats import SELECT_FORMATS
from rivalry.query import catalogue, execute, resolve
from rivalry.serve.exposure import explanation_href
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
from rivalry.web import browse, editor_page, exposure_page, html, pages, views

# one row per entity: its best label (rdfs:label before altLabel), its types joined, and the
# length of its shortest matching name, which orders the hits
SEARCH = """
SELECT ?q ?entity (MIN(?name) AS ?label) (GROUP_CONCAT(DISTINCT ?type; separator=", ") AS ?types)
       (MIN(STRLEN(STR(?hit))) AS ?closeness) WHERE {
    ?entity rdfs:label|skos:altLabel ?hit .
    FILTER (CONTAINS(LCASE(STR(?hit)), LCASE(STR(?q))) && STRSTARTS(STR(?entity), STR(id:)))
    OPTIONAL { ?entity rdfs:label ?label1 }
    BIND (COALESCE(?label1, ?hit) AS ?name)
    OPTIONAL {
        ?entity a ?class . FILTER (STRSTARTS(STR(?class), STR(tr:))) ?class rdfs:label ?type
    }
} GROUP BY ?q ?entity ORDER BY ?closeness ?label"""

PAGE_SIZE = 50


def error_page(status: int, title: str, message: str) -> Response:
    """An error as the site's own page; the message never holds a server path."""
    body = (
        f"<p class='error'>{escape(message)}</p>"
        "<p><a href='/'>Home</a> · <a href='/search'>search</a></p>"
    )
    return HTMLResponse(html.page(title, body), status)


def open_in_editor(text: str) -> str:
    return f"<a href='/sparql-editor?{escape(urlencode({'query': text}))}'>open in editor</a>"


class Pages:
    """Routes of the HTML pages."""

    _terms: dict[str, list[str]] | None = None

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
        page = request.query_params.get("page", "1")
        number = int(page) if page.isdigit() and int(page) > 0 else 1
        rows: list[dict] = []
        if text:
            found = await self.select(request, SEARCH, {"q": ox.Literal(text)})
            rows = found["results"]["bindings"]
        shown = rows[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        items = "".join(
            f"<li>{self.linker.link(r['entity']['value'], r['label']['value'])} "
            f"<span class='muted'>{escape(r.get('types', {}).get('value', ''))}</span></li>"
            for r in shown
        )
        body = (
            f"<form action='/search'><input name='q' type='search' value='{escape(text)}'> "
            f"<button type='submit'>Search</button></form>"
        )
        if rows:
            first = (number - 1) * PAGE_SIZE + 1
            body += f"<p class='muted'>showing {first} to {first + len(shown) - 1} of {len(rows)}"
            if number * PAGE_SIZE < len(rows):
                more = urlencode({"q": text, "page": number + 1})
                body += f" · <a href='/search?{escape(more)}'>next {PAGE_SIZE}</a>"
            body += "</p>"
        body += f"<ul class='results'>{items}</ul>"
        if text and not rows:
            body += self._near_misses(text)
        return HTMLResponse(html.page(f"Search: {text}" if text else "Search", body))

    def _near_misses(self, text: str) -> str:
        """Nothing contains the words: offer the entities whose names are closest."""
        if self.lookups is None:  # remote endpoint: no local names to compare
            return "<p>Nothing found.</p>"
        close = resolve.Names.of(self.lookups).closest(text)
        if not close:
            return "<p>Nothing found.</p>"
        links = "".join(f"<li>{self.linker.link(iri, name)}</li>" for iri, name in close)
        intro = f"<p>Nothing contains {escape(text)}. Did you mean:</p>"
        return f"{intro}<ul class='results'>{links}</ul>"

    async def entity(self, request: HttpRequest) -> Response:
        path = request.path_params["path"]
        iri = self.entity_iri(path)
        if iri is None:
            return error_page(404, "Not found", f"{path!r} does not name an entity of this graph.")
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
            names=found["names"],
        )
        body += exposure_page.entity_link(iri.value, explanation_href)  # hook: exposure pages
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
                f"<button type='submit'>Run {escape(q.name)}</button></form>"
                f"<p>{open_in_editor(q.text)}</p></li>"
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
            if fmt in SELECT_FORMATS:  # a program asked: a plain message
                return plain_error(400, str(err))
            return error_page(400, "Bad request", str(err))
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
            f"{len(rows)} rows · {open_in_editor(entry.text)}</p>"
            f"<details><summary>SPARQL</summary><pre>{escape(entry.text)}</pre></details>"
            + views.embed(views.result_views(variables, rows, self.linker), "views", "result")
            + f"<div id='result'>{html.table(variables, rows, self.linker)}</div>"
        )
        return HTMLResponse(html.page(entry.summary or name, body_html))

    async def editor(self, request: HttpRequest) -> Response:
        query = request.query_params.get("query")
        text = query or editor_page.DEFAULT_QUERY
        result_html = ""
        if query:  # the no-JavaScript path: the server runs the query and draws the answer
            result_html = await self._editor_result(request, query)
        body = editor_page.body(
            text, result_html, catalogue.load_catalogue(self.project.queries_dir), self.terms()
        )
        return HTMLResponse(html.page("SPARQL editor", body, head=editor_page.HEAD))

    async def _editor_result(self, request: HttpRequest, query: str) -> str:
        if editor_page.is_update(query):
            return "<p class='error'>Error: updates are not accepted at this endpoint.</p>"
        try:
            await vet(query)
        except Forbidden:
            return "<p class='error'>SERVICE and LOAD are not allowed.</p>"
        try:
            body, media = await self.run(request, Request(query, "json", graph_format="turtle"))
        except (QueryError, QueryTimeout, WorkerFailed, Busy) as err:
            return f"<p class='error'>Error: {escape(str(err))}</p>"
        if not media.startswith("application/sparql-results+json"):  # CONSTRUCT, DESCRIBE
            return f"<pre class='rdf'>{escape(body.decode('utf-8'))}</pre>"
        result = json.loads(body)
        if "boolean" in result:
            return f"<p>{result['boolean']}</p>"
        rows = result["results"]["bindings"]
        return f"<p>{len(rows)} rows</p>" + html.table(result["head"]["vars"], rows, self.linker)

    def terms(self) -> dict[str, list[str]]:
        """The ontology's classes and properties, for the editor's local autocompletion."""
        if self._terms is None:
            self._terms = editor_page.ontology_terms(self.project.ontology_dir)
        return self._terms
