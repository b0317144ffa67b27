"""Browse by class: the home page's counts, each linking to a page that lists the class's
members. Shared by `rivalry serve` and the static release."""

from __future__ import annotations

from html import escape

from rivalry.kernel.namespaces import PREFIXES
from rivalry.web.html import Linker

TR = PREFIXES["tr"]

# (class local name, plural shown on the home page), in the order a reader looks for them
CLASSES = (
    ("State", "states"),
    ("GovernmentBody", "government bodies"),
    ("Firm", "firms"),
    ("Chip", "chips"),
    ("LegalInstrument", "legal instruments"),
    ("ListDesignation", "list designations"),
    ("Event", "events"),
    ("Claim", "claims"),
    ("Person", "people"),
    ("SourceDocument", "source documents"),
)

COUNTS = (
    "SELECT ?class ?what (COUNT(DISTINCT ?x) AS ?n) WHERE { VALUES (?class ?what) { "
    + " ".join(f'(tr:{c} "{w}")' for c, w in CLASSES)
    + " } ?x a ?class . } GROUP BY ?class ?what ORDER BY DESC(?n)"
)

MEMBERS = """
SELECT ?class ?x (SAMPLE(?l) AS ?label) WHERE {
    ?x a ?class .
    OPTIONAL { ?x rdfs:label|tr:title ?l FILTER (LANG(?l) = "en" || LANG(?l) = "") }
} GROUP BY ?class ?x ORDER BY LCASE(STR(SAMPLE(?l))) ?x LIMIT 5000"""

NAMES = {c for c, _ in CLASSES}


def class_list(rows: list[dict], href=lambda name: f"/class/{name}") -> str:
    """The counts as links to each class's listing."""
    items = "".join(
        f"<li><a href='{escape(href(r['class']['value'][len(TR) :]))}'>"
        f"{escape(r['n']['value'])} {escape(r['what']['value'])}</a></li>"
        for r in rows
    )
    return f"<ul class='browse'>{items}</ul>"


def plural(name: str) -> str:
    return dict(CLASSES).get(name, name)


def members_html(rows: list[dict], link: Linker) -> str:
    """The members, alphabetically; a long list is folded after its first 100."""
    items = [
        f"<li>{link.link(r['x']['value'], r.get('label', {}).get('value'))}</li>" for r in rows
    ]
    html = f"<p>{len(items)} in the graph.</p><ul>{''.join(items[:100])}</ul>"
    if len(items) > 100:
        html += (
            f"<details class='more'><summary>{len(items) - 100} more</summary>"
            f"<ul>{''.join(items[100:])}</ul></details>"
        )
    return html
