"""Coverage-guided fuzzing (atheris) of the gate's parse entry points, seeded from the W3C
suites in tests/w3c.

    .venv/bin/python scripts/fuzz_parse.py                       # 120 s, corpus in .rivalry/fuzz
    .venv/bin/python scripts/fuzz_parse.py -max_total_time=3600  # longer, on demand

The first input byte picks the format (Turtle, TriG, N-Triples, N-Quads, JSON-LD, CSV); the
rest is the file. ``rivalry.load`` must answer every input with parsed quads or a
``ParseError`` naming the file: any other exception is a crash, and atheris saves the input
under .rivalry/fuzz/crash-*. Extra arguments go to libFuzzer (-timeout=, -rss_limit_mb= …).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from rivalry.kernel.paths import Project
    from rivalry.load.parse import ParseError, parse_csv_facts, parse_file

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".rivalry" / "fuzz" / "corpus"
SUFFIXES = [".ttl", ".trig", ".nt", ".nq", ".jsonld", ".csv"]
PROJECT = Project.locate(ROOT, ROOT / ".rivalry" / "store")
SCRATCH = Path(tempfile.mkdtemp(prefix="rivalry-fuzz-"))


def one_input(data: bytes) -> None:
    if not data:
        return
    suffix = SUFFIXES[data[0] % len(SUFFIXES)]
    path = SCRATCH / f"input{suffix}"
    path.write_bytes(data[1:])
    try:
        if suffix == ".csv":
            parse_csv_facts(PROJECT, path)
        else:
            parse_file(path)
    except ParseError as error:
        if not str(error).startswith(str(path)):
            raise AssertionError(f"error does not name the file: {error}") from None


def seed() -> None:
    """One seed per W3C test file and gate fixture, prefixed with its format's byte."""
    CORPUS.mkdir(parents=True, exist_ok=True)
    sources = [*(ROOT / "tests" / "w3c").rglob("*"), *(ROOT / "tests" / "gate").rglob("*")]
    for path in sources:
        if path.is_file() and path.suffix in SUFFIXES and path.stat().st_size < 64 * 1024:
            name = f"{path.parent.name}-{path.name}"
            (CORPUS / name).write_bytes(bytes([SUFFIXES.index(path.suffix)]) + path.read_bytes())


def main() -> None:
    seed()
    args = [sys.argv[0], *sys.argv[1:]]
    if not any(a.startswith("-max_total_time") for a in args):
        args.append("-max_total_time=120")
    args += [
        "-timeout=5",
        "-rss_limit_mb=2048",
        f"-artifact_prefix={CORPUS.parent}/",
        str(CORPUS),
    ]
    atheris.Setup(args, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
