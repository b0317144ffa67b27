"""The release's exposure pages: exposure/index.html, the ranking on a default day, and
exposure/<kind>/<key>.html, the explanation of each ranked state and firm on that day
(the diagram inline, the sources linked)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyoxigraph as ox

from rivalry.kernel.namespaces import BASE, ID
from rivalry.publish.site import StaticLinker, nav
from rivalry.web import exposure_page, html

FOLDER = "exposure"


def page_of(iri: str) -> str:
    """Where an entity's explanation sits, below exposure/ (state/MY.html)."""
    return iri[len(ID) :] + ".html"


def write_exposure(
    store: ox.Store, out: Path, queries_dir: Path, day: date = exposure_page.DEFAULT_DAY
) -> list[str]:
    """Write the ranking and the explanations; returns the entities explained."""
    folder = out / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    rows = [
        r for r in exposure_page.ranking_rows(store, queries_dir, day) if r["entity"].startswith(ID)
    ]
    title, body = exposure_page.ranking(
        rows, day, StaticLinker(BASE, "../"), lambda iri, _day: page_of(iri)
    )
    body = (
        f"<p class='muted'>On {day}, the release's default day.</p>" + body.split("</form>", 1)[-1]
    )
    (folder / "index.html").write_text(html.page(title, body, nav("../"), static="../static/"))
    for row in rows:
        target = folder / page_of(row["entity"])
        target.parent.mkdir(parents=True, exist_ok=True)
        depth = "../" * (page_of(row["entity"]).count("/") + 1)
        result, picture = exposure_page.explain(store, row["entity"], day)
        title, body = exposure_page.explanation(result, StaticLinker(BASE, depth), picture)
        body = body.split("</form>", 1)[-1]  # a static page has no date to choose
        body = f"<p><a href='{depth}{FOLDER}/index.html'>Exposure ranking</a></p>" + body
        target.write_text(html.page(title, body, nav(depth), static=depth + "static/"))
    return [r["entity"] for r in rows]
