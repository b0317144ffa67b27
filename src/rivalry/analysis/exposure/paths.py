"""Find every exposure path of an entity, for all time at once.

The SPARQL files beside this module each answer one small question about one node (its
links, the instruments restricting it, the laws forbidding compliance with a measure…),
with the node bound by the engine; walker.py asks them. This module walks from the entity
up to what a measure restricts, following the link kinds of the conflicting-obligations query:

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
on the days all its links, the measure, the restriction and the conflict hold together."""

from __future__ import annotations

import dataclasses
from typing import Protocol

from rivalry.analysis.exposure.model import (
    ALWAYS,
    Link,
    Node,
    Path,
    Period,
    meet_all,
)
from rivalry.analysis.exposure.skeleton import Allowed, Skeleton
from rivalry.analysis.exposure.walker import Walker

MAX_DEPTH = 12  # subsidiary chains longer than this are a modelling error, not a group


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


class Steps(Protocol):
    """What the way up needs: the Walker, or the Skeleton that prunes it."""

    def links(self, iri: str, direction: str, relation: str) -> list[Link]: ...


def reaches(walker: Steps, entity: Node) -> list[tuple[str, list[Link], str]]:
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


def _via_project(walker: Steps, project: str):
    for use in walker.links(project, "from", "tr:usesItem"):
        yield from _prefixed(use, _via_item(walker, use.object))


def _via_item(walker: Steps, item: Node):
    """The item itself, its family, the chips of a family, its designer and the group."""
    yield [], item.iri
    for family in walker.links(item.iri, "from", "tr:productFamily"):
        yield [family], family.object.iri
    for chip in walker.links(item.iri, "to", "tr:productFamily"):
        yield [chip], chip.subject.iri
    for designer in walker.links(item.iri, "from", "tr:designedBy"):
        yield from _prefixed(designer, _via_firm(walker, designer, reached=designer.object))


def _via_firm(walker: Steps, link: Link, reached: Node | None = None):
    firm = reached or link.object
    yield [], firm.iri
    yield from _parents(walker, firm.iri)


def _parents(walker: Steps, firm: str, seen: frozenset[str] = frozenset()):
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
    if walker.prunable:
        walker.allowed = _allowed(walker, entity)
    ways = reaches(walker, entity)
    walker.read_restrictions({target for _, _, target in ways})  # one query for them all
    # and the measures, amendments, conflicts and laws they lead to, a query for each kind
    found = [r for _, _, t in ways for r in walker.restrictions(t)]
    walker.read_instruments({m for m, *_ in found} | {r for _, r, *_ in found})
    walker.read_conflicts({m for m, *_ in found})
    walker.read_instruments({law for m, *_ in found for law in walker.conflicts(m)})
    for how, upward, target in ways:
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


def _allowed(walker: Walker, entity: Node) -> Allowed:
    """The links on the skeleton's chains that end in a target restricted by a measure
    with a rival law against it: the only ones the walk then reads."""
    skeleton, allowed = Skeleton(walker.store), Allowed()
    for _, links, target in reaches(skeleton, entity):
        if skeleton.relevant(target):
            allowed.add(links, entity.iri)
    return allowed


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
        if found:  # most links bear no contested matter: keep them as they are
            link = dataclasses.replace(link, contested=tuple(found[m] for m in sorted(found)))
        links.append(link)
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
