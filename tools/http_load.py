"""Closed-loop HTTP load on loopback: a number of clients, each sending its next request as
soon as the last answer arrives, for a fixed time. Used by the benchmark scripts."""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from urllib.parse import quote

LOOKUP = "SELECT ?p ?o WHERE { <https://w3id.org/tech-rivalry/id/firm/huawei> ?p ?o }"
# a realistic mix for `rivalry serve`: a lookup, catalogue queries and an entity page
MIX = [
    "/sparql?query=" + quote(LOOKUP),
    "/queries/chips-singled-out?format=json",
    "/queries/timeline?format=json",
    "/queries/entity?entity=firm:huawei&format=json",
    "/page/chip/huawei-ascend-910c",
]
# a cartesian product no deadline lets finish: the noisy neighbour
PATHOLOGICAL = "/sparql?query=" + quote(
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
)


def client(port: int, paths: list[str], until: float, out: list, errors: list) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    i = 0
    while time.monotonic() < until:
        path = paths[i % len(paths)]
        i += 1
        start = time.perf_counter()
        try:
            connection.request("GET", path, headers={"Accept": "application/sparql-results+json"})
            response = connection.getresponse()
            response.read()
            (out if response.status == 200 else errors).append(time.perf_counter() - start)
        except OSError:
            errors.append(time.perf_counter() - start)
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)


def load(port: int, clients: int, seconds: float, paths: list[str], hog: str | None = None) -> dict:
    """Throughput and latency of ``clients`` clients cycling through ``paths`` (each from a
    different start); ``hog`` adds one more client that sends only that path."""
    latencies: list[float] = []
    errors: list[float] = []
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=client,
            args=(
                port,
                paths[i % len(paths) :] + paths[: i % len(paths)],
                until,
                latencies,
                errors,
            ),
        )
        for i in range(clients)
    ]
    hog_errors: list[float] = []
    if hog:
        threads.append(threading.Thread(target=client, args=(port, [hog], until, [], hog_errors)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [0] * 99
    return {
        "clients": clients,
        "requests": len(latencies),
        "errors": len(errors),
        "throughput_rps": round(len(latencies) / seconds, 1),
        "p50_ms": round(cuts[49] * 1000, 1),
        "p99_ms": round(cuts[98] * 1000, 1),
        "hog_failed": len(hog_errors) if hog else None,
    }
