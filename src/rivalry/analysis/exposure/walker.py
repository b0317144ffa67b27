"""Reading the graph for the exposure walk: small SPARQL questions, each answer cached.

The Walker answers what an entity is, what links it, what a measure restricts, which rival laws
forbid complying with it, and which links are contested; paths.py assembles the paths.

Links, sources and restrictions are read a frontier at a time: the nodes one query found in
the same role (the projects hosted by a state, the items those projects use) are asked about
together, in one query with a VALUES block, when the walk first asks about one of them. A
state home to thousands of firms costs a few queries, not thousands (63 s to 3.6 s for
the hub state at 1M triples, on a loaded machine; a firm takes milliseconds). On an embedded
store the walk asks only about the links the skeleton (skeleton.py) keeps: those on chains
that can end in an exposure."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path as FilePath
from typing import Any

import pyoxigraph as ox

from rivalry.analysis.exposure.indexed import IndexedLinks, InstrumentRead
from rivalry.analysis.exposure.model import (
    ALWAYS,
    Act,
    Claim,
    Contested,
    Instrument,
    Link,
    Node,
    Period,
    in_force,
)
from rivalry.analysis.exposure.skeleton import Allowed
from rivalry.kernel.dates import first_day
from rivalry.kernel.namespaces import TR, compact
from rivalry.kernel.terms import rdf, rdfs, tr
from rivalry.query import execute

HERE = FilePath(__file__).parent


@cache
def sparql(name: str) -> str:
    return (HERE / f"{name}.rq").read_text(encoding="utf-8")


LABEL = ox.NamedNode(rdfs.label)
TYPE = ox.NamedNode(rdf.type)
HOME = ox.NamedNode(tr.headquarteredIn)
CONCERNS = ox.NamedNode(tr.concerns)
KINDS = ((ox.NamedNode(tr.State), "state"), (ox.NamedNode(tr.Firm), "firm"))


BATCH = 2_000  # nodes per VALUES block: big enough for a hub, small enough to plan quickly


def day_of(term) -> date | None:
    """The day of a date term; a month or a year gives its first day (when it may begin)."""
    return first_day(term.value) if term is not None else None


@dataclass(frozen=True)
class Step:
    """A link found while walking, before the path around it is known."""

    link: Link
    up: str  # the node further from the entity (towards the restricted target)


class Walker:
    """Asks the store one question at a time, each answer cached for the walk."""

    def __init__(self, store: ox.Store, assumed_graphs: frozenset[str] = frozenset()):
        self.store = store
        self.assumed_graphs = assumed_graphs
        self._links: dict[tuple[str, str, str], list[Link]] = {}
        self._nodes: dict[str, Node] = {}
        self._homes: dict[str, str | None] = {}
        self._sources: dict[str, object] = {}
        self._instruments: dict[str, Instrument | None] = {}
        self._contested: dict[str, list[Contested]] = {}
        self._restrictions: dict[str, list] = {}
        self._conflicts: dict[str, dict[str, list[Act]]] = {}
        # node -> the nodes found with it in the same role by one query (its frontier)
        self._frontier: dict[str, frozenset[str]] = {}
        self._source_rows: dict[str, dict] = {}
        # set by the walk (paths.py) from the skeleton: the only links worth reading
        self.allowed: Allowed | None = None
        self._indexed = IndexedLinks(store) if self.prunable else None

    @property
    def prunable(self) -> bool:
        """Whether the skeleton can be read here: an embedded store's indexes are quick; a
        remote one would answer each triple pattern in an HTTP round trip."""
        return isinstance(self.store, ox.Store)

    def run(self, name: str, **params: ox.NamedNode | ox.Literal):
        bindings = {ox.Variable(k): v for k, v in params.items()}
        return execute.execute(self.store, sparql(name), bindings)

    def run_many(self, name: str, variable: str, iris, only: str = "", nested: bool = False):
        """The query with ``variable`` bound to each of ``iris`` (a VALUES block in every
        WHERE group, as the engine's own binding does; with ``nested``, whose UNIONs sit
        inside OPTIONALs, one block at the start of its WHERE group), in chunks of BATCH."""
        iris = sorted(iris)
        for at in range(0, len(iris), BATCH):
            # pyoxigraph's escaped N-Triples form of each IRI, as execute.with_values writes
            terms = " ".join(str(ox.NamedNode(i)) for i in iris[at : at + BATCH])
            block = f" VALUES ?{variable} {{ {terms} }} "
            if nested:
                text = execute.WHERE.sub(_after(block), sparql(name), count=1)
            else:
                text = bind_many(sparql(name), block)
            if only:  # one link kind instead of the query's list
                text = RELATIONS.sub(only, text, count=1)
            yield from self.store.query(text, prefixes=execute.PREFIXES)

    # ---------------------------------------------------------------- nodes and sources

    def node(self, iri: str) -> Node:
        """Label, kind and home state, read straight from the union graph's indexes (a
        state has thousands of neighbours: one SPARQL query each costs seconds)."""
        if iri not in self._nodes:
            node = ox.NamedNode(iri)
            # one label whatever the order, when sources spell a name differently
            labels = [q.object.value for q in self._quads(node, LABEL)]
            # a node has many (inferred) types: ask for the two that matter, not for all
            kind = next((k for cls, k in KINDS if _first(self._quads(node, TYPE, cls))), "")
            self._nodes[iri] = Node(iri, min(labels, default=""), kind)
        return self._nodes[iri]

    def _quads(self, subject, predicate, obj=None):
        return self.store.quads_for_pattern(subject, predicate, obj, ox.DefaultGraph())

    def home(self, iri: str) -> str | None:
        """The node's home state (the least, where sources differ); only the entity's is
        asked for, so it is not read with every node."""
        if iri not in self._homes:
            homes = [q.object.value for q in self._quads(ox.NamedNode(iri), HOME)]
            self._homes[iri] = min(homes, default=None)
        return self._homes[iri]

    def source(self, iri: str):
        from rivalry.analysis.exposure.model import Source

        if iri not in self._sources:
            self.read_sources([iri])
            row = self._source_rows.get(iri)

            def text(name):
                value = row[name] if row else None
                return value.value if value is not None else ""

            graph = self._graph_of(iri)
            self._sources[iri] = Source(
                iri=iri,
                url=text("url"),
                publisher=text("publisher"),
                published=text("published"),
                title=text("title"),
                assumed=graph in self.assumed_graphs,
            )
        return self._sources[iri]

    def read_sources(self, iris) -> None:
        """Read the sources not yet read, all in one query."""
        wanted = {i for i in iris if i not in self._sources and i not in self._source_rows}
        if not wanted:
            return
        if self._indexed is not None:
            for iri in wanted:
                self._source_rows[iri] = self._indexed.source(iri)
            return
        for row in self.run_many("source", "source", wanted):
            self._source_rows.setdefault(row["source"].value, row)
        for iri in wanted:
            self._source_rows.setdefault(iri, {})

    def _graph_of(self, source: str) -> str:
        for quad in self.store.quads_for_pattern(
            ox.NamedNode(source), ox.NamedNode(tr.describesGraph), None, None
        ):
            return quad.object.value
        return ""

    # ---------------------------------------------------------------- links

    def links(self, iri: str, direction: str, relation: str) -> list[Link]:
        """Links of ``relation`` (compact, tr:…) leaving (``from``) or reaching (``to``) a node."""
        key = (iri, direction, relation)
        allowed = self.allowed
        if allowed is not None and key not in allowed.keys:
            return []  # the skeleton found no exposure this way
        if key not in self._links:
            frontier = self._frontier.get(iri, frozenset()) | {iri}
            batch = {
                n
                for n in frontier
                if (n, direction, relation) not in self._links
                and (allowed is None or (n, direction, relation) in allowed.keys)
            }
            self._links.update(self._read_links(batch, direction, relation))
        return self._links[key]

    def _read_links(
        self, iris: set[str], direction: str, relation: str
    ) -> dict[tuple[str, str, str], list[Link]]:
        """The ``relation`` links of every node of ``iris`` in one direction, in one query
        (per BATCH): a hub's neighbours have many links, of which the walk wants one kind."""
        bound = "s" if direction == "from" else "o"
        found: dict[tuple[str, str, str], dict] = defaultdict(
            lambda: {"periods": set(), "sources": set(), "graphs": set()}
        )
        allowed = self.allowed
        rows: Iterable[Any]  # pyoxigraph's solutions or IndexedLinks' rows, read alike
        if self._indexed is not None:  # an embedded store: its indexes, only the links kept
            keep = (lambda s, _p, o: (s, relation, o) in allowed.triples) if allowed else _any
            rows = self._indexed.rows(iris, direction, relation, keep)
        else:
            only = f"VALUES ?p {{ {ox.NamedNode(TR + relation.removeprefix('tr:'))} }}"
            rows = self.run_many(f"links-{direction}", bound, iris, only)
        for row in rows:
            triple = (row["s"].value, relation, row["o"].value)  # ?p is bound to it
            if allowed is not None and triple not in allowed.triples:
                continue
            entry = found[triple]
            qualifier = row["qualifier"]
            timed = qualifier is not None and (row["start"] or row["end"])
            if timed:
                entry["periods"].add(Period(day_of(row["start"]), day_of(row["end"])))
            if row["g"] is not None:
                entry["graphs"].add(row["g"].value)
            if row["source"] is not None:
                entry["sources"].add(row["source"].value)
        self.read_sources({x for entry in found.values() for x in entry["sources"]})
        result: dict[tuple[str, str, str], list[Link]] = {
            (i, direction, relation): [] for i in iris
        }
        roles: dict[tuple[str, str], set[str]] = defaultdict(set)
        for (s, p, o), entry in found.items():
            # a timed relation's dates are the link's; an undated statement of the same
            # triple adds a source, not a claim that it always held
            periods = tuple(sorted(entry["periods"])) or (ALWAYS,)
            sources = tuple(sorted((self.source(x) for x in entry["sources"]), key=_source_key))
            assumed = bool(entry["graphs"]) and entry["graphs"] <= self.assumed_graphs
            link = Link(self.node(s), p, self.node(o), periods, sources, assumed=assumed)
            near, far = (s, o) if direction == "from" else (o, s)
            result[(near, direction, relation)].append(link)
            roles[(p, direction)].add(far)
        for members in roles.values():
            group = frozenset(members)
            for member in members:
                self._frontier[member] = group
        for key in result:
            result[key].sort(key=lambda k: (k.subject.iri, k.relation, k.object.iri))
        return result

    # ---------------------------------------------------------------- instruments

    def instrument(self, iri: str) -> Instrument | None:
        if iri not in self._instruments:
            self.read_instruments([iri])
        return self._instruments[iri]

    def read_instruments(self, iris) -> None:
        """Read the instruments not yet read, in one query (per BATCH)."""
        wanted = {i for i in iris if i not in self._instruments}
        if not wanted:
            return
        reads: dict[str, InstrumentRead | None]
        if self._indexed is not None:  # an embedded store: its indexes, no query to plan
            reads = {iri: self._indexed.instrument(iri) for iri in wanted}
        else:
            rows: dict[str, list] = defaultdict(list)
            for row in self.run_many("instrument", "instrument", wanted, nested=True):
                rows[row["instrument"].value].append(row)
            reads = {iri: instrument_read(rows.get(iri, [])) for iri in wanted}
        self.read_sources({s for read in reads.values() if read for s in read.sources})
        for iri in sorted(wanted):
            self._instruments[iri] = self._instrument_of(iri, reads[iri])

    def _instrument_of(self, iri: str, read: InstrumentRead | None) -> Instrument | None:
        if read is None:
            return None
        return Instrument(
            node=self.node(iri),
            state=self.node(read.state) if read.state else Node("", ""),
            in_force=in_force(earliest(read.since), earliest(read.ends)),
            sources=tuple(sorted((self.source(s) for s in read.sources), key=_source_key)),
        )

    def restrictions(self, target: str) -> list[tuple[str, str, str, tuple, bool]]:
        """(measure, instrument adding the target — the measure or an amendment, tr:restricts
        or tr:designates, sources, whether only an assumed graph states it)."""
        if target not in self._restrictions:
            self.read_restrictions([target])
        return self._restrictions[target]

    def read_restrictions(self, targets) -> None:
        """Read the restrictions of every target not yet read, in one query."""
        wanted = {t for t in targets if t not in self._restrictions}
        if not wanted:
            return
        found: dict[tuple[str, str, str, str], tuple[set, set]] = defaultdict(
            lambda: (set(), set())
        )
        rows: Iterable[Any]
        if self._indexed is not None:
            indexed = self._indexed
            rows = (row for target in sorted(wanted) for row in indexed.restriction_rows(target))
        else:
            rows = self.run_many("restrictions", "target", wanted)
        for row in rows:
            key = (
                row["target"].value,
                row["measure"].value,
                row["restricting"].value,
                _compact_term(row["p"].value),
            )
            sources, graphs = found[key]
            graphs.add(row["g"].value)
            if row["source"] is not None:
                sources.add(row["source"].value)
        self.read_sources({s for srcs, _ in found.values() for s in srcs})
        for target in wanted:
            self._restrictions[target] = []
        for (t, m, r, p), (srcs, graphs) in sorted(found.items()):
            self._restrictions[t].append(
                (
                    m,
                    r,
                    p,
                    tuple(sorted((self.source(s) for s in srcs), key=_source_key)),
                    graphs <= self.assumed_graphs,
                )
            )

    def conflicts(self, measure: str) -> dict[str, list[Act]]:
        """For each law forbidding compliance with the measure, the acts invoking it."""
        if measure not in self._conflicts:
            self.read_conflicts([measure])
        return self._conflicts[measure]

    def read_conflicts(self, measures) -> None:
        """Read the conflicts of the measures not yet read, in one query (per BATCH)."""
        wanted = {m for m in measures if m not in self._conflicts}
        if not wanted:
            return
        rows: dict[str, list] = defaultdict(list)
        for row in self.run_many("conflicts", "measure", wanted, nested=True):
            rows[row["measure"].value].append(row)
        for measure in sorted(wanted):
            self._conflicts[measure] = self._conflicts_of(rows.get(measure, []))

    def _conflicts_of(self, rows: list) -> dict[str, list[Act]]:
        laws: dict[str, dict[str, dict]] = defaultdict(dict)
        for row in rows:
            acts = laws[row["law"].value]
            if row["act"] is None:
                continue
            act = acts.setdefault(
                row["act"].value,
                {
                    "kind": row["kind"].value,
                    "day": day_of(row["actDate"]),
                    "name": row["actName"].value if row["actName"] else "",
                    "sources": set(),
                },
            )
            # an act summarised by several sources: the same one whatever the row order
            if row["actName"] is not None and (
                not act["name"] or row["actName"].value < act["name"]
            ):
                act["name"] = row["actName"].value
            if row["source"] is not None:
                act["sources"].add(row["source"].value)
        return {
            law: [
                Act(
                    iri,
                    a["kind"],
                    a["day"],
                    a["name"],
                    tuple(sorted((self.source(s) for s in a["sources"]), key=_source_key)),
                )
                for iri, a in sorted(acts.items(), key=lambda x: (x[1]["day"] or date.min, x[0]))
            ]
            for law, acts in sorted(laws.items())
        }

    # ---------------------------------------------------------------- contested matters

    def contested(self, iri: str) -> list[Contested]:
        if iri not in self._contested and not _first(
            self._quads(None, CONCERNS, ox.NamedNode(iri))
        ):
            self._contested[iri] = []  # no matter concerns it: skip the query
        if iri not in self._contested:
            matters: dict[str, dict] = {}
            for row in self.run("contested", node=ox.NamedNode(iri)):
                m = matters.setdefault(
                    row["matter"].value,
                    {
                        "name": row["matterName"].value if row["matterName"] else "",
                        "concerns": set(),
                        "claims": {},
                    },
                )
                m["concerns"].add(row["concerned"].value)
                m["claims"][row["claim"].value] = Claim(
                    claimant=row["claimant"].value if row["claimant"] else "",
                    stance=row["stance"].value if row["stance"] else "",
                    value=row["value"].value if row["value"] else "",
                    source=self.source(row["source"].value) if row["source"] else None,
                )
            self._contested[iri] = [
                Contested(
                    matter,
                    m["name"],
                    tuple(sorted(m["concerns"])),
                    tuple(c for _, c in sorted(m["claims"].items())),
                )
                for matter, m in sorted(matters.items())
            ]
        return self._contested[iri]


