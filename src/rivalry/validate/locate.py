"""Point at the file and line where an entity is written, so reports say where to look."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from rivalry.kernel.namespaces import PREFIXES
from rivalry.load.parse import FORMATS, graph_key


class Locator:
    """Finds the first line of a file where an IRI is used as a subject (else anywhere)."""

    def __init__(self, subject_files: dict[str, list[Path]]):
        self.subject_files = subject_files

    @classmethod
    def from_quads(cls, quads: list[ox.Quad], origin: dict[str, Path]) -> Locator:
        files: dict[str, list[Path]] = {}
        # subjects first, so an entity is found where it is described, not where it is cited
        for position in ("subject", "object"):
            for q in quads:
                term = getattr(q, position)
                if isinstance(term, ox.NamedNode):
                    path = origin.get(graph_key(q.graph_name))
                    if path is not None and path not in files.setdefault(term.value, []):
                        files[term.value].append(path)
        return cls(files)

    def locate(self, iri: str | None) -> tuple[Path | None, int | None]:
        if not iri or iri not in self.subject_files:
            return None, None
        for path in self.subject_files[iri]:
            line = _find_line(path, iri)
            if line is not None:
                return path, line
        return self.subject_files[iri][0], None

    @staticmethod
    def line_with(path: Path, iris: list[str]) -> int | None:
        """The first line of ``path`` that writes every one of ``iris``: a statement whose
        node has no IRI of its own in the file, such as a CSV row's timed relation."""
        if not path.is_file():
            return None
        wanted = [set(_spellings(path, iri)) for iri in iris]
        for number, line in enumerate(_lines(path), start=1):
            tokens = {m.group(0) for m in TOKEN.finditer(line)}
            if all(spellings & tokens for spellings in wanted):
                return number
        return None


def _spellings(path: Path, iri: str) -> list[str]:
    spellings = [f"<{iri}>"]
    for prefix, namespace in _prefixes(path).items():
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and re.fullmatch(r"[\w.\-]*", local):
            spellings.append(f"{prefix}:{local}")
    return spellings


def _find_line(path: Path, iri: str) -> int | None:
    if not path.is_file():  # a change built in memory has no file to point into
        return None
    spellings = _spellings(path, iri)
    first, anywhere = _index(path)
    at_start = [first[s] for s in spellings if s in first]
    if at_start:
        return min(at_start)
    return min((anywhere[s] for s in spellings if s in anywhere), default=None)


# an IRI as written: <…>, or prefix:local not followed by more name characters
TOKEN = re.compile(
    r"<[^<>\s]*>"
    # a prefix starts a word, never inside one: trying every position of a long word would
    # cost time quadratic in its length; a local name ends in no "."
    r"|(?:(?<![\w\-.])[A-Za-z_][\w\-.]*+)?:(?:[\w\-.]*[\w\-])?(?![\w\-:/])"
)


@cache
def _index(path: Path) -> tuple[dict[str, int], dict[str, int]]:
    """Each spelling's first line as the line's first term, and its first line anywhere:
    one pass over the file, however many entities a report names (thousands at 1M)."""
    first: dict[str, int] = {}
    anywhere: dict[str, int] = {}
    for number, line in enumerate(_lines(path), start=1):
        seen_on_line = set()
        for match in TOKEN.finditer(line):
            token = match.group(0)
            if token in seen_on_line:
                continue
            seen_on_line.add(token)
            anywhere.setdefault(token, number)
            if not line[: match.start()].strip():
                first.setdefault(token, number)
    return first, anywhere


@cache
def _lines(path: Path) -> tuple[str, ...]:
    return tuple(path.read_text(encoding="utf-8", errors="replace").splitlines())


@cache
def _prefixes(path: Path) -> dict[str, str]:
    if path.suffix.lower() == ".csv":
        return PREFIXES  # the CSV template takes the project's prefixed names
    fmt = FORMATS.get(path.suffix.lower())
    if fmt not in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        return {}
    parser = ox.parse(path=str(path), format=fmt)
    try:
        for _ in parser:
            pass
    except SyntaxError:
        pass
    return dict(parser.prefixes)
