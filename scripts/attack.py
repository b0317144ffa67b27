"""A bounded, seeded attack campaign against the project: hostile SPARQL against
``rivalry serve``, hostile change files through ``rivalry check`` and ``rivalry add``, and
SIGKILL at random moments of ``add`` and ``build``.

    .venv/bin/python scripts/attack.py --budget 600 --seed 1 --json attack.json --keep failures/

It works on a temporary copy of the project (never the real graph/). Trial i of seed N is
always the same input, so a failure is reproduced by ``--seed N --only I``; each failure's
input is also saved under ``--keep``. Exit 1 if anything failed: a crash, a 5xx, a hang, a
broken or stalled server, a partial merge, a write outside graph/sources/ and .rivalry/, lost
or smuggled facts, a wrong verdict, a leftover store folder, a leak or a network request.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts"), str(ROOT / "tests")]  # tools/ and test helpers

from attacks import changes, gate, sparql  # noqa: E402
from attacks.outcome import KINDS, Trial  # noqa: E402
from attacks.workspace import Workspace  # noqa: E402
from canary import Canary  # noqa: E402

FAMILIES = {"sparql": 5, "gate": 4, "kill": 1}
HTTP_LIMIT = 25.0  # seconds for one attack request (the server's deadline is 3 s)
GATE_LIMIT = 20.0  # seconds for one check or add


def trial_rng(seed: int, index: int) -> random.Random:
    """Each trial draws from its own generator, so its input depends only on (seed, index)."""
    return random.Random(f"{seed}:{index}")


def plan(index: int, seed: int) -> str:
    """The generator trial ``index`` uses, without running it."""
    rng = trial_rng(seed, index)
    family = rng.choices(sorted(FAMILIES), [FAMILIES[f] for f in sorted(FAMILIES)])[0]
    if family == "sparql":
        return sparql.draw(rng, "http://127.0.0.1:9").generator
    if family == "gate":
        return changes.draw(rng, f"atk-{seed}-{index}").generator
    return "kill"


def run_trial(index: int, seed: int, ws: Workspace, server, canary, timing) -> Trial:
    rng = trial_rng(seed, index)
    family = rng.choices(sorted(FAMILIES), [FAMILIES[f] for f in sorted(FAMILIES)])[0]
    key = f"atk-{seed}-{index}"
    started = time.monotonic()
    if family == "sparql":
        item = sparql.draw(rng, canary.url)
        trial = Trial(index, family, item.generator, input=item)
        run = lambda: sparql.http_trial(server, item, trial, HTTP_LIMIT, canary.hits)  # noqa: E731
    elif family == "gate":
        item = changes.draw(rng, key)
        trial = Trial(index, family, item.generator, input=item)
        run = lambda: gate.gate_trial(ws, item, trial, GATE_LIMIT, canary.hits)  # noqa: E731
    else:
        trial = Trial(index, family, "kill")
        run = lambda: gate.kill_trial(ws, rng, key, trial, timing)  # noqa: E731
    try:
        run()
    except Exception as error:  # an oracle that cannot look (no store, …) is a finding too
        trial.fail("harness", f"{type(error).__name__}: {error}")
        if family == "sparql" and not server.alive():
            server.restart()
    trial.seconds = time.monotonic() - started
    return trial


def keep(trial: Trial, folder: Path, seed: int) -> str:
    """Save a failing trial's input and what happened; return the folder."""
    out = folder / f"{seed}-{trial.index:05d}-{trial.family}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    what = {
        "seed": seed,
        "trial": trial.index,
        "family": trial.family,
        "generator": trial.generator,
        "failures": trial.failures,
        "figures": trial.figures,
        "again": f"python scripts/attack.py --seed {seed} --only {trial.index}",
    }
    item = trial.input
    if isinstance(item, sparql.Request):
        what.update(method=item.method, path=item.path[:2000], headers=item.headers)
        (out / "request-path.txt").write_text(item.path)
        (out / "request-body.bin").write_bytes(item.body or item.raw)
        what.update(copies=item.copies, raw=bool(item.raw))
    elif isinstance(item, changes.Case):
        what.update(file_name=item.name, twice=item.twice, symlink=item.link_to is not None)
        (out / "input.bin").write_bytes(item.data)
    (out / "repro.json").write_text(json.dumps(what, indent=2, default=str))
    return str(out)


