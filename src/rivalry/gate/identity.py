"""Identity rules for a change set: no second IRI for a thing the graph already has, and
no reference to an IRI the graph does not know without a "did you mean"."""

from __future__ import annotations

import difflib
from collections import defaultdict

import pycountry
import pyoxigraph as ox

from rivalry.kernel.names import name_key, url_key
from rivalry.kernel.namespaces import ID, PREFIXES, compact
from rivalry.kernel.terms import owl, rdf, rdfs, skos, tr
from rivalry.load.parse import Sources
from rivalry.validate.provenance import DESCRIBES, second_source
from rivalry.validate.report import Problem

TYPE = ox.NamedNode(rdf.type)
LABEL = ox.NamedNode(rdfs.label)
ALT_LABEL = ox.NamedNode(skos.altLabel)
# every name an entity goes by: its label, and alternative and former names (skos:altLabel)
NAMES = (LABEL, ALT_LABEL)
DIFFERENT = ox.NamedNode(owl.differentFrom)
ORGANISATION = ox.NamedNode(tr.Organisation)
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
SELECT DISTINCT ?type ?existing ?label WHERE {
    ?existing a ?type ; rdfs:label|skos:altLabel ?label .
}"""

ALL_URLS = """SELECT DISTINCT ?existing ?url WHERE { ?existing a tr:NewsReport ; tr:url ?url . }"""

PUBLISHER_NAMES = """
SELECT DISTINCT ?kind ?existing ?label WHERE {
    ?existing rdfs:label|skos:altLabel ?label . FILTER (STRSTARTS(STR(?existing), ?kind))
}"""

KNOWN_IN_KIND = """
SELECT DISTINCT ?kind ?known WHERE {
    ?known a ?class . FILTER (STRSTARTS(STR(?known), ?kind))
}"""


# a change with more untyped new nodes than this (a hostile 100,000-deep list) is refused
# on the first ones; the rest are reported as one count, so the check stays quick
UNTYPED_LISTED = 1000


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
    different = _declared_different(store, facts)
    for entity in sorted(subjects - new, key=str):
        # an existing entity given a Wikidata id or ISO code another entity already holds
        problems += _shared_keys(store, entity, by_subject[entity], different)
    untyped, unlisted = 0, []
    for entity in sorted(new, key=str):
        if entity not in typed and untyped >= UNTYPED_LISTED:
            unlisted.append(entity)  # refused already; counted, not each checked and located
            continue
        problems += _duplicates(store, entity, by_subject[entity], lookups, different)
        similar = _similar(lookups, entity)
        if entity not in typed:
            untyped += 1
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
    if unlisted:
        problems.append(
            _problem(
                "untyped-entity",
                unlisted[0],
                f"{len(unlisted)} more nodes, from {compact(unlisted[0].value)} on, are not in "
                "the graph and the change gives them no type (only the first "
                f"{UNTYPED_LISTED} are listed one by one). Add their rdf:type, or remove them.",
            )
        )
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
        self._named: dict[ox.NamedNode, dict[str, list[int]]] = {}
        self._by_length: dict[str, dict[int, list[str]]] = {}
        self._urls: dict[str, list[tuple[ox.NamedNode, str]]] | None = None

    def labels(self, kind: ox.NamedNode) -> list[tuple[ox.NamedNode, str, str]]:
        """(entity, normalised label, label) for every entity of type ``kind``."""
        if kind not in self._labels:
            rows = self.store.query(
                SAME_TYPE_LABELS, prefixes=PREFIXES, substitutions={ox.Variable("type"): kind}
            )
            self._labels[kind] = [
                (row["existing"], name_key(row["label"].value), row["label"].value) for row in rows
            ]
        return self._labels[kind]

    def near_in_length(self, kind: str, key: str) -> list[str]:
        """The known keys under ``kind`` other than ``key`` that difflib could find close at
        0.8: a ratio is at most 2·min(len)/(len + len), so the others are never looked at."""
        if kind not in self._by_length:
            by_length: dict[int, list[str]] = defaultdict(list)
            for known in self.keys(kind):
                by_length[len(known)].append(known)
            self._by_length[kind] = by_length
        size = len(key)
        return [
            known
            for length, keys in self._by_length[kind].items()
            if 2.0 * min(length, size) / (length + size) >= 0.8  # difflib's real_quick_ratio
            for known in keys
            if known != key
        ]

    def named(self, kind: ox.NamedNode, key: str) -> list[int]:
        """The positions in ``labels(kind)`` of the entities with that normalised name."""
        if kind not in self._named:
            index: dict[str, list[int]] = defaultdict(list)
            for i, (_, name, _) in enumerate(self.labels(kind)):
                index[name].append(i)
            self._named[kind] = index
        return self._named[kind].get(key, [])

    def urls(self) -> dict[str, list[tuple[ox.NamedNode, str]]]:
        """The known news reports by url_key of their URL."""
        if self._urls is None:
            self._urls = defaultdict(list)
            for row in self.store.query(ALL_URLS, prefixes=PREFIXES):
                self._urls[url_key(row["url"].value)].append((row["existing"], row["url"].value))
        return self._urls

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


def _declared_different(store: ox.Store, facts: list[ox.Triple]) -> set[frozenset]:
    """Pairs a curator declared distinct with owl:differentFrom (in the change or the
    graph): the deliberate way to keep a second entity that shares a name or key."""
    pairs = {frozenset((t.subject, t.object)) for t in facts if t.predicate == DIFFERENT}
    if next(iter(store.quads_for_pattern(None, DIFFERENT, None)), None) is None:
        return pairs  # the graph declares nothing distinct: no lookup per entity
    for entity in {t.subject for t in facts} | {t.object for t in facts}:
        if isinstance(entity, ox.NamedNode):
            for q in store.quads_for_pattern(entity, DIFFERENT, None):
                pairs.add(frozenset((entity, q.object)))
            for q in store.quads_for_pattern(None, DIFFERENT, entity):
                pairs.add(frozenset((entity, q.subject)))
    return pairs


def _shared_keys(
    store: ox.Store, entity: ox.NamedNode, mine: list[ox.Triple], different: set[frozenset]
) -> list[Problem]:
    problems = []
    for prop, what in ((EXACT, "the same Wikidata item"), (ISO, "the same ISO 3166 code")):
        for value in {t.object for t in mine if t.predicate == prop}:
            for q in store.quads_for_pattern(None, prop, value, ox.DefaultGraph()):
                other = q.subject
                if other != entity and frozenset((entity, other)) not in different:
                    problems.append(_duplicate(entity, other, f"{what} ({_text(value)})"))
    return problems


def _duplicates(
    store: ox.Store,
    entity: ox.NamedNode,
    mine: list[ox.Triple],
    lookups: _Lookups,
    different: set[frozenset],
) -> list[Problem]:
    problems = []
    for code in {t.object.value for t in mine if t.predicate == ISO}:
        if pycountry.countries.get(alpha_2=code) is None:
            message = (
                f"{compact(entity.value)} has ISO code {code!r}, which ISO 3166-1 does not "
                "assign to any country. Use the state's two-letter code, e.g. MY."
            )
            problems.append(_problem("unknown-country-code", entity, message))
    problems += _shared_keys(store, entity, mine, different)
    if any(t.predicate == TYPE and t.object == NEWS_REPORT for t in mine):
        # one article, one URL (scheme, www., trailing slash and tracking parameters aside);
        # a list or register is republished at its address each day
        for url in {t.object.value for t in mine if t.predicate == URL}:
            for other, existing_url in lookups.urls().get(url_key(url), []):
                if other != entity and frozenset((entity, other)) not in different:
                    why = f"the same URL ({existing_url}): it is the same article"
                    problems.append(_duplicate(entity, other, why))
    names = {name_key(t.object.value) for t in mine if t.predicate in NAMES}
    types = {t.object for t in mine if t.predicate == TYPE}
    reported = {p.message for p in problems}
    for kind in types if names else ():
        # only the entities of that type with one of these names, in the order of the scan
        same = sorted(i for name in names for i in lookups.named(kind, name))
        for existing, key, label in (lookups.labels(kind)[i] for i in same):
            if existing == entity or frozenset((entity, existing)) in different:
                continue
            if key in names:
                why = f"the same name and type ({label}, {compact(kind.value)})"
                problem = _duplicate(entity, existing, why)
                if problem.message not in reported:
                    reported.add(problem.message)
                    problems.append(problem)
    return problems


def reuse_known_publishers(store: ox.Store, change: Sources) -> None:
    """The CSV template mints a publisher IRI from the publisher's name; where the graph
    already has that publisher under another IRI (publisher:scmp for "South China Morning
    Post"), the change uses the existing one instead of being refused as a duplicate."""
    csv_graphs = {g for g, path in change.origin.items() if str(path).lower().endswith(".csv")}
    minted = {
        q.subject
        for q in change.facts
        if isinstance(q.subject, ox.NamedNode)
        and q.subject.value.startswith(ID + "publisher/")
        and isinstance(q.graph_name, ox.NamedNode)
        and q.graph_name.value in csv_graphs
        and not _known(store, q.subject)
    }
    if not minted:
        return
    rows = store.query(
        PUBLISHER_NAMES,
        prefixes=PREFIXES,
        substitutions={ox.Variable("kind"): ox.Literal(ID + "publisher/")},
    )
    known: dict[str, set[ox.NamedNode]] = defaultdict(set)
    for row in rows:
        known[name_key(row["label"].value)].add(row["existing"])
    swap = {}
    for publisher in minted:
        names = {
            name_key(q.object.value)
            for q in change.facts
            if q.subject == publisher and q.predicate == LABEL
        }
        found = set().union(*(known.get(n, set()) for n in names))
        if len(found) == 1:
            swap[publisher] = found.pop()
    if not swap:
        return
    facts = []
    for q in change.facts:
        if q.subject in swap and q.predicate in (TYPE, LABEL):
            continue  # the graph already types and names the publisher
        subject = swap.get(q.subject, q.subject)
        obj = swap.get(q.object, q.object) if isinstance(q.object, ox.NamedNode) else q.object
        facts.append(ox.Quad(subject, q.predicate, obj, q.graph_name))
    change.facts[:] = facts


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
    if kind == ID + "state" and len(key) == 2 and pycountry.countries.get(alpha_2=key) is None:
        known = lookups.keys(kind + "/") - {key}
        # two-letter codes are too short for difflib: for a code ISO 3166-1 does not assign,
        # a known code with the same first letter (JA -> JP)
        near = sorted(
            k
            for k in known
            if len(k) == 2
            and k[0] == key[0].upper()
            and pycountry.countries.get(alpha_2=k) is not None
        )
        if near:
            return f"{kind}/{near[0]}"
    close = difflib.get_close_matches(key, lookups.near_in_length(kind + "/", key), n=1, cutoff=0.8)
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
