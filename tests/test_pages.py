"""The HTML pages over HTTP on a real `rivalry serve`: source pages read as sources, no heading
stands over nothing, entity pages open with an infobox and mark derived facts, and the home
page browses by class. Each test here failed on the pages as they were at 4e0a54f."""

from __future__ import annotations

import re

import httpx
import pytest

from conftest import served
from rivalry.web import pages
from rivalry.web.html import Linker

SOURCE = "/page/source/thestar-2025-05-21-miti"
ARTICLE = (
    "https://www.thestar.com.my/news/nation/2025/05/21/"
    "malaysian-govt-not-involved-in-skyvast-huawei-ai-initiatives-miti-clarifies"
)


@pytest.fixture(scope="module")
def site(built, project):
    with served(project.store_path, "--timeout", "10") as url:
        yield url


def html(site: str, path: str) -> str:
    response = httpx.get(site + path, timeout=60)
    assert response.status_code == 200, response.text[:300]
    return response.text


def section(page: str, heading: str) -> str:
    """The HTML from an <h2> to the next one."""
    start = page.index(f">{heading}</h2>")
    end = page.find("<h2", start)
    return page[start : end if end > 0 else None]


def test_a_source_page_is_headed_by_its_title(site):
    page = html(site, SOURCE)
    h1 = re.search(r"<h1>(.*?)</h1>", page).group(1)
    assert h1 == "Malaysian govt not involved in Skyvast-Huawei AI initiatives, Miti clarifies"


def test_a_source_page_links_its_article(site):
    assert f"href='{ARTICLE}'" in html(site, SOURCE)


def test_a_source_page_does_not_cite_itself_on_every_row(site):
    relations = section(html(site, SOURCE), "Relations")
    assert f"href='{SOURCE}'" not in relations


@pytest.mark.parametrize("path", [SOURCE, "/page/state/MY", "/page/chip/huawei-ascend-910c"])
def test_no_heading_stands_over_nothing(site, path):
    page = html(site, path)
    assert "<ol class='timeline'></ol>" not in page
    assert "<tbody></tbody>" not in page
    for heading in re.findall(r"<h2[^>]*>([^<]+)</h2>", page):
        assert len(section(page, heading)) > len(heading) + 30, heading


def test_a_state_timeline_includes_its_bodies_events(site):
    timeline = section(html(site, "/page/state/MY"), "Timeline")
    assert "/page/event/2025-05-21-miti-statement" in timeline


def test_huawei_opens_with_an_infobox_and_marks_derived_facts(site):
    page = html(site, "/page/firm/huawei")
    box = page[page.index("<aside class='infobox'>") : page.index("</aside>")]
    assert "<dt>Headquarters</dt>" in box and "/page/state/CN" in box
    assert "<dt>Restricted by</dt>" in box
    assert page.index("<aside class='infobox'>") < page.index(">Relations</h2>")
    assert "class='derived'" in section(page, "Derived facts")
    assert "<details><summary>2 sources</summary>" in page  # sources fold into a count
    assert "denied" in section(page, "Claims")


def test_every_source_has_publisher_date_and_article(site):
    page = html(site, "/page/state/MY")
    assert re.search(r"The Star</?[^>]*>?[^<]*2025-05-21|The Star, 2025-05-21", page)
    assert "class='ext' href='https://" in page


def test_home_browses_by_class_with_counts_that_link(site):
    page = html(site, "/")
    assert re.search(r"<a href='/class/Firm'>\d+ firms</a>", page)
    firms = html(site, "/class/Firm")
    assert "/page/firm/huawei" in firms
    assert "CC BY 4.0" in page and "<footer>" in page
    assert httpx.get(site + "/class/Nope", timeout=30).status_code == 404


def test_counts_by_year_embeds_a_chart(site):
    page = html(site, "/queries/counts-by-year")
    assert "data-first='chart'" in page and "type='application/json'" in page
    assert "<table>" in page  # still readable without JavaScript


def test_contributed_lists_every_graph_a_source_describes():
    """A document that describes two graphs shows both, each under its own line."""

    def row(graph: str, n: int) -> dict:
        uri = {"type": "uri", "value": f"https://w3id.org/tech-rivalry/id/firm/f{n}"}
        return {
            "graph": {"type": "uri", "value": graph},
            "s": uri,
            "p": {"type": "uri", "value": "http://www.w3.org/2000/01/rdf-schema#label"},
            "o": {"type": "literal", "value": f"Firm {n}"},
        }

    graph = "https://w3id.org/tech-rivalry/graph/"
    rows = [row(graph + "a", 1), row(graph + "b", 2)]
    out = pages.contributed_html(rows, Linker("https://w3id.org/tech-rivalry/"))
    assert "graph/a</code> · 1 facts" in out and "graph/b</code> · 1 facts" in out
    assert "Firm 1" in out and "Firm 2" in out
