"""What an exposure explanation is made of: days, periods, sources, links and paths.

Every period is a closed range of days; ``None`` at either end means the graph gives no
bound there (the link holds as far as the graph knows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, order=True)
class Period:
    start: date | None = None
    end: date | None = None

    def holds_on(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def meet(self, other: Period) -> Period | None:
        """The days both hold, or None when they do not overlap."""
        start = max((d for d in (self.start, other.start) if d is not None), default=None)
        end = min((d for d in (self.end, other.end) if d is not None), default=None)
        if start is not None and end is not None and start > end:
            return None
        return Period(start, end)

    def text(self) -> str:
        if self.start is None and self.end is None:
            return "undated"
        return f"{self.start or '…'} to {self.end or '…'}"

    def to_json(self) -> dict:
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
        }


ALWAYS = Period()


def meet_all(periods: list[tuple[Period, ...]]) -> tuple[Period, ...]:
    """Intersect unions of periods: the days on which every part holds."""
    result: tuple[Period, ...] = (ALWAYS,)
    for options in periods:
        result = tuple(sorted({m for a in result for b in options if (m := a.meet(b)) is not None}))
        if not result:
            break
    return result


def in_force(since: date | None, ends: date | None) -> Period:
    """An instrument in force from ``since`` until the day before it ceased to have effect;
    with no day of entry into force known, it is never counted in force."""
    if since is None:
        return Period(date.max, date.min)  # empty; meet() rejects it
    return Period(since, ends - ONE_DAY if ends else None)


@dataclass(frozen=True)
class Source:
    iri: str
    url: str = ""
    publisher: str = ""
    published: str = ""
    title: str = ""
    assumed: bool = False  # from an --assume file, not from the graph

    def text(self) -> str:
        who = ", ".join(p for p in (self.publisher, self.published) if p)
        where = self.url or self.iri
        mark = "assumed: " if self.assumed else ""
        return f"{mark}{where}" + (f" ({who})" if who else "")

    def to_json(self) -> dict:
        return {
            "iri": self.iri,
            "url": self.url,
            "publisher": self.publisher,
            "published": self.published,
            "title": self.title,
            "assumed": self.assumed,
        }


@dataclass(frozen=True)
class Claim:
    claimant: str
    stance: str
    value: str
    source: Source | None

    def text(self) -> str:
        said = " ".join(x for x in (self.stance, self.value) if x)
        return f"{self.claimant}: {said}" + (f" — {self.source.text()}" if self.source else "")


@dataclass(frozen=True)
class Contested:
    """A matter on which claims disagree, bearing on a link; both sides shown."""

    matter: str
    name: str
    concerns: tuple[str, ...]
    claims: tuple[Claim, ...]

    def to_json(self) -> dict:
        return {
            "matter": self.matter,
            "name": self.name,
            "concerns": list(self.concerns),
            "claims": [
                {
                    "claimant": c.claimant,
                    "stance": c.stance,
                    "value": c.value,
                    "source": c.source.to_json() if c.source else None,
                }
                for c in self.claims
            ],
        }


@dataclass(frozen=True)
class Node:
    iri: str
    label: str
    kind: str = ""  # "state", "firm" or ""

    @property
    def name(self) -> str:
        return self.label or self.iri


@dataclass(frozen=True)
class Link:
    """One step of a path: ``subject relation object``, as the graph states it."""

    subject: Node
    relation: str  # compact property, e.g. tr:usesItem
    object: Node
    periods: tuple[Period, ...] = (ALWAYS,)
    sources: tuple[Source, ...] = ()
    contested: tuple[Contested, ...] = ()
    assumed: bool = False  # stated only by an --assume file

    def to_json(self) -> dict:
        return {
            "subject": self.subject.iri,
            "subjectName": self.subject.name,
            "relation": self.relation,
            "object": self.object.iri,
            "objectName": self.object.name,
            "periods": [p.to_json() for p in self.periods],
            "sources": [s.to_json() for s in self.sources],
            "contested": [c.to_json() for c in self.contested],
            "assumed": self.assumed,
        }


@dataclass(frozen=True)
class Act:
    """A threat or countermeasure that invokes the rival law against the measure."""

    iri: str
    kind: str  # "threat" or "countermeasure"
    day: date | None
    name: str
    sources: tuple[Source, ...] = ()

    def to_json(self) -> dict:
        return {
            "iri": self.iri,
            "kind": self.kind,
            "date": self.day.isoformat() if self.day else None,
            "name": self.name,
            "sources": [s.to_json() for s in self.sources],
        }


@dataclass(frozen=True)
class Instrument:
    node: Node
    state: Node
    in_force: Period
    sources: tuple[Source, ...] = ()

    def to_json(self) -> dict:
        return {
            "iri": self.node.iri,
            "name": self.node.name,
            "state": self.state.iri,
            "stateName": self.state.name,
            "inForce": self.in_force.to_json(),
            "sources": [s.to_json() for s in self.sources],
        }


@dataclass(frozen=True)
class Path:
    """Measure → what it restricts → … → the entity, and the rival law forbidding compliance.

    ``links`` run from the restriction (measure restricts target) to the link that reaches
    the entity; ``periods`` are the days on which all of it holds together."""

    entity: Node
    how: str
    measure: Instrument
    law: Instrument
    acts: tuple[Act, ...]
    links: tuple[Link, ...]
    periods: tuple[Period, ...]
    contested: tuple[Contested, ...] = ()  # on the measure or the law themselves

    @property
    def key(self) -> str:
        chain = " ".join(f"{k.subject.iri}>{k.relation}>{k.object.iri}" for k in self.links)
        return f"{self.measure.node.iri} | {self.law.node.iri} | {chain}"

    @property
    def through(self) -> Node:
        """The node next to the entity: the project, facility, parent firm or chip."""
        last = self.links[-1]
        return last.subject if last.object.iri == self.entity.iri else last.object

    @property
    def restricted(self) -> Node:
        return self.links[0].object

    @property
    def assumed(self) -> bool:
        return any(k.assumed for k in self.links)

    def holds_on(self, day: date) -> bool:
        return any(p.holds_on(day) for p in self.periods)

    def to_json(self) -> dict:
        return {
            "key": self.key,
            "how": self.how,
            "through": self.through.iri,
            "throughName": self.through.name,
            "restricted": self.restricted.iri,
            "restrictedName": self.restricted.name,
            "measure": self.measure.to_json(),
            "law": self.law.to_json(),
            "invokedBy": [a.to_json() for a in self.acts],
            "links": [k.to_json() for k in self.links],
            "periods": [p.to_json() for p in self.periods],
            "contested": [c.to_json() for c in self.contested],
            "assumed": self.assumed,
        }


@dataclass
class Exposure:
    """Every path by which an entity is exposed on one day."""

    entity: Node
    day: date
    paths: list[Path] = field(default_factory=list)
    assumed_files: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {
            "entity": self.entity.iri,
            "entityName": self.entity.name,
            "date": self.day.isoformat(),
            "assumed": list(self.assumed_files),
            "paths": [p.to_json() for p in self.paths],
        }


@dataclass(frozen=True)
class Change:
    """A day on which the set of paths changes: which begin, which end.

    ``kind`` is "exposed" on the window's first day (paths already holding), then "began"
    (from no path to some), "ended" (from some to none) or "changed"."""

    day: date
    kind: str
    began: tuple[Path, ...]
    ended: tuple[Path, ...]
    count: int  # paths holding from this day on


@dataclass
class Timeline:
    entity: Node
    start: date
    end: date
    changes: list[Change] = field(default_factory=list)
    assumed_files: tuple[str, ...] = ()

    def periods(self) -> list[tuple[date, date, int]]:
        """(first day, last day, number of paths) for each stretch between changes."""
        rows = []
        for i, change in enumerate(self.changes):
            last = self.changes[i + 1].day - ONE_DAY if i + 1 < len(self.changes) else self.end
            rows.append((change.day, last, change.count))
        return rows

    def to_json(self) -> dict:
        return {
            "entity": self.entity.iri,
            "entityName": self.entity.name,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "assumed": list(self.assumed_files),
            "changes": [
                {
                    "date": c.day.isoformat(),
                    "kind": c.kind,
                    "paths": c.count,
                    "began": [p.key for p in c.began],
                    "ended": [p.key for p in c.ended],
                }
                for c in self.changes
            ],
            "periods": [
                {"from": a.isoformat(), "to": b.isoformat(), "paths": n}
                for a, b, n in self.periods()
            ],
        }
