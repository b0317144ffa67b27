"""rivalry publish, diff and push: releases and remote stores."""

from __future__ import annotations

import os
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from rivalry.cli.app import app
from rivalry.cli.options import ProjectOpt, StoreOpt
from rivalry.cli.output import EXIT_PROBLEMS, err, fail, out
from rivalry.kernel.namespaces import compact
from rivalry.kernel.paths import Project
from rivalry.kernel.version import VERSION


@app.command()
def publish(
    out_dir: Annotated[Path, typer.Option("--out", help="Release directory to write.")] = Path(
        "dist"
    ),
    version: Annotated[
        str | None,
        typer.Option(help="Release version. Default: the package version.", show_default=False),
    ] = None,
    issued: Annotated[
        str | None,
        typer.Option("--date", help="Issue date, YYYY-MM-DD. Default: today.", show_default=False),
    ] = None,
    host_url: Annotated[
        str | None,
        typer.Option(
            help="Where the release directory will be served (https://host/path/): sets the "
            ".htaccess RewriteBase and writes w3id.htaccess pointing there.",
            show_default=False,
        ),
    ] = None,
    sparql: Annotated[
        str | None,
        typer.Option(
            "--sparql-endpoint", help="Public SPARQL endpoint to name in the VoID description."
        ),
    ] = None,
    previous: Annotated[
        Path | None,
        typer.Option(help="An earlier release directory: write changes.trig against it."),
    ] = None,
    licence: Annotated[
        str | None,
        typer.Option(
            "--licence",
            "--license",
            help="The data licence's IRI, written into void.ttl (dataset and every "
            "distribution) and the index page. Default: CC BY 4.0.",
            show_default=False,
        ),
    ] = None,
    project: ProjectOpt = None,
    store: StoreOpt = None,
) -> None:
    """Write a release of the built store: dumps (TriG, Turtle, N-Quads, N-Triples, JSON-LD),
    ontology and shapes (Turtle, RDF/XML), VoID/DCAT, ontology documentation, a static
    linked-data site with redirect rules, and SHA256SUMS. The previous release directory is
    replaced only when the new one is complete."""
    from datetime import date

    from rich.progress import Progress

    from rivalry.publish import diff, release
    from rivalry.publish.describe import LICENCE
    from rivalry.store.embedded import StoreMissing

    proj = Project.locate(project, store)
    try:
        day = date.fromisoformat(issued) if issued else date.today()
    except ValueError:
        raise fail(f"--date {issued!r}: write it as YYYY-MM-DD") from None
    licence = licence or LICENCE
    if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", licence):
        raise fail(
            f"--licence {licence!r}: give the licence's IRI, e.g. "
            "https://creativecommons.org/publicdomain/zero/1.0/"
        )
    if previous is not None and not (previous / "dataset.nq.gz").exists():
        raise fail(f"--previous {previous}: not a release directory (no dataset.nq.gz)")
    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("Entity pages", total=None)

        def progress(total: int):
            bar.update(task, total=total)
            return lambda: bar.advance(task)

        try:
            result = release.publish(
                proj,
                out_dir,
                version=version or VERSION,
                issued=day,
                host_url=host_url,
                endpoint=sparql,
                previous=previous,
                progress=progress,
                licence=licence,
            )
        except (StoreMissing, release.PublishError, diff.ReleaseError) as error:
            raise fail(str(error), EXIT_PROBLEMS) from None
    table = Table("file", "bytes", "SHA-256", title=f"Release in {result.path}")
    for f in result.files:
        table.add_row(f.path.name, f"{f.size:,}", f.sha256[:16] + "…")
    out.print(table)
    out.print(f"{result.entities} entity pages (HTML, Turtle, JSON-LD); ontology.html; void.ttl")
    if result.changes is not None:
        _print_changes(diff.summary_rows(result.changes), "table")


class RowsFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


