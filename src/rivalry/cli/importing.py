"""rivalry import and rivalry link: lists and Wikidata, through the gate."""

from __future__ import annotations

import csv
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from rivalry.cli.app import app
from rivalry.cli.gate import _check_and_merge, _existing, _print_merged
from rivalry.cli.options import FormatOpt, OwlOpt, ProjectOpt, StoreOpt
from rivalry.cli.output import EXIT_CODES, ReportFormat, err, fail, out
from rivalry.kernel.paths import Project

import_app = typer.Typer(
    help="Import curators' list files into their own named graph, through the gate.\n\n"
    + EXIT_CODES,
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")

ListFile = Annotated[Path, typer.Argument(help="The file to import.", show_default=False)]
RetrievedOpt = Annotated[
    str | None,
    typer.Option(
        "--retrieved",
        help="Day the file was downloaded (YYYY-MM-DD). Default: the file's modification day.",
        show_default=False,
    ),
]
UrlOpt = Annotated[
    str | None,
    typer.Option("--url", help="Where the file was downloaded from.", show_default=False),
]


CSL_HELP = """Import the US Consolidated Screening List (trade.gov), CSV or JSON (.json).

Entities and individuals become organisations and people (matched with the graph's
entities by Wikidata item, ISO code, or name and type); listings become list
designations on the named lists; each row is an imported record keeping its raw values.
The run is one named graph keyed by the file's digest, merged all or nothing through
the same check as `rivalry add`; importing the same file again changes nothing.
"""
FTM_HELP = """Import FollowTheMoney entities (JSON lines, as OpenSanctions publishes them).

Company, Organization, LegalEntity and Person become firms, organisations and people;
Sanction becomes a list designation; Ownership between companies a timed subsidiary
relation. Other schemata are skipped and listed. Matching, provenance and the
all-or-nothing merge are as for `rivalry import csl`.
"""
IMPORT_EXIT = """
Exit codes: 0 imported (or already imported); 1 the check found problems, nothing was
merged; 2 usage or input error (file:line:column).
"""


def _import_verb(family: str):
    def verb(
        file: ListFile,
        retrieved: RetrievedOpt = None,
        url: UrlOpt = None,
        fmt: FormatOpt = ReportFormat.text,
        project: ProjectOpt = None,
        store: StoreOpt = None,
        owl: OwlOpt = True,
    ) -> None:
        _import(family, file, retrieved, url, fmt, project, store, owl)

    return verb


import_app.command("csl", help=CSL_HELP + IMPORT_EXIT)(_import_verb("csl"))
import_app.command("ftm", help=FTM_HELP + IMPORT_EXIT)(_import_verb("ftm"))


def _import(family, file, retrieved, url, fmt, project, store, owl) -> None:
    import pyoxigraph as ox

    from rivalry.importing.prepare import already_imported, prepare
    from rivalry.query import render

    proj = Project.locate(project, store)
    _existing([file])
    seen = {}

    def change_for(db):
        change, seen["mapped"] = prepare(db, file, family, retrieved=retrieved, url=url)
        return None if already_imported(db, change) else change

    with err.status(f"Importing {file.name}…"):
        result = _check_and_merge(proj, change_for, [file], fmt, owl)
    mapped = seen["mapped"]
    console = out if fmt is ReportFormat.text else err
    table = Table("records", "count", title=f"Import of {file.name}")
    table.add_row("matched with entities already in the graph", str(len(mapped.matched)))
    table.add_row("new entities", str(len(set(mapped.minted.values()))))
    table.add_row("quads in the import's graph", str(len(mapped.quads)))
    table.add_row("skipped", str(len(mapped.skipped)))
    console.print(table)
    for line, why in mapped.skipped:
        console.print(f"{file}:{line}: skipped: {why}", highlight=False)
    if result is None:
        console.print(f"Already imported: {render.short(ox.NamedNode(mapped.graph))} holds "
                      "every fact of this file; nothing changed.")  # fmt: skip
        return
    _print_merged(proj, result)


link_app = typer.Typer(
    help="Link the graph's entities to other knowledge bases.\n\n" + EXIT_CODES,
    no_args_is_help=True,
)
app.add_typer(link_app, name="link")


class LinkFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


@link_app.command("wikidata")
def link_wikidata(
    endpoint: Annotated[
        str, typer.Option("--endpoint", help="The Wikidata SPARQL endpoint, or a copy of it.")
    ] = "https://query.wikidata.org/sparql",
    write: Annotated[
        Path | None,
        typer.Option(
            "--write",
            help="Write the unique links as a TriG proposal, to merge with `rivalry add FILE`.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        LinkFormat,
        typer.Option("--format", "-f", help="table for people, csv or json for programs."),
    ] = LinkFormat.table,
    timeout: Annotated[int, typer.Option(help="Seconds to wait for each query.")] = 60,
    project: ProjectOpt = None,
    store: StoreOpt = None,
) -> None:
    """Find Wikidata items for states (ISO code, P297), firms and government bodies (label or
    alias, and instance of a business or government-body class) not linked yet.

    An entity with one candidate gets a proposed skos:exactMatch; one with several is
    reported as ambiguous for a curator and never linked. Nothing is written to the graph:
    --write FILE holds the unique links in a named graph describing the run (endpoint, day,
    queries), to check and merge with `rivalry add FILE`.

    Exit codes: 0 done (ambiguous matches are reported, not errors); 2 usage error, no
    store, or the endpoint failed.
    """
    import pyoxigraph as ox
    from rich.progress import Progress
    from SPARQLWrapper import SPARQLExceptions

    from rivalry.kernel.namespaces import PREFIXES
    from rivalry.linking import wikidata
    from rivalry.store.embedded import StoreMissing, open_store

    proj = Project.locate(project, store)
    try:
        db = open_store(proj.store_path)
        with Progress(transient=True, console=err) as progress:
            task = progress.add_task("Querying Wikidata", total=wikidata.count_keys(db))
            run = wikidata.link(
                db, endpoint, progress=lambda n: progress.advance(task, n), timeout=timeout
            )
    except StoreMissing as error:
        raise fail(str(error)) from None
    except (OSError, ValueError, SPARQLExceptions.SPARQLWrapperException) as error:
        raise fail(f"{endpoint}: the endpoint failed: {error}") from None
    _print_links(run, fmt)
    if write is not None:
        write.write_bytes(
            ox.serialize(wikidata.proposal(run), format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
        )
        err.print(f"{len(run.unique())} unique link(s) written to {write}; "
                  f"merge them with: rivalry add {write}")  # fmt: skip


def _print_links(run, fmt: LinkFormat) -> None:
    import pyoxigraph as ox

    from rivalry.query import render

    rows = [
        {"entity": render.short(ox.NamedNode(m.entity)), "kind": m.kind, "keys": "; ".join(m.keys),
         "status": m.status, "qid": item.qid if item else "", "label": item.label if item else "",
         "description": item.description if item else "", "linked_elsewhere": m.taken_by or ""}
        for m in run.matches
        for item in (list(m.items.values()) or [None])
    ]  # fmt: skip
    if fmt is LinkFormat.json:
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    elif fmt is LinkFormat.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["entity"])
        writer.writeheader()
        writer.writerows(rows)
    else:
        table = Table("entity", "kind", "status", "candidate", title="Wikidata links found")
        for row in rows:
            if row["status"] == "no match":
                continue
            colour = {"unique": "green", "ambiguous": "yellow"}.get(row["status"], "red")
            candidate = " — ".join(v for v in (row["qid"], row["label"], row["description"]) if v)
            status = row["status"] + (
                f" ({row['linked_elsewhere']})" if row["linked_elsewhere"] else ""
            )
            table.add_row(row["entity"], row["kind"], f"[{colour}]{status}[/]", candidate)
        out.print(table)
        counts = {
            s: sum(m.status == s for m in run.matches) for s in ("unique", "ambiguous", "no match")
        }
        out.print(
            f"{counts['unique']} unique, {counts['ambiguous']} ambiguous (for a curator to "
            f"decide), {counts['no match']} without a candidate"
        )
