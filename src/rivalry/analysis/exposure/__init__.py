"""Exposure: how a state or firm is caught between a measure in force and a rival law.

Pure functions over a pyoxigraph store, returning dataclasses (``model``) that the
renderers (``render``) turn into text, JSON, DOT and SVG, so that the CLI, a check report
or a page can each call them:

- ``explain(store, entity, day)``: every path on that day, with sources and contested links;
- ``timeline(store, entity, start, end)``: the days on which its exposure began, changed
  and ended;
- ``overlay(store, project, files)``: an in-memory copy of the store plus hypothetical
  facts, for "what if", never written back.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pyoxigraph as ox

from rivalry.analysis.exposure.model import ONE_DAY, Change, Exposure, Node, Path, Timeline
from rivalry.analysis.exposure.overlay import Assumed, overlay
from rivalry.analysis.exposure.paths import all_paths
from rivalry.analysis.exposure.resolve import EntityError, resolve
from rivalry.analysis.exposure.walker import Walker
from rivalry.kernel.namespaces import compact

__all__ = [
    "Assumed",
    "EntityError",
    "Exposure",
    "Timeline",
    "explain",
    "overlay",
    "paths_of",
    "resolve",
    "timeline",
]


def _walker(store: ox.Store, assumed: Assumed | None) -> Walker:
    return Walker(store, assumed.graphs if assumed else frozenset())


def paths_of(
    store: ox.Store, entity: str | ox.NamedNode, assumed: Assumed | None = None
) -> tuple[Node, list[Path]]:
    """The entity and all its paths, each with the days it holds (for all time)."""
    walker = _walker(store, assumed)
    node = walker.node(resolve(store, entity).value)
    if node.kind not in ("state", "firm"):
        raise EntityError(
            f"{compact(node.iri)} ({node.name}) is neither a state nor a firm; exposure is "
            "explained for states and firms"
        )
    return node, all_paths(walker, node)


def explain(
    store: ox.Store, entity: str | ox.NamedNode, day: date, assumed: Assumed | None = None
) -> Exposure:
    """Every path by which ``entity`` is exposed on ``day``; the threats listed are those
    made by that day."""
    node, paths = paths_of(store, entity, assumed)
    held = [
        dataclasses.replace(p, acts=tuple(a for a in p.acts if a.day is None or a.day <= day))
        for p in paths
        if p.holds_on(day)
    ]
    return Exposure(node, day, held, assumed.files if assumed else ())


def timeline(
    store: ox.Store,
    entity: str | ox.NamedNode,
    start: date,
    end: date,
    assumed: Assumed | None = None,
) -> Timeline:
    """The days in ``start``…``end`` on which the entity's set of paths changes.

    The first entry is ``start`` itself when any path holds then; each later one is a day
    on which a path begins (an instrument comes into force, a link starts, a threat is
    made) or ends (the day after a rescission takes effect or a link's last day)."""
    if end < start:
        raise EntityError(f"--to {end} is before --from {start}")
    node, paths = paths_of(store, entity, assumed)
    days = {start}
    for path in paths:
        for period in path.periods:
            if period.start and start < period.start <= end:
                days.add(period.start)
            if period.end and start <= period.end < end:
                days.add(period.end + ONE_DAY)
    changes: list[Change] = []
    before: set[str] = set()
    by_key = {p.key: p for p in paths}
    for day in sorted(days):
        now = {p.key for p in paths if p.holds_on(day)}
        if now == before and day != start:
            continue
        if day == start and not now:
            before = now
            continue
        began = tuple(by_key[k] for k in sorted(now - before))
        ended = tuple(by_key[k] for k in sorted(before - now))
        if day == start:
            kind = "exposed"
        elif not before:
            kind = "began"
        else:
            kind = "ended" if not now else "changed"
        changes.append(Change(day, kind, began, ended, len(now)))
        before = now
    return Timeline(node, start, end, changes, assumed.files if assumed else ())
