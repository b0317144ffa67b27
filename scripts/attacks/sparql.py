"""Requests against ``rivalry serve``: SPARQL that nests, doubles, multiplies or hides keywords,
and odd requests to the other routes. Each is sent while a second client probes the home
page (another client must not wait on it), then the server must still answer ``ASK {}`` and
``/`` with 200 in a few seconds."""

from __future__ import annotations

import contextlib
import http.client
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from attacks.outcome import Trial
from tools.loopback import free_port, wait_until_listening

CANARY_SECONDS = 5.0  # the home page or ASK {} slower than this counts as broken or stalled
DEADLINE = 3  # the server's --timeout
# small limits, so that the deadline and row-limit paths of every route are exercised
SERVE_OPTIONS = ["--workers", "2", "--timeout", str(DEADLINE), "--row-limit", "50"]
BODY_GROWTH_MB = 32  # growth allowed while a body over the 1 MiB limit arrives
MEMORY_CAP_MB = 2048  # RELIABILITY.md BI-16: RSS < 2 GiB (server and workers together)


@dataclass
class Request:
    generator: str
    method: str
    path: str
    body: bytes = b""
    headers: dict | None = None
    expect: tuple[int, ...] = ()  # the statuses the rules allow, when they say
    copies: int = 1  # sent at once: more slow queries than workers
    raw: bytes = b""  # bytes written to the socket as they are (request framing attacks)
    paced: int = 0  # a body of this many bytes, streamed slowly (is it read before the check?)


def _nest(rng: random.Random) -> tuple[str, str]:
    shape = rng.choice(["braces", "parens", "brackets", "str-calls", "optional", "union"])
    n = {
        "braces": (500, 5000),
        "parens": (2000, 20000),
        "brackets": (500, 5000),
        "str-calls": (200, 2000),
        "optional": (200, 3000),
        "union": (200, 3000),
    }[shape]
    n = rng.randint(*n)
    if shape == "braces":
        return shape, "SELECT * WHERE " + "{" * n + " ?s ?p ?o " + "}" * n
    if shape == "parens":
        return shape, "ASK { FILTER(" + "(" * n + "1" + ")" * n + ") }"
    if shape == "brackets":
        return shape, "SELECT * WHERE { ?s ?p " + "[ ?p " * n + "?o" + " ]" * n + " }"
    if shape == "str-calls":
        return shape, "SELECT (" + "STR(" * n + '"x"' + ")" * n + " AS ?v) WHERE {}"
    if shape == "optional":
        return shape, "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * n + "}" * n + " }"
    return shape, "SELECT * WHERE { " + "{ ?s ?p ?o } UNION " * n + "{ ?s ?p ?o } }"


def _doubling(rng: random.Random) -> tuple[str, str]:
    steps = rng.randint(18, 32)
    binds = " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(steps))
    return f"doubling-{steps}", (
        f'SELECT (STRLEN(?a{steps}) AS ?n) WHERE {{ BIND("aaaaaaaaaa" AS ?a0) {binds} }}'
    )


def _join(rng: random.Random) -> tuple[str, str]:
    forms = {
        "order-product": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c LIMIT 1",
        "order-product-str": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY DESC(STR(?f)) ?c",
        "count-triple-product": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
        "group-concat-product": (
            "SELECT (GROUP_CONCAT(STR(?c)) AS ?g) WHERE { ?a ?b ?c . ?d ?e ?f }"
        ),
        "distinct-product": "SELECT DISTINCT ?c ?f WHERE { ?a ?b ?c . ?d ?e ?f }",
        "path-star": "SELECT (COUNT(*) AS ?n) WHERE { ?a (<x:p>|!<x:q>)* ?b }",
    }
    name = rng.choice(sorted(forms))
    return name, forms[name]


