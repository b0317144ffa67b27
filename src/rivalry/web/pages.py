"""An entity's page: the queries that gather it and the HTML that shows it. Shared by
`rivalry serve` (pages rendered per request) and `rivalry publish` (a static site)."""

from __future__ import annotations

import json
from html import escape

import pyoxigraph as ox

from rivalry.kernel.formats import SELECT_FORMATS
from rivalry.kernel.namespaces import ID, PREFIXES, compact
from rivalry.web import infobox, views
from rivalry.web.html import Linker

# every source of a fact, with what a reader needs to judge it: title, publisher, date, link
DESCRIBE = """
SELECT ?entity ?direction ?p ?o ?oLabel ?graph ?source ?sourceTitle ?sourcePublisher
       ?sourceDate ?sourceUrl WHERE {
    { GRAPH ?graph { ?entity ?p ?o } BIND ("out" AS ?direction) }
    UNION
    { GRAPH ?graph { ?o ?p ?entity } BIND ("in" AS ?direction) }
    FILTER (?graph != trg:inferred && ?graph != trg:ontology && ?graph != trg:shapes)
    OPTIONAL { ?o rdfs:label ?oLabel FILTER (LANG(?oLabel) = "en") }
    OPTIONAL { ?source tr:describesGraph ?graph .
        OPTIONAL { ?source tr:title ?sourceTitle }
        OPTIONAL { ?source tr:publisher/rdfs:label ?sourcePublisher }
        OPTIONAL { ?source tr:published ?sourceDate }
        OPTIONAL { ?source tr:url ?sourceUrl } }
} ORDER BY ?direction ?p ?o"""

# what the reasoner derived and no source states: shown apart, marked "derived"
INFERRED = """
SELECT DISTINCT ?entity ?p ?o ?oLabel WHERE {
    GRAPH trg:inferred { ?entity ?p ?o }
    FILTER (isIRI(?o) || isLiteral(?o))
    FILTER (?p != rdf:type || STRSTARTS(STR(?o), STR(tr:)))
    FILTER NOT EXISTS { GRAPH ?g { ?entity ?p ?o } FILTER (?g != trg:inferred) }
    OPTIONAL { ?o rdfs:label ?oLabel FILTER (LANG(?oLabel) = "en") }
} ORDER BY ?p ?o LIMIT 200"""

WHOLE_GRAPH = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"

# the data document of an entity: what it says and what points to it
ABOUT = "CONSTRUCT { ?e ?p ?o . ?s ?q ?e } WHERE { { ?e ?p ?o } UNION { ?s ?q ?e } }"

# events the entity takes part in; a state's include those of its government bodies
TIMELINE = """
SELECT DISTINCT ?entity ?event ?date ?kind ?summary WHERE {
    { ?event tr:actor ?entity } UNION { ?event tr:about ?entity }
    UNION { ?event tr:invokes ?entity }
    UNION { ?body tr:ofState ?entity . ?event tr:actor ?body }
    ?event tr:onDate ?date .
    GRAPH ?tg { ?event a ?class } FILTER (?tg != trg:inferred)
    ?class rdfs:label ?kind .
    OPTIONAL { ?event tr:summary ?summary }
} ORDER BY ?date ?event"""

# the dated life of the entity and of the instruments that restrict it or that it issued
DATED = """
SELECT DISTINCT ?entity ?item ?itemLabel ?prop ?date WHERE {
    { ?entity ?prop ?date BIND (?entity AS ?item) } UNION { ?item tr:restricts ?entity }
    UNION { ?item tr:issuedBy ?entity }
    UNION { ?item tr:designates|tr:designatesAffiliatesOf ?entity }
    VALUES ?prop { tr:announcedOn tr:adoptedOn tr:effectiveOn tr:rescindedOn tr:foundedOn
                   tr:dissolvedOn tr:publishedOn }
    ?item ?prop ?date .
    OPTIONAL { ?item rdfs:label ?itemLabel FILTER (LANG(?itemLabel) = "en") }
} ORDER BY ?date LIMIT 300"""

