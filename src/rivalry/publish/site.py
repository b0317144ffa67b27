"""The static linked-data site: a page plus `.ttl` and `.jsonld` for every entity, an index,
and redirect rules (Apache `.htaccess`, and a w3id.org rule file) that give the graph's IRIs
content negotiation on any static host that honours them."""

from __future__ import annotations

import shutil
from html import escape
from pathlib import Path
from urllib.parse import quote, urlsplit

import pyoxigraph as ox

from rivalry.kernel.namespaces import BASE, ID, PREFIXES, compact
from rivalry.publish.describe import LICENCE
from rivalry.publish.dumps import Dump, entity_document
from rivalry.web import browse, documents, html, pages

# an entity page lives at id/<kind>/<key>.html: two levels below the site's root
ENTITY_ROOT = "../../"


class StaticLinker(html.Linker):
    """Links between the site's files, relative so the site works under any path."""

    def __init__(self, base: str, root: str):
        super().__init__(base)
        self.root = root

    def local(self, iri: str) -> str | None:
        if iri.startswith(ID):
            return self.root + "id/" + quote(iri[len(ID) :], safe="/") + ".html"
        return None


def nav(root: str) -> str:
    return (
        f"<a href='{root}index.html'>Release</a><a href='{root}ontology.html'>Ontology</a>"
        f"<a href='{root}void.ttl'>VoID/DCAT</a>"
    )


def entities(store: ox.Store) -> list[str]:
    """Every IRI in the data's namespace that is the subject of a fact."""
    return sorted(
        {
            q.subject.value
            for q in store.quads_for_pattern(None, None, None, None)
            if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(ID)
        }
    )


def write_entities(store: ox.Store, out: Path, iris: list[str], progress=None) -> None:
    linker = StaticLinker(BASE, ENTITY_ROOT)
    for iri in iris:
        key = iri[len(ID) :]
        target = out / "id" / key
        target.parent.mkdir(parents=True, exist_ok=True)
        node = ox.NamedNode(iri)
        found = pages.gather(store, iri)
        name = target.name
        data = {"Turtle": f"{name}.ttl", "JSON-LD": f"{name}.jsonld", "TriG": f"{name}.trig"}
        title, body = pages.entity(
            iri,
            found["facts"],
            found["events"],
            found["contributed"],
            linker,
            data,
            inferred=found["inferred"],
            dated=found["dated"],
            claims=found["claims"],
            names=found["names"],
        )
        page = html.page(title, body, nav(ENTITY_ROOT), static=ENTITY_ROOT + "static/")
        target.with_name(name + ".html").write_text(page)
        bound = {ox.Variable("e"): node}
        about = list(store.query(documents.ABOUT_LABELLED, substitutions=bound, prefixes=PREFIXES))
        target.with_name(name + ".ttl").write_bytes(entity_document(about, "turtle"))
        target.with_name(name + ".jsonld").write_bytes(entity_document(about, "jsonld"))
        quads = sorted(
            (
                ox.Quad(r["s"], r["p"], r["o"], r["g"])
                for r in store.query(documents.QUADS_ABOUT, substitutions=bound, prefixes=PREFIXES)
            ),
            key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)),
        )
        trig = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
        target.with_name(name + ".trig").write_bytes(trig)
        if progress:
            progress()


def write_static(out: Path) -> None:
    """The pages' scripts, styles, vendored libraries and world shapes, so pictures draw offline."""
    shutil.copytree(html.STATIC, out / "static", dirs_exist_ok=True)


def write_classes(store: ox.Store, out: Path) -> str:
    """A listing page per class (class/<Name>.html) and the home page's links to them."""
    folder = out / "class"
    folder.mkdir(parents=True, exist_ok=True)
    linker = StaticLinker(BASE, "../")
    for name in browse.NAMES:
        rows = pages.select(store, browse.MEMBERS, {"class": ox.NamedNode(browse.TR + name)})
        body = browse.members_html(rows, linker)
        page = html.page(browse.plural(name).capitalize(), body, nav("../"), static="../static/")
        (folder / f"{name}.html").write_text(page)
    counts = pages.select(store, browse.COUNTS)
    return browse.class_list(counts, href=lambda name: f"class/{name}.html")