def summary(trials: list[Trial], server, seconds: float, seed: int) -> dict:
    families = {}
    for family in sorted(FAMILIES):
        mine = [t for t in trials if t.family == family]
        counts = Counter(kind for t in mine for kind, _ in t.failures)
        families[family] = {"attempts": len(mine), **{k: counts.get(k, 0) for k in KINDS}}
    failed = [t for t in trials if t.failures]
    return {
        "seed": seed,
        "seconds": round(seconds, 1),
        "attempts": len(trials),
        "failures": sum(len(t.failed) for t in trials),
        "failed_trials": sum(1 for t in trials if t.failed),
        "noted": sum(len(t.failures) - len(t.failed) for t in trials),
        "max_server_rss_mb": round(server.max_rss_kb / 1024, 1),
        "server_restarts": server.restarts,
        "families": families,
        "generators": dict(Counter(t.generator for t in trials)),
        "trials": [
            {
                "trial": t.index,
                "generator": t.generator,
                "seconds": round(t.seconds, 2),
                **{k: v for k, v in t.figures.items() if k != "kept"},
            }
            for t in trials
        ],
        "found": [
            {
                "trial": t.index,
                "generator": t.generator,
                "kind": k,
                "detail": d,
                "kept": t.figures.get("kept"),
            }
            for t in failed
            for k, d in t.failures
        ],
    }


def show(report: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"attack campaign, seed {report['seed']}, {report['seconds']} s")
    table.add_column("")
    for family in report["families"]:
        table.add_column(family, justify="right")
    for kind in ["attempts", *KINDS]:
        cells = [row[kind] for row in report["families"].values()]
        table.add_row(kind.replace("_", " "), *(str(c) if c else "·" for c in cells))
    console = Console(stderr=True)
    console.print(table)
    console.print(
        f"max server RSS {report['max_server_rss_mb']} MB, "
        f"{report['server_restarts']} server restarts"
    )
    for found in report["found"][:40]:
        console.print(
            f"  #{found['trial']} {found['generator']}: [bold]{found['kind']}[/] "
            f"{found['detail'][:160]!r}",
            markup=True,
            highlight=False,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budget", type=float, default=60, help="seconds of trials")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--project", type=Path, default=ROOT, help="the project to copy")
    parser.add_argument("--json", type=Path, help="write the report here")
    parser.add_argument(
        "--keep", type=Path, default=ROOT / ".rivalry" / "attack", help="folder for failing inputs"
    )
    parser.add_argument("--only", type=int, nargs="*", help="run just these trial numbers")
    parser.add_argument("--plan", type=int, metavar="N", help="list the first N trials, run none")
    args = parser.parse_args(argv)
    if args.plan:
        changes.load_corpus("http://127.0.0.1:9", Path(tempfile.mkdtemp(prefix="rivalry-plan-")))
        for index in range(args.plan):
            print(index, plan(index, args.seed))
        return 0

    base = Path(tempfile.mkdtemp(prefix="rivalry-attack-"))
    canary = Canary()
    ws = Workspace(base, args.project.resolve())
    changes.load_corpus(canary.url, base / "corpus")
    built = ws.build_pristine()
    if built.code != 0:
        print(f"the project does not build: {built.stderr[-2000:]}", file=sys.stderr)
        return 2
    timing = {"build": built.seconds}
    ws.reset()
    timing["add"] = gate.calibrate(ws)
    server = sparql.Server(ws.pristine, ws.serve_store, sparql.SERVE_OPTIONS)
    trials: list[Trial] = []
    started = time.monotonic()
    try:
        server.start()
        indices = iter(args.only) if args.only else iter(range(10**9))
        for index in indices:
            if not args.only and time.monotonic() - started > args.budget:
                break
            trial = run_trial(index, args.seed, ws, server, canary, timing)
            if trial.failures:
                trial.figures["kept"] = keep(trial, args.keep, args.seed)
            trials.append(trial)
    finally:
        server.close()
        canary.close()
        shutil.rmtree(base, ignore_errors=True)
    report = summary(trials, server, time.monotonic() - started, args.seed)
    report["timing"] = {k: round(v, 2) for k, v in timing.items()}
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2, default=str))
    show(report)
    return 1 if report["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
