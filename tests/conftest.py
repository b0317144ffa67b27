"""Shared fixtures: the real project, and a store built from it once per test session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import scorecard
from rivalry.build import BuildResult, build
from rivalry.load import Sources, load_project
from rivalry.project import Project
from rivalry.store import open_store

ROOT = Path(__file__).resolve().parents[1]


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


@pytest.fixture(scope="session")
def endpoint(built, project):
    """``rivalry serve`` on the session's store, on loopback, for HTTP tests; yields its URL."""
    from rivalry.serve.loopback import free_port, wait_until_listening

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "rivalry", "serve", "--port", str(port), "--timeout", "5"],
        cwd=ROOT,
        env={**os.environ, "RIVALRY_STORE": str(project.store_path)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    wait_until_listening(port)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=20)


def rivalry(
    *args: str,
    store: Path | None = None,
    project: Path | None = None,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
):
    """Run the real CLI in a subprocess, as a user would."""
    env = {**os.environ, **(env or {})}
    if store is not None:
        env["RIVALRY_STORE"] = str(store)
    if project is not None:
        env["RIVALRY_PROJECT"] = str(project)
    return subprocess.run(
        [sys.executable, "-m", "rivalry", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
    )


def pytest_sessionstart(session):
    scorecard.reset()


def pytest_sessionfinish(session, exitstatus):
    scorecard.write()
