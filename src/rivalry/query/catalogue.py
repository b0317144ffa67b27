"""Read the query catalogue: ``queries/*.rq`` files with a grlc-style ``#+`` YAML header.

    #+ summary: One line saying what the query answers
    #+ description: |
    #+   Longer text.
    #+ tags: [story, events]
    #+ columns: [date, event, source]
    #+ params:
    #+   - name: date
    #+     type: date
    #+     default: "2025-05-20"
    #+     description: The day to look at

``columns`` names the few columns the CLI's table shows people by default (the machine
formats always carry every column). The header lines are SPARQL comments, so the file runs
as it is in any SPARQL tool.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from rivalry.kernel.errors import RivalryError

PARAM_TYPES = ("iri", "entity", "date", "string", "integer")


class CatalogueError(RivalryError):
    pass


@dataclass(frozen=True)
class Param:
    name: str
    type: str = "string"
    default: str | None = None
    description: str = ""


@dataclass(frozen=True)
class CatalogueQuery:
    name: str
    path: Path
    text: str
    summary: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    params: tuple[Param, ...] = field(default_factory=tuple)
    columns: tuple[str, ...] = ()  # what the table shows people; empty: every column


def read_query(path: Path) -> CatalogueQuery:
    text = path.read_text(encoding="utf-8")
    header = "\n".join(
        line[2:].removeprefix(" ") for line in text.splitlines() if line.startswith("#+")
    )
    try:
        meta = yaml.safe_load(header) or {}
    except yaml.YAMLError as err:
        raise CatalogueError(f"{path}: the #+ header is not valid YAML: {err}") from None
    if not isinstance(meta, dict):
        raise CatalogueError(f"{path}: the #+ header must be a YAML mapping")
    params = []
    for raw in meta.get("params") or []:
        param = Param(
            name=str(raw["name"]),
            type=str(raw.get("type", "string")),
            default=None if raw.get("default") is None else str(raw["default"]),
            description=str(raw.get("description", "")),
        )
        if param.type not in PARAM_TYPES:
            raise CatalogueError(
                f"{path}: parameter {param.name!r} has unknown type {param.type!r}; "
                f"use one of {', '.join(PARAM_TYPES)}"
            )
        params.append(param)
    return CatalogueQuery(
        name=path.stem,
        path=path,
        text=text,
        summary=str(meta.get("summary", "")),
        description=str(meta.get("description", "")).strip(),
        tags=tuple(str(t) for t in meta.get("tags") or ()),
        params=tuple(params),
        columns=tuple(str(c) for c in meta.get("columns") or ()),
    )


def load_catalogue(directory: Path) -> list[CatalogueQuery]:
    return [read_query(path) for path in sorted(directory.glob("*.rq"))]


def find(directory: Path, name: str) -> CatalogueQuery:
    path = directory / f"{name}.rq"
    if path.is_file():
        return read_query(path)
    names = [q.name for q in load_catalogue(directory)]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    # no folder in the message: it reaches web pages, which must not show the server's paths
    raise CatalogueError(f"no query named {name!r}; {hint}known queries: {', '.join(names)}")