# claims by the entity or about it, to be read as sentences
CLAIMS = """
SELECT DISTINCT ?entity ?claim ?speaker ?speakerLabel ?stance ?matterLabel ?value ?comment
       ?source ?sourceTitle ?date WHERE {
    { ?claim tr:claimant ?entity } UNION { ?claim tr:matter ?entity }
    UNION { ?claim tr:matter/tr:concerns ?entity }
    UNION { ?entity a tr:Claim BIND (?entity AS ?claim) }
    ?claim a tr:Claim ; tr:claimant ?speaker .
    OPTIONAL { ?speaker rdfs:label ?speakerLabel FILTER (LANG(?speakerLabel) = "en") }
    OPTIONAL { ?claim tr:stance ?stance }
    OPTIONAL { ?claim tr:matter/rdfs:label ?matterLabel }
    OPTIONAL { ?claim tr:claimedValue ?value }
    OPTIONAL { ?claim rdfs:comment ?comment }
    OPTIONAL { ?claim tr:source ?source . OPTIONAL { ?source tr:title ?sourceTitle }
               OPTIONAL { ?source tr:published ?date } }
} ORDER BY ?date ?claim LIMIT 200"""

# a name for the neighbours that have no rdfs:label of their own (qualified nodes: a project
# participation, a supply, a quantity): their kind and what they link, e.g.
# "project participation: Strategic AI Infrastructure, developer"
NAMELESS = """
SELECT ?entity ?node (SAMPLE(?kind) AS ?kindLabel)
       (GROUP_CONCAT(DISTINCT ?part; separator=", ") AS ?parts) WHERE {
    { ?entity ?p ?node } UNION { ?node ?p ?entity }
    FILTER (!isLiteral(?node))
    FILTER NOT EXISTS { ?node rdfs:label ?named }
    GRAPH ?g { ?node a ?class } FILTER (?g != trg:inferred)
    ?class rdfs:label ?kind FILTER (LANG(?kind) = "en")
    OPTIONAL {
        ?node ?q ?value FILTER (?q != rdf:type && ?value != ?entity)
        OPTIONAL { ?value rdfs:label ?valueLabel FILTER (LANG(?valueLabel) = "en") }
        FILTER (BOUND(?valueLabel) || DATATYPE(?value) IN (xsd:integer, xsd:decimal, xsd:double,
                xsd:date, xsd:gYearMonth, xsd:gYear))
        BIND (COALESCE(?valueLabel, STR(?value)) AS ?part)
    }
} GROUP BY ?entity ?node"""

# what the named graphs a source document describes contributed (its page lists them all)
CONTRIBUTED = """
SELECT ?entity ?graph ?s ?sLabel ?p ?o ?oLabel WHERE {
    ?entity tr:describesGraph ?graph .
    GRAPH ?graph { ?s ?p ?o }
    OPTIONAL { ?s rdfs:label ?sLabel FILTER (LANG(?sLabel) = "en") }
    OPTIONAL { ?o rdfs:label ?oLabel FILTER (LANG(?oLabel) = "en") }
} ORDER BY ?graph ?s ?p LIMIT 1000"""

# the data documents offered for every entity: (name, file extension)
DATA_LINKS = (("Turtle", "ttl"), ("JSON-LD", "jsonld"), ("N-Triples", "nt"))

# rows of a table shown before the rest is folded away
FOLD = 20

DATE_NAMES = {
    "announcedOn": "announced",
    "adoptedOn": "adopted",
    "effectiveOn": "in effect",
    "rescindedOn": "rescinded",
    "foundedOn": "founded",
    "dissolvedOn": "dissolved",
    "publishedOn": "published",
}

STANCES = {"Denies": "denied", "Affirms": "affirmed", "DeclinesToComment": "declined to comment"}


def select(store: ox.Store, query: str, bindings: dict | None = None) -> list[dict]:
    """Run a SELECT in-process and return SPARQL JSON bindings, as the worker pool does."""
    result = store.query(
        query,
        prefixes=PREFIXES,
        substitutions={ox.Variable(k): v for k, v in (bindings or {}).items()},
    )
    body = result.serialize(format=SELECT_FORMATS["json"][0])
    return json.loads(body)["results"]["bindings"]


