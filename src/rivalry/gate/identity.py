"""Identity rules for a change set: no second IRI for a thing the graph already has, and
no reference to an IRI the graph does not know without a "did you mean"."""

from __future__ import annotations

import difflib
from collections import defaultdict

import pycountry
import pyoxigraph as ox

from rivalry.kernel.names import normalise
from rivalry.kernel.namespaces import ID, PREFIXES, compact
from rivalry.kernel.terms import rdf, rdfs, skos, tr
from rivalry.load.parse import Sources
from rivalry.validate.provenance import DESCRIBES, second_source
from rivalry.validate.report import Problem

TYPE = ox.NamedNode(rdf.type)
LABEL = ox.NamedNode(rdfs.label)
EXACT = ox.NamedNode(skos.exactMatch)
ISO = ox.NamedNode(tr.isoCode)
URL = ox.NamedNode(tr.url)
NEWS_REPORT = ox.NamedNode(tr.NewsReport)

SAME_KEY = """
SELECT DISTINCT ?existing ?key WHERE { ?existing ?property ?key . }"""

# kinds whose keys are names a curator types, so a near miss is likely a typo
NAMED_KINDS = {
    "state",
    "body",
    "person",
    "firm",
    "publisher",
    "chip",
    "family",
    "project",
    "instrument",
    "list",
    "designation",
    "matter",
}

# scans only the entities of one type, so the cost follows that type's size, not the graph's
SAME_TYPE_LABELS = """
SELECT DISTINCT ?type ?existing ?label WHERE { ?existing a ?type ; rdfs:label ?label . }"""

KNOWN_IN_KIND = """
SELECT DISTINCT ?kind ?known WHERE {
    ?known a ?class . FILTER (STRSTARTS(STR(?known), ?kind))
}"""


def identity_problems(store: ox.Store, change: Sources) -> list[Problem]:
    facts = [q.triple for q in change.facts]
    subjects = {t.subject for t in facts if isinstance(t.subject, ox.NamedNode)}
    new = {s for s in subjects if not _known(store, s)}
    problems = []
    typed = {t.subject for t in facts if t.predicate == TYPE}
    by_subject = defaultdict(list)
    for t in facts:
        by_subject[t.subject].append(t)
    # each type's labels and each kind's keys are read once per check, not once per entity
    lookups = _Lookups(store)
    for entity in sorted(new, key=str):
        problems += _duplicates(store, entity, by_subject[entity], lookups)
        similar = _similar(lookups, entity)
        if entity not in typed:
            hint = f" Did you mean {compact(similar)}?" if similar else " Add its rdf:type."
            problems.append(
                _problem(
                    "untyped-entity",
                    entity,
                    f"{compact(entity.value)} is not in the graph and the change gives it "
                    f"no type, so nothing can check it.{hint}",
                )
            )
        elif similar:
            message = (
                f"{compact(entity.value)} is new, but the graph has {compact(similar)}. Did you "
                f"mean {compact(similar)}? If they are different things, ignore this warning."
            )
            problems.append(_problem("similar-iri", entity, message, severity="warning"))
    problems += _claimed_graphs(store, facts)
    defined = subjects | {ox.NamedNode(v) for v in PREFIXES.values()}
    for term in sorted({t.object for t in facts if isinstance(t.object, ox.NamedNode)}, key=str):
        if term.value.startswith(ID) and term not in defined and not _known(store, term):
            problems.append(_dangling(lookups, term))
    return problems


def _claimed_graphs(store: ox.Store, facts: list[ox.Triple]) -> list[Problem]:
    """A change's source may not describe a graph the built graph already has a source for,
    nor, with what the graph already says of it, more than one graph."""
    problems = []
    claims = defaultdict(set)
    for t in facts:
        if t.predicate == DESCRIBES and isinstance(t.subject, ox.NamedNode):
            claims[t.subject].add(t.object)
    for source, graphs in sorted(claims.items(), key=str):
        for graph in sorted(graphs, key=str):
            others = sorted(
                {q.subject.value for q in store.quads_for_pattern(None, DESCRIBES, graph)}
                - {source.value}
            )
            if others:
                problems.append(second_source(source.value, graph.value, others))
        known = {q.object for q in store.quads_for_pattern(source, DESCRIBES, None)}
        if known - graphs and len(graphs | known) > 1:  # within the change: provenance.py
            listed = ", ".join(f"<{g.value}>" for g in sorted(graphs | known, key=str))
            problems.append(
                _problem(
                    "source-describes-one-graph",
                    source,
                    f"{compact(source.value)} would describe {len(graphs | known)} named graphs "
                    f"({listed}); a source describes only the graph of the facts taken from it",
                )
            )
    return problems