def _strings(rng: random.Random, canary: str) -> tuple[str, str]:
    n = rng.randint(5_000, 60_000)
    forms = {
        "escaped-quotes": 'SELECT * WHERE { ?s ?p "' + '\\"' * n + '" }',
        "escaped-quotes-open": 'SELECT * WHERE { ?s ?p "' + '\\"' * n + " }",
        "single-quotes": "SELECT * WHERE { ?s ?p '" + "\\'" * n + "' }",
        "huge-literal": 'ASK { ?s ?p "' + "x" * rng.randint(100_000, 900_000) + '" }',
        "over-body-limit": 'ASK { ?s ?p "' + "x" * 2_000_000 + '" }',
        "service-in-string": f'SELECT * WHERE {{ ?s ?p "SERVICE <{canary}/s>" }} LIMIT 1',
        "service-in-comment": f"# SERVICE <{canary}/c>\nASK {{ }}",
        "load-in-string": f'ASK {{ ?s ?p "LOAD <{canary}/l>" }}',
        "service-hidden": f"SELECT * WHERE {{ SERVICE#x\n<{canary}/h> {{ ?s ?p ?o }} }}",
        "service-lowercase": f"SELECT * WHERE {{ sErViCe <{canary}/lc> {{ ?s ?p ?o }} }}",
        "service-silent": f"SELECT * WHERE {{ SERVICE SILENT <{canary}/ss> {{ ?s ?p ?o }} }}",
    }
    name = rng.choice(sorted(forms))
    return name, forms[name]


def _route(rng: random.Random) -> Request:
    if rng.random() < 0.3:  # an ill-typed date parameter must be refused, not answer nothing
        date = rng.choice(["2025-02-30", "9999-99-99", "\u0662\u0660\u0662\u0665-05-01", "x"])
        path = "/queries/timeline?" + urlencode({"from": date, "format": "json"})
        return Request("route:bad-date", "GET", path, expect=(400,))
    junk = rng.choice(["", "a", "%00", "..%2F..%2Fetc%2Fpasswd", "x" * 5000, "\u202e", "'\"<>"])
    paths = {
        "search": "/search?" + urlencode({"q": junk or "a"}),
        "page-junk": "/page/firm/" + quote(junk),
        "page-state": "/page/state/US",
        "page-firm": "/page/firm/huawei",
        "data-rdf": "/data/firm/huawei.rdf",
        "data-junk": "/data/" + quote(junk) + ".ttl",
        "id-dotdot": "/id/../../" + quote(junk),
        "timeline": "/queries/timeline",
        "timeline-csv": "/queries/timeline?format=csv",
        "entity-junk": "/queries/entity?" + urlencode({"entity": junk, "format": "csv"}),
        "query-junk": "/queries/" + quote(junk or "nope"),
        "void": "/.well-known/void",
        "ontology": "/ontology",
    }
    name = rng.choice(sorted(paths))
    return Request(f"route:{name}", "GET", paths[name])


def _flood(rng: random.Random) -> Request:
    """More slow queries than workers at once: the deadline must count from arrival."""
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    copies = rng.randint(3, 8)
    return Request(f"flood:{copies}", "GET", "/sparql?query=" + quote(query), copies=copies)


