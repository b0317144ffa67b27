"""The Python API: open the graph, ask the catalogue's questions (or any SPARQL), look up an
entity, check and add facts through the same gate as the CLI, and count what the graph holds.

    import rivalry
    g = rivalry.open()                      # the project here, or the bundled graph
    g.query("timeline", **{"from": "2025-05-19", "to": "2025-05-22"}).to_pandas()
    g.entity("Huawei").relations[:3]
    g.check("proposed.trig").conforms

Results hold plain Python values (``str`` for IRIs, ``int``, ``Decimal``, ``float``,
``bool``, ``datetime.date`` and ``datetime.datetime`` for typed literals, ``str`` otherwise);
``to_rdflib()`` gives the RDF terms instead.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias, overload

import pyoxigraph as ox

from rivalry.gate import transaction
from rivalry.gate.check import CHANGE_LIMIT, check_change
from rivalry.gate.merge import MergeResult
from rivalry.kernel.namespaces import XSD
from rivalry.kernel.paths import Project
from rivalry.kernel.terms import rdf, rdfs, xsd
from rivalry.load.parse import load_change, rdflib_term
from rivalry.query import catalogue, execute
from rivalry.store.build import BuildResult
from rivalry.store.embedded import StoreMissing, open_store
from rivalry.validate.report import Report

if TYPE_CHECKING:
    import pandas

    from rivalry.analysis.stats import Stats

Value: TypeAlias = str | int | float | bool | Decimal | dt.date | dt.datetime | None
Term: TypeAlias = "ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple"

_INTEGERS = {
    xsd.integer,
    *(XSD + n for n in ("int", "long", "short", "byte", "nonNegativeInteger")),
    *(XSD + n for n in ("positiveInteger", "negativeInteger", "nonPositiveInteger")),
    *(XSD + n for n in ("unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")),
}


def to_python(term: Term | None) -> Value:
    """A result term as a Python value: IRIs and blank nodes as ``str`` (``_:`` for blank
    nodes), typed literals as their Python type, any other literal as its text."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    datatype, text = term.datatype.value, term.value
    try:
        if datatype in _INTEGERS:
            return int(text)
        if datatype == XSD + "decimal":
            return Decimal(text)
        if datatype in (XSD + "double", XSD + "float"):
            return float(text)
        if datatype == XSD + "boolean":
            return text in ("true", "1")
        if datatype == xsd.date:
            return dt.date.fromisoformat(text)
        if datatype == xsd.dateTime:
            return dt.datetime.fromisoformat(text)
    except (ValueError, InvalidOperation):
        return text  # an ill-typed literal keeps its text rather than failing the query
    return text


