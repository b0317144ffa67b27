"""What a person reads: `make run`'s answers compact, with sources, IRIs whole or folded, paths
relative to the project, advice warnings counted by rule; machine formats complete."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import ROOT, rivalry
from rivalry.cli.output import out, print_report
from rivalry.query import render
from rivalry.validate.report import Problem, Report

MAKEFILE = (ROOT / "Makefile").read_text()
STORY = re.search(r"^STORY\s*:=\s*(.+)$", MAKEFILE, re.M).group(1).split()
STORY_ARGS = dict(re.findall(r"^([\w-]+)_ARGS\s*:=\s*(.+)$", MAKEFILE, re.M))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    store = tmp_path_factory.mktemp("output") / "store"
    result = rivalry("build", "--no-owl", store=store)
    assert result.returncode == 0, result.stdout + result.stderr
    return store, result.stdout


def test_build_prints_a_summary_line_and_warnings_counted_by_rule(built):
    _, text = built
    assert text.count("Build summary:") == 1 and "asserted" in text and "inferred" in text
    assert "Entities per class" not in text  # that table is for --verbose
    advice = [line for line in text.splitlines() if re.match(r"^\s+\d+ trsh:\w+Advice$", line)]
    assert advice, text  # one line per rule with its count…
    assert not re.search(r"warning\[/?\]? trsh:|\bwarning trsh:", text)  # …not one per warning
    assert str(ROOT) not in text  # paths relative to the project


def test_make_run_answers_the_five_questions_in_under_150_lines(built):
    store, text = built
    lines = text.splitlines()
    for name in STORY:
        answer = rivalry("query", name, *STORY_ARGS.get(name, "").split(), store=store)
        assert answer.returncode == 0, answer.stderr
        assert "source:" in answer.stdout or "instrument:" in answer.stdout, answer.stdout
        assert "…" not in answer.stdout  # nothing cut with an ellipsis
        assert re.search(r"^\d+ rows?", answer.stdout, re.M), answer.stdout
        lines += answer.stdout.splitlines()
    assert len(lines) < 150, "\n".join(lines)


def test_csv_stays_complete_while_the_table_is_short(built):
    store, _ = built
    table = rivalry("query", "timeline", store=store).stdout
    rows = list(
        csv.DictReader(io.StringIO(rivalry("query", "timeline", "-f", "csv", store=store).stdout))
    )
    assert len(rows) > 8 and {"summary", "url", "publisher"} <= set(rows[0])
    assert f"{len(rows)} rows, the first 8 shown (--all for every row)" in table
    every = rivalry("query", "timeline", "--all", "--columns", "date,source", store=store).stdout
    assert f"{len(rows)} rows" in every and "shown" not in every


def test_an_unknown_column_is_a_usage_error_with_a_suggestion(built):
    store, _ = built
    done = rivalry("query", "timeline", "--columns", "date,sorce", store=store)
    assert done.returncode == 2
    assert "'sorce'" in done.stderr and "did you mean 'source'" in done.stderr


def test_every_catalogue_query_names_columns_it_has():
    from rivalry.query.catalogue import load_catalogue

    for query in load_catalogue(ROOT / "queries"):
        if query.columns:
            head = query.text.split("WHERE")[0]
            for name in query.columns:
                assert f"?{name}" in head, (query.name, name)


def _result(values: list[tuple[str, str]]):
    store = ox.Store()
    rows = " ".join(f'(<{iri}> "{text}")' for iri, text in values)
    return store.query(f"SELECT ?iri ?text WHERE {{ VALUES (?iri ?text) {{ {rows} }} }}")


def test_an_iri_is_never_cut_with_an_ellipsis(capsys):
    iri = "https://example.org/a/very/long/path/that/does/not/fit/in/any/narrow/column/" * 2
    text = "some words " * 20
    render.render(_result([(iri, text)]), "table")
    shown = capsys.readouterr().out
    assert "…" not in shown
    width = render._widths(["iri", "text"], [[iri, text.strip()]], 80)[0]
    body = shown.splitlines()[2:-1]  # after the header and its rule, before the row count
    assert "".join(line[:width].strip() for line in body) == iri  # folded, every character kept


def test_the_widths_keep_unbroken_values_whole_when_they_fit():
    rows = [
        ["2025-05-19", "a long run of words that may wrap anywhere it likes", "source:abc-2025"]
    ]
    widths = render._widths(["date", "said", "source"], rows, 60)
    assert widths[0] == 10 and widths[2] == len("source:abc-2025")
    assert sum(widths) + render.GAP * 2 <= 60


def test_warnings_are_counted_unless_verbose_and_paths_are_relative(tmp_path):
    file = tmp_path / "graph" / "a.trig"
    report = Report(
        [
            Problem("warning", "shacl", "trsh:XAdvice", "advice one", file=file, line=3),
            Problem("warning", "shacl", "trsh:XAdvice", "advice two", file=file, line=4),
            Problem("violation", "shacl", "trsh:Y", "broken", file=file, line=5, column=2),
        ]
    )
    with out.capture() as short:
        print_report(report, tmp_path, verbose=False)
    assert "graph/a.trig:5:2" in short.get() and str(tmp_path) not in short.get()
    assert "advice one" not in short.get() and re.search(r"2 trsh:XAdvice", short.get())
    with out.capture() as full:
        print_report(report, tmp_path, verbose=True)
    assert "graph/a.trig:3" in full.get() and "advice two" in full.get()
    assert print_report(report, Path("/elsewhere"), verbose=True) is None  # outside: as given
