"""Start-up: `rivalry --help` (and the help of every verb) imports no heavy library.

The verbs import the pipeline when they run, so a person asking for help, or running a
light verb, does not wait for rdflib, pySHACL, owlready2 or the web stack. The set of
modules is asserted, not a time: times are measured by scripts/bench.py (stage startup).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, rivalry

ONE_FACT = ROOT / "tests" / "gate" / "accepted" / "new-chip-of-existing-firm.trig"

HEAVY = (
    "rdflib",
    "pyshacl",
    "owlready2",
    "pyoxigraph",
    "starlette",
    "uvicorn",
    "httpx",
    "graphviz",
    "pandas",
    "pycountry",
    "SPARQLWrapper",
)

PROBE = """
import json, runpy, sys
sys.argv = ["rivalry", *json.loads(sys.argv[1])]
try:
    runpy.run_module("rivalry", run_name="__main__")
except SystemExit as done:
    code = done.code
else:
    code = 0
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def imported_by(*args: str, env: dict[str, str] | None = None) -> tuple[int, set[str]]:
    """The exit code and the top-level packages imported by ``rivalry ARGS`` in a fresh
    interpreter."""
    path = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
    env = {**os.environ, "PYTHONPATH": path, **(env or {})}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], {name.split(".")[0] for name in report["modules"]}


def test_help_imports_no_heavy_library():
    code, modules = imported_by("--help")
    assert code == 0
    assert "typer" in modules  # the probe saw the CLI run
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))


@pytest.mark.parametrize(
    "verb",
    ["build", "validate", "check", "add", "query", "queries", "serve", "publish", "push", "import"],
)
def test_a_verbs_help_imports_no_heavy_library(verb):
    code, modules = imported_by(verb, "--help")
    assert code == 0
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))


def test_the_help_states_the_servers_own_memory_default():
    # --worker-memory's default is written in its help so that --help need not import the
    # server; this keeps the two the same
    from rivalry.serve.workers import MEMORY_LIMIT

    done = subprocess.run(
        [sys.executable, "-m", "rivalry", "serve", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    words = " ".join(done.stdout.replace("│", " ").split())  # the help panel's wrapped lines
    assert f"Default: {MEMORY_LIMIT // 1024**2} " in words


def test_a_check_without_owl_does_not_load_owlready2(tmp_path):
    store = tmp_path / "store"
    assert rivalry("build", "--no-owl", store=store).returncode == 0
    code, modules = imported_by(
        "check", "--no-owl", str(ONE_FACT), env={"RIVALRY_STORE": str(store)}
    )
    assert code == 0
    # the check ran its shapes compiled to SPARQL (tests/test_candidates.py): no node of
    # the fact may fail a core shape, so pySHACL and rdflib stayed unloaded, and so did
    # HermiT's bridge
    assert "pyoxigraph" in modules
    assert "pyshacl" not in modules and "rdflib" not in modules
    assert "owlready2" not in modules
