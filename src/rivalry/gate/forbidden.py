"""What a submission may never do, whatever the shapes say (RELIABILITY.md BI-04, BI-13, BI-14).

A change brings facts about the graph's own entities, in its own source graphs. It may not
redefine or extend the vocabulary or the shapes, write into the reserved graphs, use IRIs
that are not web addresses, state facts about things outside the graph's namespace, or
hide characters in names. These checks run before the shapes: a change that breaks them is
refused without being reasoned over.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata

import pyoxigraph as ox

from rivalry.kernel.namespaces import (
    BASE,
    GENID,
    GRAPH,
    ID,
    NOT_FACT_GRAPHS,
    OWL,
    RDFS,
    SH,
    TR,
    TRSH,
    XSD,
    compact,
)
from rivalry.kernel.terms import rdf
from rivalry.load.parse import Sources
from rivalry.validate.report import Problem

SCHEMES = ("http://", "https://", "urn:")
SCHEMA_PREDICATES = {RDFS + p for p in ("subClassOf", "subPropertyOf", "domain", "range")}
# bidirectional overrides, zero-width characters and other invisible format characters,
# C0 and C1 controls (but tab and newline), and the line and paragraph separators
INVISIBLE = re.compile(
    r"[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]"
)
# how much of a text the mixed-alphabet warning reads
NAME_LENGTH = 64 * 1024
# the XSD date and time types, which may end in a time-zone offset
ZONED_TYPES = {
    XSD + t
    for t in ("date", "dateTime", "dateTimeStamp", "time", "gYear", "gYearMonth", "gMonth",
              "gMonthDay", "gDay")
}  # fmt: skip
TIME_ZONE = re.compile(r"([+-])(\d{2}):(\d{2})$")
# a path segment "." or "..", spelled out or percent-encoded (RFC 3986 §5.2.4 removes them)
DOT_SEGMENT = re.compile(r"/(?:\.|%2e){1,2}(?=[/?#]|$)", re.IGNORECASE)
# Unicode's non-characters and the surrogates: no XML 1.0 document may hold them, so every
# XML output (SPARQL results, RDF/XML) would break on them
NON_CHARACTERS = re.compile(
    "[\ud800-\udfff\ufdd0-\ufdef"
    + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17))
    + "]"
)
TYPE = rdf.type


def forbidden_problems(ontology: list[ox.Quad], change: Sources) -> list[Problem]:
    defined = {q.subject.value for q in ontology if isinstance(q.subject, ox.NamedNode)}
    problems = []
    for quad in change.facts:
        problems += _quad_problems(quad, defined)
    unique = {(p.rule, p.focus, p.message): p for p in problems}
    return list(unique.values())


def _quad_problems(quad: ox.Quad, defined: set[str]) -> list[Problem]:
    subject, predicate, obj, graph = quad.subject, quad.predicate, quad.object, quad.graph_name
    focus = subject.value
    found = []
    if isinstance(graph, ox.NamedNode) and (
        graph.value in NOT_FACT_GRAPHS or not graph.value.startswith(GRAPH)
    ):
        found.append(
            _problem(
                "reserved-graph",
                focus,
                f"facts go into a source's own graph under {GRAPH}; "
                f"<{graph.value}> is reserved or outside it",
            )
        )
    for term in (subject, predicate, obj, graph):
        if isinstance(term, ox.NamedNode):
            found += _iri_problems(term.value, focus)
    if isinstance(subject, ox.NamedNode) and not subject.value.startswith((ID, GENID)):
        what = (
            "the vocabulary or the shapes"
            if subject.value.startswith((TR, TRSH))
            else "a thing outside the graph"
        )
        found.append(
            _problem(
                "vocabulary-change" if "vocabulary" in what else "foreign-subject",
                focus,
                f"a change may only state facts about entities under {ID}; "
                f"<{subject.value}> is {what}",
            )
        )
    # owl:differentFrom between two entities is a fact, the documented way to keep a
    # second entity that shares a name or key with one the graph has
    distinct = (
        predicate.value == OWL + "differentFrom"
        and isinstance(obj, ox.NamedNode)
        and obj.value.startswith(ID)
        and subject.value.startswith(ID)
    )
    if not distinct and (
        predicate.value.startswith((OWL, SH))
        or predicate.value in SCHEMA_PREDICATES
        or (
            predicate.value == TYPE
            and isinstance(obj, ox.NamedNode)
            and obj.value.startswith((OWL, SH, RDFS))
        )
    ):
        found.append(
            _problem(
                "vocabulary-change",
                focus,
                f"{compact(predicate.value)} {_show(obj)} defines vocabulary or shapes, which "
                "come from ontology/ only",
            )
        )
    for term in (predicate, obj):
        if (
            isinstance(term, ox.NamedNode)
            and term.value.startswith(TR)
            and term.value not in defined
        ):
            close = difflib.get_close_matches(term.value, sorted(defined), n=1, cutoff=0.8)
            hint = f" Did you mean {compact(close[0])}?" if close else ""
            found.append(
                _problem(
                    "unknown-term",
                    focus,
                    f"{compact(term.value)} is not a term of the ontology.{hint}",
                )
            )
    if isinstance(obj, ox.Literal):
        found += _text_problems(obj.value, focus) + _time_zone_problems(obj, focus)
    return found


def _time_zone_problems(literal: ox.Literal, focus: str) -> list[Problem]:
    """XSD allows time-zone offsets from -14:00 to +14:00; pyoxigraph accepts any."""
    if literal.datatype.value not in ZONED_TYPES:
        return []
    zone = TIME_ZONE.search(literal.value)
    if zone is None:
        return []
    hours, minutes = int(zone.group(2)), int(zone.group(3))
    if minutes < 60 and hours * 60 + minutes <= 14 * 60:
        return []
    return [
        _problem(
            "time-zone",
            focus,
            f"{literal.value!r} has the time-zone offset {zone.group()}, outside the "
            "-14:00 to +14:00 that XSD allows; write the offset of the place, or none",
        )
    ]


def _iri_problems(iri: str, focus: str) -> list[Problem]:
    issue = _iri_issue(iri)
    return [] if issue is None else [_problem(issue[0], focus, issue[1])]


@functools.lru_cache(maxsize=65_536)
def _iri_issue(iri: str) -> tuple[str, str] | None:
    """What is wrong with an IRI, if anything (asked once per IRI: a change repeats its
    predicates, graph and entities in quad after quad)."""
    if not iri.startswith(SCHEMES):
        return (
            "iri-scheme",
            f"<{iri[:80]}> is not an http(s) or urn IRI; only those may enter the graph",
        )
    if iri.startswith(BASE) and DOT_SEGMENT.search(iri, len(BASE) - 1):
        return (
            "dot-segment",
            f"<{iri[:120]}> holds a dot segment (/./ or /../, perhaps as %2e); resolved, "
            "it would name another IRI of the graph's namespace. Write the IRI without it",
        )
    if INVISIBLE.search(iri) or (iri.startswith(ID) and not iri.isascii()):
        return (
            "confusable-iri",
            f"<{ascii(iri)[1:-1]}> holds invisible or non-ASCII characters; the graph's "
            "IRIs are plain ASCII so that two look-alike IRIs cannot name two things",
        )
    return None


def _text_problems(text: str, focus: str) -> list[Problem]:
    for rule, pattern, why in (
        (
            "invisible-characters",
            INVISIBLE,
            "an invisible, control or direction-changing character",
        ),
        (
            "not-a-character",
            NON_CHARACTERS,
            "a Unicode non-character, which text and XML outputs may not carry",
        ),
    ):
        found = pattern.search(text)
        if found:
            code = ord(found.group())
            name = unicodedata.name(found.group(), "")
            return [
                _problem(
                    rule,
                    focus,
                    f"the text {text[:60]!a} holds U+{code:04X}{f' {name}' if name else ''}, "
                    f"{why}, at character {found.start() + 1}; remove it",
                )
            ]
    mixed = _mixed_script_word(text)
    if mixed:
        return [
            _problem(
                "mixed-script",
                focus,
                f"{mixed!r} mixes alphabets ({', '.join(sorted(_scripts(mixed)))}), "
                "as look-alike spellings do; check it is meant",
                severity="warning",
            )
        ]
    return []


def _mixed_script_word(text: str) -> str | None:
    """The first word whose letters come from two alphabets, in the text's first
    ``NAME_LENGTH`` characters: look-alike spellings are names, and a text of megabytes
    would cost seconds word by word."""
    text = text[:NAME_LENGTH]
    if text.isascii():
        return None
    alphabet = {c: _alphabet(c) for c in set(text)}
    if len(set(alphabet.values()) - {None}) < 2:  # one alphabet in all: no word can mix
        return None
    for word in text.split():
        if not word.isascii() and len(set(map(alphabet.get, word)) - {None}) > 1:
            return word
    return None


def _alphabet(c: str) -> str | None:
    name = unicodedata.name(c, "").split(" ", 1)[0] if c.isalpha() else ""
    return name if name in {"LATIN", "CYRILLIC", "GREEK"} else None


def _scripts(word: str) -> set[str]:
    """The alphabets of a word's letters (LATIN, CYRILLIC, GREEK …), from the Unicode names."""
    return {a for a in map(_alphabet, set(word)) if a}


def _show(term) -> str:
    return compact(term.value) if isinstance(term, ox.NamedNode) else repr(term.value)


def _problem(rule: str, focus: str, message: str, severity: str = "violation") -> Problem:
    return Problem(severity, "gate", rule, message, focus=focus)
