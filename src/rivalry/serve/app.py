"""The web application: its routes, middleware and lifespan.

Every query, the pages' included, runs in the worker pool with a deadline; the server
process itself only opens the store read-only for quick label look-ups."""

from __future__ import annotations

import contextlib
import math

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request as HttpRequest
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from rivalry.kernel.namespaces import BASE
from rivalry.kernel.paths import Project
from rivalry.query import guard
from rivalry.query.remote import RemoteStore
from rivalry.serve.exposure import ExposurePages
from rivalry.serve.limits import BodyTooLarge, Guard
from rivalry.serve.linked_data import LinkedData
from rivalry.serve.reconcile import Reconciliation
from rivalry.serve.responses import plain_error
from rivalry.serve.site import Pages, error_page
from rivalry.serve.sparql import Forbidden, SparqlProtocol
from rivalry.serve.workers import (
    MEMORY_LIMIT,
    Busy,
    QueryError,
    QueryTimeout,
    RemotePool,
    ResultTooLarge,
    WorkerFailed,
    WorkerPool,
)
from rivalry.store.embedded import generation, open_store
from rivalry.web import html


class Server(SparqlProtocol, LinkedData, Reconciliation, Pages, ExposurePages):
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
            self.pool, self._lookups = RemotePool(endpoint, timeout), None
            self.remote_store = RemoteStore(endpoint, timeout)  # the exposure pages' walk
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
            self._lookups = None if update_token else open_store(project.store_path)
            self._lookups_generation = generation(project.store_path)
        self.linker = html.Linker(base)
        self.timeout = timeout

    @property
    def lookups(self) -> ox.Store | None:
        """The read-only store for label look-ups, reopened once a build or `rivalry add`
        has changed the store (a handle keeps the snapshot it opened)."""
        if self._lookups is not None:
            now = generation(self.project.store_path)
            if now != self._lookups_generation:
                self._lookups = open_store(self.project.store_path)
                self._lookups_generation = now
        return self._lookups

    # ------------------------------------------------------------ running queries

    def app(self) -> Starlette:
        routes = [
            Route("/", self.home),
            Route("/search", self.search),
            Route("/class/{name}", self.class_page),
            Route("/sparql", self.sparql, methods=["GET", "POST"], name="sparql"),
            Route("/sparql-editor", self.editor),
            Route("/queries", self.queries),
            Route("/queries.json", self.catalogue_json),
            Route("/openapi.json", self.openapi),
            Route("/reconcile", self.reconcile, methods=["GET", "POST"]),
            Route("/queries/{name}", self.run_query),
            Route("/id/{path:path}", self.resource),
            Route("/page/{path:path}", self.page_with_alternates),
            Route("/exposure", self.exposure_ranking),
            Route("/exposure/{entity:path}", self.exposure_explain),
            Route("/data/{path:path}.{ext}", self.data),
            Route("/.well-known/void", self.void),
            Route("/ontology", self.vocabulary),
            Route("/shapes", self.vocabulary),
            Route("/ontology.{ext}", self.vocabulary),
            Route("/shapes.{ext}", self.vocabulary),
            # the pages' own scripts and styles and the vendored libraries (web/static/)
            Mount("/static", StaticFiles(directory=html.STATIC), name="static"),
        ]
        middleware = [
            Middleware(Guard),  # outermost: stamps the arrival, refuses ambiguous framing
            Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"]),
            Middleware(GZipMiddleware, minimum_size=1024),  # data documents, dumps, pages
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
            exception_handlers={
                **dict.fromkeys(failures, self._failure),
                404: self._not_found,
                405: self._not_found,
            },
        )

    async def _failure(self, request: HttpRequest, err: Exception) -> Response:
        """Every route's query failures, as 4xx or 503 with a message; never 500, and
        never a folder of the server (a worker's "no store at /…" names one)."""
        response = await self._failure_message(request, err)
        body = bytes(response.body)
        for folder in {str(self.project.store_path), str(self.project.root)}:
            body = body.replace(folder.encode(), b"the server's store")
        if body != response.body:
            response.body = body
            response.headers["content-length"] = str(len(body))
        return response

    async def _failure_message(self, request: HttpRequest, err: Exception) -> Response:
        if isinstance(err, ResultTooLarge):
            return plain_error(400, f"Result too large: {err}")
        if isinstance(err, QueryError):
            return plain_error(400, f"Malformed or failing query: {err}")
        if isinstance(err, guard.QueryRefused):
            return plain_error(400, f"Query refused at {err}")
        if isinstance(err, Forbidden):
            return plain_error(400, str(err))
        if isinstance(err, BodyTooLarge):
            return plain_error(413, str(err), {"Connection": "close"})  # the rest stays unread
        if isinstance(err, QueryTimeout):
            return plain_error(503, f"{err}. Narrow the query (add LIMIT, bind more variables).")
        if isinstance(err, Busy):
            retry = str(max(1, math.ceil(self.timeout)))
            return plain_error(
                503, f"The server is busy: {err}. Try again later.", {"Retry-After": retry}
            )
        return plain_error(503, f"{err}.")  # WorkerFailed

    async def _not_found(self, request: HttpRequest, err: Exception) -> Response:
        """Unknown paths get the site's own page, not the framework's bare text."""
        status = getattr(err, "status_code", 404)
        title = "Not found" if status == 404 else "Method not allowed"
        message = f"There is no page at {request.url.path}."
        return error_page(status, title, message)

    @contextlib.asynccontextmanager
    async def _lifespan(self, app):
        yield
        self.pool.close()