def gather(store: ox.Store, iri: str) -> dict[str, list[dict]]:
    """Every query of an entity's page, run in-process (the static release)."""
    node = {"entity": ox.NamedNode(iri)}
    return {name: select(store, q, node) for name, q in QUERIES.items()}


QUERIES = {
    "facts": DESCRIBE,
    "events": TIMELINE,
    "contributed": CONTRIBUTED,
    "inferred": INFERRED,
    "dated": DATED,
    "claims": CLAIMS,
    "names": NAMELESS,
}


def node_names(rows: list[dict]) -> dict[str, str]:
    """Display names for nameless neighbours, by IRI (see NAMELESS)."""
    names = {}
    for row in rows:
        kind, parts = row["kindLabel"]["value"], row.get("parts", {}).get("value", "")
        names[row["node"]["value"]] = f"{kind}: {parts}" if parts else kind
    return names


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _source(link: Linker, f: dict) -> str:
    """A source as a reader cites it: title (to its page), publisher, date, and the article."""
    title = link.link(f["source"]["value"], f.get("sourceTitle", {}).get("value"))
    extra = [f[k]["value"] for k in ("sourcePublisher", "sourceDate") if f.get(k)]
    url = f.get("sourceUrl", {}).get("value", "")
    out = title + (f" <span class='muted'>{escape(', '.join(extra))}</span>" if extra else "")
    if url.startswith(("http://", "https://")):
        out += f" <a class='ext' href='{escape(url)}' rel='nofollow'>article</a>"
    return out


def value_html(link: Linker, binding: dict, label: str | None, predicate: str = "") -> str:
    """A value; literal web addresses (tr:url) become links."""
    text = binding["value"]
    web = binding["type"] == "literal" and text.startswith(("http://", "https://"))
    named = predicate.endswith(("#url", "#sourceList"))
    if web and (named or binding.get("datatype", "").endswith("anyURI")):
        return f"<a href='{escape(text)}' rel='nofollow'>{escape(text)}</a>"
    return link.cell(binding, label)


def fold(head: str, rows: list[str], what: str) -> str:
    """A table whose rows after the first FOLD are folded into a <details>."""
    first = f"<table><thead>{head}</thead><tbody>{''.join(rows[:FOLD])}</tbody></table>"
    if len(rows) <= FOLD:
        return first
    return (
        first + f"<details class='more'><summary>{len(rows) - FOLD} more {escape(what)}</summary>"
        f"<table><thead>{head}</thead><tbody>{''.join(rows[FOLD:])}</tbody></table></details>"
    )


def relation_rows(
    iri: str,
    facts: list[dict],
    direction: str,
    link: Linker,
    names: dict[str, str] | None = None,
) -> list[str]:
    """One row per fact grouped by kind of relation, its sources collapsed into a count. A source
    document's own page does not list itself as the source of its every row. A value without a
    label of its own is shown by the name `names` gives it."""
    grouped: dict[tuple[str, str], list] = {}
    for f in facts:
        if f["direction"]["value"] == direction and f["p"]["value"] not in infobox.SHOWN:
            grouped.setdefault((f["p"]["value"], json.dumps(f["o"])), []).append(f)
    out, previous = [], None
    for (p, _), group in sorted(grouped.items(), key=lambda kv: kv[0][0]):
        first = group[0]
        seen: dict[str, str] = {}
        for f in group:
            if f.get("source") and f["source"]["value"] != iri:
                seen.setdefault(f["source"]["value"], _source(link, f))
        if seen:
            noun = "source" if len(seen) == 1 else "sources"
            sources = (
                f"<details><summary>{len(seen)} {noun}</summary><ul class='sources'>"
                + "".join(f"<li>{s}</li>" for s in seen.values())
                + "</ul></details>"
            )
        else:
            sources = "<span class='muted'>this document</span>" if first.get("source") else ""
        label = first.get("oLabel", {}).get("value") or (names or {}).get(first["o"]["value"])
        value = value_html(link, first["o"], label, p)
        kind = link.link(p, compact(p)) if p != previous else ""
        previous = p
        out.append(f"<tr><td class='kind'>{kind}</td><td>{value}</td><td>{sources}</td></tr>")
    return out


