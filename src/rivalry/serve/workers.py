"""Queries run in worker processes that can be killed at a deadline.

Neither pyoxigraph nor rdflib can interrupt a running query, so a slow query must not run
in the server process: each worker owns a read-only handle on the store, takes one query
at a time under an address-space limit, and is replaced when a query overruns its deadline,
runs out of memory or crashes the engine. Other clients are served by the other workers
meanwhile. The deadline counts from the request's arrival: a request that cannot get a
worker in time, or finds too many waiting before it, is refused at once (``Busy``).
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import re
import resource
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from rivalry.kernel.errors import RivalryError
from rivalry.kernel.formats import GRAPH_FORMATS, SELECT_FORMATS
from rivalry.kernel.namespaces import PREFIXES
from rivalry.query.cells import SPREADSHEET_SAFE
from rivalry.query.execute import WHERE, with_values
from rivalry.store.embedded import generation


class QueryError(RivalryError):
    """The query is malformed or failed: the client's fault (400)."""


class ResultTooLarge(QueryError):
    """More rows than the server's cap: refused with a clear message, never cut short."""


class QueryTimeout(RivalryError):
    """The query ran past the deadline and its worker was killed (503)."""


class WorkerFailed(RivalryError):
    """The worker died under the query (out of memory, or the engine crashed); it was
    replaced (503)."""


class Busy(RivalryError):
    """No worker became free before the request's deadline (503 with Retry-After)."""


MEMORY_LIMIT = 2 * 1024**3  # bytes of address space per worker, by default
WAITING_PER_WORKER = 8  # requests that may queue for a worker, per worker


@dataclass(frozen=True)
class Request:
    query: str
    select_format: str = "json"
    graph_format: str = "turtle"
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    bindings: tuple[tuple[str, str, str, str], ...] = ()  # (variable, kind, value, extra)
    update: bool = False  # a SPARQL Update, only for a writable pool


def used_prefixes(triples: list[ox.Triple]) -> dict[str, str]:
    """The project's prefixes that the triples use: a graph of three chips should not open
    with 35 @prefix lines."""
    namespaces = set()
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, ox.NamedNode):
                iri = term.value
                namespaces.add(iri[: max(iri.rfind("/"), iri.rfind("#")) + 1])
            elif isinstance(term, ox.Literal):
                namespaces.add(term.datatype.value.rpartition("#")[0] + "#")
    return {p: ns for p, ns in PREFIXES.items() if ns in namespaces}


def _serve(store_path: str, row_limit: int, writable: bool, memory: int, inbox, outbox) -> None:
    # runs in the worker process; only a writable pool's single worker opens the store for writing
    if memory:  # an allocation past it fails: Rust aborts the process, Python raises MemoryError
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    store = ox.Store(store_path) if writable else ox.Store.read_only(store_path)
    outbox.send(("ready", "", ""))
    while True:
        request: Request = inbox.recv()
        try:
            outbox.send(("ok", *_execute(store, request, row_limit)))
        except MemoryError:
            outbox.send(("memory", "", ""))
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
        triples = list(result)
        return ox.serialize(triples, format=fmt, prefixes=used_prefixes(triples)), media
    fmt, media = SELECT_FORMATS[request.select_format]
    if isinstance(result, ox.QuerySolutions):
        rows = _count_rows(store, text, options, row_limit)
        if rows > row_limit:
            raise ResultTooLarge(
                f"the result has more than {row_limit} rows, the server's limit; add LIMIT "
                "and OFFSET to page through it, or narrow the query"
            )
    body = result.serialize(format=fmt)
    if request.select_format in SPREADSHEET_SAFE and isinstance(result, ox.QuerySolutions):
        body = SPREADSHEET_SAFE[request.select_format](body)
    return body, media


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


def _memory_message(memory: int) -> str:
    return (
        f"the query ran out of its memory budget ({memory // 1024**2} MiB) and was stopped; "
        "narrow it (bind more variables, add LIMIT, avoid cartesian products)"
    )


