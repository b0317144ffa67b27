"""The VoID and DCAT description (one Turtle file, `void.ttl`).

The dataset is both a `void:Dataset` (counts, partitions per named graph, URI space,
vocabularies, SPARQL endpoint, example resources) and a `dcat:Dataset` (title, licence, version,
dates, publisher, one `dcat:Distribution` per file with media type, byte size and SHA-256).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from rivalry.kernel.namespaces import BASE, FOAF, ID, PREFIXES
from rivalry.kernel.terms import dcterms, foaf, rdf, xsd

DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
SPDX = "http://spdx.org/rdf/terms#"
SD = "http://www.w3.org/ns/sparql-service-description#"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
DESCRIPTION_PREFIXES = {
    **PREFIXES,
    "dcat": DCAT,
    "void": VOID,
    "spdx": SPDX,
    "sd": SD,
    "foaf": FOAF,
}


class Distribution(Protocol):
    """A file of a release as the description lists it (publish.dumps.Dump is one)."""

    path: Path
    media_type: str
    title: str
    compression: str | None

    @property
    def size(self) -> int: ...

    @property
    def sha256(self) -> str: ...


EXAMPLES = ("state/MY", "firm/huawei", "chip/huawei-ascend-910c", "body/us-bis")


def describe(
    quads: list[ox.Quad],
    dumps: Sequence[Distribution],
    *,
    version: str,
    issued: date,
    base_url: str,
    endpoint: str | None,
    licence: str = LICENCE,
) -> bytes:
    dataset = ox.NamedNode(BASE + "dataset")
    triples: list[ox.Triple] = []

    def add(s, p: str, o) -> None:
        triples.append(ox.Triple(s, ox.NamedNode(p), o))

    def text(value: str) -> ox.Literal:
        return ox.Literal(value, language="en")

    def number(value: int) -> ox.Literal:
        return ox.Literal(str(value), datatype=ox.NamedNode(xsd.integer))

    publisher = ox.NamedNode(BASE + "project")
    add(publisher, rdf.type, ox.NamedNode(foaf.Organization))
    add(publisher, foaf.name, text("Tech Rivalry Knowledge Graph project"))

    for kind in (DCAT + "Dataset", VOID + "Dataset"):
        add(dataset, rdf.type, ox.NamedNode(kind))
    add(dataset, dcterms.title, text("Tech Rivalry Knowledge Graph"))
    add(
        dataset,
        dcterms.description,
        text(
            "States, government bodies, firms, chips and legal instruments of the technology "
            "rivalry between states, with the dated events and sourced claims that link them; "
            "one named graph per source document."
        ),
    )
    add(dataset, dcterms.license, ox.NamedNode(licence))
    add(dataset, dcterms.publisher, publisher)
    add(dataset, DCAT + "version", ox.Literal(version))
    add(
        dataset,
        dcterms.issued,
        ox.Literal(issued.isoformat(), datatype=ox.NamedNode(xsd.date)),
    )
    modified = max(
        (q.object.value for q in quads if q.predicate.value == PREFIXES["tr"] + "published"),
        default=issued.isoformat(),
    )
    add(dataset, dcterms.modified, ox.Literal(modified, datatype=ox.NamedNode(xsd.date)))
    add(dataset, DCAT + "landingPage", ox.NamedNode(base_url))
    add(dataset, VOID + "uriSpace", ox.Literal(ID))
    add(dataset, VOID + "rootResource", ox.NamedNode(ID + "state/MY"))
    if endpoint:
        add(dataset, VOID + "sparqlEndpoint", ox.NamedNode(endpoint))
    add(dataset, VOID + "dataDump", ox.NamedNode(base_url + "dataset.nt.gz"))

    subjects = {q.subject.value for q in quads}
    for key in EXAMPLES:
        if ID + key in subjects:
            add(dataset, VOID + "exampleResource", ox.NamedNode(ID + key))
    for namespace in sorted(_vocabularies(quads)):
        add(dataset, VOID + "vocabulary", ox.NamedNode(namespace))

    union = {q.triple for q in quads}
    add(dataset, VOID + "triples", number(len(union)))
    add(dataset, VOID + "entities", number(len(_entities(union))))
    add(dataset, VOID + "distinctSubjects", number(len({t.subject for t in union})))
    add(dataset, VOID + "properties", number(len({t.predicate for t in union})))

    by_graph: dict[str, set[ox.Triple]] = defaultdict(set)
    for q in quads:
        by_graph[q.graph_name.value].add(q.triple)
    for graph, members in sorted(by_graph.items()):
        part = ox.NamedNode(BASE + "dataset/graph/" + graph.removeprefix(BASE + "graph/"))
        add(dataset, VOID + "subset", part)
        add(part, rdf.type, ox.NamedNode(VOID + "Dataset"))
        add(part, SD + "name", ox.NamedNode(graph))
        add(part, VOID + "triples", number(len(members)))
        add(part, VOID + "entities", number(len(_entities(members))))

    classes = Counter(
        t.object.value
        for t in union
        if t.predicate.value == rdf.type and t.object.value.startswith(PREFIXES["tr"])
    )
    for cls, count in sorted(classes.items()):
        part = ox.NamedNode(BASE + "dataset/class/" + cls.removeprefix(PREFIXES["tr"]))
        add(dataset, VOID + "classPartition", part)
        add(part, VOID + "class", ox.NamedNode(cls))
        add(part, VOID + "entities", number(count))

    for dump in dumps:
        name = dump.path.name
        dist = ox.NamedNode(base_url + name)
        add(dataset, DCAT + "distribution", dist)
        add(dist, rdf.type, ox.NamedNode(DCAT + "Distribution"))
        add(dist, dcterms.title, text(dump.title))
        add(dist, DCAT + "accessURL", ox.NamedNode(base_url + name))
        add(dist, DCAT + "downloadURL", ox.NamedNode(base_url + name))
        add(
            dist,
            DCAT + "mediaType",
            ox.NamedNode("https://www.iana.org/assignments/media-types/" + dump.media_type),
        )
        if dump.compression:
            add(
                dist,
                DCAT + "compressFormat",
                ox.NamedNode("https://www.iana.org/assignments/media-types/" + dump.compression),
            )
        add(
            dist,
            DCAT + "byteSize",
            ox.Literal(str(dump.size), datatype=ox.NamedNode(xsd.nonNegativeInteger)),
        )
        add(dist, dcterms.license, ox.NamedNode(licence))
        checksum = ox.BlankNode(f"checksum-{name.replace('.', '-')}")
        add(dist, SPDX + "checksum", checksum)
        add(checksum, rdf.type, ox.NamedNode(SPDX + "Checksum"))
        add(checksum, SPDX + "algorithm", ox.NamedNode(SPDX + "checksumAlgorithm_sha256"))
        add(
            checksum,
            SPDX + "checksumValue",
            ox.Literal(dump.sha256, datatype=ox.NamedNode(xsd.hexBinary)),
        )

    triples.sort(key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=DESCRIPTION_PREFIXES)


def _entities(triples) -> set:
    return {t.subject for t in triples if t.subject.value.startswith(ID)}


def _vocabularies(quads: list[ox.Quad]) -> set[str]:
    used = set()
    for q in quads:
        iri = q.predicate.value
        cut = max(iri.rfind("#"), iri.rfind("/")) + 1
        used.add(iri[:cut])
    return used
