"""The one build step setuptools cannot express in pyproject.toml: the curated project —
ontology/ (with shapes and rules), graph/ and queries/, kept at the repository root as the
source of truth — is copied into the wheel as ``rivalry/data/``, so an installed package can
build and query the graph with no checkout. An editable install reads the root folders
themselves (rivalry.kernel.paths.bundled_root)."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
PROJECT_PARTS = ("ontology", "graph", "queries")


class BuildWithProjectData(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "rivalry" / "data"
        shutil.rmtree(target, ignore_errors=True)
        for part in PROJECT_PARTS:
            shutil.copytree(ROOT / part, target / part, ignore=shutil.ignore_patterns(".*"))


setup(cmdclass={"build_py": BuildWithProjectData})