RELATIONS = re.compile(r"VALUES \?p \{[^}]*\}")
# a UNION's branch opening: a line holding only "{" at the WHERE group's indent, or "} UNION {"
BRANCH = re.compile(r"^    \{$|\}\s*UNION\s*\{", re.MULTILINE)


def bind_many(text: str, block: str) -> str:
    """The VALUES ``block`` inside each branch of the query's top-level UNION, or at the start
    of its WHERE group when it has none. Oxigraph joins a VALUES at the start of the group
    only after evaluating the whole UNION (0.15 s instead of 0.005 s at 10k triples)."""
    if "UNION" in text:
        return BRANCH.sub(_after(block), text)
    return execute.WHERE.sub(_after(block), text)


def _after(block: str):
    """A replacement putting ``block`` after each WHERE {."""
    return lambda match: match.group(0) + block


@cache
def _compact_term(iri: str) -> str:
    return compact(iri)


def _first(quads) -> bool:
    return next(iter(quads), None) is not None


def _any(*_link) -> bool:
    return True


def _source_key(source) -> tuple:
    return (source.published, source.url, source.iri)


# -------------------------------------------------------------------- the walk


def instrument_read(rows: list) -> InstrumentRead | None:
    """instrument.rq's rows of one instrument, summed up as IndexedLinks.instrument does."""
    if not rows:
        return None
    states = sorted(r["state"].value for r in rows if r["state"])
    return InstrumentRead(
        since=[r["since"] for r in rows if r["since"]],
        ends=[r["ends"] for r in rows if r["ends"]],
        state=states[0] if states else "",
        sources=frozenset(r["source"].value for r in rows if r["source"]),
    )


def earliest(terms) -> date | None:
    """The earliest of the dates among ``terms`` (None where a row has none)."""
    days = [d for t in terms if t and (d := day_of(t)) is not None]
    return min(days, default=None)
