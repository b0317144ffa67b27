"""Linked data by the W3C recipes: /id/ redirects by Accept, /data/ documents (with their
labels, per-entity TriG, validators and alternates), the vocabulary and VoID.

The served ontology page and VoID come from the release's generators (publish.docs,
publish.describe), so what a server says and what a release says cannot drift apart."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, date, datetime
from email.utils import formatdate, parsedate_to_datetime
from urllib.parse import quote, unquote

import pyoxigraph as ox
from starlette.requests import Request as HttpRequest
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from rivalry.kernel.formats import DOCUMENT_EXTENSIONS, GRAPH_FORMATS, media_type
from rivalry.kernel.namespaces import ONTOLOGY_GRAPH, PREFIXES, SHAPES_GRAPH, VOCABULARY_GRAPHS
from rivalry.kernel.version import VERSION
from rivalry.query.catalogue import load_catalogue
from rivalry.serve.responses import plain_error
from rivalry.serve.workers import Request, to_tuple
from rivalry.web import catalogue_api, describe, html, ontology_docs
from rivalry.web.documents import ABOUT_LABELLED, QUADS_ABOUT

KNOWN = "SELECT ?e ?p WHERE { { ?e ?p ?o } UNION { ?s ?p ?e } } LIMIT 1"
ALL_QUADS = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
TRIG = "application/trig"
# every format a data document comes in, by extension (TriG keeps the source graphs)
EXTENSIONS = {**{e: media_type(n) for e, n in DOCUMENT_EXTENSIONS.items()}, "trig": TRIG}
VOCABULARY = {"ontology": ONTOLOGY_GRAPH, "shapes": SHAPES_GRAPH}
VOCABULARY_EXTENSIONS = {"ttl": "turtle", "rdf": "rdfxml", "nt": "ntriples", "jsonld": "jsonld"}


def wanted_extension(accept: str, choices: dict[str, str]) -> str | None:
    """The first of ``choices`` (extension → media type) that Accept names, by q order."""
    ranked = []
    for position, part in enumerate(accept.split(",")):
        media, *params = (p.strip().lower() for p in part.split(";"))
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        ranked.append((-q, position, media))
    for q, _, media in sorted(ranked):
        for ext, choice in choices.items():
            if media == choice and q < 0:
                return ext
    return None


def _term(binding: dict):
    """A SPARQL JSON result value as a pyoxigraph term."""
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if "xml:lang" in binding:
        return ox.Literal(value, language=binding["xml:lang"])
    return ox.Literal(
        value, datatype=ox.NamedNode(binding.get("datatype", PREFIXES["xsd"] + "string"))
    )


class LinkedData:
    """Routes of the linked-data recipes."""

    # ------------------------------------------------------------ validators

    def built_at(self) -> float:
        """When the served store was built (its folder is swapped in whole by a build)."""
        try:
            return self.project.store_path.stat().st_mtime
        except OSError:  # a remote endpoint: the server's start stands in
            return self.started

    @property
    def started(self) -> float:
        if not hasattr(self, "_started"):
            self._started = time.time()
        return self._started

    def validators(self, key: str) -> dict[str, str]:
        built = self.built_at()
        tag = hashlib.sha256(f"{built}\n{key}".encode()).hexdigest()[:20]
        return {"ETag": f'"{tag}"', "Last-Modified": formatdate(int(built), usegmt=True)}

    def not_modified(self, request: HttpRequest, headers: dict[str, str]) -> bool:
        """Conditional GET (RFC 9110): If-None-Match wins over If-Modified-Since."""
        match = request.headers.get("if-none-match")
        if match is not None:
            tags = {t.strip().removeprefix("W/") for t in match.split(",")}
            return "*" in tags or headers["ETag"] in tags
        since = request.headers.get("if-modified-since")
        if since:
            try:
                return int(self.built_at()) <= parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError):
                return False
        return False

    def document(
        self, request: HttpRequest, body: bytes | str, media: str, key: str, links: str
    ) -> Response:
        headers = {**self.validators(key), "Vary": "Accept", "Link": links}
        if self.not_modified(request, headers):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type=media, headers=headers)

    def alternates(self, path: str, page: bool = True) -> str:
        """Link header values for an entity's documents (and its page)."""
        local = quote(path, safe="/")
        links = [
            f'</data/{local}.{ext}>; rel="alternate"; type="{m}"' for ext, m in EXTENSIONS.items()
        ]
        if page:
            links.append(f'</page/{local}>; rel="alternate"; type="text/html"')
        return ", ".join(links)

    # ------------------------------------------------------------ entities

    async def known(self, request: HttpRequest, iri: ox.NamedNode) -> bool:
        found = await self.select(request, KNOWN, {"e": iri})
        return bool(found["results"]["bindings"])

    async def resource(self, request: HttpRequest) -> Response:
        """/id/… : 303 See Other to the page or the data document, by Accept; 404 if unknown."""
        path = request.path_params["path"]
        iri = self.entity_iri(path)
        vary = {"Vary": "Accept"}
        if iri is None or not await self.known(request, iri):
            return plain_error(404, f"{path!r} does not name an entity of this graph.", vary)
        ext = wanted_extension(
            request.headers.get("accept", ""), {**EXTENSIONS, "html": "text/html"}
        )
        target = f"/page/{path}" if ext in (None, "html") else f"/data/{path}.{ext}"
        return RedirectResponse(target, status_code=303, headers=vary)

    async def data(self, request: HttpRequest) -> Response:
        path, ext = request.path_params["path"], request.path_params["ext"]
        if ext not in EXTENSIONS:
            known = ", ".join(f".{e}" for e in EXTENSIONS)
            return plain_error(404, f"No data format .{ext}; use one of {known}.")
        iri = self.entity_iri(path)
        if iri is None or not await self.known(request, iri):
            return plain_error(404, f"{path!r} does not name an entity of this graph.")
        if ext == "trig":
            quads = await self.quads(request, QUADS_ABOUT, {"e": iri})
            body = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
            media = TRIG
        else:
            job = Request(
                ABOUT_LABELLED,
                graph_format=DOCUMENT_EXTENSIONS[ext],
                bindings=(("e", *to_tuple(iri)),),
            )
            body, media = await self.run(request, job)
        return self.document(request, body, media, f"{path}.{ext}", self.alternates(path))

    async def page_with_alternates(self, request: HttpRequest) -> Response:
        """/page/… : the entity page, with its data documents as Link headers and <link>s."""
        response = await self.entity(request)
        if response.status_code != 200:
            return response
        path = request.path_params["path"]
        links = self.alternates(path, page=False)
        heads = "".join(
            f"<link rel='alternate' type='{m}' href='/data/{quote(path, safe='/')}.{e}'>"
            for e, m in EXTENSIONS.items()
        )
        body = bytes(response.body).replace(b"</head>", heads.encode() + b"</head>", 1)
        headers = {"Link": links, "Vary": "Accept"}
        return HTMLResponse(body, headers=headers)

    def entity_iri(self, path: str) -> ox.NamedNode | None:
        """The graph IRI a /page/ or /data/ path names, or None if it is no valid IRI."""
        try:
            return ox.NamedNode(self.base + "id/" + unquote(path))
        except ValueError:  # control characters, spaces, brackets …
            return None

    async def quads(self, request: HttpRequest, query: str, bindings: dict | None = None):
        rows = (await self.select(request, query, bindings))["results"]["bindings"]
        return sorted(
            (ox.Quad(_term(r["s"]), _term(r["p"]), _term(r["o"]), _term(r["g"])) for r in rows),
            key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)),
        )

    # ------------------------------------------------------------ vocabulary

    async def vocabulary_store(self, request: HttpRequest) -> ox.Store:
        """The ontology and shapes graphs in memory, fetched once per build of the store."""
        built = self.built_at()
        cached = getattr(self, "_vocabulary", None)
        if cached and cached[0] == built:
            return cached[1]
        store = ox.Store()
        for graph in (ONTOLOGY_GRAPH, SHAPES_GRAPH):
            if self.lookups is not None:
                store.extend(self.lookups.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
                continue
            quads = await self.quads(
                request,
                "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }",
                {"g": ox.NamedNode(graph)},
            )
            store.extend(quads)
        self._vocabulary = (built, store)
        return store

    async def vocabulary(self, request: HttpRequest) -> Response:
        """/ontology and /shapes (and .ttl, .rdf …): the vocabulary as RDF or as its page."""
        name, _, ext = request.url.path.strip("/").partition(".")
        accept = request.headers.get("accept", "")
        choices = {e: media_type(n) for e, n in VOCABULARY_EXTENSIONS.items()}
        if not ext:
            ext = wanted_extension(accept, {**choices, "html": "text/html"}) or "html"
        store = await self.vocabulary_store(request)
        alternates = (
            ", ".join(f'</{name}.{e}>; rel="alternate"; type="{m}"' for e, m in choices.items())
            + f', </{name}>; rel="alternate"; type="text/html"'
        )
        if ext == "html":
            catalogue = load_catalogue(self.project.queries_dir)
            body = ontology_docs.render(store, catalogue, VERSION, html.NAV)
            heads = "".join(
                f"<link rel='alternate' type='{m}' href='/{name}.{e}'>" for e, m in choices.items()
            )
            body = body.replace("</head>", heads + "</head>", 1)
            return self.document(
                request, body, "text/html; charset=utf-8", name + ".html", alternates
            )
        if ext not in VOCABULARY_EXTENSIONS:
            return plain_error(404, f"No format .{ext}; use one of .{', .'.join(choices)}.")
        fmt, media = GRAPH_FORMATS[VOCABULARY_EXTENSIONS[ext]]
        triples = sorted(
            (
                q.triple
                for q in store.quads_for_pattern(None, None, None, ox.NamedNode(VOCABULARY[name]))
            ),
            key=lambda t: (str(t.subject), str(t.predicate), str(t.object)),
        )
        body = ox.serialize(triples, format=fmt, prefixes=PREFIXES)
        return self.document(request, body, media, f"{name}.{ext}", alternates)

    # ------------------------------------------------------------ the catalogue as an API

    async def catalogue_json(self, request: HttpRequest) -> Response:
        queries = load_catalogue(self.project.queries_dir)
        return JSONResponse(catalogue_api.catalogue_json(queries))

    async def openapi(self, request: HttpRequest) -> Response:
        queries = load_catalogue(self.project.queries_dir)
        return JSONResponse(catalogue_api.openapi(queries, str(request.base_url).rstrip("/")))

    # ------------------------------------------------------------ VoID

    async def void(self, request: HttpRequest) -> Response:
        """The dataset's VoID and DCAT description, by the release's generator."""
        if self.lookups is not None:  # the read-only store in process: no row limit applies
            quads = sorted(
                (
                    q
                    for q in self.lookups.quads_for_pattern(None, None, None, None)
                    if not isinstance(q.graph_name, ox.DefaultGraph)
                    and q.graph_name.value not in VOCABULARY_GRAPHS
                ),
                key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)),
            )
        else:
            quads = [
                q
                for q in await self.quads(request, ALL_QUADS)
                if q.graph_name.value not in VOCABULARY_GRAPHS
            ]
        built = self.built_at()
        text = describe.describe(
            quads,
            [],
            version=VERSION,
            issued=datetime.fromtimestamp(built, UTC).date() if built else date.today(),
            base_url=str(request.base_url),
            endpoint=str(request.url_for("sparql")),
        )
        return self.document(
            request,
            text,
            "text/turtle; charset=utf-8",
            "void",
            '</.well-known/void>; rel="describedby"',
        )
