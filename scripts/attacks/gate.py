"""Trials against the curator gate: ``check`` and ``add`` on a generated change, and SIGKILL
at a random moment of ``add`` or ``build``; each judged by what the project looks like after."""

from __future__ import annotations

import csv
import io
import os
import random
import signal
import time
from pathlib import Path

import pyoxigraph as ox

from attacks import changes
from attacks.outcome import Trial
from attacks.workspace import Run, Workspace
from rivalry.kernel.namespaces import GRAPH


def _judge_run(trial: Trial, run: Run, what: str, limit: float) -> bool:
    """Record a crash or a hang; True when the command ended normally."""
    if run.hung:
        trial.fail("hang", f"{what} still running after {limit:g} s")
    elif run.crashed:
        trial.fail("crash", f"{what} exit {run.code}: {run.stderr[-400:]}")
    return not run.hung and not run.crashed


def _duplicated_statements(path: Path) -> int:
    try:
        quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TRIG))
    except (OSError, SyntaxError):
        return 0  # the rebuild reports a file it cannot load
    return len(quads) - len(set(quads))


FORMULA = ("=", "+", "-", "@", "\t", "\r")  # OWASP: cells a spreadsheet may evaluate


def _check_csv_export(ws: Workspace, entity: str, trial: Trial, limit: float) -> None:
    run = ws.rivalry(["query", "entity", "-p", f"entity={entity}", "--format", "csv"], limit)
    cells = [cell for row in csv.reader(io.StringIO(run.stdout)) for cell in row]
    if formulas := [c for c in cells if c.startswith(FORMULA)]:
        trial.fail("unsafe_output", f"the CSV export starts a cell with a formula: {formulas[0]!r}")


def gate_trial(ws: Workspace, case: changes.Case, trial: Trial, limit: float, hits) -> None:
    paths = changes.write(case, ws.inputs / f"{trial.index:05d}")
    args = [str(p) for p in paths]
    outbound = len(hits)
    ws.reset()
    check = ws.rivalry(["check", "--no-owl", *args], limit)
    _judge_run(trial, check, "check", limit)
    before_tree, before = ws.tree(), ws.fingerprint()
    before_facts = ws.facts()
    add = ws.rivalry(["add", "--no-owl", *args], limit)
    trial.figures.update(check=check.code, add=add.code, add_seconds=round(add.seconds, 2))
    _judge_run(trial, add, "add", limit)
    if case.secret and case.secret in check.stdout + check.stderr + add.stdout + add.stderr:
        trial.fail("leak", f"the symlink's target was echoed: {case.secret}")
    if len(hits) > outbound:
        trial.fail("outbound", f"the canary got {hits[outbound:]}")
    if add.hung:
        return
    after_tree = ws.tree()
    outside = ws.outside_writes(before_tree, after_tree)
    if outside:
        trial.fail("outside_write", f"add exit {add.code} wrote {outside[:5]}")
    if add.code != 0:
        if ws.fingerprint() != before:
            trial.fail("partial_merge", f"add exit {add.code} (refused) but graph or store changed")
        return
    if case.must_refuse:
        trial.fail("wrong_verdict", f"accepted: {add.stdout.strip()[-300:]}")
    added = ws.facts()
    if added == before_facts:
        trial.fail("wrong_verdict", f"exit 0 but the store is unchanged: {add.stdout[-200:]}")
    if case.twice:
        for name in ws.changed_graph_files(before_tree, after_tree):
            if _duplicated_statements(ws.work_top / name):
                trial.fail("wrong_verdict", f"{name} holds statements twice")
    if case.csv_entity:
        _check_csv_export(ws, case.csv_entity, trial, limit)
    rebuilt = ws.rivalry(["build", "--no-owl"], limit * 3)
    if rebuilt.code != 0:
        trial.fail(
            "partial_merge",
            f"rebuild after an accepted add: exit {rebuilt.code}: {rebuilt.stderr[-300:]}",
        )
        return
    after = ws.facts()
    if lost := added - after:
        trial.fail("lost_facts", f"{len(lost)} quads gone after rebuild, e.g. {min(lost)[:200]}")
    if smuggled := after - added:
        trial.fail("smuggled_facts", f"{len(smuggled)} new quads, e.g. {min(smuggled)[:200]}")


def calibrate(ws: Workspace) -> float:
    """Seconds one accepted ``add`` takes; and proof that the generators' base change passes."""
    case = changes.Case(
        "calibrate", "calibrate.trig", changes.change(GRAPH + "atk", "atk", "atk").encode()
    )
    path = changes.write(case, ws.inputs / "calibrate")[0]
    run = ws.rivalry(["add", "--no-owl", str(path)], 120)
    if run.code != 0:
        raise SystemExit(f"the base change is refused, the generators are wrong: {run.stderr}")
    ws.reset()
    return run.seconds


def kill_trial(ws: Workspace, rng: random.Random, key: str, trial: Trial, timing: dict) -> None:
    """SIGKILL ``add`` or ``build`` after a random delay; the next build must recover."""
    command = rng.choice(["add", "build"])
    delay = rng.uniform(0.2, 1.3 * timing[command])
    trial.generator = f"kill:{command}"
    trial.figures["delay"] = round(delay, 3)
    ws.reset()
    before, _ = ws.fingerprint()
    case = changes.Case("kill", f"{key}.trig", changes.change(GRAPH + key, key, key).encode())
    path = changes.write(case, ws.inputs / f"{trial.index:05d}")[0]
    args = ["add", "--no-owl", str(path)] if command == "add" else ["build", "--no-owl"]
    process = ws.start(args)
    time.sleep(delay)
    finished = process.poll() is not None
    if not finished:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    trial.figures["killed"] = not finished
    recovery = ws.rivalry(["build", "--no-owl"], 120)
    if not _judge_run(trial, recovery, "the build after the kill", 120):
        return
    if recovery.code != 0:
        trial.fail(
            "partial_merge", f"build after the kill: exit {recovery.code}: {recovery.stderr[-300:]}"
        )
    if not (ws.project / ".rivalry" / "store").is_dir():
        trial.fail("partial_merge", "no store after the recovery build")
        return
    if leftovers := ws.leftovers():
        trial.fail("leftover", f"after the recovery build: {leftovers}")
    files, _ = ws.fingerprint()
    new = {name: digest for name, digest in files.items() if name not in before}
    kept = {name: digest for name, digest in files.items() if name in before}
    target = f"graph/sources/{key}.trig"
    in_store = any(f"chip/{key}>" in q for q in ws.facts())
    if kept != before or set(new) - {target}:
        trial.fail("partial_merge", f"graph files changed: {sorted(set(files) ^ set(before))[:5]}")
    elif target in new and not in_store:
        trial.fail("lost_facts", f"{target} was written but the store lacks the chip")
    elif target not in new and in_store:
        trial.fail("partial_merge", "the store has the chip but no graph file holds it")