@app.command("diff")
def diff_releases(
    old: Annotated[Path, typer.Argument(help="The earlier release directory (or .nq.gz).")],
    new: Annotated[Path, typer.Argument(help="The later release directory (or .nq.gz).")],
    fmt: Annotated[RowsFormat, typer.Option("--format", "-f")] = RowsFormat.table,
    rdf: Annotated[
        Path | None,
        typer.Option(help="Also write the added and removed triples as TriG to this file."),
    ] = None,
) -> None:
    """Added and removed triples per named graph between two releases, and the exposure
    paths the changes create, remove or move in time (for the states and firms the changed
    triples name). JSON: {"graphs": [...], "exposure": [...]}; CSV: the graphs only.
    Exit 0 when nothing changed, 1 when something did."""
    from rivalry.publish import diff

    try:
        before, after = diff.read_release(old), diff.read_release(new)
        changes = diff.compare(before, after)
        exposure = diff.exposure_changes(before, after, changes)
    except diff.ReleaseError as error:
        raise fail(str(error)) from None
    if rdf is not None:
        rdf.write_bytes(diff.to_trig(changes))
    rows = diff.summary_rows(changes)
    if fmt == "json":
        import json

        document = {"graphs": rows, "exposure": [e.to_json() for e in exposure]}
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    else:
        _print_changes(rows, fmt)
        if fmt == "table" and changes:
            _print_exposure(exposure)
    if changes:
        raise typer.Exit(EXIT_PROBLEMS)


def _print_changes(rows: list[dict], fmt: str) -> None:
    if fmt == "json":
        import json

        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
    elif fmt == "csv":
        import csv

        writer = csv.DictWriter(sys.stdout, fieldnames=["graph", "added", "removed"])
        writer.writeheader()
        writer.writerows(rows)
    else:
        table = Table("named graph", "added", "removed", title="Changes")
        for row in rows:
            table.add_row(str(row["graph"]), str(row["added"]), str(row["removed"]))
        out.print(table if rows else "No changes.")


def _print_exposure(effects) -> None:
    if not effects:
        out.print("No exposure path was created, removed or moved.")
        return
    out.print("[bold]Exposure[/]")
    for effect in effects:
        out.print(f"    {escape(effect.text())}", highlight=False)


class AuthScheme(StrEnum):
    basic = "basic"
    digest = "digest"


@app.command()
def push(
    endpoint: Annotated[str, typer.Option("--endpoint", help="The server's SPARQL query URL.")],
    gsp: Annotated[
        str | None,
        typer.Option(
            help="Its Graph Store Protocol URL (Oxigraph: …/store; Virtuoso: "
            "…/sparql-graph-crud-auth). Without it, SPARQL Update is used.",
            show_default=False,
        ),
    ] = None,
    update: Annotated[
        str | None,
        typer.Option(help="Its SPARQL Update URL. Default: the query URL.", show_default=False),
    ] = None,
    auth: Annotated[
        AuthScheme,
        typer.Option(
            help="HTTP authentication scheme; credentials come only from $RIVALRY_PUSH_USER "
            "and $RIVALRY_PUSH_PASSWORD."
        ),
    ] = AuthScheme.basic,
    project: ProjectOpt = None,
    store: StoreOpt = None,
) -> None:
    """Load every named graph of the built store into a remote SPARQL server, replacing what
    it held under those names, then compare triple counts per graph. Exit 1 on a mismatch."""
    import httpx

    from rivalry import push as pushing
    from rivalry.store.embedded import StoreMissing, open_store

    proj = Project.locate(project, store)
    user, password = os.environ.get("RIVALRY_PUSH_USER"), os.environ.get("RIVALRY_PUSH_PASSWORD")
    credentials = None
    if user:
        scheme = httpx.DigestAuth if auth is AuthScheme.digest else httpx.BasicAuth
        credentials = scheme(user, password or "")
    target = pushing.Target(endpoint, update or endpoint, gsp, credentials)
    try:
        db = open_store(proj.store_path)
        with err.status("Pushing named graphs…") as status:
            result = pushing.push(db, target, lambda g: status.update(f"Pushed {g}"))
    except (StoreMissing, pushing.PushError) as error:
        raise fail(str(error), EXIT_PROBLEMS) from None
    table = Table("named graph", "local", "remote", "", title=f"Pushed by {result.method}")
    for count in result.counts:
        mark = "[green]ok[/]" if count.ok else "[red]differs[/]"
        table.add_row(compact(count.graph), str(count.local), str(count.remote), mark)
    out.print(table)
    for note in result.notes:
        err.print(f"note: {note}", highlight=False)
    if not result.ok:
        raise fail("triple counts differ after the push", EXIT_PROBLEMS)