class Result(Sequence[dict[str, Value]]):
    """The answer to a query: rows (SELECT), a yes/no (ASK) or triples (CONSTRUCT, DESCRIBE).

    A SELECT result is a sequence of rows, each a ``dict`` from variable name to Python
    value (``None`` where unbound); ``columns`` are the variables in order. An ASK result is
    true or false (``bool(result)``); a graph result's ``triples`` are pyoxigraph triples.
    """

    def __init__(
        self,
        columns: list[str],
        terms: list[list[Term | None]],
        *,
        boolean: bool | None = None,
        triples: list[ox.Triple] | None = None,
    ):
        self.columns = columns
        self._terms = terms
        self.boolean = boolean
        self.triples = triples

    @classmethod
    def from_oxigraph(cls, answer: Any) -> Result:
        if isinstance(answer, ox.QueryBoolean):
            return cls([], [], boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            columns = [v.value for v in answer.variables]
            rows = [[row[name] for name in columns] for row in answer]
            return cls(columns, rows)
        return cls(["subject", "predicate", "object"], [], triples=list(answer))

    @overload
    def __getitem__(self, index: int) -> dict[str, Value]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Value]]: ...
    def __getitem__(self, index: int | slice) -> dict[str, Value] | list[dict[str, Value]]:
        if isinstance(index, slice):
            return [self._row(r) for r in self._terms[index]]
        return self._row(self._terms[index])

    def __len__(self) -> int:
        return len(self.triples) if self.triples is not None else len(self._terms)

    def __iter__(self) -> Iterator[dict[str, Value]]:
        if self.triples is not None:
            for t in self.triples:
                yield dict(zip(self.columns, map(to_python, t), strict=True))
            return
        yield from (self._row(r) for r in self._terms)

    def __bool__(self) -> bool:
        return self.boolean if self.boolean is not None else len(self) > 0

    def __repr__(self) -> str:
        if self.boolean is not None:
            return f"<Result ASK {self.boolean}>"
        return f"<Result {len(self)} rows: {', '.join(self.columns)}>"

    def _row(self, terms: list[Term | None]) -> dict[str, Value]:
        return dict(zip(self.columns, map(to_python, terms), strict=True))

    def to_pandas(self) -> pandas.DataFrame:
        """The rows as a pandas DataFrame, one column per variable (needs pandas:
        ``pip install 'rivalry[pandas]'``)."""
        try:
            import pandas
        except ImportError:
            raise ImportError(
                "to_pandas() needs pandas; install it with pip install 'rivalry[pandas]'"
            ) from None
        return pandas.DataFrame(list(self), columns=self.columns)

    def to_rdflib(self) -> Any:
        """rdflib's view: an ``rdflib.Graph`` for CONSTRUCT/DESCRIBE, the ``bool`` for ASK,
        and for SELECT a list of rows mapping each variable to its rdflib term."""
        import rdflib

        if self.boolean is not None:
            return self.boolean
        if self.triples is not None:
            graph = rdflib.Graph()
            for t in self.triples:
                graph.add(
                    (
                        rdflib_term(t.subject),
                        rdflib_term(t.predicate),
                        rdflib_term(t.object),
                    )
                )
            return graph
        return [
            {c: rdflib_term(t) for c, t in zip(self.columns, row, strict=True) if t is not None}
            for row in self._terms
        ]


@dataclass(frozen=True)
class Entity:
    """One entity of the graph: its IRI, English label, classes, and every relation the
    graph states about it with the source that states it (the catalogue's ``entity``)."""

    iri: str
    label: str | None
    types: tuple[str, ...]
    relations: Result