def claim_sentences(claims: list[dict], link: Linker) -> str:
    items: dict[str, str] = {}
    for c in claims:
        if c["claim"]["value"] in items:
            continue
        speaker = link.link(c["speaker"]["value"], c.get("speakerLabel", {}).get("value"))
        verb = STANCES.get(_local(c.get("stance", {}).get("value", "")), "said")
        matter = c.get("matterLabel", {}).get("value", "")
        sentence = f"{speaker} {verb}"
        if matter:
            sentence += f": <q>{escape(matter)}</q>"
        if c.get("value"):
            sentence += f" — {escape(c['value']['value'])}"
        date = c.get("date", {}).get("value")
        when = f"<span class='muted'>{escape(date)}</span> " if date else ""
        src = (
            " (" + link.link(c["source"]["value"], c.get("sourceTitle", {}).get("value")) + ")"
            if c.get("source")
            else ""
        )
        note = (
            f"<br><span class='muted'>{escape(c['comment']['value'])}</span>"
            if c.get("comment")
            else ""
        )
        detail = link.link(c["claim"]["value"], "claim")
        items[c["claim"]["value"]] = f"<li>{when}{sentence}{src} · {detail}{note}</li>"
    return f"<ul class='claims'>{''.join(items.values())}</ul>" if items else ""


def timeline_items(events: list[dict], dated: list[dict], link: Linker) -> list[dict]:
    """Events and the dated life of instruments, as {date, label, href} for list and picture."""
    once = {e["event"]["value"]: e for e in reversed(events)}  # one entry per event
    events = sorted(once.values(), key=lambda e: e["date"]["value"])
    items = [
        {
            "date": e["date"]["value"][:10],
            "label": f"{e['kind']['value']}: {e.get('summary', {}).get('value', '')}".strip(": "),
            "href": link.local(e["event"]["value"]),
            "iri": e["event"]["value"],
        }
        for e in events
    ]
    for d in dated:
        name = d.get("itemLabel", {}).get("value") or compact(d["item"]["value"])
        what = DATE_NAMES.get(_local(d["prop"]["value"]), _local(d["prop"]["value"]))
        items.append(
            {
                "date": d["date"]["value"][:10],
                "label": f"{name} {what}",
                "href": link.local(d["item"]["value"]),
                "iri": d["item"]["value"],
            }
        )
    return sorted(items, key=lambda i: i["date"])


def entity_views(
    iri: str, facts: list[dict], timeline: list[dict], link: Linker, name: str = ""
) -> dict:
    """The entity's pictures: its timeline, its relations as a network, its states on a map."""
    out: dict = {}
    if timeline:
        out["timeline"] = [{k: i[k] for k in ("date", "label", "href")} for i in timeline]
    nodes = {iri: {"id": iri, "name": name[:40], "href": None, "centre": True}}
    edges = []
    for f in facts:
        o = f["o"]
        if o["type"] != "uri" or f["p"]["value"] in infobox.SHOWN or not o["value"].startswith(ID):
            continue
        if len(nodes) >= 60 and o["value"] not in nodes:
            continue
        label = f.get("oLabel", {}).get("value") or compact(o["value"])
        nodes.setdefault(
            o["value"], {"id": o["value"], "name": label, "href": link.local(o["value"])}
        )
        ends = (iri, o["value"]) if f["direction"]["value"] == "out" else (o["value"], iri)
        edges.append({"source": ends[0], "target": ends[1], "name": _local(f["p"]["value"])})
    if len(nodes) > 1:
        unique = {(e["source"], e["target"], e["name"]): e for e in edges}
        out["network"] = {"nodes": list(nodes.values()), "links": list(unique.values())}
    states = {iri} | {f["o"]["value"] for f in facts if f["o"]["type"] == "uri"}
    places = [
        (s, views.iso_numeric(s[len(views.STATE) :]))
        for s in sorted(states)
        if s.startswith(views.STATE)
    ]
    if any(n for _, n in places):
        out["map"] = [
            {"id": n, "name": compact(s), "href": link.local(s), "centre": s == iri}
            for s, n in places
            if n
        ]
    return out