def _smuggle(rng: random.Random) -> Request:
    """Content-Length and Transfer-Encoding together, then a pipelined request: RFC 9112
    §6.3 wants the connection closed after the first answer, so only one may come back."""
    te = rng.choice(["chunked", "Chunked", " chunked", "chunked, identity"])
    raw = (
        "POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: 4\r\nTransfer-Encoding: {te}\r\n\r\n0\r\n\r\n"
        "GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    return Request(f"smuggle:{te.strip()}", "RAW", "", raw=raw.encode())


def _big_body(rng: random.Random) -> Request:
    size = rng.choice([64, 128, 192]) * 1024 * 1024
    return Request(f"big-body:{size >> 20}M", "PACED", "/sparql", paced=size)


REFUSED = ("service-hidden", "service-lowercase", "service-silent")


def draw(rng: random.Random, canary: str) -> Request:
    family = rng.choices(
        ["nest", "doubling", "join", "strings", "route", "flood", "smuggle", "big-body"],
        [4, 1, 2, 3, 2, 1, 1, 1],
    )[0]
    if family == "big-body":
        return _big_body(rng)
    if family == "smuggle":
        return _smuggle(rng)
    if family == "route":
        return _route(rng)
    if family == "flood":
        return _flood(rng)
    name, query = {
        "nest": _nest,
        "doubling": _doubling,
        "join": _join,
        "strings": lambda r: _strings(r, canary),
    }[family](rng)
    how = rng.choice(["get", "post-form", "post-query"])
    expect = (400,) if name in REFUSED else ()
    if how == "get":
        return Request(f"{family}:{name}", "GET", "/sparql?query=" + quote(query), expect=expect)
    if how == "post-form":
        body = urlencode({"query": query}).encode()
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        return Request(f"{family}:{name}", "POST", "/sparql", body, form, expect)
    kind = {"Content-Type": "application/sparql-query"}
    return Request(f"{family}:{name}", "POST", "/sparql", query.encode(), kind, expect)


# ------------------------------------------------------------------ the server


def _rss_kb(pid: int, descendants: bool = True) -> int:
    """Resident memory of a process and all its descendants (the query workers), in KiB."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir() if descendants else ():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


class Server:
    """``rivalry serve`` on a free loopback port, restarted when an attack breaks it."""

    def __init__(self, project: Path, store: Path, options: list[str]):
        self.project, self.store, self.options = project, store, options
        self.process: subprocess.Popen | None = None
        self.max_rss_kb = 0
        self.peak_kb = 0  # since the current trial began
        self.paced_growth_kb = 0
        self.restarts = 0
        self._stop = threading.Event()
        threading.Thread(target=self._sample, daemon=True).start()

    def start(self) -> None:
        self.port = free_port()
        env = {**os.environ, "RIVALRY_PROJECT": str(self.project), "RIVALRY_STORE": str(self.store)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "rivalry", "serve", "--port", str(self.port), *self.options],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_until_listening(self.port, 60)
        self.get("/sparql?query=" + quote("ASK {}"), 30)  # the workers are up

    def restart(self) -> None:
        self.stop()
        self.restarts += 1
        self.start()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, 9)
            self.process.wait()

    def close(self) -> None:
        self._stop.set()
        self.stop()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def sample(self) -> None:
        if self.alive():
            rss = _rss_kb(self.process.pid)
            self.peak_kb = max(self.peak_kb, rss)
            self.max_rss_kb = max(self.max_rss_kb, rss)

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            self.sample()

    def send_raw(self, request: Request, timeout: float) -> tuple[int | str, float]:
        """The raw bytes; the status of the first answer, or "two-answers" if a second came."""
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            sock.sendall(request.raw)
            data = b""
            with contextlib.suppress(OSError):
                while chunk := sock.recv(65536):
                    data += chunk
        answers = re.findall(rb"^HTTP/1\.1 (\d{3})", data, re.M)
        seconds = time.monotonic() - started
        if not answers:  # closed without a word: odd, but it smuggles nothing
            return 0, seconds
        return ("two-answers" if len(answers) > 1 else int(answers[0])), seconds

    def send_paced(self, request: Request, timeout: float) -> tuple[int | str, float]:
        """Stream a body over the limit in 1 MiB pieces, noting how far the server's own
        memory grows meanwhile (a server that checks Content-Length first does not grow)."""
        started, chunk = time.monotonic(), b"x" * (1 << 20)
        base = peak = _rss_kb(self.process.pid, descendants=False)
        head = (
            "POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            f"Content-Length: {request.paced}\r\n\r\n"
        )
        data = b""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            with contextlib.suppress(OSError):  # a server may answer and close early
                sock.sendall(head.encode())
                for _ in range(request.paced >> 20):
                    sock.sendall(chunk)
                    time.sleep(0.01)
                    peak = max(peak, _rss_kb(self.process.pid, descendants=False))
            with contextlib.suppress(OSError):
                while piece := sock.recv(65536):
                    data += piece
        self.paced_growth_kb = peak - base
        found = re.match(rb"HTTP/1\.1 (\d{3})", data)
        return (int(found[1]) if found else 0), time.monotonic() - started

    def send(self, request: Request, timeout: float) -> tuple[int | str, float]:
        """(status, or the name of the error when no answer came; seconds)."""
        if request.paced:
            return self.send_paced(request, timeout)
        if request.raw:
            return self.send_raw(request, min(timeout, CANARY_SECONDS))
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            headers = {"Accept": "application/sparql-results+json", **(request.headers or {})}
            connection.request(
                request.method, request.path, body=request.body or None, headers=headers
            )
            response = connection.getresponse()
            response.read()
            status: int | str = response.status
        except TimeoutError:
            status = "timeout"
        except OSError as error:
            status = type(error).__name__
        finally:
            connection.close()
        return status, time.monotonic() - started

    def get(self, path: str, timeout: float = CANARY_SECONDS) -> tuple[int | str, float]:
        return self.send(Request("canary", "GET", path), timeout)


def _judge_status(trial: Trial, request: Request, status, seconds: float, limit: float) -> None:
    if status == "two-answers":
        trial.fail("smuggling", "both framings were accepted and the connection kept open")
    elif status == "timeout":
        trial.fail("hang", f"no answer in {limit:g} s")
    elif isinstance(status, str):  # a dead server is judged below
        trial.fail("dropped", f"the connection failed: {status}")
    elif status >= 500 and status != 503:  # (0: a raw request's connection just closed)
        trial.fail("server_error", f"HTTP {status} after {seconds:.1f} s")
    elif request.expect and status not in request.expect:
        trial.fail("wrong_verdict", f"HTTP {status}, the rules say {request.expect}")


def http_trial(server: Server, request: Request, trial: Trial, limit: float, hits) -> None:
    outbound = len(hits)
    server.peak_kb = 0
    answers: list = []
    attacks = [
        threading.Thread(target=lambda: answers.append(server.send(request, limit)))
        for _ in range(request.copies)
    ]
    for attack in attacks:
        attack.start()
    attacks[0].join(0.3)
    # another client meanwhile: the home page, or for a flood ASK {} (200, or 503 in time)
    flood = request.copies > 1
    probe = "/sparql?query=" + quote("ASK {}") if flood else "/"
    probe_status, probe_seconds = server.get(probe, CANARY_SECONDS * 4)
    busy = any(a.is_alive() for a in attacks)
    if flood:
        stalled = probe_status not in (200, 503) or probe_seconds > DEADLINE + CANARY_SECONDS
    else:
        stalled = busy and (probe_status != 200 or probe_seconds > CANARY_SECONDS)
    for attack in attacks:
        attack.join()
    server.sample()
    for status in {s for s, _ in answers}:  # one failure per kind of answer, not per copy
        seconds = max(t for s, t in answers if s == status)
        _judge_status(trial, request, status, seconds, limit)
    slowest = max(seconds for _, seconds in answers)
    trial.figures.update(
        status=sorted({str(s) for s, _ in answers}),
        seconds=round(slowest, 2),
        bytes=len(request.path) + len(request.body) + len(request.raw) + request.paced,
    )
    if flood and slowest > DEADLINE + CANARY_SECONDS:
        trial.fail(
            "stall", f"a query of the flood answered after {slowest:.1f} s (deadline {DEADLINE} s)"
        )
    trial.figures["rss_mb"] = round(server.peak_kb / 1024)
    if request.paced and server.paced_growth_kb > BODY_GROWTH_MB * 1024:
        grown = server.paced_growth_kb >> 10
        trial.fail("memory", f"the server grew {grown} MB reading a body over the limit")
    if server.peak_kb > MEMORY_CAP_MB * 1024:
        trial.fail("memory", f"server and workers reached {server.peak_kb // 1024} MB")
    if stalled:
        trial.fail("stall", f"{probe[:7]} took {probe_seconds:.1f} s ({probe_status}) meanwhile")
    if len(hits) > outbound:
        trial.fail("outbound", f"the canary got {hits[outbound:]}")
    if not server.alive():
        trial.fail("crash", f"rivalry serve exited with {server.process.returncode}")
        server.restart()
        return
    broken = []
    ask = "/sparql?query=" + quote("ASK {}")
    for path in (ask, ask, "/"):  # one per worker and more: a dead one is met at least once
        got, took = server.get(path)
        if got != 200:
            broken.append(f"{path.split('?')[0]} -> {got} in {took:.1f} s")
    if broken:
        trial.fail("broken", "afterwards: " + "; ".join(broken))
        server.restart()
