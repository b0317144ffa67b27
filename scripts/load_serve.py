"""Load-test `rivalry serve` on loopback: throughput and latency at 1, 8 and 32 clients with
a mix of catalogue queries, lookups and pages, and again while one client sends a
pathological query.

    .venv/bin/rivalry build && .venv/bin/python scripts/load_serve.py --seconds 10

Writes benchmarks/serve.md and benchmarks/serve.json. Every loop is bounded in time; all
traffic goes to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import _repo_root  # noqa: F401  (puts tools/ on the path)
from tools.bench_report import write_report
from tools.http_load import MIX, PATHOLOGICAL, load
from tools.loopback import free_port, wait_until_listening

ROOT = Path(__file__).resolve().parents[1]


def run(port: int, clients: int, seconds: float, hog: bool = False) -> dict:
    row = load(port, clients, seconds, MIX, PATHOLOGICAL if hog else None)
    stopped = row.pop("hog_failed")
    return {**row, "pathological_client": hog, "pathological_stopped": stopped}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rivalry",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--timeout",
            "5",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_listening(port, 60)
        run(port, 2, 2)  # warm the workers
        rows = [run(port, n, args.seconds) for n in (1, 8, 32)]
        rows.append(run(port, 8, args.seconds, hog=True))
    finally:
        server.terminate()
        server.wait(timeout=30)
    write_report(
        "serve",
        "Load on `rivalry serve` (loopback)",
        f"{args.workers} query workers; {args.seconds:g} s per row; mix: one IRI lookup over "
        "SPARQL, three catalogue queries as JSON, one entity page. The last row adds a client "
        "that keeps sending a cartesian-product query, which the server stops after 5 s each "
        "time (`pathological_stopped` counts those 503s). "
        "Command: `.venv/bin/python scripts/load_serve.py`.",
        rows,
    )


if __name__ == "__main__":
    main()