def entity(
    iri: str,
    facts: list[dict],
    events: list[dict],
    contributed: list[dict],
    link: Linker,
    data: dict[str, str],
    inferred: list[dict] | None = None,
    dated: list[dict] | None = None,
    claims: list[dict] | None = None,
    names: list[dict] | None = None,
) -> tuple[str, str]:
    """The page's title and body: an infobox, the pictures, relations grouped by kind with
    their sources folded, derived facts, claims as sentences, a timeline, and what a source
    contributed."""
    label = infobox.title(iri, facts)
    documents = " ".join(
        f"<a href='{escape(href)}'>{escape(name)}</a>" for name, href in data.items()
    )
    timeline = timeline_items(events, dated or [], link)
    parts = [
        f"<p class='muted'><code>{escape(iri)}</code> · data: {documents}</p>",
        infobox.render(iri, facts, inferred or [], link),
        views.embed(entity_views(iri, facts, timeline, link, label)),
    ]
    head = "<tr><th>relation</th><th>value</th><th>source</th></tr>"
    nameless = node_names(names or [])
    out_rows = relation_rows(iri, facts, "out", link, nameless)
    if out_rows:
        parts.append("<h2>Relations</h2>" + fold(head, out_rows, "relations"))
    in_rows = relation_rows(iri, facts, "in", link, nameless)
    if in_rows:
        head_in = "<tr><th>relation</th><th>from</th><th>source</th></tr>"
        parts.append("<h2 id='referred'>Referred to by</h2>" + fold(head_in, in_rows, "rows"))
    if inferred:
        rows = [
            f"<tr><td>{link.link(f['p']['value'])}</td>"
            f"<td>{value_html(link, f['o'], f.get('oLabel', {}).get('value'))}</td>"
            "<td><span class='derived'>derived</span></td></tr>"
            for f in inferred
        ]
        parts.append(
            "<h2>Derived facts</h2><p class='muted'>Drawn by the reasoner from the sourced "
            "facts above; no source states them directly.</p>"
            + fold("<tr><th>relation</th><th>value</th><th></th></tr>", rows, "derived facts")
        )
    sentences = claim_sentences(claims or [], link)
    if sentences:
        parts.append("<h2>Claims</h2>" + sentences)
    if timeline:
        rows = [
            f"<li><time>{escape(i['date'])}</time> {link.link(i['iri'], i['label'])}</li>"
            for i in timeline
        ]
        listed = f"<ol class='timeline'>{''.join(rows[:FOLD])}</ol>"
        if len(rows) > FOLD:
            listed += (
                f"<details class='more'><summary>{len(rows) - FOLD} more dates</summary>"
                f"<ol class='timeline'>{''.join(rows[FOLD:])}</ol></details>"
            )
        parts.append("<h2>Timeline</h2>" + listed)
    if contributed:
        parts.append(
            "<h2>What this document contributed</h2>" + contributed_html(contributed, link)
        )
    return label, "".join(parts)


def contributed_html(contributed: list[dict], link: Linker) -> str:
    """Every graph the document describes, each listed in full (not only the last one)."""
    by_graph: dict[str, list[str]] = {}
    for c in contributed:
        by_graph.setdefault(c["graph"]["value"], []).append(
            f"<tr><td>{link.cell(c['s'], c.get('sLabel', {}).get('value'))}</td>"
            f"<td>{link.link(c['p']['value'])}</td>"
            f"<td>{value_html(link, c['o'], c.get('oLabel', {}).get('value'), c['p']['value'])}"
            "</td></tr>"
        )
    head = "<tr><th>subject</th><th>relation</th><th>value</th></tr>"
    return "".join(
        f"<p class='muted'>graph <code>{escape(g)}</code> · {len(rows)} facts</p>"
        + fold(head, rows, "facts")
        for g, rows in by_graph.items()
    )
