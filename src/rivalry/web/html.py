"""Server-rendered pages: plain HTML, no scripts, no CDN; every value escaped, and only
http(s) IRIs become links (graph IRIs link to their local pages)."""

from __future__ import annotations

from html import escape
from pathlib import Path
from urllib.parse import quote, urlencode

from rivalry.kernel.namespaces import compact

LICENCE = "https://creativecommons.org/licenses/by/4.0/"

# scripts, styles and vendored browser libraries, served at /static/ and copied into releases
STATIC = Path(__file__).parent / "static"

STYLE = """
body{font-family:system-ui,sans-serif;max-width:72rem;margin:1rem auto;padding:0 1rem;color:#222}
a{color:#0645ad}table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
td{overflow-wrap:anywhere}
th{background:#f3f3f3}nav a{margin-right:1rem}.muted{color:#666;font-size:.9em}
textarea{width:100%;font-family:monospace}code{background:#f6f6f6}
.error{color:#a00}pre.rdf{background:#f6f6f6;padding:.5rem;overflow:auto;white-space:pre-wrap}
"""


NAV = (
    "<a href='/'>Home</a><a href='/queries'>Queries</a><a href='/sparql-editor'>SPARQL</a>"
    "<a href='/.well-known/void'>VoID</a>"
)


def footer(built: str | None = None) -> str:
    """Version, build date and licence, at the foot of every page."""
    from rivalry.kernel.version import VERSION

    when = f" · built {escape(built)}" if built else ""
    return (
        f"<footer>Tech Rivalry Knowledge Graph {escape(VERSION)}{when} · data licence "
        f"<a href='{LICENCE}' rel='license'>CC BY 4.0</a></footer>"
    )


def page(
    title: str,
    body: str,
    nav: str = NAV,
    head: str = "",
    static: str = "/static/",
    built: str | None = None,
) -> str:
    """A whole page. ``static`` is where web/static is reachable from it (serve: /static/; a
    release: relative); the pictures load only from there, so a page draws offline. ``head``
    adds to the head (the editor's scripts, alternate links)."""
    scripts = "".join(
        f"<script src='{static}{s}' defer></script>"
        for s in (
            "vendor/echarts/echarts.min.js",
            "vendor/topojson-client/topojson-client.min.js",
            "views.js",
        )
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<link rel='icon' href='data:,'>"
        f"<title>{escape(title)} — Tech Rivalry KG</title><style>{STYLE}</style>"
        f"<link rel='stylesheet' href='{static}site.css'>{scripts}{head}</head>"
        f"<body data-static='{static}'>"
        f"<nav>{nav}</nav><h1>{escape(title)}</h1>{body}{footer(built)}</body></html>"
    )


class Linker:
    """Maps graph IRIs under the base onto this server's paths."""

    def __init__(self, base: str):
        self.base = base

    def local(self, iri: str) -> str | None:
        if iri.startswith(self.base + "id/"):
            return "/page/" + quote(iri[len(self.base) + 3 :], safe="/")
        return None

    def link(self, iri: str, label: str | None = None) -> str:
        text = escape(label or compact(iri))
        local = self.local(iri)
        if local:
            return f"<a href='{escape(local)}'>{text}</a>"
        if iri.startswith(("http://", "https://")):
            return f"<a href='{escape(iri)}' rel='nofollow'>{text}</a>"
        return text  # javascript:, urn: and the like are shown, never linked

    def cell(self, binding: dict | None, label: str | None = None) -> str:
        """One SPARQL JSON result value as HTML."""
        if not binding:
            return ""
        if binding["type"] == "uri":
            return self.link(binding["value"], label)
        return escape(binding["value"])


def table(variables: list[str], rows: list[dict], linker: Linker) -> str:
    head = "".join(f"<th>{escape(v)}</th>" for v in variables)
    body = "".join(
        "<tr>" + "".join(f"<td>{linker.cell(row.get(v))}</td>" for v in variables) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def query_string(params: dict[str, str]) -> str:
    return urlencode({k: v for k, v in params.items() if v})
