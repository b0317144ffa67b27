"""Queries run in worker processes that can be killed at a deadline.

Neither pyoxigraph nor rdflib can interrupt a running query, so a slow query must not run
in the server process: each worker owns a read-only handle on the store, takes one query
at a time, and is killed and replaced when a query overruns. Other clients are served by
the other workers meanwhile.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import re
from dataclasses import dataclass

import pyoxigraph as ox

from rivalry.formats import GRAPH_FORMATS, SELECT_FORMATS
from rivalry.query.run import WHERE, with_values
from rivalry.vocab import PREFIXES


class QueryError(Exception):
    """The query is malformed or failed: the client's fault (400)."""


class ResultTooLarge(QueryError):
    """More rows than the server's cap: refused with a clear message, never cut short."""


class QueryTimeout(Exception):
    """The query ran past the deadline and its worker was killed (503)."""


@dataclass(frozen=True)
class Request:
    query: str
    select_format: str = "json"
    graph_format: str = "turtle"
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    bindings: tuple[tuple[str, str, str, str], ...] = ()  # (variable, kind, value, extra)
    update: bool = False  # a SPARQL Update, only for a writable pool


def _serve(store_path: str, row_limit: int, writable: bool, inbox, outbox) -> None:
    # runs in the worker process; only a writable pool's single worker opens the store for writing
    store = ox.Store(store_path) if writable else ox.Store.read_only(store_path)
    while True:
        request: Request = inbox.recv()
        try:
            outbox.send(("ok", *_execute(store, request, row_limit)))
        except (SyntaxError, ValueError, OSError, RuntimeError, QueryError) as err:
            outbox.send(("too-large" if isinstance(err, ResultTooLarge) else "error", str(err), ""))


def _execute(store: ox.Store, request: Request, row_limit: int) -> tuple[bytes, str]:
    if request.update:
        store.update(request.query)  # one transaction: all of it or none
        store.flush()
        return b"", "text/plain"
    options = {"prefixes": PREFIXES}
    if request.default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in request.default_graphs]
    if request.named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
    text = request.query
    if request.bindings:
        options["substitutions"] = {ox.Variable(n): from_tuple(t) for n, *t in request.bindings}
        if WHERE.search(text):  # also as VALUES, for Oxigraph to plan from (see query.run)
            text = with_values(text, options["substitutions"])
    result = store.query(text, **options)
    if isinstance(result, ox.QueryTriples):
        fmt, media = GRAPH_FORMATS[request.graph_format]
        return ox.serialize(list(result), format=fmt, prefixes=PREFIXES), media
    fmt, media = SELECT_FORMATS[request.select_format]
    if isinstance(result, ox.QuerySolutions):
        rows = _count_rows(store, text, options, row_limit)
        if rows > row_limit:
            raise ResultTooLarge(
                f"the result has more than {row_limit} rows, the server's limit; add LIMIT "
                "and OFFSET to page through it, or narrow the query"
            )
    return result.serialize(format=fmt), media


def _count_rows(store: ox.Store, text: str, options: dict, row_limit: int) -> int:
    """Count a SELECT's rows, stopping one past the limit, on a second evaluation."""
    count = 0
    for _ in store.query(text, **options):
        count += 1
        if count > row_limit:
            break
    return count


def to_tuple(term: ox.NamedNode | ox.Literal) -> tuple[str, str, str]:
    """A term as plain strings, to cross into a worker process."""
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value, "")
    if term.language:
        return ("lang", term.value, term.language)
    return ("literal", term.value, term.datatype.value)


def from_tuple(parts) -> ox.NamedNode | ox.Literal:
    kind, value, extra = parts
    if kind == "iri":
        return ox.NamedNode(value)
    if kind == "lang":
        return ox.Literal(value, language=extra)
    return ox.Literal(value, datatype=ox.NamedNode(extra))


class Worker:
    def __init__(self, store_path: str, row_limit: int, writable: bool = False):
        context = mp.get_context("spawn")  # no fork of a threaded server
        inbox, self.requests = context.Pipe(duplex=False)
        self.reply, outbox = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_serve, args=(store_path, row_limit, writable, inbox, outbox), daemon=True
        )
        self.process.start()

    def run(self, request: Request, timeout: float) -> tuple[bytes, str]:
        self.requests.send(request)
        if not self.reply.poll(timeout):
            raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped")
        status, body, media = self.reply.recv()
        if status == "too-large":
            raise ResultTooLarge(body)
        if status == "error":
            raise QueryError(body)
        return body, media

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)


class WorkerPool:
    """A fixed number of workers; a query waits for a free one, then runs with a deadline.

    A writable pool has one worker, the only process with the store open for writing
    (Oxigraph allows one writer, and readers beside a writer are undefined behaviour).
    """

    def __init__(
        self,
        store_path: str,
        size: int = 2,
        timeout: float = 30.0,
        row_limit: int = 100_000,
        writable: bool = False,
    ):
        self.store_path, self.timeout, self.row_limit = store_path, timeout, row_limit
        self.writable = writable
        self.idle: queue.Queue[Worker] = queue.Queue()
        for _ in range(1 if writable else size):
            self.idle.put(Worker(store_path, row_limit, writable))

    def run(self, request: Request) -> tuple[bytes, str]:
        worker = self.idle.get()
        try:
            result = worker.run(request, self.timeout)
        except QueryTimeout:
            worker.kill()
            worker = Worker(self.store_path, self.row_limit, self.writable)  # a fresh one
            raise
        finally:
            self.idle.put(worker)
        return result

    def close(self) -> None:
        while not self.idle.empty():
            self.idle.get_nowait().kill()


class RemotePool:
    """The same interface as the worker pool, answered by a remote SPARQL 1.1 endpoint."""

    def __init__(self, endpoint: str, timeout: float = 30.0):
        self.endpoint, self.timeout = endpoint, timeout

    def run(self, request: Request) -> tuple[bytes, str]:
        from rivalry.query.remote import remote_query

        bindings = {ox.Variable(n): from_tuple(t) for n, *t in request.bindings}
        graph = request.graph_format
        kind = (
            "construct"
            if re.match(
                r"\s*(PREFIX[^\n]*\n\s*)*(CONSTRUCT|DESCRIBE)", request.query, re.IGNORECASE
            )
            else "select"
        )
        fmt = graph if kind == "construct" else request.select_format
        try:
            body = remote_query(self.endpoint, request.query, bindings, fmt, self.timeout)
        except Exception as err:  # SPARQLWrapper raises its own and urllib's errors
            raise QueryError(f"the endpoint {self.endpoint} failed: {err}") from None
        media = (GRAPH_FORMATS if kind == "construct" else SELECT_FORMATS)[fmt][1]
        return body, media

    def close(self) -> None:
        pass
