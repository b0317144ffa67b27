"""Generated graphs in this domain, built with the real ontology, for benchmarks and for
testing that incremental checks find what full validation finds.

Sizes are approximate triple counts. Every fact sits in the named graph of a generated
source document, as in the real graph; the states are real ISO 3166 countries, and every
other name is made up and marked as synthetic.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import pycountry
import pyoxigraph as ox

from rivalry.kernel.namespaces import GRAPH, ID, RDF, RDFS, TR, XSD

TRIPLES_PER_FIRM = 20  # about what one firm brings (firm, chip, event, claim, rule share)
FIRMS_PER_SOURCE = 20


def _iri(kind: str, key: str) -> ox.NamedNode:
    return ox.NamedNode(f"{ID}{kind}/{key}")


def _t(name: str) -> ox.NamedNode:
    return ox.NamedNode(TR + name)


TYPE, LABEL = ox.NamedNode(RDF + "type"), ox.NamedNode(RDFS + "label")
DATE = ox.NamedNode(XSD + "date")


def _date(rng: random.Random, start: int = 2018, end: int = 2025) -> ox.Literal:
    return ox.Literal(
        f"{rng.randint(start, end)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        datatype=DATE,
    )


@dataclass
class Synthetic:
    quads: list[ox.Quad]
    firms: list[ox.NamedNode]
    bodies: list[ox.NamedNode]
    states: list[ox.NamedNode]


def generate(triples: int, seed: int = 7) -> Synthetic:
    rng = random.Random(seed)
    quads: list[ox.Quad] = []
    reference = ox.NamedNode(GRAPH + "syn-reference")
    ref_source = _iri("source", "syn-reference")

    def add(graph, s, p, o):
        quads.append(ox.Quad(s, p, o, graph))

    def describe(graph: ox.NamedNode, source: ox.NamedNode, key: str, publisher) -> None:
        add(graph, source, TYPE, _t("NewsReport"))
        add(
            graph,
            source,
            _t("url"),
            ox.Literal(
                f"https://example.org/synthetic/{key}", datatype=ox.NamedNode(XSD + "anyURI")
            ),
        )
        add(graph, source, _t("publisher"), publisher)
        add(graph, source, _t("title"), ox.Literal(f"Synthetic report {key}", language="en"))
        add(graph, source, _t("published"), ox.Literal("2025-12-31", datatype=DATE))
        add(graph, source, _t("describesGraph"), graph)

    publishers = [_iri("publisher", f"syn-{i}") for i in range(10)]
    describe(reference, ref_source, "reference", publishers[0])
    for i, publisher in enumerate(publishers):
        add(reference, publisher, TYPE, _t("NewsOrganisation"))
        add(reference, publisher, LABEL, ox.Literal(f"Synthetic Wire {i}", language="en"))
    states = []
    for country in list(pycountry.countries)[:20]:
        state = _iri("state", f"syn-{country.alpha_2}")
        states.append(state)
        add(reference, state, TYPE, _t("State"))
        add(reference, state, LABEL, ox.Literal(f"{country.name} (synthetic)", language="en"))
        add(reference, state, _t("isoCode"), ox.Literal(country.alpha_2))
    bodies = []
    for state in states:
        code = state.value.rsplit("-", 1)[1].lower()
        ministries = []
        for m in range(10):
            body = _iri("body", f"syn-{code}-ministry-{m}")
            ministries.append(body)
            add(reference, body, TYPE, _t("Ministry"))
            add(
                reference,
                body,
                LABEL,
                ox.Literal(f"Synthetic ministry {m} of {code}", language="en"),
            )
            add(reference, body, _t("ofState"), state)
        for a in range(20):
            body = _iri("body", f"syn-{code}-agency-{a}")
            add(reference, body, TYPE, _t("Agency"))
            add(
                reference, body, LABEL, ox.Literal(f"Synthetic agency {a} of {code}", language="en")
            )
            add(reference, body, _t("ofState"), state)
            add(reference, body, _t("parentBody"), rng.choice(ministries))
        bodies += ministries
    family = _iri("family", "syn-accelerators")
    add(reference, family, TYPE, _t("ProductFamily"))
    add(reference, family, LABEL, ox.Literal("Synthetic accelerators", language="en"))
    matter = _iri("matter", "syn-sold-chips")
    add(reference, matter, TYPE, _t("Matter"))
    add(
        reference, matter, LABEL, ox.Literal("Whether a firm sold chips (synthetic)", language="en")
    )

    firms: list[ox.NamedNode] = []
    count = max(1, (triples - len(quads)) // TRIPLES_PER_FIRM)
    for i in range(count):
        key = f"syn-{i // FIRMS_PER_SOURCE}"
        graph, source = ox.NamedNode(GRAPH + key), _iri("source", key)
        if i % FIRMS_PER_SOURCE == 0:
            describe(graph, source, key, rng.choice(publishers))
        firm = _iri("firm", f"syn-{i}")
        add(graph, firm, TYPE, _t("Firm"))
        add(graph, firm, LABEL, ox.Literal(f"Synthetic Firm {i}", language="en"))
        add(graph, firm, _t("headquarteredIn"), rng.choice(states))
        # shallow corporate groups: a head firm every 25, owning the next 24; heads are
        # sometimes owned by the previous head, so chains stay short as the graph grows
        head = firms[i - i % 25] if i % 25 else None
        if head is None and firms and rng.random() < 0.3:
            head = firms[i - 25]
        if head is not None:
            add(graph, firm, _t("subsidiaryOf"), head)
        firms.append(firm)
        chip = _iri("chip", f"syn-{i}")
        add(graph, chip, TYPE, _t("Chip"))
        add(graph, chip, LABEL, ox.Literal(f"Synthetic chip {i}", language="en"))
        add(graph, chip, _t("designedBy"), firm)
        add(graph, chip, _t("productFamily"), family)
        if i % 10 == 0:
            instrument = _iri("instrument", f"syn-{i}")
            add(graph, instrument, TYPE, _t("Regulation"))
            add(graph, instrument, LABEL, ox.Literal(f"Synthetic rule {i}", language="en"))
            add(graph, instrument, _t("issuedBy"), rng.choice(bodies))
            add(graph, instrument, _t("effectiveOn"), _date(rng))
        add(graph, _iri("instrument", f"syn-{i - i % 10}"), _t("restricts"), chip)
        event = _iri("event", f"syn-{i}")
        add(graph, event, TYPE, _t("PublicStatement"))
        add(graph, event, _t("onDate"), _date(rng))
        add(graph, event, _t("actor"), rng.choice(bodies))
        add(graph, event, _t("about"), chip)
        add(graph, event, _t("summary"), ox.Literal("Synthetic statement.", language="en"))
        add(graph, event, _t("source"), source)
        claim = _iri("claim", f"syn-{i}")
        add(graph, event, _t("makesClaim"), claim)
        add(graph, claim, TYPE, _t("Claim"))
        add(graph, claim, _t("claimant"), firm)
        add(graph, claim, _t("matter"), matter)
        add(graph, claim, _t("stance"), _t("Denies"))
        add(graph, claim, _t("source"), source)
    return Synthetic(quads, firms, bodies, states)


def _describe_source(add, source, graph, key: str, title: str) -> None:
    """The news report a generated change or layer is taken from."""
    add(source, TYPE, _t("NewsReport"))
    url = ox.Literal(f"https://example.org/synthetic/{key}", datatype=ox.NamedNode(XSD + "anyURI"))
    add(source, _t("url"), url)
    add(source, _t("publisher"), _iri("publisher", "syn-0"))
    add(source, _t("title"), ox.Literal(title, language="en"))
    add(source, _t("published"), ox.Literal("2025-12-31", datatype=DATE))
    add(source, _t("describesGraph"), graph)


def change_set(data: Synthetic, facts: int = 100, broken: int = 0, seed: int = 11) -> list[ox.Quad]:
    """About ``facts`` new triples about existing entities; the first ``broken`` events
    each break one rule (a missing date, a second state, an actor that is not an agent)."""
    rng = random.Random(seed)
    graph, source = ox.NamedNode(GRAPH + "syn-change"), _iri("source", "syn-change")
    quads = []

    def add(s, p, o):
        quads.append(ox.Quad(s, p, o, graph))

    _describe_source(add, source, graph, "change", "Synthetic change")
    i = 0
    while len(quads) < facts:
        event = _iri("event", f"syn-change-{i}")
        add(event, TYPE, _t("Announcement"))
        if not (i < broken and i % 3 == 0):
            add(event, _t("onDate"), _date(rng))
        actor = rng.choice(data.firms) if i < broken and i % 3 == 2 else rng.choice(data.bodies)
        add(event, _t("actor"), actor if not (i < broken and i % 3 == 2) else _iri("chip", "syn-0"))
        add(event, _t("about"), rng.choice(data.firms))
        add(event, _t("summary"), ox.Literal("Synthetic announcement.", language="en"))
        add(event, _t("source"), source)
        if i < broken and i % 3 == 1:
            add(rng.choice(data.bodies), _t("ofState"), rng.choice(data.states))
        i += 1
    return quads


def rivalry_layer(data: Synthetic, seed: int = 13) -> list[ox.Quad]:
    """What the rivalry analysis queries look for, on top of a generated graph: one
    anti-sanctions law per state; for half of the instruments a threat by a rival state
    invoking its law against the instrument, and a countermeasure answering it; every fifth
    firm in a project, in a random state, using its chip; some instruments also restrict the
    head of a corporate group."""
    rng = random.Random(seed)
    graph, source = ox.NamedNode(GRAPH + "syn-rivalry"), _iri("source", "syn-rivalry")
    quads: list[ox.Quad] = []

    def add(s, p, o):
        quads.append(ox.Quad(s, p, o, graph))

    _describe_source(add, source, graph, "rivalry", "Synthetic rivalry")
    state_of = {q.subject: q.object for q in data.quads if q.predicate == _t("ofState")}
    ministries = {}
    for body, state in state_of.items():
        ministries.setdefault(state, body)
    laws = {}
    for state in ministries:
        code = state.value.rsplit("-", 1)[1].lower()
        # a law is adopted by a legislature (trsh:LawShape), not by a ministry
        legislature = _iri("body", f"syn-{code}-legislature")
        add(legislature, TYPE, _t("Legislature"))
        add(legislature, LABEL, ox.Literal(f"Synthetic legislature of {code}", language="en"))
        add(legislature, _t("ofState"), state)
        law = _iri("instrument", f"syn-law-{code}")
        laws[state] = law
        add(law, TYPE, _t("Law"))
        add(law, LABEL, ox.Literal(f"Synthetic anti-sanctions law of {state.value}", language="en"))
        add(law, _t("issuedBy"), legislature)
        add(law, _t("effectiveOn"), ox.Literal("2018-01-01", datatype=DATE))
    issuers = {
        q.subject: state_of[q.object]
        for q in data.quads
        if q.predicate == _t("issuedBy") and q.object in state_of
    }
    for n, (instrument, state) in enumerate(sorted(issuers.items(), key=lambda p: p[0].value)):
        if n % 4 == 0:
            head = data.firms[(n * 10) - (n * 10) % 25]
            add(instrument, _t("restricts"), head)
        if n % 2:
            continue
        rival = rng.choice([s for s in laws if s != state])
        threat = _iri("event", f"syn-threat-{n}")
        add(threat, TYPE, _t("ThreatOfCountermeasures"))
        add(threat, _t("onDate"), _date(rng, 2024, 2025))
        add(threat, _t("actor"), ministries[rival])
        add(threat, _t("invokes"), laws[rival])
        add(threat, _t("targetsInstrument"), instrument)
        add(threat, _t("about"), instrument)
        add(threat, _t("source"), source)
        counter = _iri("instrument", f"syn-counter-{n}")
        add(counter, TYPE, _t("Regulation"))
        add(counter, LABEL, ox.Literal(f"Synthetic countermeasure {n}", language="en"))
        add(counter, _t("issuedBy"), ministries[rival])
        add(counter, _t("announcedOn"), _date(rng, 2024, 2025))
        add(counter, _t("respondsTo"), instrument)
    for i in range(0, len(data.firms), 5):
        project = _iri("project", f"syn-{i}")
        add(project, TYPE, _t("Project"))
        add(project, LABEL, ox.Literal(f"Synthetic project {i}", language="en"))
        add(project, _t("locatedIn"), rng.choice(data.states))
        add(project, _t("participant"), data.firms[i])
        add(project, _t("usesItem"), _iri("chip", f"syn-{i}"))
    return quads
