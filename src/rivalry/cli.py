"""The ``rivalry`` command line: one verb per pipeline stage, thin over the package.

Exit codes, for every verb: 0 success (valid), 1 problems found (validation
violations, or a build that did not validate), 2 usage or input errors (bad options,
unknown query, unparsable file — reported with file, line and column).
"""

from __future__ import annotations

import csv
import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pyoxigraph as ox
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table
from SPARQLWrapper import SPARQLExceptions

from rivalry.gate import merge
from rivalry.gate.check import change_files, check_change, load_submission
from rivalry.gate.check import check as gate_check
from rivalry.kernel.namespaces import PREFIXES, compact
from rivalry.kernel.paths import Project
from rivalry.kernel.version import VERSION
from rivalry.load.parse import ParseError
from rivalry.query import catalogue, execute, guard, remote, render
from rivalry.serve.workers import MEMORY_LIMIT
from rivalry.store.build import build as run_build
from rivalry.store.embedded import StoreMissing, open_store, settle
from rivalry.validate.layers import check_project
from rivalry.validate.report import Report

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
EXIT_CODES = "Exit codes: 0 valid / success; 1 problems found; 2 usage or input error."

app = typer.Typer(
    help="Tech Rivalry Knowledge Graph: build, validate and query the graph.\n\n" + EXIT_CODES,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(emoji=False, soft_wrap=True)
err = Console(stderr=True, emoji=False, soft_wrap=True)


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    turtle = "turtle"
    github = "github"


ProjectOpt = Annotated[
    Path | None,
    typer.Option(
        "--project",
        help="Project folder (ontology/, graph/, queries/). "
        "Default: $RIVALRY_PROJECT or this checkout.",
        show_default=False,
    ),
]
StoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="On-disk store folder. Default: $RIVALRY_STORE or <project>/.rivalry/store.",
        show_default=False,
    ),
]
OwlOpt = Annotated[
    bool, typer.Option("--owl/--no-owl", help="Run the OWL consistency check (HermiT, needs Java).")
]


def fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    # messages quote file names and input, which must not be read as console markup
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    return typer.Exit(code)


@app.callback(invoke_without_command=True)
def main_callback(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        out.print(f"rivalry {VERSION}")
        raise typer.Exit()


@app.command()
def build(project: ProjectOpt = None, store: StoreOpt = None, owl: OwlOpt = True) -> None:
    """Load ontology and graph into the store, materialise inferences, validate, summarise.

    The new store replaces the old one only if the graph validates; otherwise the old store
    is kept and the problems are listed. Rebuilding the same graph gives the same store.
    """
    proj = Project.locate(project, store)
    with err.status("Building: parse, load, infer, validate…"):
        try:
            with merge.writer_lock(proj):
                recovered = proj.store_path.exists() and merge.recover(proj, rebuilding=True)
                if recovered:
                    err.print(f"An interrupted merge was found and settled ({recovered}).")
                result = run_build(proj, owl=owl)
        except (ParseError, merge.MergeError) as error:
            raise fail(str(error)) from None
    summary = Table(title="Build summary", show_header=False)
    summary.add_row("store", str(result.store_path))
    summary.add_row("asserted triples", str(result.asserted))
    summary.add_row("inferred triples", str(result.inferred))
    summary.add_row("named graphs", str(result.graphs))
    summary.add_row("source documents", str(result.sources))
    summary.add_row("violations", str(len(result.report.violations)))
    summary.add_row("warnings", str(len(result.report.warnings)))
    out.print(summary)
    classes = Table("class", "entities", title="Entities per class")
    for name, count in result.classes.items():
        classes.add_row(f"tr:{name}", str(count))
    out.print(classes)
    if result.report.problems:
        _print_report(result.report)
    if not result.swapped:
        raise fail("the graph does not validate; the previous store was kept", EXIT_PROBLEMS)
    out.print(f"[green]Built[/] {result.store_path}")


@app.command()
def validate(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Extra Turtle/TriG/N-Triples/N-Quads/JSON-LD files to validate with the graph.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        ReportFormat,
        typer.Option(
            "--format",
            "-f",
            help="text for people, json for programs, turtle for a W3C SHACL validation report.",
        ),
    ] = ReportFormat.text,
    project: ProjectOpt = None,
    owl: OwlOpt = True,
) -> None:
    """Validate the graph (plus FILES) with the SHACL shapes and the OWL consistency check.

    Nothing is written: the check runs on an in-memory copy.
    """
    proj = Project.locate(project)
    for path in files or []:
        if not path.is_file():
            raise fail(f"{path}: no such file")
    try:
        report = check_project(proj, files or [], owl=owl)
    except ParseError as error:
        raise fail(str(error)) from None
    _emit(report, fmt)
    raise typer.Exit(EXIT_OK if report.conforms else EXIT_PROBLEMS)


