"""Find every exposure path of an entity, for all time at once.

The SPARQL files beside this module each answer one small question about one node (its
links, the instruments restricting it, the laws forbidding compliance with a measure…),
with the node bound by the engine. This module walks from the entity up to what a measure
restricts, following the link kinds of the conflicting-obligations query:

- a state hosts a project (tr:locatedIn), a firm takes part in one (tr:participant), and
  the project uses an item (tr:usesItem, from a chip use) that is restricted, of a
  restricted family, a chip of a restricted family, or designed by a restricted firm or a
  firm of its group;
- a firm is a subsidiary of a restricted firm, through a chain of tr:subsidiaryOf of any
  depth; its home state (tr:headquarteredIn) is exposed through it;
- a state hosts a facility (tr:facilityIn) operated by a restricted firm or its group;
- supply: a foundry fabricates (tr:fabricatedBy) a restricted chip, or a facility in a
  state, or operated by a firm, fabricates one (tr:fabricatedAt).

Each link keeps the days it holds (from timed relations) and its sources; each path holds
on the days all its links, the measure, the restriction and the conflict hold together.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path as FilePath

import pyoxigraph as ox

from rivalry.analysis.exposure.model import (
    ALWAYS,
    Act,
    Claim,
    Contested,
    Instrument,
    Link,
    Node,
    Path,
    Period,
    in_force,
    meet_all,
)
from rivalry.kernel.namespaces import compact
from rivalry.kernel.terms import rdf, rdfs, tr
from rivalry.query import execute

HERE = FilePath(__file__).parent
MAX_DEPTH = 12  # subsidiary chains longer than this are a modelling error, not a group


@cache
def sparql(name: str) -> str:
    return (HERE / f"{name}.rq").read_text(encoding="utf-8")


LABEL = ox.NamedNode(rdfs.label)
TYPE = ox.NamedNode(rdf.type)
HOME = ox.NamedNode(tr.headquarteredIn)
CONCERNS = ox.NamedNode(tr.concerns)
KINDS = ((ox.NamedNode(tr.State), "state"), (ox.NamedNode(tr.Firm), "firm"))
HOW = {
    "hosts-project": "hosts a project using a restricted item",
    "project-participant": "takes part in a project using a restricted item",
    "subsidiary": "a subsidiary of a restricted firm",
    "home-of-subsidiary": "home of a subsidiary of a restricted firm",
    "hosts-facility": "hosts a facility of a restricted firm's group",
    "fabricates": "fabricates a restricted chip (supplies its designer)",
    "hosts-fab": "hosts a facility fabricating a restricted chip",
    "operates-fab": "operates a facility fabricating a restricted chip",
}


def _day(term) -> date | None:
    return date.fromisoformat(term.value[:10]) if term is not None else None


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
        self._links: dict[tuple[str, str], list[Link]] = {}
        self._nodes: dict[str, Node] = {}
        self._homes: dict[str, str | None] = {}
        self._sources: dict[str, object] = {}
        self._instruments: dict[str, Instrument | None] = {}
        self._contested: dict[str, list[Contested]] = {}
        self._restrictions: dict[str, list] = {}
        self._conflicts: dict[str, dict[str, list[Act]]] = {}

    def run(self, name: str, **params: ox.NamedNode | ox.Literal):
        bindings = {ox.Variable(k): v for k, v in params.items()}
        return execute.execute(self.store, sparql(name), bindings)

    # ---------------------------------------------------------------- nodes and sources

    def node(self, iri: str) -> Node:
        """Label, kind and home state, read straight from the union graph's indexes (a
        state has thousands of neighbours: one SPARQL query each costs seconds)."""
        if iri not in self._nodes:
            node = ox.NamedNode(iri)
            # one label whatever the order, when sources spell a name differently
            labels = sorted(q.object.value for q in self._quads(node, LABEL))
            types = {q.object for q in self._quads(node, TYPE)}
            kind = next((k for cls, k in KINDS if cls in types), "")
            homes = sorted(q.object.value for q in self._quads(node, HOME))
            self._nodes[iri] = Node(iri, labels[0] if labels else "", kind)
            self._homes[iri] = homes[0] if homes else None
        return self._nodes[iri]

    def _quads(self, subject, predicate, obj=None):
        return self.store.quads_for_pattern(subject, predicate, obj, ox.DefaultGraph())

    def home(self, iri: str) -> str | None:
        self.node(iri)
        return self._homes[iri]

    def source(self, iri: str):
        from rivalry.analysis.exposure.model import Source

        if iri not in self._sources:
            rows = list(self.run("source", source=ox.NamedNode(iri)))
            row = rows[0] if rows else {}

            def text(name):
                value = row[name] if rows else None
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

    def _graph_of(self, source: str) -> str:
        for quad in self.store.quads_for_pattern(
            ox.NamedNode(source), ox.NamedNode(tr.describesGraph), None, None
        ):
            return quad.object.value
        return ""

    # ---------------------------------------------------------------- links

    def links(self, iri: str, direction: str, relation: str) -> list[Link]:
        """Links of ``relation`` (compact, tr:…) leaving (``from``) or reaching (``to``) a node."""
        key = (iri, direction)
        if key not in self._links:
            self._links[key] = self._read_links(iri, direction)
        return [k for k in self._links[key] if k.relation == relation]

    def _read_links(self, iri: str, direction: str) -> list[Link]:
        bound = {"s": ox.NamedNode(iri)} if direction == "from" else {"o": ox.NamedNode(iri)}
        found: dict[tuple[str, str, str], dict] = defaultdict(
            lambda: {"periods": set(), "sources": set(), "graphs": set()}
        )
        for row in self.run(f"links-{direction}", **bound):
            triple = (row["s"].value, compact(row["p"].value), row["o"].value)
            entry = found[triple]
            qualifier = row["qualifier"]
            timed = qualifier is not None and (row["start"] or row["end"])
            if timed:
                entry["periods"].add(Period(_day(row["start"]), _day(row["end"])))
            if row["g"] is not None:
                entry["graphs"].add(row["g"].value)
            if row["source"] is not None:
                entry["sources"].add(row["source"].value)
        links = []
        for (s, p, o), entry in found.items():
            # a timed relation's dates are the link's; an undated statement of the same
            # triple adds a source, not a claim that it always held
            periods = tuple(sorted(entry["periods"])) or (ALWAYS,)
            sources = tuple(sorted((self.source(x) for x in entry["sources"]), key=_source_key))
            assumed = bool(entry["graphs"]) and entry["graphs"] <= self.assumed_graphs
            links.append(Link(self.node(s), p, self.node(o), periods, sources, assumed=assumed))
        return sorted(links, key=lambda k: (k.subject.iri, k.relation, k.object.iri))

    # ---------------------------------------------------------------- instruments

    def instrument(self, iri: str) -> Instrument | None:
        if iri not in self._instruments:
            rows = list(self.run("instrument", instrument=ox.NamedNode(iri)))
            if not rows:
                self._instruments[iri] = None
            else:
                since = min(
                    (d for r in rows if r["since"] and (d := _day(r["since"]))), default=None
                )
                ends = min((d for r in rows if r["ends"] and (d := _day(r["ends"]))), default=None)
                state = next((r["state"].value for r in rows if r["state"]), "")
                sources = {r["source"].value for r in rows if r["source"]}
                self._instruments[iri] = Instrument(
                    node=self.node(iri),
                    state=self.node(state) if state else Node("", ""),
                    in_force=in_force(since, ends),
                    sources=tuple(sorted((self.source(s) for s in sources), key=_source_key)),
                )
        return self._instruments[iri]

    def restrictions(self, target: str) -> list[tuple[str, str, str, tuple, bool]]:
        """(measure, instrument adding the target — the measure or an amendment, tr:restricts
        or tr:designates, sources, whether only an assumed graph states it)."""
        if target not in self._restrictions:
            self._restrictions[target] = self._read_restrictions(target)
        return self._restrictions[target]

    def _read_restrictions(self, target: str) -> list[tuple[str, str, str, tuple, bool]]:
        found: dict[tuple[str, str, str], tuple[set, set]] = defaultdict(lambda: (set(), set()))
        for row in self.run("restrictions", target=ox.NamedNode(target)):
            key = (row["measure"].value, row["restricting"].value, compact(row["p"].value))
            sources, graphs = found[key]
            graphs.add(row["g"].value)
            if row["source"] is not None:
                sources.add(row["source"].value)
        return [
            (
                m,
                r,
                p,
                tuple(sorted((self.source(s) for s in srcs), key=_source_key)),
                graphs <= self.assumed_graphs,
            )
            for (m, r, p), (srcs, graphs) in sorted(found.items())
        ]

    def conflicts(self, measure: str) -> dict[str, list[Act]]:
        """For each law forbidding compliance with the measure, the acts invoking it."""
        if measure not in self._conflicts:
            self._conflicts[measure] = self._read_conflicts(measure)
        return self._conflicts[measure]

    def _read_conflicts(self, measure: str) -> dict[str, list[Act]]:
        laws: dict[str, dict[str, dict]] = defaultdict(dict)
        for row in self.run("conflicts", measure=ox.NamedNode(measure)):
            acts = laws[row["law"].value]
            if row["act"] is None:
                continue
            act = acts.setdefault(
                row["act"].value,
                {
                    "kind": row["kind"].value,
                    "day": _day(row["actDate"]),
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
        if iri not in self._contested and not any(self._quads(None, CONCERNS, ox.NamedNode(iri))):
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


def _source_key(source) -> tuple:
    return (source.published, source.url, source.iri)


# -------------------------------------------------------------------- the walk


def reaches(walker: Walker, entity: Node) -> list[tuple[str, list[Link], str]]:
    """(how, links from the entity upwards, restricted target) for every way up."""
    found: list[tuple[str, list[Link], str]] = []
    iri = entity.iri

    def add(how: str, chains):
        for links, target in chains:
            found.append((how, links, target))

    if entity.kind != "firm":  # a state (or anything hosting projects and facilities)
        for hosts in walker.links(iri, "to", "tr:locatedIn"):
            add("hosts-project", _prefixed(hosts, _via_project(walker, hosts.subject.iri)))
        for stands in walker.links(iri, "to", "tr:facilityIn"):
            facility = stands.subject.iri
            for run in walker.links(facility, "from", "tr:operatedBy"):
                add("hosts-facility", _prefixed(stands, _prefixed(run, _via_firm(walker, run))))
            for fab in walker.links(facility, "to", "tr:fabricatedAt"):
                add("hosts-fab", _prefixed(stands, _prefixed(fab, _via_item(walker, fab.subject))))
        for home in walker.links(iri, "to", "tr:headquarteredIn"):
            add("home-of-subsidiary", _prefixed(home, _parents(walker, home.subject.iri)))
    if entity.kind != "state":
        for part in walker.links(iri, "to", "tr:participant"):
            add("project-participant", _prefixed(part, _via_project(walker, part.subject.iri)))
        add("subsidiary", _parents(walker, iri))
        for fab in walker.links(iri, "to", "tr:fabricatedBy"):
            add("fabricates", _prefixed(fab, _via_item(walker, fab.subject)))
        for run in walker.links(iri, "to", "tr:operatedBy"):
            for fab in walker.links(run.subject.iri, "to", "tr:fabricatedAt"):
                add("operates-fab", _prefixed(run, _prefixed(fab, _via_item(walker, fab.subject))))
    return found


def _prefixed(link: Link, chains):
    for links, target in chains:
        yield [link, *links], target


def _via_project(walker: Walker, project: str):
    for use in walker.links(project, "from", "tr:usesItem"):
        yield from _prefixed(use, _via_item(walker, use.object))


def _via_item(walker: Walker, item: Node):
    """The item itself, its family, the chips of a family, its designer and the group."""
    yield [], item.iri
    for family in walker.links(item.iri, "from", "tr:productFamily"):
        yield [family], family.object.iri
    for chip in walker.links(item.iri, "to", "tr:productFamily"):
        yield [chip], chip.subject.iri
    for designer in walker.links(item.iri, "from", "tr:designedBy"):
        yield from _prefixed(designer, _via_firm(walker, designer, reached=designer.object))


def _via_firm(walker: Walker, link: Link, reached: Node | None = None):
    firm = reached or link.object
    yield [], firm.iri
    yield from _parents(walker, firm.iri)


def _parents(walker: Walker, firm: str, seen: frozenset[str] = frozenset()):
    """Every ancestor of a firm up tr:subsidiaryOf, with the chain of links to it."""
    if len(seen) >= MAX_DEPTH:
        return
    for parent in walker.links(firm, "from", "tr:subsidiaryOf"):
        up = parent.object.iri
        if up in seen or up == firm:
            continue
        yield [parent], up
        yield from _prefixed(parent, _parents(walker, up, seen | {firm}))


def all_paths(walker: Walker, entity: Node) -> list[Path]:
    """Every path of the entity, each with the days on which it holds (maybe none)."""
    paths: dict[str, Path] = {}
    home = walker.home(entity.iri)
    for how, upward, target in reaches(walker, entity):
        for measure_iri, restricting, relation, restriction_sources, assumed in walker.restrictions(
            target
        ):
            measure = walker.instrument(measure_iri)
            if measure is None:
                continue
            restriction = Link(
                walker.node(restricting),
                relation,
                walker.node(target),
                _amendment_in_force(walker, measure_iri, restricting),
                restriction_sources,
                assumed=assumed,
            )
            for law_iri, acts in walker.conflicts(measure_iri).items():
                law = walker.instrument(law_iri)
                if law is None or law.state.iri in ("", measure.state.iri):
                    continue
                parties = {law.state.iri, measure.state.iri}
                if entity.iri in parties or home in parties:
                    continue  # the rivals and their own firms are parties, not caught
                threats = [a.day for a in acts if a.kind == "threat" and a.day]
                conflict = Period(min(threats), None) if threats else ALWAYS
                links = [restriction, *reversed(upward)]
                periods = meet_all(
                    [
                        (measure.in_force,),
                        (law.in_force,),
                        (conflict,),
                        *(k.periods for k in links),
                    ]
                )
                path = Path(
                    entity=entity,
                    how=HOW[how],
                    measure=measure,
                    law=law,
                    acts=tuple(acts),
                    links=tuple(links),
                    periods=periods,
                )
                paths.setdefault(path.key, path)
    return [_with_contested(walker, p) for p in sorted(paths.values(), key=_path_order)]


def _amendment_in_force(walker: Walker, measure: str, restricting: str) -> tuple[Period, ...]:
    """A restriction added by an amendment holds while the amendment is in force."""
    if restricting == measure:
        return (ALWAYS,)
    amendment = walker.instrument(restricting)
    return (amendment.in_force,) if amendment else (ALWAYS,)


def _path_order(path: Path) -> tuple:
    return (path.how, path.through.name, path.measure.node.iri, path.law.node.iri, path.key)


def _with_contested(walker: Walker, path: Path) -> Path:
    """Mark the links a contested matter bears on: one about two of the link's ends (a
    project and the chip family it uses), or about the measure or the law alone."""
    links = []
    for link in path.links:
        ends = {link.subject.iri, link.object.iri}
        found = {
            c.matter: c
            for end in ends
            for c in walker.contested(end)
            if set(c.concerns) <= ends and len(c.concerns) >= 2
        }
        links.append(dataclasses.replace(link, contested=tuple(found[m] for m in sorted(found))))
    on_instruments = {
        c.matter: c
        for inst in (path.measure.node.iri, path.law.node.iri)
        for c in walker.contested(inst)
        if set(c.concerns) == {inst}
    }
    return Path(
        entity=path.entity,
        how=path.how,
        measure=path.measure,
        law=path.law,
        acts=path.acts,
        links=tuple(links),
        periods=path.periods,
        contested=tuple(on_instruments[m] for m in sorted(on_instruments)),
    )


def _earliest(terms) -> date | None:
    """The earliest of the dates among ``terms`` (None where a row has none)."""
    days = [d for t in terms if t and (d := _day(t)) is not None]
    return min(days, default=None)
