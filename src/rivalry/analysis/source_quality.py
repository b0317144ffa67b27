"""Figures on how citable the sources and identities are (issue 15's "Done when" list).

- a *slug title* is a tr:title equal to the last path segment of the source's URL (see
  is_slug_title); it is a fault only where the page shows a headline: a source whose
  rdfs:comment says the page shows none (NO_HEADLINE) is counted apart;
- an *undated* source has no tr:published; it *states a reason* when its rdfs:comment says
  the page shows no date (UNDATED_REASON);
- an *official text on a government site* is a source whose URL host is, or ends in, one of
  GOVERNMENT_HOSTS (the one list of them);
- firms and government bodies (any subclass) *with a Wikidata id* carry a skos:exactMatch to a
  www.wikidata.org/entity/ IRI;
- a position is *dated* when it has a tr:startDate;
- a source is a *copy* when it is typed tr:CopiedDocument (tr:MirrorCopy, tr:SyndicatedCopy)
  or has tr:copyOf / tr:mirrorOf / tr:syndicationOf; a *strict mirror* is a tr:MirrorCopy
  or has tr:mirrorOf; the rest are *read at the original publisher*. A copy and its original
  are one *report* (report_keys), so a copy never corroborates its original.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox

from rivalry.query import execute

# hosts of governments' own publications: a host matches itself and its subdomains
GOVERNMENT_HOSTS: tuple[str, ...] = (
    "gov",  # any .gov host (US federal: federalregister.gov, govinfo.gov, bis.gov, ...)
    "gov.cn",
    "gov.my",
    "gov.sg",
    "go.jp",
    "government.nl",
    "rijksoverheid.nl",
    "officielebekendmakingen.nl",
    "europa.eu",
    "npc.gov.cn",
    "mfa.gov.cn",
    "mofcom.gov.cn",
)

UNDATED_REASON = re.compile(
    r"undated|not dated|no (?:publication )?(?:date|day)|shows no (?:publication )?(?:date|day)"
    r"|gives no date|date (?:is )?not shown|neither a headline nor a date",
    re.IGNORECASE,
)

NO_HEADLINE = re.compile(
    r"shows no (?:headline|title)|no headline (?:is )?(?:shown|visible)|without a headline",
    re.IGNORECASE,
)

SOURCE_FIELDS = """
SELECT ?source (SAMPLE(?u) AS ?url) (SAMPLE(?t) AS ?title) (SAMPLE(?p) AS ?published)
       (GROUP_CONCAT(STR(?c); separator=" ") AS ?comment) WHERE {
    ?source a tr:SourceDocument .
    OPTIONAL { ?source tr:url ?u }
    OPTIONAL { ?source tr:title ?t }
    OPTIONAL { ?source tr:published ?p }
    OPTIONAL { ?source rdfs:comment ?c }
} GROUP BY ?source"""

IDENTITIES = """
SELECT ?kind (COUNT(DISTINCT ?entity) AS ?all) (COUNT(DISTINCT ?matched) AS ?wikidata) WHERE {
    VALUES (?class ?kind) { (tr:Firm "firms") (tr:GovernmentBody "government bodies") }
    ?entity a ?class .
    OPTIONAL {
        ?entity skos:exactMatch ?id
        FILTER (STRSTARTS(STR(?id), "http://www.wikidata.org/entity/"))
        BIND (?entity AS ?matched)
    }
} GROUP BY ?kind ORDER BY ?kind"""

LINEAGE = """
SELECT ?source (SAMPLE(?k) AS ?kind) (SAMPLE(?o) AS ?original) (SAMPLE(?u) AS ?originalUrl)
       (SAMPLE(?ou) AS ?originalDocUrl) (SAMPLE(?own) AS ?url) (SAMPLE(?outlet) AS ?originalOutlet)
