"""The web application: its routes, middleware and lifespan.

Every query, the pages' included, runs in the worker pool with a deadline; the server
process itself only opens the store read-only for quick label look-ups."""

from __future__ import annotations

import contextlib
import math

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request as HttpRequest
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from rivalry.kernel.namespaces import BASE
from rivalry.kernel.paths import Project
from rivalry.query import guard
from rivalry.serve.limits import BodyTooLarge, Guard
from rivalry.serve.linked_data import LinkedData
from rivalry.serve.responses import plain_error
from rivalry.serve.site import Pages
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
from rivalry.store.embedded import open_store
from rivalry.web import html


class Server(SparqlProtocol, LinkedData, Pages):
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

    def app(self) -> Starlette:
        routes = [
            Route("/", self.home),
            Route("/search", self.search),
            Route("/class/{name}", self.class_page),
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
            # the pages' own scripts and styles and the vendored libraries (web/static/)
            Mount("/static", StaticFiles(directory=html.STATIC), name="static"),
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

    @contextlib.asynccontextmanager
    async def _lifespan(self, app):
        yield
        self.pool.close()
