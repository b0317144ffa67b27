"""rivalry queries and rivalry query: the catalogue and any SPARQL file."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from rivalry.cli.app import app
from rivalry.cli.options import EndpointOpt, ProjectOpt, StoreOpt
from rivalry.cli.output import fail, out
from rivalry.kernel.paths import Project

# the query engine, the store and the renderer are imported inside the verbs (fast --help)
DEFAULT_LIMIT = 8  # rows of a table for people: the answer at a glance; --all for the rest


@app.command("queries")
def list_queries(
    project: ProjectOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the catalogue as JSON.")] = False,
) -> None:
    """List the catalogue's queries with their parameters."""
    from rivalry.query import catalogue

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


@app.command()
def query(
    name: Annotated[
        str,
        typer.Argument(help="Catalogue query name, .rq file, - for stdin, or the query text."),
    ],
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
    limit: Annotated[
        int,
        typer.Option(
            "--limit", "-n", min=1, help="Rows the table shows people (other formats: every row)."
        ),
    ] = DEFAULT_LIMIT,
    all_rows: Annotated[
        bool, typer.Option("--all", help="Show every row in the table (no --limit).")
    ] = False,
    columns: Annotated[
        str | None,
        typer.Option(
            "--columns",
            help="Comma-separated columns for the table, or 'all'. Default: the query's own "
            "choice (its #+ columns header), else all. Other formats: every column.",
            show_default=False,
        ),
    ] = None,
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
    from rivalry.query import catalogue, execute, guard, remote, render
    from rivalry.store.embedded import StoreMissing, open_store

    if fmt not in render.FORMATS:
        raise fail(f"unknown format {fmt!r}; use one of {', '.join(render.FORMATS)}")
    proj = Project.locate(project, store)
    try:
        entry = _resolve(proj, name)
        guard.check(entry.text)  # before the engine, whose parser would crash on deep nesting
        given = dict(_split_param(p) for p in param or [])
        shape = {
            "title": entry.summary or entry.name,
            "limit": None if all_rows else limit,
            "columns": _columns(columns, entry.columns),
        }
        if endpoint:
            bindings = execute.bind(None, entry, given)
            body = remote.remote_query(
                endpoint, entry.text, bindings, fmt, default_graph=default_graph
            )
            if fmt == "table":
                render.render(remote.RemoteSolutions(body), fmt, **shape)
            else:
                sys.stdout.buffer.write(body)
            return
        db = open_store(proj.store_path)
        bindings = execute.bind(db, entry, given)
        result = execute.execute(db, entry.text, bindings)
        render.render(result, fmt, **shape)
    except (catalogue.CatalogueError, execute.ParamError, StoreMissing) as error:
        raise fail(str(error)) from None
    except guard.QueryRefused as error:
        raise fail(f"{name}:{error}") from None
    except SyntaxError as error:
        raise fail(f"{name}: the query is not valid SPARQL: {error}") from None
    except remote.RemoteError as error:
        raise fail(f"the endpoint failed: {error}") from None
    except render.ColumnError as error:
        raise fail(f"{name}: {error}") from None


def _columns(option: str | None, preferred: tuple[str, ...]) -> tuple[str, ...]:
    """The table's columns: those given with --columns ('all' for every one), else the
    query's own choice."""
    if option is None:
        return preferred
    if option.strip() == "all":
        return ()
    return tuple(name.strip().lstrip("?") for name in option.split(",") if name.strip())


def _resolve(proj: Project, name: str):
    from rivalry.query import catalogue

    if name == "-":
        text = sys.stdin.read()
        return catalogue.CatalogueQuery(name="stdin", path=Path("-"), text=text)
    if _LOOKS_LIKE_SPARQL.match(name):  # `rivalry query "SELECT ..."`, as people paste it
        return catalogue.CatalogueQuery(name="text", path=Path("-"), text=name)
    path = Path(name)
    if path.suffix == ".rq" and path.is_file():
        return catalogue.read_query(path)
    return catalogue.find(proj.queries_dir, name)


# a query's text, not a name: a catalogue name is one word of letters, digits and hyphens
_LOOKS_LIKE_SPARQL = re.compile(
    r"\s*(#[^\n]*\n\s*)*(PREFIX|BASE|SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE
)


def _split_param(text: str) -> tuple[str, str]:
    from rivalry.query import execute

    key, sep, value = text.partition("=")
    if not sep or not key:
        raise execute.ParamError(f"--param {text!r}: write it as name=value")
    return key.strip(), value