def _emit(report: Report, fmt: ReportFormat) -> None:
    if fmt is ReportFormat.json:
        sys.stdout.write(report.to_json() + "\n")
    elif fmt is ReportFormat.turtle:
        sys.stdout.write(report.to_turtle())
    elif fmt is ReportFormat.github:
        sys.stdout.write(report.to_github())
    else:
        _print_report(report)


ChangeFiles = Annotated[
    list[Path],
    typer.Argument(
        help="Change files: Turtle, TriG, N-Triples, N-Quads, JSON-LD or the CSV template.",
        show_default=False,
    ),
]
FormatOpt = Annotated[
    ReportFormat,
    typer.Option(
        "--format",
        "-f",
        help="text for people, json for programs, turtle for a W3C "
        "SHACL validation report, github for workflow annotations.",
    ),
]


def _existing(files: list[Path]) -> list[Path]:
    """The change files, each once; a missing file, a link, a directory or a pipe is refused."""
    try:
        return change_files(files)
    except ParseError as error:
        raise fail(str(error)) from None


@app.command()
def check(
    files: ChangeFiles,
    fmt: FormatOpt = ReportFormat.text,
    project: ProjectOpt = None,
    store: StoreOpt = None,
    owl: OwlOpt = True,
) -> None:
    """Check new facts against the built graph before they are merged; nothing is written.

    Only the part of the graph the change reaches is validated: SHACL shapes and time
    rules, provenance, identity (duplicates, unknown IRIs with a "did you mean"),
    contested claims (a warning) and OWL consistency.

    Exit codes: 0 passes; 1 problems found; 2 usage or input error (file:line:column).
    """
    proj = Project.locate(project, store)
    try:
        report = gate_check(proj, open_store(proj.store_path), _existing(files), owl=owl)
    except (ParseError, StoreMissing) as error:
        raise fail(str(error)) from None
    _emit(report, fmt)
    raise typer.Exit(EXIT_OK if report.conforms else EXIT_PROBLEMS)


@app.command()
def add(
    files: ChangeFiles,
    fmt: FormatOpt = ReportFormat.text,
    project: ProjectOpt = None,
    store: StoreOpt = None,
    owl: OwlOpt = True,
) -> None:
    """Check new facts and, only if they pass, merge them into graph/ and the store.

    All or nothing: the source's named-graph file under graph/sources/ and the store are
    both updated, or neither is, even if the command is killed midway. The merge is
    recorded (when, from which file) in the graph it adds to.

    Exit codes: 0 passes (merged); 1 problems found (nothing merged); 2 usage or input error.
    """
    proj = Project.locate(project, store)
    files = _existing(files)
    result = _check_and_merge(proj, lambda db: load_submission(proj, files), files, fmt, owl)
    _print_merged(proj, result)


def _check_and_merge(proj: Project, make_change, inputs: list[Path], fmt, owl: bool):
    """Under the writer lock: settle an interrupted merge, build the change from the store,
    check it, and merge it only if it passes. Returns None when there was nothing to add."""
    try:
        with merge.writer_lock(proj):
            settle(proj.store_path)  # a store a killed build had moved aside is put back
            if not proj.store_path.exists():
                raise StoreMissing(proj.store_path)
            recovered = merge.recover(proj)
            if recovered:
                err.print(f"An interrupted merge was found and {recovered}.")
            db = ox.Store(str(proj.store_path))
            change = make_change(db)
            if change is None:
                return None
            report = check_change(proj, db, change, owl=owl)
            _emit(report, fmt)
            if not report.conforms:
                raise fail("the change does not pass the check; nothing was merged", EXIT_PROBLEMS)
            return merge.merge(proj, db, change, inputs)
    except (ParseError, StoreMissing, merge.MergeError) as error:
        raise fail(str(error)) from None
    except OSError as error:  # disk full, file too large, permissions: nothing half-done stays
        raise fail(
            f"{error}; nothing was merged, or the next rivalry add or build finishes the "
            "interrupted merge. Free some space and run the command again."
        ) from None