class Worker:
    def __init__(
        self, store_path: str, row_limit: int, writable: bool = False, memory: int = MEMORY_LIMIT
    ):
        context = mp.get_context("spawn")  # no fork of a threaded server
        inbox, self.requests = context.Pipe(duplex=False)
        self.reply, outbox = context.Pipe(duplex=False)
        self.memory, self.store_path = memory, store_path
        # the store as this worker opens it: a newer generation means its snapshot is stale
        self.generation = generation(Path(store_path))
        self.process = context.Process(
            target=_serve,
            args=(store_path, row_limit, writable, memory, inbox, outbox),
            daemon=True,
        )
        self.process.start()

    def wait_ready(self, seconds: float = 120) -> Worker:
        """Return once the worker has opened the store, so that no request waits for that."""
        try:
            if self.reply.poll(seconds) and self.reply.recv()[0] == "ready":
                return self
        except (EOFError, OSError):
            pass
        self.kill()
        raise WorkerFailed(f"a query worker could not open the store {self.store_path}")

    def alive(self) -> bool:
        return self.process.is_alive()

    def run(self, request: Request, timeout: float) -> tuple[bytes, str]:
        try:
            self.requests.send(request)
            if not self.reply.poll(timeout):  # also returns at once when the worker died
                raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped")
            status, body, media = self.reply.recv()
        except (EOFError, OSError):  # the pipe broke: the process is gone
            raise WorkerFailed(self._death()) from None
        if status == "memory":
            raise WorkerFailed(_memory_message(self.memory))
        if status == "too-large":
            raise ResultTooLarge(body)
        if status == "error":
            raise QueryError(body)
        return body, media

    def _death(self) -> str:
        self.process.join(5)
        if self.process.exitcode == -signal.SIGSEGV:
            return (
                "the query crashed the query engine and was stopped (it is probably nested "
                "or chained too deeply); simplify it"
            )
        return _memory_message(self.memory)  # Rust aborts when an allocation fails

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
        memory: int = MEMORY_LIMIT,
    ):
        self.store_path, self.timeout, self.row_limit = store_path, timeout, row_limit
        self.writable, self.memory = writable, memory
        size = 1 if writable else size
        self.idle: queue.Queue[Worker] = queue.Queue()
        self.max_waiting = WAITING_PER_WORKER * size
        self.waiting = 0
        self.lock = threading.Lock()
        starting = [self._start() for _ in range(size)]  # in parallel
        for worker in starting:
            self.idle.put(worker.wait_ready())

    def _start(self) -> Worker:
        return Worker(self.store_path, self.row_limit, self.writable, self.memory)

    def _replace(self, worker: Worker) -> None:
        """Kill ``worker`` and queue a fresh one once it has opened the store, so that the
        next request never waits for a worker to start (this request's answer waits)."""
        worker.kill()
        try:
            self.idle.put(self._start().wait_ready())
        except WorkerFailed:  # the store went away: keep trying, so the pool keeps its size
            threading.Timer(1.0, self._replace, (worker,)).start()

    def run(self, request: Request, arrived: float | None = None) -> tuple[bytes, str]:
        """Answer ``request`` within ``timeout`` seconds of ``arrived`` (``time.monotonic()``,
        now by default), or raise ``QueryTimeout``, ``Busy`` or ``WorkerFailed``."""
        arrived = arrived or time.monotonic()
        deadline = arrived + self.timeout
        worker = self._take(deadline)
        # died since its last query, or opened the store before a build or `rivalry add`
        # changed it: replaced before this query runs
        while not worker.alive() or (
            not self.writable and worker.generation != generation(Path(self.store_path))
        ):
            self._replace(worker)
            worker = self._take(deadline)
        try:
            result = worker.run(request, max(deadline - time.monotonic(), 0.001))
        except QueryTimeout:
            self._replace(worker)
            raise QueryTimeout(
                f"the query ran longer than {self.timeout:g} s (counted from its arrival) "
                "and was stopped"
            ) from None
        except WorkerFailed:
            self._replace(worker)
            raise
        except BaseException:
            self.idle.put(worker)
            raise
        self.idle.put(worker)
        return result

    def _take(self, deadline: float) -> Worker:
        with self.lock:
            if self.waiting >= self.max_waiting:
                raise Busy(f"{self.waiting} queries are already waiting for a query worker")
            self.waiting += 1
        try:
            worker = self.idle.get(timeout=max(deadline - time.monotonic(), 0))
        except queue.Empty:
            raise Busy(
                f"no query worker became free within {self.timeout:g} s of the request"
            ) from None
        finally:
            with self.lock:
                self.waiting -= 1
        if deadline - time.monotonic() <= 0.01:  # nothing left to run it in
            self.idle.put(worker)
            raise Busy(f"no query worker became free within {self.timeout:g} s of the request")
        return worker

    def close(self) -> None:
        while not self.idle.empty():
            self.idle.get_nowait().kill()


class RemotePool:
    """The same interface as the worker pool, answered by a remote SPARQL 1.1 endpoint."""

    def __init__(self, endpoint: str, timeout: float = 30.0):
        self.endpoint, self.timeout = endpoint, timeout

    def run(self, request: Request, arrived: float | None = None) -> tuple[bytes, str]:
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
