"""Hostile change files for the gate (RELIABILITY.md §3.1), written into a folder on demand.

Each case is (file name, bytes, what it attacks). They are built from one valid submission
(a new chip of an existing firm) so every case differs from an accepted file by one attack.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from rivalry.load.csv_template import COLUMNS

HEAD = """@prefix tr: <https://w3id.org/tech-rivalry/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix firm: <https://w3id.org/tech-rivalry/id/firm/> .
@prefix chip: <https://w3id.org/tech-rivalry/id/chip/> .
@prefix publisher: <https://w3id.org/tech-rivalry/id/publisher/> .
@prefix source: <https://w3id.org/tech-rivalry/id/source/> .
"""
GRAPH = "https://w3id.org/tech-rivalry/graph/hostile"
SOURCE = f"""source:hostile a tr:NewsReport ;
        tr:url "https://example.org/hostile"^^xsd:anyURI ; tr:publisher publisher:iso ;
        tr:title "Hostile input (fixture)"@en ; tr:published "2025-06-02"^^xsd:date ;
        tr:describesGraph <{GRAPH}> ."""


def trig(body: str, graph: str = GRAPH) -> bytes:
    return f"{HEAD}<{graph}> {{\n    {SOURCE}\n    {body}\n}}\n".encode()


def chip(label: str = '"Hostile test part"@en', iri: str = "chip:hostile-part") -> str:
    return f"{iri} a tr:Chip ; rdfs:label {label} ; tr:designedBy firm:huawei ."


VALID = trig(chip())


def jsonld(context) -> bytes:
    return json.dumps(
        {"@context": context, "@id": "https://w3id.org/tech-rivalry/id/chip/x", "name": "x"}
    ).encode()


def cases(canary: str, folder: Path) -> list[tuple[str, bytes, str]]:
    """Every hostile case; ``canary`` is a loopback URL that must never be fetched."""
    local_context = folder / "context.jsonld"
    local_context.write_text(json.dumps({"@context": {"name": "http://example.org/leaked#"}}))
    nest = 100_000
    out = [
        # truncation and encodings
        ("cut-mid-iri.trig", VALID[: VALID.index(b"chip:hostile-part") + 30], "truncation"),
        ("cut-mid-literal.trig", VALID[: VALID.index(b"Hostile test") + 4], "truncation"),
        (
            "invalid-utf8.trig",
            trig(chip('"bad \xff"@en')).replace(b"\xc3\xbf", b"\xff"),
            "encoding",
        ),
        ("overlong-utf8.trig", trig(chip('"slash X"@en')).replace(b"X", b"\xc0\xaf"), "encoding"),
        ("utf16.trig", VALID.decode().encode("utf-16"), "encoding"),
        ("nul-byte.trig", trig(chip('"nul X"@en')).replace(b"X", b"\x00"), "encoding"),
        ("lone-surrogate.trig", trig(chip('"half \\uD800"@en')), "encoding"),
        # IRIs
        ("iri-space.trig", trig(chip(iri="<https://w3id.org/tech-rivalry/id/chip/a b>")), "iri"),
        ("iri-brace.trig", trig(chip(iri="<https://w3id.org/tech-rivalry/id/chip/{x}>")), "iri"),
        ("iri-relative.trig", trig(chip(iri="<hostile-part>")), "iri"),
        (
            "iri-bad-percent.trig",
            trig(chip(iri="<https://w3id.org/tech-rivalry/id/chip/%zz>")),
            "iri",
        ),
        ("iri-javascript.trig", trig(chip(iri="<javascript:alert(1)>")), "iri"),
        ("iri-data.trig", trig(chip(iri="<data:text/html,<b>x</b>>")), "iri"),
        ("iri-outside-namespace.trig", trig(chip(iri="<http://evil.example/chip>")), "iri"),
        # literals
        (
            "ill-typed-date.trig",
            VALID.replace(b'"2025-06-02"^^xsd:date', b'"2025-02-30"^^xsd:date'),
            "literal",
        ),
        ("bad-language-tag.trig", trig(chip('"x"@1')), "literal"),
        ("huge-literal.trig", trig(chip('"' + "x" * (17 * 1024 * 1024) + '"@en')), "size"),
        # nesting
        (
            "deep-turtle.trig",
            trig(
                chip()
                + " chip:hostile-part rdfs:seeAlso "
                + "[ rdfs:seeAlso " * nest
                + "]" * nest
                + " ."
            ),
            "nesting",
        ),
        (
            "deep-list.trig",
            trig(chip() + " chip:hostile-part rdfs:seeAlso " + "( " * nest + ")" * nest + " ."),
            "nesting",
        ),
        (
            "deep.jsonld",
            (
                '{"@context": {"p": "http://example.org/p"}, ' + '"p": {' * nest + "}" * nest + "}"
            ).encode(),
            "nesting",
        ),
        # formats never accepted
        (
            "billion-laughs.rdf",
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><r>&b;</r>',
            "entity-expansion",
        ),
        # contexts
        ("remote-context.jsonld", jsonld(f"{canary}/context.jsonld"), "remote-context"),
        ("file-context.jsonld", jsonld(local_context.as_uri()), "file-context"),
        (
            "import-context.jsonld",
            jsonld({"@version": 1.1, "@import": f"{canary}/i.jsonld"}),
            "remote-context",
        ),
        (
            "scoped-remote-context.jsonld",
            json.dumps(
                {
                    "@context": {
                        "@version": 1.1,
                        "p": {"@id": "http://example.org/p", "@context": f"{canary}/scoped.jsonld"},
                    },
                    "p": {"q": 1},
                }
            ).encode(),
            "remote-context",
        ),
        # ontology and shapes tampering
        (
            "redefine-class.trig",
            trig(chip() + " tr:Chip a owl:Class ; rdfs:subClassOf owl:Nothing ."),
            "ontology",
        ),
        ("new-tr-term.trig", trig(chip() + " tr:backdoor a owl:ObjectProperty ."), "ontology"),
        (
            "declare-shape.trig",
            trig(
                chip()
                + " chip:hostile-shape a sh:NodeShape ; sh:targetClass tr:Chip ;"
                + " sh:deactivated true ."
            ),
            "shapes",
        ),
        (
            "owl-imports.trig",
            trig(chip() + f" chip:hostile-part owl:imports <{canary}/onto.ttl> ."),
            "ontology",
        ),
        (
            "ontology-graph.trig",
            trig(chip(), "https://w3id.org/tech-rivalry/graph/ontology"),
            "reserved-graph",
        ),
        (
            "shapes-graph.trig",
            trig(chip(), "https://w3id.org/tech-rivalry/graph/shapes"),
            "reserved-graph",
        ),
        (
            "inferred-graph.trig",
            trig(chip(), "https://w3id.org/tech-rivalry/graph/inferred"),
            "reserved-graph",
        ),
        # confusables
        ("cyrillic-label.trig", trig(chip('"Hu\u0430wei Ascend"@en')), "confusable"),
        (
            "bidi-iri.trig",
            trig(chip(iri="<https://w3id.org/tech-rivalry/id/chip/abc\u202edef>")),
            "confusable",
        ),
        (
            "zero-width-iri.trig",
            trig(chip(iri="<https://w3id.org/tech-rivalry/id/chip/hostile\u200bpart>")),
            "confusable",
        ),
    ]
    header = ",".join(COLUMNS) + "\n"
    row = ",tr:designedBy,firm:huawei,,,,,https://example.org/h,H,Example News,2025-06-01\n"
    out += [
        ("csv-formula.csv", (header + '"=HYPERLINK(""http://evil"")"' + row).encode(), "csv"),
        (
            "csv-turtle-injection.csv",
            (header + '"chip:x> . <http://evil> <http://evil> ""z"' + row).encode(),
            "csv",
        ),
        ("csv-ragged.csv", (header + "chip:x,tr:designedBy\n").encode(), "csv"),
        ("csv-huge-row.csv", (header + "chip:x" + "y" * (11 * 1024 * 1024) + row).encode(), "csv"),
        ("csv-bom-semicolon.csv", ("\ufeff" + header.replace(",", ";")).encode(), "csv"),
        (
            "csv-bad-language.csv",
            (
                header
                + "chip:x,rdfs:label,,X,en_GB,,,https://example.org/h,H,Example News,2025-06-01\n"
            ).encode(),
            "csv",
        ),
    ]
    # RDF 1.2, characters no XML output can carry, dot segments, time zones (ATTACKS.md)
    reifies = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#reifies>"
    triple = "chip:hostile-part tr:designedBy firm:huawei"
    out += [
        (
            "triple-term.trig",
            trig(chip() + f" chip:hostile-part {reifies} <<( {triple} )>> ."),
            "rdf-1.2",
        ),
        ("quoted-triple.trig", trig(chip() + f' << {triple} >> rdfs:comment "x"@en .'), "rdf-1.2"),
        ("direction.trig", trig(chip('"Hostile part"@en--rtl')), "rdf-1.2"),
        ("noncharacter-label.trig", trig(chip('"Hostile \\uFFFE part"@en')), "xml-unsafe"),
        ("c1-control-label.trig", trig(chip('"Hostile \\u009B part"@en')), "confusable"),
        ("line-separator-label.trig", trig(chip('"Hostile \\u2028 part"@en')), "confusable"),
        (
            "dot-segment-iri.trig",
            trig(chip(iri="<https://w3id.org/tech-rivalry/id/chip/../../ontology#Chip>")),
            "iri",
        ),
        ("time-zone.trig", VALID.replace(b'2025-06-02"', b'2025-06-02+15:00"'), "literal"),
        (
            "lone-surrogate.jsonld",
            b'{"@id": "https://w3id.org/tech-rivalry/id/chip/x",\n'
            b' "http://www.w3.org/2000/01/rdf-schema#label": "\\ud800"}',
            "encoding",
        ),
    ]
    rng = random.Random(7)
    for cut in sorted(rng.sample(range(len(HEAD), len(VALID) - 3), 12)):
        out.append((f"cut-{cut}.trig", VALID[:cut], "truncation"))
    return out


def write(folder: Path, canary: str) -> list[tuple[Path, str]]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data, kind in cases(canary, folder):
        (folder / name).write_bytes(data)
        written.append((folder / name, kind))
    return written
