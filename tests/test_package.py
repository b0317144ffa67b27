"""The wheel, installed as a user would: built from the repository, installed in a fresh virtual
environment outside the checkout, and run from another folder — build, query, check, serve,
init and the Python API — with nothing of the checkout on its path; and the other habits of a
maintained package: licence, citation, changelog, one version, the data licence as an option of
publish.

The new environment gets its dependencies from the checkout's environment (its site-packages
added as a plain path, so the editable install's own path hook is not run) and the wheel itself
with --no-deps: no network and about a minute. Select it with `pytest -m package`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tomllib
import venv
import zipfile
from importlib.metadata import version
from pathlib import Path

import httpx
import pytest
import rdflib
import yaml

from conftest import ROOT, rivalry
from tools.loopback import free_port, wait_until_listening

pytestmark = pytest.mark.package

ACCEPTED = ROOT / "tests" / "gate" / "accepted" / "new-chip-of-existing-firm.trig"
REJECTED = ROOT / "tests" / "gate" / "rejected" / "unknown-entity-typo.trig"
PIP = (sys.executable, "-m", "pip", "-q")
DONE_WHEN = (
    "import rivalry; g = rivalry.open(); "
    "print(g.query('timeline', **{'from': '2025-05-19', 'to': '2025-05-22'}).to_pandas())"
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [*PIP, "wheel", "--no-deps", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (found,) = out.glob("rivalry-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> dict[str, Path]:
    """A fresh venv holding the wheel; the folder it runs in; its own per-user data folder."""
    home = tmp_path_factory.mktemp("user")
    env_dir = home / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(
        subprocess.check_output(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            text=True,
        ).strip()
    )
    (site / "checkout-deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    done = subprocess.run(
        [*PIP, "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    work = home / "work"
    work.mkdir()
    return {"python": python, "bin": env_dir / "bin", "work": work, "data": home / "data"}


def user_env(installed) -> dict[str, str]:
    """A user's environment: no project or store named, the new venv first on PATH."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("RIVALRY_", "PYTHON", "VIRTUAL"))
    }
    env["XDG_DATA_HOME"] = str(installed["data"])
    env["PATH"] = f"{installed['bin']}{os.pathsep}{env.get('PATH', '')}"
    return env


def run(installed, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args),
        cwd=cwd or installed["work"],
        env=user_env(installed),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_wheel_carries_the_project(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for part in ("ontology", "ontology/shapes", "ontology/rules", "queries", "graph/sources"):
        source = {p.name for p in (ROOT / part).iterdir() if p.is_file()}
        packed = {n.rsplit("/", 1)[1] for n in names if n.startswith(f"rivalry/data/{part}/")}
        assert source <= packed, (part, source - packed)
    assert "rivalry/publish/dcat-shapes.ttl" in names and "rivalry/py.typed" in names
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("/METADATA")))
    assert b"License-Expression: MIT" in metadata
    assert any(n.endswith("licenses/LICENSE") for n in names)


def test_installed_wheel_imports_from_its_own_environment(installed):
    where = run(
        installed, str(installed["python"]), "-c", "import rivalry; print(rivalry.__file__)"
    )
    assert where.returncode == 0, where.stderr
    assert where.stdout.startswith(str(installed["bin"].parent)), where.stdout
    assert not where.stdout.startswith(str(ROOT))


def test_installed_wheel_builds_queries_checks_and_serves_elsewhere(installed):
    command = str(installed["bin"] / "rivalry")
    listed = run(installed, command, "queries", "--json")
    assert listed.returncode == 0 and '"timeline"' in listed.stdout, listed.stderr
    missing = run(installed, command, "query", "timeline")
    assert missing.returncode == 2 and "no store at" in missing.stderr
    built = run(installed, command, "build", "--no-owl")
    assert built.returncode == 0, built.stdout + built.stderr
    assert "bundled graph" in built.stderr
    store = installed["data"] / "rivalry"
    assert any(store.rglob("store")), "the bundled graph's store is in the per-user data folder"
    asked = run(installed, command, "query", "timeline", "-p", "from=2025-05-19", "-f", "csv")
    assert asked.returncode == 0 and "2025-05-19" in asked.stdout, asked.stderr
    good = run(installed, command, "check", "--no-owl", str(ACCEPTED))
    assert good.returncode == 0, good.stdout + good.stderr
    bad = run(installed, command, "check", "--no-owl", str(REJECTED))
    assert bad.returncode == 1 and "unknown-entity" in bad.stdout
    refused = run(installed, command, "add", "--no-owl", str(ACCEPTED))
    assert refused.returncode == 2 and "rivalry init DIR" in refused.stderr
    assert not list(installed["work"].iterdir()), "nothing written into the current folder"

    port = free_port()
    server = subprocess.Popen(
        [command, "serve", "--port", str(port)],
        cwd=installed["work"],
        env=user_env(installed),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_listening(port)
        page = httpx.get(f"http://127.0.0.1:{port}/queries/timeline", timeout=30)
        assert page.status_code == 200 and "2025-05-" in page.text
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_done_when_from_any_folder(installed, tmp_path):
    # a fresh data folder: rivalry.open() builds the bundled graph's store on first use
    done = run(installed, str(installed["python"]), "-c", DONE_WHEN, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2025-05-19" in done.stdout and "rows x" in done.stdout


def test_init_from_the_installed_wheel(installed, tmp_path):
    command = str(installed["bin"] / "rivalry")
    made = run(installed, command, "init", "mine", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    project = tmp_path / "mine"
    assert (project / ".gitignore").is_file() and (project / "queries" / "timeline.rq").is_file()
    built = run(installed, command, "build", "--no-owl", cwd=project)
    assert built.returncode == 0 and (project / ".rivalry" / "store").is_dir(), built.stderr
    added = run(installed, command, "add", "--no-owl", str(ACCEPTED), cwd=project / "graph")
    assert added.returncode == 0, added.stdout + added.stderr
    assert (project / "graph" / "sources" / "gate-new-chip-of-existing-firm.trig").is_file()


def test_the_version_is_written_once(installed):
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert version("rivalry") == declared
    shown = run(installed, str(installed["bin"] / "rivalry"), "--version")
    assert shown.stdout.strip() == f"rivalry {declared}"
    # CITATION.cff names no version of its own, so it cannot disagree
    assert "version" not in yaml_of(ROOT / "CITATION.cff")


def yaml_of(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def test_licence_citation_and_changelog_are_there():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert meta["license"] == "MIT" and "MIT License" in (ROOT / "LICENSE").read_text()
    citation = yaml_of(ROOT / "CITATION.cff")
    assert citation["cff-version"] == "1.2.0" and citation["license"] == "MIT"
    assert citation["title"] and citation["authors"]
    assert "## [Unreleased]" in (ROOT / "CHANGELOG.md").read_text()


def test_publish_writes_the_data_licence_it_is_given(built, project, tmp_path):
    cc0 = "https://creativecommons.org/publicdomain/zero/1.0/"
    out = tmp_path / "release"
    done = rivalry("publish", "--out", str(out), "--licence", cc0, store=project.store_path)
    assert done.returncode == 0, done.stdout + done.stderr
    void = rdflib.Graph().parse(out / "void.ttl")
    licences = set(void.objects(None, rdflib.DCTERMS.license))
    assert licences == {rdflib.URIRef(cc0)}
    assert f"href='{cc0}'" in (out / "index.html").read_text()
    bad = rivalry("publish", "--out", str(tmp_path / "no"), "--licence", "CC0")
    assert bad.returncode == 2 and "give the licence's IRI" in bad.stderr
    assert not (tmp_path / "no").exists()
