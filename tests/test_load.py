"""A short, bounded load run on `rivalry serve` (RELIABILITY.md §3.3): a realistic mix at 1 and
8 clients, then 8 clients beside a noisy neighbour whose query the deadline keeps cutting off.
Figures go to the scorecard; the assertions are about errors, never about wall-clock speed."""

from __future__ import annotations

from urllib.parse import urlsplit

import scorecard
from conftest import served
from tools.http_load import MIX, PATHOLOGICAL, load

SECONDS = 3


def test_the_endpoint_keeps_serving_while_a_pathological_query_is_cut_off(built, project):
    with served(project.store_path, "--timeout", "2", "--workers", "2") as url:
        port = urlsplit(url).port
        load(port, 2, 1, MIX)  # warm the workers
        alone = {n: load(port, n, SECONDS, MIX) for n in (1, 8)}
        noisy = load(port, 8, SECONDS, MIX, hog=PATHOLOGICAL)
    for row in (*alone.values(), noisy):
        assert row["requests"] > 0 and row["errors"] == 0, row
    assert noisy["hog_failed"] >= 1  # the neighbour's query was stopped, not left to run
    scorecard.record(
        "load",
        rps_1_client=alone[1]["throughput_rps"],
        p99_ms_1_client=alone[1]["p99_ms"],
        rps_8_clients=alone[8]["throughput_rps"],
        p99_ms_8_clients=alone[8]["p99_ms"],
        rps_8_clients_with_noisy_neighbour=noisy["throughput_rps"],
        p99_ms_with_noisy_neighbour=noisy["p99_ms"],
        errors_with_noisy_neighbour=noisy["errors"],
        noisy_queries_cut_off=noisy["hog_failed"],
    )
