"""Write a whole release into a staging directory, check its description, then swap it in:
an interrupted or rejected publish leaves the previous release directory as it was."""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyshacl
import rdflib

from rivalry.kernel.errors import RivalryError
from rivalry.kernel.namespaces import BASE
from rivalry.kernel.paths import Project
from rivalry.publish import describe, diff, docs, dumps, exposure_site, flat, site
from rivalry.query.catalogue import load_catalogue
from rivalry.store.embedded import open_store

DCAT_SHAPES = Path(__file__).with_name("dcat-shapes.ttl")


class PublishError(RivalryError):
    pass


@dataclass
class Release:
    path: Path
    files: list[dumps.Dump]
    entities: int
    changes: list[diff.GraphChange] | None


def publish(
    project: Project,
    out: Path,
    *,
    version: str,
    issued: date,
    host_url: str | None = None,
    endpoint: str | None = None,
    previous: Path | None = None,
    progress=None,
    licence: str = describe.LICENCE,
) -> Release:
    store = open_store(project.store_path)
    for stale in out.parent.glob(f".{out.name}.*-*"):  # left by a publish that was killed
        shutil.rmtree(stale, ignore_errors=True)
    staging = out.with_name(f".{out.name}.partial-{os.getpid()}")
    staging.mkdir(parents=True)
    try:
        quads = dumps.data_quads(store)
        files = dumps.write_data(quads, staging) + dumps.write_vocabulary(store, staging)
        entities_csv, facts_csv = flat.write(store, staging)
        files.append(dumps.Dump(entities_csv, "text/csv", "One row per entity (CSV)"))
        files.append(dumps.Dump(facts_csv, "text/csv", "One row per sourced fact (CSV)"))
        queries = load_catalogue(project.queries_dir)
        (staging / "ontology.html").write_text(docs.render(store, queries, version))
        description = describe.describe(
            quads,
            files,
            version=version,
            issued=issued,
            base_url=BASE,
            endpoint=endpoint,
            licence=licence,
        )
        (staging / "void.ttl").write_bytes(description)
        check_description(staging / "void.ttl")
        iris = site.entities(store)
        site.write_entities(store, staging, iris, progress(len(iris)) if progress else None)
        site.write_index(store, staging, iris, files, version, licence, issued.isoformat())
        exposure_site.write_exposure(store, staging, project.queries_dir)
        site.write_rules(staging, host_url)
        changes = None
        if previous is not None:
            old, new = diff.read_release(previous), diff.read_release(staging)
            changes = diff.compare(old, new)
            exposure = diff.exposure_changes(old, new, changes)
            (staging / "changes.trig").write_bytes(diff.to_trig(changes))
            (staging / "CHANGES.md").write_text(
                diff.to_markdown(changes, previous.name, version, exposure)
            )
        write_checksums(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap(staging, out)
    return Release(
        out,
        [dumps.Dump(out / f.path.name, f.media_type, f.title) for f in files],
        len(iris),
        changes,
    )


def check_description(path: Path) -> None:
    """The VoID/DCAT description must satisfy the DCAT shapes, or nothing is published."""
    conforms, _, text = pyshacl.validate(
        rdflib.Graph().parse(path, format="turtle"),
        shacl_graph=rdflib.Graph().parse(DCAT_SHAPES, format="turtle"),
    )
    if not conforms:
        raise PublishError(f"{path.name} does not satisfy the DCAT shapes:\n{text}")


def write_checksums(directory: Path) -> None:
    """SHA256SUMS in the format `sha256sum -c` reads."""
    lines = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.relative_to(directory).as_posix()}\n")
    (directory / "SHA256SUMS").write_text("".join(lines))


def _swap(staging: Path, out: Path) -> None:
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)