WHERE {
    ?source a tr:SourceDocument .
    OPTIONAL {
        VALUES (?class ?k) {
            (tr:MirrorCopy "mirror") (tr:SyndicatedCopy "syndication") (tr:CopiedDocument "copy")
        }
        ?source a ?class .
    }
    OPTIONAL { ?source tr:mirrorOf ?mirrored BIND ("mirror" AS ?k) }
    OPTIONAL { ?source tr:syndicationOf ?syndicated BIND ("syndication" AS ?k) }
    OPTIONAL {
        ?source (tr:copyOf|tr:mirrorOf|tr:syndicationOf)+ ?o .
        FILTER NOT EXISTS { ?o tr:copyOf|tr:mirrorOf|tr:syndicationOf ?further }
        OPTIONAL { ?o tr:url ?ou }
    }
    OPTIONAL { ?source tr:url ?own }
    OPTIONAL { ?source tr:originalUrl ?u }
    OPTIONAL { ?source tr:originalOutlet ?outlet }
} GROUP BY ?source"""

POSITIONS = """
SELECT (COUNT(DISTINCT ?position) AS ?all) (COUNT(DISTINCT ?dated) AS ?dated) WHERE {
    ?position a tr:Position .
    OPTIONAL { ?position tr:startDate ?start BIND (?position AS ?dated) }
}"""


def is_slug_title(title: str, url: str) -> bool:
    """Whether the title is just the URL's last path segment: the segment itself, without a
    file extension, or with a trailing article id (`-4975396`, `-MH14468253`) cut off; an
    `/amp` ending does not count as the segment."""
    segments = [unquote(s) for s in urlsplit(url).path.split("/") if s]
    if segments and segments[-1].lower() == "amp":
        segments.pop()
    if not segments or not title.strip():
        return False
    slug = re.sub(r"\.(?:s?html?|php|aspx?)$", "", segments[-1], flags=re.IGNORECASE)
    title = title.strip()
    return slug == title or re.fullmatch(re.escape(title) + r"-[A-Za-z]*\d+", slug) is not None


def is_government_host(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in GOVERNMENT_HOSTS)


def source_quality(store: ox.Store) -> list[tuple[str, int]]:
    """(figure, count) rows for the sources of a built store."""
    rows = list(execute.execute(store, SOURCE_FIELDS))
    value = lambda row, name: row[name].value if row[name] is not None else ""  # noqa: E731
    undated = [r for r in rows if not value(r, "published")]
    with_reason = sum(1 for r in undated if UNDATED_REASON.search(value(r, "comment")))
    slugs = [r for r in rows if is_slug_title(value(r, "title"), value(r, "url"))]
    headless = sum(1 for r in slugs if NO_HEADLINE.search(value(r, "comment")))
    return [
        ("source documents", len(rows)),
        ("slug titles", len(slugs)),
        ("slug titles, page shows no headline", headless),
        ("slug titles, headline not read", len(slugs) - headless),
        ("undated", len(undated)),
        ("undated, reason stated", with_reason),
        ("undated, no reason stated", len(undated) - with_reason),
        ("on a government site", sum(1 for r in rows if is_government_host(value(r, "url")))),
    ]


def _lineage(store: ox.Store) -> list[dict[str, str]]:
    value = lambda row, name: row[name].value if row[name] is not None else ""  # noqa: E731
    names = ("source", "kind", "original", "originalUrl", "originalDocUrl", "url", "originalOutlet")
    return [{n: value(r, n) for n in names} for r in execute.execute(store, LINEAGE)]


def report_keys(store: ox.Store) -> dict[str, str]:
    """Source document IRI -> the report it is, as a URL: its original's (the original's
    document's tr:url, else its tr:originalUrl), else its own. Copies of one original share
    a key with it, and so do two documents described at one URL."""
    return {
        row["source"]: row["originalDocUrl"]
        or row["original"]
        or row["originalUrl"]
        or row["url"]
        or row["source"]
        for row in _lineage(store)
    }


def lineage_quality(store: ox.Store) -> list[tuple[str, int | str]]:
    """(figure, value) rows: copies (mirrors, syndications) against originals."""
    rows = _lineage(store)
    copies = [r for r in rows if r["kind"] or r["original"]]
    originals = len(rows) - len(copies)
    share = f"{100 * originals / len(rows):.0f} %" if rows else "-"
    return [
        ("copies of another outlet's text", len(copies)),
        ("strict mirrors", sum(1 for r in copies if r["kind"] == "mirror")),
        ("syndicated copies", sum(1 for r in copies if r["kind"] == "syndication")),
        ("copies whose original is a source here", sum(1 for r in copies if r["original"])),
        ("copies naming the original URL", sum(1 for r in copies if r["originalUrl"])),
        (
            "copies naming no original outlet",
            sum(1 for r in copies if not (r["original"] or r["originalOutlet"])),
        ),
        ("read at the original publisher", originals),
        ("read at the original publisher, share", share),
    ]


def identity_quality(store: ox.Store) -> list[tuple[str, int | str]]:
    """(figure, value) rows: Wikidata ids of firms and bodies, dated positions."""
    out: list[tuple[str, int | str]] = []
    total = matched = 0
    for row in execute.execute(store, IDENTITIES):
        kind, n, m = row["kind"].value, int(row["all"].value), int(row["wikidata"].value)
        out += [(kind, n), (f"{kind} with a Wikidata id", m)]
        total, matched = total + n, matched + m
    share = f"{100 * matched / total:.0f} %" if total else "-"
    out.append(("firms and bodies with a Wikidata id, share", share))
    [positions] = list(execute.execute(store, POSITIONS))
    out += [
        ("positions", int(positions["all"].value)),
        ("positions with a start date", int(positions["dated"].value)),
    ]
    return out