class Graph:
    """A project's built graph (or the bundled one). Made by :func:`rivalry.open`."""

    def __init__(self, project: Project):
        self.project = project
        self._store: ox.Store | None = None

    def __repr__(self) -> str:
        return f"<rivalry.Graph {self.project.describe()}>"

    @property
    def store(self) -> ox.Store:
        """The built store, opened read-only (several readers may share it)."""
        if self._store is None:
            self._store = open_store(self.project.store_path)
        return self._store

    def _close(self) -> None:
        self._store = None
        gc.collect()  # let RocksDB release the folder before a writer renames it

    def queries(self) -> list[catalogue.CatalogueQuery]:
        """The catalogue: each query's name, summary, description and parameters."""
        return catalogue.load_catalogue(self.project.queries_dir)

    def query(self, name_or_sparql: str | Path, /, **params: Any) -> Result:
        """Run a catalogue query by name, a ``.rq`` file, or SPARQL text, with parameters bound
        by the engine (never pasted into the text). Parameter values may be strings or
        Python dates and numbers; an entity parameter takes an IRI (``firm:huawei``) or a
        label. Raises :class:`rivalry.RivalryError` for an unknown query or parameter."""
        entry = self._resolve(name_or_sparql, params)
        given = {k: v.isoformat() if isinstance(v, dt.date) else str(v) for k, v in params.items()}
        bindings = execute.bind(self.store, entry, given)
        return Result.from_oxigraph(execute.execute(self.store, entry.text, bindings))

    def _resolve(self, name: str | Path, params: dict[str, Any]) -> catalogue.CatalogueQuery:
        path = Path(name)
        if path.suffix == ".rq" and path.is_file():
            return catalogue.read_query(path)
        text = str(name)
        if text.replace("-", "").replace("_", "").isalnum():
            return catalogue.find(self.project.queries_dir, text)
        # SPARQL text: its parameters are typed from the Python values given
        declared = tuple(catalogue.Param(k, _param_type(v)) for k, v in params.items())
        return catalogue.CatalogueQuery(name="sparql", path=Path("-"), text=text, params=declared)

    def entity(self, iri_or_label: str) -> Entity:
        """Everything the graph says about one entity, found by IRI (``https://…``,
        ``prefix:key``) or by label (any of its labels, case-insensitive)."""
        wanted = catalogue.Param("entity", "entity")
        node = execute.to_term(self.store, wanted, iri_or_label)
        assert isinstance(node, ox.NamedNode)
        labels = [
            q.object
            for q in self.store.quads_for_pattern(node, ox.NamedNode(rdfs.label), None, None)
        ]
        english = [t for t in labels if isinstance(t, ox.Literal) and t.language in ("en", None)]
        types = {
            q.object.value
            for q in self.store.quads_for_pattern(node, ox.NamedNode(rdf.type), None, None)
            if isinstance(q.object, ox.NamedNode)
        }
        return Entity(
            iri=node.value,
            label=english[0].value if english else None,
            types=tuple(sorted(types)),
            relations=self.query("entity", entity=node.value),
        )

    def check(self, path: str | Path | Iterable[str | Path], *, owl: bool = True) -> Report:
        """Check change files against the built graph as ``rivalry check`` does; nothing is
        written. The report's ``conforms`` says whether ``add`` would merge them."""
        files = _paths(path)
        change = load_change(self.project, files, limit=CHANGE_LIMIT)
        return check_change(self.project, self.store, change, owl=owl)

    def add(self, path: str | Path | Iterable[str | Path], *, owl: bool = True) -> MergeResult:
        """Check change files and merge them into graph/ and the store only if they pass, as
        ``rivalry add`` does: under the same writer lock, recovering an interrupted merge first,
        all or nothing. Raises :class:`rivalry.ChangeRefused` (with ``.report``) when the check
        fails; nothing is merged then."""
        files = _paths(path)
        self._close()
        result = transaction.check_and_merge(
            self.project,
            lambda db: load_change(self.project, files, limit=CHANGE_LIMIT),
            files,
            owl=owl,
        )
        assert result is not None  # a change built from files is never empty
        return result

    def build(self, *, owl: bool = True) -> BuildResult:
        """Rebuild the store from the project's files, as ``rivalry build`` does."""
        self._close()
        return transaction.build(self.project, owl=owl)

    def stats(self) -> Stats:
        """Coverage figures, as ``rivalry stats`` prints them (``.to_json()``, ``.section()``)."""
        from rivalry.analysis.stats import collect

        return collect(self.store)


def open(  # shadows the builtin only inside this module, which does not use it
    project: str | Path | None = None,
    store: str | Path | None = None,
    *,
    build: bool | None = None,
) -> Graph:
    """Open a project's built graph.

    ``project`` defaults as in the CLI: ``$RIVALRY_PROJECT``, else the current folder or its
    nearest parent holding ontology/, graph/ and queries/, else the graph bundled in the
    package. ``store`` defaults to ``$RIVALRY_STORE``, else the project's ``.rivalry/store``
    (the per-user data folder for the bundled graph). With ``build=None`` a missing store is
    built for the bundled graph and reported for a project (run ``rivalry build`` or pass
    ``build=True``); ``build=True`` always rebuilds first.
    """
    located = Project.locate(
        Path(project) if project is not None else None, Path(store) if store is not None else None
    )
    graph = Graph(located)
    missing = not located.store_path.exists()
    if build or (build is None and missing and located.bundled):
        result = graph.build(owl=False)
        if not result.swapped:
            raise StoreMissing(located.store_path)
    elif missing:
        raise StoreMissing(located.store_path)
    return graph


def _paths(path: str | Path | Iterable[str | Path]) -> list[Path]:
    files = [Path(path)] if isinstance(path, str | Path) else [Path(p) for p in path]
    for file in files:
        if not file.is_file():
            raise FileNotFoundError(f"{file}: no such file")
    return files


def _param_type(value: Any) -> str:
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, int) and not isinstance(value, bool):
        return "integer"
    if isinstance(value, str) and execute.expand(value) is not None:
        return "iri"
    return "string"
