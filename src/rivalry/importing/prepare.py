"""One import run: read the file, map it onto the graph, and hand the change to the gate.

The named graph is keyed by the file's digest, so importing the same file again yields the
same quads; when the store already holds every one of them the run changes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pyoxigraph as ox

from rivalry.importing.csl import parse_csl
from rivalry.importing.ftm import parse_ftm
from rivalry.importing.mapping import Mapped, Mapper
from rivalry.importing.reconcile import Ambiguous
from rivalry.importing.records import full_date
from rivalry.load.csv_template import CsvError
from rivalry.load.parse import ParseError, Sources

READERS = {"csl": parse_csl, "ftm": parse_ftm}


def retrieval_day(path: Path, given: str | None) -> str:
    """The day given, or the file's modification day (UTC): when it was downloaded."""
    if given is not None:
        if full_date(given) != given:
            raise ParseError(path, None, None, f"--retrieved {given!r}: write YYYY-MM-DD")
        return given
    return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).date().isoformat()


def prepare(
    store: ox.Store, path: Path, family: str, *, retrieved: str | None = None,
    url: str | None = None,
) -> tuple[Sources, Mapped]:  # fmt: skip
    """The change an import would make, as the gate's input; raises ParseError on bad input."""
    day = retrieval_day(path, retrieved)
    try:
        data = path.read_bytes()
        parsed = READERS[family](path)
        mapped = Mapper(store, parsed, path, hashlib.sha256(data).hexdigest(), day, url).run()
    except CsvError as err:  # InputError, and the header check shared with the CSV template
        raise ParseError(path, err.line, err.column, err.message) from None
    except Ambiguous as err:
        raise ParseError(path, None, None, f"{err}; name the entity more precisely "
                         "or reconcile it by hand first") from None  # fmt: skip
    except (OSError, UnicodeDecodeError) as err:
        raise ParseError(path, None, None, str(err)) from None
    change = Sources(facts=mapped.quads, origin={mapped.graph: path})
    return change, mapped


def already_imported(store: ox.Store, change: Sources) -> bool:
    return all(
        next(iter(store.quads_for_pattern(q.subject, q.predicate, q.object, q.graph_name)), None)
        is not None
        for q in change.facts
    )
