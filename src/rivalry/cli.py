"""The ``rivalry`` command line: one verb per pipeline stage, thin over the package.

Exit codes, for every verb: 0 success (valid), 1 problems found (validation
violations, or a build that did not validate), 2 usage or input errors (bad options,
unknown query, unparsable file — reported with file, line and column).
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pyoxigraph as ox
import typer
from rich.console import Console
from rich.table import Table
from SPARQLWrapper import SPARQLExceptions

from rivalry import __version__
from rivalry.build import build as run_build
from rivalry.gate import merge
from rivalry.gate.check import CHANGE_LIMIT, check_change
from rivalry.gate.check import check as gate_check
from rivalry.load import ParseError, load_change
from rivalry.project import Project
from rivalry.query import catalogue, remote, render, run
from rivalry.store import StoreMissing, open_store
from rivalry.validate.report import Report
from rivalry.validate.run import check_project

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
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


@app.callback(invoke_without_command=True)
def main_callback(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        out.print(f"rivalry {__version__}")
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
                if proj.store_path.exists() and merge.recover(proj):
                    err.print("An interrupted merge was found and settled before building.")
                result = run_build(proj, owl=owl)
        except (ParseError, merge.MergeBusy) as error:
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
    for path in files:
        if not path.is_file():
            raise fail(f"{path}: no such file")
    return files


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
    _existing(files)
    try:
        with merge.writer_lock(proj):
            if not proj.store_path.exists():
                raise StoreMissing(proj.store_path)
            recovered = merge.recover(proj)
            if recovered:
                err.print(f"An interrupted merge was found and {recovered}.")
            db = ox.Store(str(proj.store_path))
            change = load_change(proj, files, limit=CHANGE_LIMIT)
            report = check_change(proj, db, change, owl=owl)
            _emit(report, fmt)
            if not report.conforms:
                raise fail("the change does not pass the check; nothing was merged", EXIT_PROBLEMS)
            result = merge.merge(proj, db, change, files)
    except (ParseError, StoreMissing, merge.MergeBusy) as error:
        raise fail(str(error)) from None
    except OSError as error:  # disk full, file too large, permissions: nothing half-done stays
        raise fail(
            f"{error}; nothing was merged, or the next rivalry add or build finishes the "
            "interrupted merge. Free some space and run the command again."
        ) from None
    for path in result.files:
        out.print(f"[green]Merged[/] into {path.relative_to(proj.root)}")
    out.print(f"{result.quads} quads added; recorded as {render.short(ox.NamedNode(result.merge))}")


def _print_report(report: Report) -> None:
    if not report.problems:
        out.print("[green]Valid:[/] no violations, no warnings.")
        return
    for p in report.sorted():
        colour = "red" if p.severity == "violation" else "yellow"
        where = f"{p.where}  " if p.where else ""
        entity = render.short(ox.NamedNode(p.focus)) if p.focus else ""
        out.print(f"{where}[{colour}]{p.severity}[/] [bold]{p.rule}[/] {entity}", highlight=False)
        out.print(f"    {p.message}", highlight=False)
    out.print(f"{len(report.violations)} violation(s), {len(report.warnings)} warning(s)")


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
        import json

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
) -> None:
    """Run a query on the built store (or --endpoint). Parameters are bound by the engine,
    never pasted into the query text."""
    if fmt not in render.FORMATS:
        raise fail(f"unknown format {fmt!r}; use one of {', '.join(render.FORMATS)}")
    proj = Project.locate(project, store)
    try:
        entry = _resolve(proj, name)
        given = dict(_split_param(p) for p in param or [])
        if endpoint:
            bindings = run.bind(None, entry, given)
            body = remote.remote_query(endpoint, entry.text, bindings, fmt)
            if fmt == "table":
                render.render(remote.RemoteSolutions(body), fmt, title=entry.summary or entry.name)
            else:
                sys.stdout.buffer.write(body)
            return
        db = open_store(proj.store_path)
        bindings = run.bind(db, entry, given)
        result = run.execute(db, entry.text, bindings)
    except (catalogue.CatalogueError, run.ParamError, StoreMissing) as error:
        raise fail(str(error)) from None
    except SyntaxError as error:
        raise fail(f"{name}: the query is not valid SPARQL: {error}") from None
    except (OSError, SPARQLExceptions.SPARQLWrapperException) as error:
        raise fail(f"{endpoint}: the endpoint failed: {error}") from None
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
        raise run.ParamError(f"--param {text!r}: write it as name=value")
    return key.strip(), value


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
        )
    except StoreMissing as error:
        raise fail(str(error)) from None
    err.print(f"Serving {endpoint or proj.store_path} on http://{host}:{port}/ (Ctrl-C stops)")
    uvicorn.run(server.app(), host=host, port=port, log_level="warning")


def main() -> None:
    app()
