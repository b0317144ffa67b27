"""Print the graph for a curator to re-read against its sources: per source file, the
document (URL, publisher, date, title) and then every fact filed under it.

    .venv/bin/python scripts/review.py                      # every source file
    .venv/bin/python scripts/review.py graph/sources/x.trig # some files
    .venv/bin/python scripts/review.py --sample 30 --seed 7 # a random audit draw of facts
    .venv/bin/python scripts/review.py --format csv > review.csv

A whole-graph review is this one command; an audit is a seeded draw whose rows the
reviewer marks supported / unsupported / wrong against the cited document."""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

import pyoxigraph as ox

from rivalry.kernel.namespaces import compact
from rivalry.kernel.terms import rdf, rdfs, tr

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "graph" / "sources"
# bookkeeping a curator does not re-read against the article
SKIPPED_TYPES = {tr.Merge}
DOCUMENT = (tr.url, tr.publisher, tr.published, tr.title)


def parse(path: Path) -> list[ox.Quad]:
    return list(ox.parse(path=str(path), format=ox.RdfFormat.TRIG))


def names_in(parsed: dict[Path, list[ox.Quad]]) -> dict[str, str]:
    """Labels over all the files, for a publisher another file names (a curator reads a
    name, not an IRI)."""
    names: dict[str, str] = {}
    for quads in parsed.values():
        for q in quads:
            if q.predicate.value == rdfs.label:
                names.setdefault(q.subject.value, q.object.value)
    return names


def facts_of(
    path: Path, quads: list[ox.Quad], names: dict[str, str]
) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """The source document's metadata and the file's facts, as compact strings."""
    skipped = {
        q.subject
        for q in quads
        if q.predicate.value == rdf.type and q.object.value in SKIPPED_TYPES
    }
    documents = {q.subject for q in quads if q.predicate.value == tr.describesGraph}
    labels = dict(names)
    labels.update(
        (q.subject.value, q.object.value) for q in quads if q.predicate.value == rdfs.label
    )
    meta: dict[str, str] = {"file": str(path.relative_to(ROOT))}
    facts = []
    for q in quads:
        if q.subject in skipped:
            continue
        if q.subject in documents:
            for term in DOCUMENT:
                if q.predicate.value == term:
                    meta[compact(term)] = labels.get(q.object.value, q.object.value)
            continue
        value = q.object.value if isinstance(q.object, ox.Literal) else compact(q.object.value)
        facts.append((compact(q.subject.value), compact(q.predicate.value), value))
    return meta, facts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="source files (default: all)")
    parser.add_argument("--sample", type=int, help="draw this many facts at random")
    parser.add_argument("--seed", type=int, default=1, help="seed of the draw (default 1)")
    parser.add_argument("--format", choices=("text", "csv"), default="text")
    args = parser.parse_args(argv)
    files = [f.resolve() for f in args.files] or sorted(SOURCES.glob("*.trig"))
    missing = next((f for f in files if not f.is_file()), None)
    if missing:
        print(f"error: {missing}: no such file", file=sys.stderr)
        return 2
    # every source file once: the labels come from all of them, the facts from those asked
    parsed = {path: parse(path) for path in sorted(SOURCES.glob("*.trig"))}
    names = names_in(parsed)
    rows = []
    for path in files:
        meta, facts = facts_of(path, parsed.get(path) or parse(path), names)
        rows.extend((meta, fact) for fact in facts)
    if args.sample:
        rows = random.Random(args.seed).sample(rows, min(args.sample, len(rows)))
    if args.format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(
            ["file", "url", "publisher", "date", "title", "subject", "predicate", "object"]
        )
        for meta, (s, p, o) in rows:
            writer.writerow(
                [
                    meta["file"],
                    meta.get("tr:url", ""),
                    meta.get("tr:publisher", ""),
                    meta.get("tr:published", ""),
                    meta.get("tr:title", ""),
                    s,
                    p,
                    o,
                ]
            )
        return 0
    current = None
    for meta, (s, p, o) in rows:
        if meta["file"] != current:
            current = meta["file"]
            print(f"\n== {current}")
            print(f"   {meta.get('tr:title', '(no title)')}")
            print(
                f"   {meta.get('tr:publisher', '(no publisher)')}, "
                f"{meta.get('tr:published', 'undated')} · {meta.get('tr:url', '(no URL)')}"
            )
        print(f"   [ ] {s}  {p}  {o}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
