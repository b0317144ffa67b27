"""The box of main facts that opens an entity's page, as in a reference work: what it is, its
names, its state and seat, its dates, the lists it is on, what restricts it, its Wikidata item."""

from __future__ import annotations

from html import escape

from rivalry.kernel.namespaces import PREFIXES, compact
from rivalry.web.html import Linker

TR = PREFIXES["tr"]
RDF_TYPE = PREFIXES["rdf"] + "type"
LABEL = PREFIXES["rdfs"] + "label"
ALT = PREFIXES["skos"] + "altLabel"
TITLE = TR + "title"

# (heading, direction, predicate IRIs) in the order the box shows them
FIELDS = (
    ("Type", "out", (RDF_TYPE,)),
    ("Name", "out", (LABEL, TITLE)),
    ("Also known as", "out", (ALT,)),
    ("ISO code", "out", (TR + "isoCode",)),
    ("State", "out", (TR + "ofState",)),
    ("Headquarters", "out", (TR + "headquarteredIn",)),
    ("Located in", "out", (TR + "locatedIn",)),
    ("Parent", "out", (TR + "parentBody", TR + "subsidiaryOf")),
    ("Publisher", "out", (TR + "publisher",)),
    ("Published", "out", (TR + "published", TR + "publishedOn")),
    ("Founded", "out", (TR + "foundedOn",)),
    ("Dissolved", "out", (TR + "dissolvedOn",)),
    ("Announced", "out", (TR + "announcedOn",)),
    ("Adopted", "out", (TR + "adoptedOn",)),
    ("In effect", "out", (TR + "effectiveOn",)),
    ("Rescinded", "out", (TR + "rescindedOn",)),
    ("Date", "out", (TR + "onDate",)),
    ("Issued by", "out", (TR + "issuedBy",)),
    ("On lists", "out", (TR + "listedOn", TR + "onList")),
    ("Designated by", "in", (TR + "designates",)),
    ("Affiliates designated by", "in", (TR + "designatesAffiliatesOf",)),
    ("Restricted by", "in", (TR + "restricts",)),
    ("Article", "out", (TR + "url",)),
)
SAME = (PREFIXES["owl"] + "sameAs", PREFIXES["skos"] + "exactMatch")

# shown in the box, so not repeated among the relations below it
SHOWN = frozenset({RDF_TYPE, LABEL, ALT, TITLE})


def title(iri: str, facts: list[dict]) -> str:
    """The English label, a source document's title, or the IRI's last segment."""
    for predicate in (LABEL, TITLE):
        for f in facts:
            if f["direction"]["value"] == "out" and f["p"]["value"] == predicate:
                return f["o"]["value"]
    return iri.rsplit("/", 1)[-1]


def _values(facts: list[dict], direction: str, predicates: tuple[str, ...], link: Linker) -> list:
    seen: dict[str, str] = {}
    for f in facts:
        if f["direction"]["value"] != direction or f["p"]["value"] not in predicates:
            continue
        o = f["o"]
        if o["value"] in seen:
            continue
        if o["type"] == "uri":
            label = f.get("oLabel", {}).get("value")
            if f["p"]["value"] == RDF_TYPE and not label:
                label = compact(o["value"]).split(":", 1)[-1]
            seen[o["value"]] = link.link(o["value"], label)
        elif o["value"].startswith(("http://", "https://")):
            seen[o["value"]] = (
                f"<a href='{escape(o['value'])}' rel='nofollow'>{escape(o['value'])}</a>"
            )
        else:
            seen[o["value"]] = escape(o["value"])
    return list(seen.values())


def render(iri: str, facts: list[dict], inferred: list[dict], link: Linker) -> str:
    """The infobox as a definition list; derived values are marked as such."""
    rows = []
    derived = [{**f, "direction": {"value": "out"}} for f in inferred]
    for heading, direction, predicates in FIELDS:
        values = _values(facts, direction, predicates, link)
        extra = [
            v + " <span class='derived'>derived</span>"
            for v in _values(derived, direction, predicates, link)
            if v not in values
        ]
        if heading == "Type":
            extra = []  # inferred super-classes say little a reader needs
        if values or extra:
            rows.append(f"<dt>{escape(heading)}</dt><dd>{'<br>'.join(values + extra)}</dd>")
    wikidata = [
        f["o"]["value"]
        for f in facts
        if f["p"]["value"] in SAME and "wikidata.org/" in f["o"]["value"]
    ]
    if wikidata:
        qid = wikidata[0].rsplit("/", 1)[-1]
        rows.append(
            f"<dt>Wikidata</dt><dd><a href='{escape(wikidata[0])}' rel='nofollow'>"
            f"{escape(qid)}</a></dd>"
        )
    return f"<aside class='infobox'><dl>{''.join(rows)}</dl></aside>" if rows else ""