def _print_merged(proj: Project, result) -> None:
    for path in result.files:
        out.print(f"[green]Merged[/] into {path.relative_to(proj.root)}")
    out.print(f"{result.quads} quads added; recorded as {render.short(ox.NamedNode(result.merge))}")


def _print_report(report: Report) -> None:
    if not report.problems:
        out.print("[green]Valid:[/] no violations, no warnings.")
        return
    for p in report.sorted():
        colour = "red" if p.severity == "violation" else "yellow"
        where = f"{escape(p.where)}  " if p.where else ""
        entity = escape(render.short(ox.NamedNode(p.focus))) if p.focus else ""
        out.print(f"{where}[{colour}]{p.severity}[/] [bold]{p.rule}[/] {entity}", highlight=False)
        out.print(f"    {escape(p.message)}", highlight=False)
    out.print(f"{len(report.violations)} violation(s), {len(report.warnings)} warning(s)")


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
    from rivalry.importing.prepare import already_imported, prepare

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
    from rivalry.linking import wikidata

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


@app.command("queries")
def list_queries(
    project: ProjectOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the catalogue as JSON.")] = False,
) -> None:
    """List the catalogue's queries with their parameters."""
    proj = Project.locate(project)
    try:
        entries = catalogue.load_catalogue(proj.queries_dir)
    except catalogue.CatalogueError as error:
        raise fail(str(error)) from None
    if as_json:
        rows = [
            {
                "name": q.name,
                "summary": q.summary,
                "tags": list(q.tags),
                "params": [vars(p) for p in q.params],
            }
            for q in entries
        ]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    table = Table("name", "summary", "parameters", title="Query catalogue")
    for q in entries:
        params = ", ".join(f"{p.name}={p.default or '(all)'}" for p in q.params)
        table.add_row(q.name, q.summary, params)
    out.print(table)


EndpointOpt = Annotated[
    str | None,
    typer.Option(
        "--endpoint",
        help="A SPARQL 1.1 endpoint URL to query instead of the embedded "
        "store (it must hold the graphs and their union as default graph).",
        show_default=False,
    ),
]


