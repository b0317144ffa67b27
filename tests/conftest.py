"""Shared fixtures: the real project, and a store built from it once per test session."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

import scorecard
from canary import Canary
from rivalry.kernel.paths import Project
from rivalry.load.parse import Sources, load_project
from rivalry.store.build import BuildResult, build
from rivalry.store.embedded import open_store
from tools.loopback import free_port, wait_until_listening

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "cases"
SCREENSHOTS = ROOT / ".rivalry" / "screenshots"
# a quiet headless Chromium: no sandbox (CI runs as root), no GPU, nothing fetched behind our back
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def project(tmp_path_factory) -> Project:
    return Project.locate(ROOT, tmp_path_factory.mktemp("store") / "store")


@pytest.fixture(scope="session")
def sources(project) -> Sources:
    return load_project(project)


@pytest.fixture(scope="session")
def built(project) -> BuildResult:
    """The shipped graph, built with every check (OWL included) into a fresh on-disk store."""
    result = build(project, owl=True)
    assert result.swapped, [p.message for p in result.report.violations]
    return result


@pytest.fixture(scope="session")
def store(built, project):
    return open_store(project.store_path)


def built_project(folder: Path, graph_files: list[Path]) -> Project:
    """A project in ``folder`` with the real ontology, rules and queries but only the given
    graph files, built (every check, OWL included) into its own on-disk store."""
    folder.mkdir(parents=True, exist_ok=True)
    for part in ("ontology", "queries"):
        (folder / part).symlink_to(ROOT / part)
    (folder / "graph").mkdir()
    for path in graph_files:
        (folder / "graph" / path.name).symlink_to(path)
    built_case = Project.locate(folder, folder / "store")
    result = build(built_case, owl=True)
    assert result.swapped, [p.message for p in result.report.violations]
    return built_case


@pytest.fixture(scope="session")
def case_store(tmp_path_factory):
    """The hand-written rivalry case (tests/cases/rivalry.trig), built into a real store."""
    case = built_project(tmp_path_factory.mktemp("case"), [CASES / "rivalry.trig"])
    return open_store(case.store_path)


@contextlib.contextmanager
def served(store: Path, *args: str):
    """``rivalry serve`` on ``store``, on loopback, with extra options; yields its URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "rivalry", "serve", "--port", str(port), *args],
        cwd=ROOT,
        env={**os.environ, "RIVALRY_STORE": str(store)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until_listening(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="session")
def endpoint(built, project):
    """``rivalry serve`` on the session's store, for HTTP tests; yields its URL."""
    with served(project.store_path, "--timeout", "5") as url:
        yield url


@pytest.fixture(scope="module")
def canary():
    """A loopback server counting requests; every hit is an outbound connection."""
    server = Canary()
    yield server
    server.close()
    scorecard.record("network", outbound_connections=len(server.hits))


def fingerprint(root: Path) -> tuple[dict[str, str], str]:
    """Each graph file's SHA-256, and the SHA-256 of the store's sorted N-Quads."""
    files = {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((root / "graph").rglob("*"))
        if p.is_file()
    }
    store = ox.Store.read_only(str(root / ".rivalry" / "store"))
    lines = sorted(store.dump(format=ox.RdfFormat.N_QUADS).splitlines())
    del store
    return files, hashlib.sha256(b"\n".join(lines)).hexdigest()


def rivalry(
    *args: str,
    store: Path | None = None,
    project: Path | None = None,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    wrapper: tuple[str, ...] = (),
    preexec_fn=None,
):
    """Run the real CLI in a subprocess, as a user would; ``wrapper`` goes before the
    command (``unshare -n``) and ``preexec_fn`` runs in the child (resource limits)."""
    env = {**os.environ, **(env or {})}
    if store is not None:
        env["RIVALRY_STORE"] = str(store)
    if project is not None:
        env["RIVALRY_PROJECT"] = str(project)
    return subprocess.run(
        [*wrapper, sys.executable, "-m", "rivalry", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=preexec_fn,
    )


def project_copy(root: Path) -> Path:
    """A copy of the project at ``root`` with its own built store, for commands that write."""
    for part in ("ontology", "graph", "queries"):
        shutil.copytree(ROOT / part, root / part)
    built = rivalry("build", "--no-owl", project=root, store=root / ".rivalry" / "store")
    assert built.returncode == 0, built.stdout + built.stderr
    return root


def pytest_sessionstart(session):
    scorecard.reset()


def pytest_sessionfinish(session, exitstatus):
    scorecard.write()


@pytest.fixture(scope="module")
def chromium():
    """Debian's headless Chromium, launched once per test module (the sync Playwright loop
    must not outlive the module: other modules run their own asyncio loops)."""
    path = shutil.which("chromium")
    if path is None and not os.environ.get("CI"):
        pytest.skip("Debian's chromium is not installed (CI installs it)")
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
