"""The web application: SPARQL 1.1 Protocol at /sparql, linked data under /id/, pages.

Every query, the pages' included, runs in the worker pool with a deadline counted from the
request's arrival; the server process itself only opens the store read-only for quick label
look-ups. Query text is vetted first (``rivalry.query.guard``: nesting, SERVICE, LOAD), and
every route maps a query's failure to 400 or 503 in one place (``_failure``), never 500.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import math
from html import escape
from urllib.parse import parse_qs, unquote

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request as HttpRequest
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from rivalry.kernel.errors import RivalryError
from rivalry.kernel.formats import BY_MEDIA_TYPE, GRAPH_FORMATS, SELECT_FORMATS
from rivalry.kernel.namespaces import BASE, PREFIXES, compact
from rivalry.kernel.paths import Project
from rivalry.query import catalogue, execute, guard
from rivalry.serve.limits import BodyTooLarge, Guard, arrival, read_body
from rivalry.serve.workers import (
    MEMORY_LIMIT,
    Busy,
    QueryError,
    QueryTimeout,
    RemotePool,
    Request,
    ResultTooLarge,
    WorkerFailed,
    WorkerPool,
    to_tuple,
)
from rivalry.store.embedded import open_store
from rivalry.web import html, pages

LONG_QUERY = 64 * 1024  # vetted off the event loop beyond this many characters


async def vet(text: str) -> None:
    """Refuse a query nested too deep (``QueryRefused``) or using SERVICE or LOAD."""
    checked = (
        await run_in_threadpool(guard.check, text) if len(text) > LONG_QUERY else guard.check(text)
    )
    if checked.forbidden:
        raise Forbidden("SERVICE and LOAD are not allowed on this endpoint.")


class Forbidden(RivalryError):
    pass


TERMS = """
SELECT ?graph ?term ?kind ?label ?definition WHERE {
    GRAPH ?graph {
        ?term a ?kind ; rdfs:label ?label . OPTIONAL { ?term skos:definition ?definition }
    }
    FILTER (isIRI(?term) && ?kind IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty,
                                      owl:AnnotationProperty, sh:NodeShape))
} ORDER BY ?kind ?label"""

SEARCH = """
SELECT DISTINCT ?q ?entity ?label ?type WHERE {
    ?entity rdfs:label|skos:altLabel ?label .
    FILTER (CONTAINS(LCASE(STR(?label)), LCASE(STR(?q))) && STRSTARTS(STR(?entity), STR(id:)))
    OPTIONAL {
        ?entity a ?class . FILTER (STRSTARTS(STR(?class), STR(tr:))) ?class rdfs:label ?type
    }
} ORDER BY STRLEN(STR(?label)) LIMIT 50"""

COUNTS = """
SELECT ?what (COUNT(DISTINCT ?x) AS ?n) WHERE {
    VALUES (?class ?what) { (tr:State "states") (tr:GovernmentBody "government bodies")
        (tr:Firm "firms") (tr:Chip "chips") (tr:LegalInstrument "legal instruments")
        (tr:Event "events") (tr:Claim "claims") (tr:SourceDocument "source documents") }
    ?x a ?class .
} GROUP BY ?what ORDER BY DESC(?n)"""


class Server:
    def __init__(
        self,
        project: Project,
        workers: int = 2,
        timeout: float = 30.0,
        base: str = BASE,
        endpoint: str | None = None,
        row_limit: int = 100_000,
        update_token: str | None = None,
        memory: int = MEMORY_LIMIT,
    ):
        self.project, self.base = project, base
        self.update_token = update_token  # None: read-only, every update refused
        if endpoint:  # a remote SPARQL server answers everything; labels need IRIs then
            self.pool, self.lookups = RemotePool(endpoint, timeout), None
        else:
            self.pool = WorkerPool(
                str(project.store_path),
                size=workers,
                timeout=timeout,
                row_limit=row_limit,
                writable=update_token is not None,
                memory=memory,
            )
            # the only writer is the pool's worker; look-ups then go through it too
            self.lookups = None if update_token else open_store(project.store_path)
        self.linker = html.Linker(base)
        self.timeout = timeout

    # ------------------------------------------------------------ running queries

    async def run(self, http: HttpRequest, job: Request) -> tuple[bytes, str]:
        """Run ``job`` in the pool, within the deadline counted from ``http``'s arrival."""
        return await run_in_threadpool(self.pool.run, job, arrival(http.scope))

    async def select(self, http: HttpRequest, query: str, bindings: dict | None = None) -> dict:
        request = Request(
            query, "json", bindings=tuple((k, *to_tuple(v)) for k, v in (bindings or {}).items())
        )
        body, _ = await self.run(http, request)
        return json.loads(body)

    # ------------------------------------------------------------ SPARQL protocol

    async def sparql(self, request: HttpRequest) -> Response:
        params = dict(request.query_params)
        query = params.get("query")
        if "update" in params:
            return _error(400, "SPARQL Update must be sent by POST (SPARQL 1.1 Protocol §2.2).")
        if len(request.query_params.getlist("query")) > 1:
            return _error(400, "Send one query= parameter, not several.")
        if request.method == "POST":
            body = await read_body(request)  # refused past MAX_BODY before it is all read
            kind = request.headers.get("content-type", "").split(";")[0].strip()
            if kind == "application/sparql-query":
                query = body.decode("utf-8", errors="replace")
            elif kind == "application/x-www-form-urlencoded":
                form = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
                if "update" in form:
                    return await self.update(request, form["update"][0])
                query = form["query"][0] if "query" in form else None
            elif kind == "application/sparql-update":
                return await self.update(request, body.decode("utf-8", errors="replace"))
            else:
                return _error(
                    415,
                    f"Unsupported content type {kind!r}: send "
                    "application/sparql-query or a form with query=.",
                )
        if query is None:
            return self.service_description(request)
        await vet(query)
        select_format, graph_format = _negotiate(request)
        job = Request(
            query,
            select_format,
            graph_format,
            tuple(request.query_params.getlist("default-graph-uri")),
            tuple(request.query_params.getlist("named-graph-uri")),
        )
        body, media = await self.run(request, job)
        return Response(body, media_type=media)

    async def update(self, request: HttpRequest, text: str) -> Response:
        """SPARQL Update, only when the server was started with a token and the client sends it."""
        if self.update_token is None:
            return _error(403, "This endpoint is read-only: SPARQL Update is not accepted.")
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), self.update_token.encode()):
            return Response(
                "A valid 'Authorization: Bearer <token>' header is required.\n",
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        await vet(text)
        try:
            await self.run(request, Request(text, update=True))
        except QueryError as err:
            return _error(400, f"Malformed or failing update: {err}")
        except QueryTimeout as err:
            return _error(503, f"{err}; the update was rolled back.")
        return Response(status_code=204)

    def service_description(self, request: HttpRequest) -> Response:
        endpoint = str(request.url.replace(query=""))
        results = "".join(
            f"    sd:resultFormat <http://www.w3.org/ns/formats/{name}> ;\n"
            for name in (
                "SPARQL_Results_JSON",
                "SPARQL_Results_XML",
                "SPARQL_Results_CSV",
                "SPARQL_Results_TSV",
                "Turtle",
                "N-Triples",
                "JSON-LD",
                "RDF_XML",
            )
        )
        text = (
            "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .\n"
            f"[] a sd:Service ;\n    sd:endpoint <{endpoint}> ;\n"
            "    sd:supportedLanguage sd:SPARQL11Query ;\n"
            f"{results}"
            "    sd:feature sd:UnionDefaultGraph ;\n"
            f"    sd:defaultDataset [ a sd:Dataset ; sd:defaultGraph [ a sd:Graph ] ] .\n"
        )
        return Response(text, media_type="text/turtle; charset=utf-8")

    # ------------------------------------------------------------ linked data

    async def resource(self, request: HttpRequest) -> Response:
        """/id/… : 303 See Other to the page or the data document, by Accept."""
        path = request.path_params["path"]
        accept = request.headers.get("accept", "")
        for media, ext in (
            ("text/turtle", "ttl"),
            ("application/ld+json", "jsonld"),
            ("application/n-triples", "nt"),
            ("application/rdf+xml", "rdf"),
        ):
            if media in accept:
                return RedirectResponse(f"/data/{path}.{ext}", status_code=303)
        return RedirectResponse(f"/page/{path}", status_code=303)

    async def data(self, request: HttpRequest) -> Response:
        path, ext = request.path_params["path"], request.path_params["ext"]
        formats = {"ttl": "turtle", "jsonld": "jsonld", "nt": "ntriples", "rdf": "rdfxml"}
        if ext not in formats:
            return _error(404, f"No data format .{ext}; use .ttl, .jsonld, .nt or .rdf.")
        iri = self.entity_iri(path)
        if iri is None:
            return _error(404, f"{path!r} does not name an entity of this graph.")
        job = Request(pages.ABOUT, graph_format=formats[ext], bindings=(("e", *to_tuple(iri)),))
        body, media = await self.run(request, job)
        return Response(body, media_type=media)

    def entity_iri(self, path: str) -> ox.NamedNode | None:
        """The graph IRI a /page/ or /data/ path names, or None if it is no valid IRI."""
        try:
            return ox.NamedNode(self.base + "id/" + unquote(path))
        except ValueError:  # control characters, spaces, brackets …
            return None

    # ------------------------------------------------------------ pages

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
            return _error(404, f"{path!r} does not name an entity of this graph.")
        facts = (await self.select(request, pages.DESCRIBE, {"entity": iri}))["results"]["bindings"]
        if not facts:
            return HTMLResponse(
                html.page("Not found", f"<p>{escape(iri.value)} is not in the graph.</p>"), 404
            )
        events = (await self.select(request, pages.TIMELINE, {"entity": iri}))["results"][
            "bindings"
        ]
        contributed = []
        for graph in pages.described_graphs(facts):
            found = await self.select(request, pages.CONTRIBUTED, {"graph": ox.NamedNode(graph)})
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
            return _error(400, str(err))
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

    async def vocabulary(self, request: HttpRequest) -> Response:
        """/ontology and /shapes: the vocabulary's IRIs resolve, as Turtle or as a page."""
        name = request.url.path.strip("/")
        graph = ox.NamedNode(f"{self.base}graph/{name}")
        if any(
            m in request.headers.get("accept", "")
            for m in ("text/turtle", "application/n-triples", "application/ld+json")
        ):
            _, graph_format = _negotiate(request)
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

    def app(self) -> Starlette:
        routes = [
            Route("/", self.home),
            Route("/search", self.search),
            Route("/sparql", self.sparql, methods=["GET", "POST"], name="sparql"),
            Route("/sparql-editor", self.editor),
            Route("/queries", self.queries),
            Route("/queries/{name}", self.run_query),
            Route("/id/{path:path}", self.resource),
            Route("/page/{path:path}", self.entity),
            Route("/data/{path:path}.{ext}", self.data),
            Route("/.well-known/void", self.void),
            Route("/ontology", self.vocabulary),
            Route("/shapes", self.vocabulary),
        ]
        middleware = [
            Middleware(Guard),  # outermost: stamps the arrival, refuses ambiguous framing
            Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"]),
        ]
        failures = (
            QueryError,
            QueryTimeout,
            WorkerFailed,
            Busy,
            guard.QueryRefused,
            Forbidden,
            BodyTooLarge,
        )
        return Starlette(
            routes=routes,
            middleware=middleware,
            lifespan=self._lifespan,
            exception_handlers=dict.fromkeys(failures, self._failure),
        )

    async def _failure(self, request: HttpRequest, err: Exception) -> Response:
        """Every route's query failures, as 4xx or 503 with a message; never 500."""
        if isinstance(err, ResultTooLarge):
            return _error(400, f"Result too large: {err}")
        if isinstance(err, QueryError):
            return _error(400, f"Malformed or failing query: {err}")
        if isinstance(err, guard.QueryRefused):
            return _error(400, f"Query refused at {err}")
        if isinstance(err, Forbidden):
            return _error(400, str(err))
        if isinstance(err, BodyTooLarge):
            return _error(413, str(err), {"Connection": "close"})  # the rest stays unread
        if isinstance(err, QueryTimeout):
            return _error(503, f"{err}. Narrow the query (add LIMIT, bind more variables).")
        if isinstance(err, Busy):
            retry = str(max(1, math.ceil(self.timeout)))
            return _error(
                503, f"The server is busy: {err}. Try again later.", {"Retry-After": retry}
            )
        return _error(503, f"{err}.")  # WorkerFailed

    @contextlib.asynccontextmanager
    async def _lifespan(self, app):
        yield
        self.pool.close()


def _negotiate(request: HttpRequest) -> tuple[str, str]:
    """The result formats for SELECT/ASK and for CONSTRUCT/DESCRIBE, from format= or Accept."""
    select, graph = "json", "turtle"
    wanted = request.query_params.get("format")
    if wanted in SELECT_FORMATS:
        return wanted, graph
    if wanted in GRAPH_FORMATS:
        return select, wanted
    found_select = found_graph = False
    for part in request.headers.get("accept", "").split(","):
        media = part.split(";")[0].strip().lower()
        family, name = BY_MEDIA_TYPE.get(media, (None, None))
        if family == "select" and not found_select:
            select, found_select = name, True
        elif family == "graph" and not found_graph:
            graph, found_graph = name, True
    return select, graph


def _error(status: int, message: str, headers: dict | None = None) -> Response:
    return PlainTextResponse(message + "\n", status_code=status, headers=headers)