@app.command()
def query(
    name: Annotated[str, typer.Argument(help="Catalogue query name, .rq file, or - for stdin.")],
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="name=value; repeatable.", show_default=False),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="table, csv, tsv, json, xml; turtle, ntriples, jsonld for CONSTRUCT/DESCRIBE.",
        ),
    ] = "table",
    project: ProjectOpt = None,
    store: StoreOpt = None,
    endpoint: EndpointOpt = None,
    default_graph: Annotated[
        str | None,
        typer.Option(
            "--default-graph",
            help="With --endpoint: the graph holding the union, for servers without a default "
            "graph of their own (Virtuoso; rivalry push says when).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Run a query on the built store (or --endpoint). Parameters are bound by the engine,
    never pasted into the query text."""
    if fmt not in render.FORMATS:
        raise fail(f"unknown format {fmt!r}; use one of {', '.join(render.FORMATS)}")
    proj = Project.locate(project, store)
    try:
        entry = _resolve(proj, name)
        guard.check(entry.text)  # before the engine, whose parser would crash on deep nesting
        given = dict(_split_param(p) for p in param or [])
        if endpoint:
            bindings = execute.bind(None, entry, given)
            body = remote.remote_query(
                endpoint, entry.text, bindings, fmt, default_graph=default_graph
            )
            if fmt == "table":
                render.render(remote.RemoteSolutions(body), fmt, title=entry.summary or entry.name)
            else:
                sys.stdout.buffer.write(body)
            return
        db = open_store(proj.store_path)
        bindings = execute.bind(db, entry, given)
        result = execute.execute(db, entry.text, bindings)
    except (catalogue.CatalogueError, execute.ParamError, StoreMissing) as error:
        raise fail(str(error)) from None
    except guard.QueryRefused as error:
        raise fail(f"{name}:{error}") from None
    except SyntaxError as error:
        raise fail(f"{name}: the query is not valid SPARQL: {error}") from None
    except remote.RemoteError as error:
        raise fail(f"the endpoint failed: {error}") from None
    render.render(result, fmt, title=entry.summary or entry.name)


def _resolve(proj: Project, name: str) -> catalogue.CatalogueQuery:
    if name == "-":
        text = sys.stdin.read()
        return catalogue.CatalogueQuery(name="stdin", path=Path("-"), text=text)
    path = Path(name)
    if path.suffix == ".rq" and path.is_file():
        return catalogue.read_query(path)
    return catalogue.find(proj.queries_dir, name)


def _split_param(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise execute.ParamError(f"--param {text!r}: write it as name=value")
    return key.strip(), value


class StatsFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


@app.command()
def stats(
    fmt: Annotated[
        StatsFormat,
        typer.Option("--format", "-f", help="table for people; json or csv for programs."),
    ] = StatsFormat.table,
    project: ProjectOpt = None,
    store: StoreOpt = None,
) -> None:
    """Coverage figures of the built store: triples, named graphs, source documents (by
    kind, by publisher), facts, entities by class, events, claims and contested matters,
    instruments by state and kind, the date span, and facts without a source.

    A fact is an asserted triple in a source's named graph other than the description of
    the source itself. Exit codes: 0 success; 1 some facts have no source; 2 usage error
    or no store.
    """
    from rivalry.analysis.stats import collect

    proj = Project.locate(project, store)
    try:
        db = open_store(proj.store_path)
        with err.status("Counting…"):
            figures = collect(db)
    except StoreMissing as error:
        raise fail(str(error)) from None
    if fmt is StatsFormat.json:
        sys.stdout.write(figures.to_json() + "\n")
    elif fmt is StatsFormat.csv:
        sys.stdout.write(figures.to_csv())
    else:
        for section in figures.sections():
            rows = figures.section(section)
            grouped = any(group for group, _, _ in rows)
            table = Table(*(["group"] if grouped else []), "figure", "value", title=section)
            for group, name, value in rows:
                table.add_row(*([group] if grouped else []), name, str(value))
            out.print(table)
    if figures.unsourced:
        raise fail(f"{figures.unsourced} fact(s) have no source", EXIT_PROBLEMS)


@app.command()
def serve(
    project: ProjectOpt = None,
    store: StoreOpt = None,
    host: Annotated[
        str, typer.Option(help="Interface to bind; loopback by default.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Query worker processes.")] = 2,
    timeout: Annotated[
        float, typer.Option(help="Seconds a query may run before it is stopped.")
    ] = 30.0,
    row_limit: Annotated[
        int, typer.Option(help="Most rows a SELECT may return; larger results are refused.")
    ] = 100_000,
    worker_memory: Annotated[
        int,
        typer.Option(
            help="MiB of address space each query worker may use; a query past it is "
            "stopped with a 503 and its worker replaced. 0: no limit.",
            min=0,
        ),
    ] = MEMORY_LIMIT // 1024**2,
    endpoint: EndpointOpt = None,
    allow_update: Annotated[
        bool,
        typer.Option(
            help="Accept SPARQL Update from clients that send the token in "
            "$RIVALRY_UPDATE_TOKEN as 'Authorization: Bearer …'. Off by default."
        ),
    ] = False,
) -> None:
    """Serve the built store (or --endpoint): a read-only SPARQL 1.1 endpoint at /sparql,
    linked data under /id/ (303 to /page/ or /data/ by Accept), pages, the query catalogue
    and VoID."""
    import uvicorn

    from rivalry.serve.app import Server

    proj = Project.locate(project, store)
    token = os.environ.get("RIVALRY_UPDATE_TOKEN") if allow_update else None
    if allow_update and (not token or endpoint):
        raise fail("--allow-update needs a token in $RIVALRY_UPDATE_TOKEN and the embedded store")
    try:
        server = Server(
            proj,
            workers=workers,
            timeout=timeout,
            endpoint=endpoint,
            row_limit=row_limit,
            update_token=token,
            memory=worker_memory * 1024**2,
        )
    except StoreMissing as error:
        raise fail(str(error)) from None
    err.print(f"Serving {endpoint or proj.store_path} on http://{host}:{port}/ (Ctrl-C stops)")
    uvicorn.run(server.app(), host=host, port=port, log_level="warning")


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

    proj = Project.locate(project, store)
    try:
        day = date.fromisoformat(issued) if issued else date.today()
    except ValueError:
        raise fail(f"--date {issued!r}: write it as YYYY-MM-DD") from None
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
    """Added and removed triples per named graph between two releases. Exit 0 when nothing
    changed, 1 when something did."""
    from rivalry.publish import diff

    try:
        changes = diff.compare(diff.read_release(old), diff.read_release(new))
    except diff.ReleaseError as error:
        raise fail(str(error)) from None
    if rdf is not None:
        rdf.write_bytes(diff.to_trig(changes))
    _print_changes(diff.summary_rows(changes), fmt)
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


def main() -> None:
    app()
