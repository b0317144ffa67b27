"""What a change does to exposure: the paths it creates, removes or moves in time.

Exposure is evaluated twice for the states and firms the change touches (and the home
states of those firms): on the graph as it is, and on the graph plus the change (the
``overlay``). A path is the same path when its key (measure, law, chain of links) is the
same; it has moved when the days it holds differ."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from rivalry.analysis.exposure.model import Node, Path, Period
from rivalry.analysis.exposure.paths import all_paths
from rivalry.analysis.exposure.render import _short
from rivalry.analysis.exposure.walker import KINDS, Walker
from rivalry.kernel.namespaces import compact
from rivalry.kernel.terms import rdf, tr

KIND_ORDER = ("created", "removed", "moved")


@dataclass(frozen=True)
class Effect:
    kind: str  # created, removed or moved
    entity: Node
    path: Path  # as it is after the change (before, for a removed one)
    before: tuple[Period, ...]
    after: tuple[Period, ...]

    def text(self) -> str:
        days = lambda periods: ", ".join(p.text() for p in periods) or "never"  # noqa: E731
        when = (
            f"holds {days(self.after)}"
            if self.kind == "created"
            else f"held {days(self.before)}"
            if self.kind == "removed"
            else f"held {days(self.before)}, now {days(self.after)}"
        )
        who = f"{self.entity.name} ({compact(self.entity.iri)})"
        return f"{self.kind}: {who} — {_short(self.path)}; {when}"

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "entity": self.entity.iri,
            "entityName": self.entity.name,
            "key": self.path.key,
            "how": self.path.how,
            "links": [
                f"{compact(k.subject.iri)} {k.relation} {compact(k.object.iri)}"
                for k in self.path.links
            ],
            "measure": self.path.measure.node.iri,
            "law": self.path.law.node.iri,
            "before": [p.to_json() for p in self.before],
            "after": [p.to_json() for p in self.after],
        }


def touched_entities(store: ox.Store, quads: Iterable[ox.Quad]) -> list[str]:
    """The states and firms named by the quads, and the home states of those firms, as
    ``store`` (the graph with the change) types them."""
    kinds = {cls for cls, _ in KINDS}
    named = {
        term for q in quads for term in (q.subject, q.object) if isinstance(term, ox.NamedNode)
    }
    found: set[str] = set()
    for term in named:
        types = {
            q.object
            for q in store.quads_for_pattern(term, ox.NamedNode(rdf.type), None, ox.DefaultGraph())
        }
        if types & kinds:
            found.add(term.value)
            for home in store.quads_for_pattern(
                term, ox.NamedNode(tr.headquarteredIn), None, ox.DefaultGraph()
            ):
                found.add(home.object.value)
    return sorted(found)


def _paths(store: ox.Store, iri: str, assumed: frozenset[str]) -> tuple[Node, dict[str, Path]]:
    walker = Walker(store, assumed)
    node = walker.node(iri)
    if node.kind not in ("state", "firm"):
        return node, {}
    return node, {p.key: p for p in all_paths(walker, node) if p.periods}


def compare(
    before: ox.Store, after: ox.Store, entities: Iterable[str], assumed=frozenset()
) -> list[Effect]:
    """The exposure paths that differ between two stores, for ``entities``."""
    effects = []
    for iri in entities:
        _, old = _paths(before, iri, frozenset())
        node, new = _paths(after, iri, assumed)
        for key in sorted(old.keys() | new.keys()):
            was, now = old.get(key), new.get(key)
            if was is None and now is not None:
                effects.append(Effect("created", node, now, (), now.periods))
            elif now is None and was is not None:
                effects.append(Effect("removed", node, was, was.periods, ()))
            elif was is not None and now is not None and was.periods != now.periods:
                effects.append(Effect("moved", node, now, was.periods, now.periods))
    return sorted(effects, key=lambda e: (KIND_ORDER.index(e.kind), e.entity.iri, e.path.key))


def change_effects(store: ox.Store, project, files: Iterable) -> list[Effect]:
    """The exposure effects of merging ``files`` into the graph of ``store`` (never merged:
    the change is laid over an in-memory copy)."""
    from rivalry.analysis.exposure.overlay import overlay

    files = list(files)
    memory, assumed = overlay(store, project, files)
    changed = [
        q
        for g in assumed.graphs
        for q in memory.quads_for_pattern(None, None, None, ox.NamedNode(g))
    ]
    return compare(store, memory, touched_entities(memory, changed), assumed.graphs)


def section(effects: list[Effect]):
    """The effects as a section of a check report (text lines and JSON)."""
    from rivalry.validate.report import Section

    lines = [e.text() for e in effects] or ["the change creates, removes or moves no exposure"]
    return Section(
        name="exposure",
        title="Exposure",
        lines=tuple(lines),
        data=[e.to_json() for e in effects],
    )
