"""rivalry check and rivalry add: new facts through the gate."""

from __future__ import annotations

from pathlib import Path

import typer

from rivalry.cli.app import app
from rivalry.cli.options import ChangeFiles, FormatOpt, OwlOpt, ProjectOpt, StoreOpt
from rivalry.cli.output import EXIT_OK, EXIT_PROBLEMS, ReportFormat, emit_report, err, fail, out
from rivalry.kernel.paths import Project, ProjectMissing

# The gate, the loader and the store are imported inside the verbs: `rivalry --help` and the
# other verbs must not pay for pySHACL, rdflib and owlready2 (tests/test_startup.py).


def _existing(files: list[Path]) -> list[Path]:
    """The change files, each once; a missing file, a link, a directory or a pipe is refused."""
    from rivalry.gate.check import change_files
    from rivalry.load.parse import ParseError

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

    A change that passes gets an Exposure section: the exposure paths it creates, removes
    or moves in time for the states and firms it touches (in every --format).

    Exit codes: 0 passes; 1 problems found; 2 usage or input error (file:line:column).
    """
    from rivalry.analysis.exposure import effect
    from rivalry.gate.check import check as gate_check
    from rivalry.load.parse import ParseError
    from rivalry.store.embedded import StoreMissing, open_store

    proj = Project.locate(project, store)
    try:
        db = open_store(proj.store_path)
        inputs = _existing(files)
        report = gate_check(proj, db, inputs, owl=owl)
        if report.conforms:
            report.sections.append(effect.section(effect.change_effects(db, proj, inputs)))
    except (ParseError, StoreMissing) as error:
        raise fail(str(error)) from None
    emit_report(report, fmt, proj.root)
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
    from rivalry.gate.check import load_submission

    proj = Project.locate(project, store)
    files = _existing(files)
    result = _check_and_merge(proj, lambda db: load_submission(proj, files), files, fmt, owl)
    _print_merged(proj, result)


def _check_and_merge(proj: Project, make_change, inputs: list[Path], fmt, owl: bool):
    """The library's lock/recover/check/merge sequence, its report and errors printed as the
    CLI's. Returns None when there was nothing to add."""
    from rivalry.gate import merge, transaction
    from rivalry.load.parse import ParseError
    from rivalry.store.embedded import StoreMissing

    try:
        return transaction.check_and_merge(
            proj,
            make_change,
            inputs,
            owl=owl,
            on_recovered=lambda how: err.print(f"An interrupted merge was found and {how}."),
            on_report=lambda report: emit_report(report, fmt, proj.root),
        )
    except transaction.ChangeRefused as error:
        raise fail(str(error), EXIT_PROBLEMS) from None
    except (
        ParseError,
        StoreMissing,
        merge.MergeError,
        transaction.MergeFailed,
        ProjectMissing,
    ) as error:
        raise fail(str(error)) from None


def _print_merged(proj: Project, result) -> None:
    import pyoxigraph as ox

    from rivalry.query import render

    for path in result.files:
        out.print(f"[green]Merged[/] into {path.relative_to(proj.root)}")
    out.print(f"{result.quads} quads added; recorded as {render.short(ox.NamedNode(result.merge))}")