def write_index(
    store: ox.Store,
    out: Path,
    iris: list[str],
    dumps: list[Dump],
    version: str,
    licence: str = LICENCE,
    issued: str | None = None,
) -> None:
    labels = {
        s.value: o.value
        for s, o in (
            (q.subject, q.object)
            for q in store.quads_for_pattern(
                None, ox.NamedNode(PREFIXES["rdfs"] + "label"), None, None
            )
        )
    }
    linker = StaticLinker(BASE, "")
    files = "".join(
        f"<tr><td><a href='{escape(d.path.name)}'>{escape(d.path.name)}</a></td>"
        f"<td>{escape(d.title)}</td><td>{escape(d.media_type)}</td><td>{d.size:,}</td>"
        f"<td><code>{d.sha256}</code></td></tr>"
        for d in dumps
    )
    kinds: dict[str, list[str]] = {}
    for iri in iris:
        kinds.setdefault(iri[len(ID) :].split("/", 1)[0], []).append(iri)
    sections = "".join(
        f"<h3>{escape(kind)} ({len(members)})</h3><ul>"
        + "".join(f"<li>{linker.link(i, labels.get(i) or compact(i))}</li>" for i in members)
        + "</ul>"
        for kind, members in sorted(kinds.items())
    )
    body = (
        f"<p>Release {escape(version)} of the Tech Rivalry Knowledge Graph: the technology rivalry "
        "between states as linked data, one named graph per source document. Licence: "
        f"<a href='{escape(licence)}'>{'CC BY 4.0' if licence == LICENCE else escape(licence)}"
        "</a>.</p>"
        f"<h2>Browse by class</h2>{write_classes(store, out)}"
        "<h2>Files</h2><table><thead><tr><th>file</th><th>what</th><th>media type</th>"
        f"<th>bytes</th><th>SHA-256</th></tr></thead><tbody>{files}</tbody></table>"
        "<p><a href='exposure/index.html'>Exposure ranking</a>: the states and firms caught "
        "between a measure and a rival law, each path explained</p>"
        f"<h2>Entities</h2>{sections}"
    )
    write_static(out)
    home = html.page("Tech Rivalry Knowledge Graph", body, nav(""), static="static/", built=issued)
    (out / "index.html").write_text(home)


def write_rules(out: Path, host_url: str | None) -> None:
    """`.htaccess` for Apache on the release's host and, once the host is known, the rule file
    for w3id.org that sends the graph's IRIs there."""
    path = urlsplit(host_url).path if host_url else "/"
    (out / ".htaccess").write_text(HTACCESS.format(base=path or "/"))
    if host_url:
        (out / "w3id.htaccess").write_text(W3ID.format(target=host_url.rstrip("/") + "/"))


HTACCESS = """\
# Content negotiation for the Tech Rivalry Knowledge Graph release (Apache 2.4 with
# mod_rewrite and mod_mime; the directory needs AllowOverride FileInfo).
# /id/<kind>/<key> answers 303 See Other to .ttl, .jsonld or .html by Accept;
# /ontology and /shapes to .ttl, .rdf or the documentation page; /.well-known/void to void.ttl.
AddType text/turtle .ttl
AddType application/ld+json .jsonld
AddType application/trig .trig
AddType application/rdf+xml .rdf
AddType "text/html; charset=utf-8" .html
<IfModule mod_headers.c>
    Header append Vary Accept
</IfModule>
Options -MultiViews -Indexes
RewriteEngine On
RewriteBase {base}

RewriteRule ^\\.well-known/void$ void.ttl [R=303,L]

RewriteCond %{{HTTP_ACCEPT}} text/turtle
RewriteRule ^(ontology|shapes)$ $1.ttl [R=303,L]
RewriteCond %{{HTTP_ACCEPT}} application/rdf\\+xml
RewriteRule ^(ontology|shapes)$ $1.rdf [R=303,L]
RewriteRule ^ontology$ ontology.html [R=303,L]
RewriteRule ^shapes$ shapes.ttl [R=303,L]

RewriteCond %{{REQUEST_FILENAME}} !-f
RewriteCond %{{HTTP_ACCEPT}} text/turtle
RewriteRule ^id/(.+)$ id/$1.ttl [R=303,L]
RewriteCond %{{REQUEST_FILENAME}} !-f
RewriteCond %{{HTTP_ACCEPT}} application/(ld\\+)?json
RewriteRule ^id/(.+)$ id/$1.jsonld [R=303,L]
RewriteCond %{{REQUEST_FILENAME}} !-f
RewriteRule ^id/([^.]+)$ id/$1.html [R=303,L]
"""

W3ID = """\
# For https://github.com/perma-id/w3id.org, as tech-rivalry/.htaccess: every IRI under
# https://w3id.org/tech-rivalry/ goes to the release's host with its path and Accept header
# intact; the host's own .htaccess then negotiates the format.
Options +FollowSymLinks
RewriteEngine on
RewriteRule ^(.*)$ {target}$1 [R=303,L]
"""