def _known(store: ox.Store, term: ox.NamedNode) -> bool:
    pattern = store.quads_for_pattern(term, None, None, ox.DefaultGraph())
    return next(iter(pattern), None) is not None


class _Lookups:
    def __init__(self, store: ox.Store):
        self.store = store
        self._labels: dict[ox.NamedNode, list] = {}
        self._keys: dict[str, set[str]] = {}

    def labels(self, kind: ox.NamedNode) -> list[tuple[ox.NamedNode, str, str]]:
        """(entity, normalised label, label) for every entity of type ``kind``."""
        if kind not in self._labels:
            rows = self.store.query(
                SAME_TYPE_LABELS, prefixes=PREFIXES, substitutions={ox.Variable("type"): kind}
            )
            self._labels[kind] = [
                (row["existing"], normalise(row["label"].value), row["label"].value) for row in rows
            ]
        return self._labels[kind]

    def keys(self, kind: str) -> set[str]:
        """The keys of the known IRIs under ``kind`` (…/id/firm/)."""
        if kind not in self._keys:
            rows = self.store.query(
                KNOWN_IN_KIND,
                prefixes=PREFIXES,
                substitutions={ox.Variable("kind"): ox.Literal(kind)},
            )
            self._keys[kind] = {row["known"].value.rpartition("/")[2] for row in rows}
        return self._keys[kind]


def _duplicates(
    store: ox.Store, entity: ox.NamedNode, mine: list[ox.Triple], lookups: _Lookups
) -> list[Problem]:
    problems = []
    for code in {t.object.value for t in mine if t.predicate == ISO}:
        if pycountry.countries.get(alpha_2=code) is None:
            message = (
                f"{compact(entity.value)} has ISO code {code!r}, which ISO 3166-1 does not "
                "assign to any country. Use the state's two-letter code, e.g. MY."
            )
            problems.append(_problem("unknown-country-code", entity, message))
    keys = [(EXACT, "the same Wikidata item"), (ISO, "the same ISO 3166 code")]
    if any(t.predicate == TYPE and t.object == NEWS_REPORT for t in mine):
        # one article, one URL; a list or register is republished at its address each day
        keys.append((URL, "the same URL: it is the same article"))
    for prop, what in keys:
        for value in {t.object for t in mine if t.predicate == prop}:
            for q in store.quads_for_pattern(None, prop, value, ox.DefaultGraph()):
                if q.subject != entity:
                    problems.append(_duplicate(entity, q.subject, f"{what} ({_text(value)})"))
    labels = {normalise(t.object.value) for t in mine if t.predicate == LABEL}
    types = {t.object for t in mine if t.predicate == TYPE}
    for kind in types if labels else ():
        for existing, normalised, label in lookups.labels(kind):
            if existing != entity and normalised in labels:
                why = f"the same name and type ({label}, {compact(kind.value)})"
                problems.append(_duplicate(entity, existing, why))
    return problems


def _problem(rule: str, entity: ox.NamedNode, message: str, severity="violation") -> Problem:
    return Problem(severity, "identity", rule, message, focus=entity.value)


def _duplicate(entity: ox.NamedNode, existing: ox.NamedNode, why: str) -> Problem:
    return _problem(
        "duplicate-entity",
        entity,
        f"{compact(entity.value)} is new, but {compact(existing.value)} already exists "
        f"with {why}. Use {compact(existing.value)} instead of minting a second IRI for it.",
    )


def _similar(lookups: _Lookups, term: ox.NamedNode) -> str | None:
    """The known IRI of the same kind (state/, firm/, …) whose key is closest to ``term``'s."""
    kind, _, key = term.value.rpartition("/")
    if kind.removeprefix(ID) not in NAMED_KINDS:
        return None
    known = lookups.keys(kind + "/") - {key}
    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.8)
    return f"{kind}/{close[0]}" if close else None


def _dangling(lookups: _Lookups, term: ox.NamedNode) -> Problem:
    close = _similar(lookups, term)
    hint = (
        f" Did you mean {compact(close)}?"
        if close
        else " Define it (type and label) in the change."
    )
    message = f"{compact(term.value)} is not in the graph, nor defined by the change.{hint}"
    return _problem("unknown-entity", term, message)


def _text(term) -> str:
    return compact(term.value) if isinstance(term, ox.NamedNode) else term.value
