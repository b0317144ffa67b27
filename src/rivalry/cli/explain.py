"""rivalry explain exposure: how a state or firm is caught between a measure and a rival law."""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from rivalry.cli.app import app
from rivalry.cli.options import EndpointOpt, ProjectOpt, StoreOpt
from rivalry.cli.output import EXIT_CODES, err, fail
from rivalry.kernel.paths import Project

explain_app = typer.Typer(
    help="Explain an answer of the graph step by step, with the sources of every step.\n\n"
    + EXIT_CODES,
    no_args_is_help=True,
)
app.add_typer(explain_app, name="explain")


class ExposureFormat(StrEnum):
    text = "text"
    json = "json"
    svg = "svg"
    dot = "dot"


def _day(option: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(f"{option} {value!r} is not a date; write it as YYYY-MM-DD") from None


@explain_app.command("exposure")
def exposure(
    entity: Annotated[
        str,
        typer.Argument(
            help="A state or firm: prefixed name (state:MY), IRI or label.", show_default=False
        ),
    ],
    on: Annotated[
        str | None,
        typer.Option(
            "--date", help="The day to explain (YYYY-MM-DD). Default: today.", show_default=False
        ),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option("--from", help="Timeline: first day of the window.", show_default=False),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            "--to", help="Timeline: last day of the window (default: today).", show_default=False
        ),
    ] = None,
    as_timeline: Annotated[
        bool,
        typer.Option(
            "--timeline",
            help="The days on which the exposure began, changed and ended (from the first "
            "day any path holds, or --from, to --to or today).",
        ),
    ] = False,
    fmt: Annotated[
        ExposureFormat,
        typer.Option(
            "--format",
            "-f",
            help="text for people, json for programs, svg or dot for the path diagram "
            "(svg needs Graphviz's dot).",
        ),
    ] = ExposureFormat.text,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Write to this file instead of standard output.", show_default=False
        ),
    ] = None,
    assume: Annotated[
        list[Path] | None,
        typer.Option(
            "--assume",
            help="Hypothetical facts (TriG, Turtle or the CSV template), evaluated with the "
            "graph in memory and never merged; repeatable.",
            show_default=False,
        ),
    ] = None,
    project: ProjectOpt = None,
    store: StoreOpt = None,
    endpoint: EndpointOpt = None,
) -> None:
    """Every path by which ENTITY is exposed on a day: the measure in force, what it
    restricts, each link to the entity (with the days it holds and its sources, contested
    links with both sides), and the rival law forbidding compliance with the threat or
    countermeasure invoking it. With --from/--to or --timeline: the days its exposure
    began, changed and ended."""
    from rivalry.analysis import exposure as analysis
    from rivalry.analysis.exposure import render
    from rivalry.load.parse import ParseError
    from rivalry.store.embedded import StoreMissing, open_store

    day = _day("--date", on)
    window = (_day("--from", start), _day("--to", end))
    timeline = as_timeline or any(window)
    if timeline and day is not None:
        raise fail("give either --date (one day) or --from/--to (a timeline), not both")
    if timeline and fmt in (ExposureFormat.svg, ExposureFormat.dot):
        raise fail("a timeline is text or json; the diagram (svg, dot) is for one --date")
    from rivalry.query.remote import RemoteError, RemoteStore

    if endpoint and assume:
        raise fail("--assume lays facts over the embedded store; it cannot with --endpoint")
    proj = Project.locate(project, store)
    try:
        db = RemoteStore(endpoint) if endpoint else open_store(proj.store_path)
        assumed = None
        if assume:
            missing = [str(p) for p in assume if not p.is_file()]
            if missing:
                raise fail(f"--assume {missing[0]}: no such file")
            with err.status("Loading the graph and the assumed facts into memory…"):
                db, assumed = analysis.overlay(db, proj, assume)
        body: str | bytes
        if timeline:
            result = _timeline(analysis, db, entity, window, assumed)
            body = (
                render.to_json(result)
                if fmt is ExposureFormat.json
                else render.timeline_text(result)
            )
        else:
            result = analysis.explain(db, entity, day or date.today(), assumed)
            if fmt is ExposureFormat.json:
                body = render.to_json(result)
            elif fmt is ExposureFormat.dot:
                body = render.dot_source(result)
            elif fmt is ExposureFormat.svg:
                body = render.svg(result)
            else:
                body = render.text(result)
    except (StoreMissing, ParseError, analysis.EntityError, render.RenderError) as error:
        raise fail(str(error)) from None
    except RemoteError as error:
        raise fail(f"the endpoint failed: {error}") from None
    _write(body, out_file)


def _timeline(analysis, db, entity, window, assumed):
    start, end = window
    end = end or date.today()
    if start is None:
        _, paths = analysis.paths_of(db, entity, assumed)
        starts = [p.start for path in paths for p in path.periods if p.start]
        start = min(starts, default=end)
    return analysis.timeline(db, entity, start, end, assumed)


def _write(body: str | bytes, target: Path | None) -> None:
    data = body.encode() if isinstance(body, str) else body
    if target is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    # a temporary file renamed into place: an interrupted write leaves no half a picture
    folder = target.resolve().parent
    if not folder.is_dir():
        raise fail(f"--out {target}: the folder {folder} does not exist")
    handle, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    err.print(f"wrote {target}", highlight=False)
