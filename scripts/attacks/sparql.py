"""Requests against ``rivalry serve``: SPARQL that nests, doubles, multiplies or hides keywords,
and odd requests to the other routes. Each is sent while a second client probes the home
page (another client must not wait on it), then the server must still answer ``ASK {}`` and
``/`` with 200 in a few seconds."""

from __future__ import annotations

import http.client
import os
import random
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from attacks.outcome import Trial
from rivalry.serve.loopback import free_port, wait_until_listening

CANARY_SECONDS = 5.0  # the home page or ASK {} slower than this counts as broken or stalled
MEMORY_CAP_MB = 2048  # RELIABILITY.md BI-16: RSS < 2 GiB (server and workers together)


@dataclass
class Request:
    generator: str
    method: str
    path: str
    body: bytes = b""
    headers: dict | None = None


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
    junk = rng.choice(["", "a", "%00", "..%2F..%2Fetc%2Fpasswd", "x" * 5000, "\u202e", "'\"<>"])
    paths = [
        "/search?" + urlencode({"q": junk or "a"}),
        "/page/firm/" + quote(junk),
        "/page/state/US",
        "/data/firm/huawei.rdf",
        "/data/" + quote(junk) + ".ttl",
        "/id/../../" + quote(junk),
        "/queries/timeline?" + urlencode({"from": rng.choice(["2025-02-30", "9999-99-99", junk])}),
        "/queries/entity?" + urlencode({"entity": junk, "format": "csv"}),
        "/queries/" + quote(junk or "nope"),
        "/.well-known/void",
        "/ontology",
    ]
    return Request("route", "GET", rng.choice(paths))


def draw(rng: random.Random, canary: str) -> Request:
    family = rng.choices(["nest", "doubling", "join", "strings", "route"], [4, 1, 2, 3, 1])[0]
    if family == "route":
        return _route(rng)
    name, query = {
        "nest": _nest,
        "doubling": _doubling,
        "join": _join,
        "strings": lambda r: _strings(r, canary),
    }[family](rng)
    how = rng.choice(["get", "post-form", "post-query"])
    if how == "get":
        return Request(f"{family}:{name}", "GET", "/sparql?query=" + quote(query))
    if how == "post-form":
        body = urlencode({"query": query}).encode()
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        return Request(f"{family}:{name}", "POST", "/sparql", body, form)
    kind = {"Content-Type": "application/sparql-query"}
    return Request(f"{family}:{name}", "POST", "/sparql", query.encode(), kind)


# ------------------------------------------------------------------ the server


def _rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants (the query workers), in KiB."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
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

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            if self.alive():
                rss = _rss_kb(self.process.pid)
                self.peak_kb = max(self.peak_kb, rss)
                self.max_rss_kb = max(self.max_rss_kb, rss)

    def send(self, request: Request, timeout: float) -> tuple[int | str, float]:
        """(status, or the name of the error when no answer came; seconds)."""
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


def http_trial(server: Server, request: Request, trial: Trial, limit: float, hits) -> None:
    outbound = len(hits)
    server.peak_kb = 0
    answer: list = []
    attack = threading.Thread(target=lambda: answer.append(server.send(request, limit)))
    attack.start()
    attack.join(0.3)
    probe_status, probe_seconds = server.get("/", CANARY_SECONDS * 4)
    stalled = attack.is_alive() and (probe_status != 200 or probe_seconds > CANARY_SECONDS)
    attack.join()
    status, seconds = answer[0]
    trial.figures.update(
        status=status, seconds=round(seconds, 2), bytes=len(request.path) + len(request.body)
    )
    if status == "timeout":
        trial.fail("hang", f"no answer in {limit:g} s")
    elif isinstance(status, str):
        trial.fail("crash", f"the connection failed: {status}")
    elif status >= 500 and status != 503:
        trial.fail("server_error", f"HTTP {status} after {seconds:.1f} s")
    trial.figures["rss_mb"] = round(server.peak_kb / 1024)
    if server.peak_kb > MEMORY_CAP_MB * 1024:
        trial.fail("memory", f"server and workers reached {server.peak_kb // 1024} MB")
    if stalled:
        trial.fail("stall", f"GET / took {probe_seconds:.1f} s ({probe_status}) meanwhile")
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
