"""Every page kind and its pictures in real headless Chromium (Debian's package): on a running
`rivalry serve` and on the static release served by a plain http.server. Each picture must be
drawn (a canvas or svg of non-zero size), the console must stay free of errors, and no request
may leave the server's host. Screenshots go to .rivalry/screenshots/ for people to look at."""

from __future__ import annotations

import datetime
import functools
import http.server
import threading
from urllib.parse import urlsplit

import pytest

from conftest import SCREENSHOTS, served
from rivalry.kernel.version import VERSION
from rivalry.publish import release


@pytest.fixture(scope="module")
def server(built, project):
    with served(project.store_path, "--timeout", "10") as url:
        yield url


class Visit:
    """One page in a fresh tab, recording console errors and every host asked."""

    def __init__(self, browser, url: str, width: int = 1280):
        self.page = browser.new_page(viewport={"width": width, "height": 900})
        self.errors: list[str] = []
        self.hosts: set[str] = set()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(f"{e} {e.stack}"))
        self.page.on("request", lambda r: self.hosts.add(urlsplit(r.url).netloc))
        self.page.goto(url)
        self.page.wait_for_load_state("networkidle")
        self.host = urlsplit(url).netloc

    def drawn(self, kind: str | None = None) -> dict:
        """The picture shown in the views box: its kind and its size."""
        box = self.page.locator(".views").first
        if kind:
            box.locator(f"button[data-kind={kind}]").click()
            self.page.wait_for_selector(f".views[data-drawn={kind}]", timeout=15000)
        self.page.wait_for_function(
            "() => { const c = document.querySelector('.views .chart canvas, .views .chart svg');"
            " return c && c.getBoundingClientRect().width > 0 }",
            timeout=15000,
        )
        self.page.wait_for_timeout(800)  # the force layout and the map settle
        size = self.page.locator(".views .chart canvas, .views .chart svg").first.bounding_box()
        assert size and size["width"] > 100 and size["height"] > 100, size
        return {"kind": box.get_attribute("data-drawn"), **size}

    def shoot(self, name: str) -> None:
        self.page.screenshot(path=str(SCREENSHOTS / name), full_page=True)

    def close(self) -> None:
        assert not self.errors, self.errors
        assert self.hosts == {self.host}, self.hosts  # nothing is loaded from elsewhere
        self.page.close()


def test_home_browses_by_class_with_a_footer(chromium, server):
    v = Visit(chromium, server + "/")
    assert v.page.locator("ul.browse a").count() >= 8
    footer = v.page.locator("footer").inner_text()
    assert VERSION in footer and "CC BY 4.0" in footer and "built" in footer
    v.shoot("home.png")
    v.page.locator("ul.browse a", has_text="firms").click()
    assert v.page.locator("h1").inner_text() == "Firms"
    assert v.page.locator("a", has_text="Huawei Technologies").count() >= 1
    v.close()


def test_huawei_has_an_infobox_a_network_and_a_timeline(chromium, server):
    v = Visit(chromium, server + "/page/firm/huawei")
    box = v.page.locator("aside.infobox").inner_text()
    assert "Headquarters" in box and "China" in box
    assert "Type" in box and "firm" in box.lower()
    assert v.drawn("network")["kind"] == "network"
    assert v.drawn("timeline")["kind"] == "timeline"
    assert v.page.locator("details summary", has_text="source").count() > 3
    v.shoot("huawei.png")
    v.close()


def test_huawei_fits_a_phone(chromium, server):
    v = Visit(chromium, server + "/page/firm/huawei", width=390)
    assert v.drawn()["width"] <= 390
    wide = v.page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 400, f"the page is {wide} px wide on a 390 px phone"
    v.shoot("phone-huawei.png")
    v.close()


def test_malaysia_has_a_timeline_with_its_bodies_and_a_map(chromium, server):
    v = Visit(chromium, server + "/page/state/MY")
    assert not v.errors, v.errors
    assert v.drawn("timeline")["kind"] == "timeline"
    assert not v.errors, v.errors
    # MITI's denial is an event of a Malaysian body: it belongs on the state's timeline
    dates = v.page.locator("h2:has-text('Timeline') ~ *").all_text_contents()
    assert "Malaysian govt not involved" in " ".join(dates) or "MITI" in " ".join(dates)
    assert v.drawn("map")["kind"] == "map"
    v.shoot("malaysia.png")
    v.close()


def test_a_source_page_reads_as_a_source(chromium, server):
    v = Visit(chromium, server + "/page/source/thestar-2025-05-21-miti")
    assert v.page.locator("h1").inner_text().startswith("Malaysian govt not involved")
    assert v.page.locator("aside.infobox a[href^='https://www.thestar.com.my']").count() == 1
    assert v.page.locator("h2", has_text="Timeline").count() == 0
    v.shoot("source.png")
    v.close()


def test_a_chip_page(chromium, server):
    v = Visit(chromium, server + "/page/chip/huawei-ascend-910c")
    assert "Restricted by" in v.page.locator("aside.infobox").inner_text()
    assert v.drawn()["width"] > 100
    for heading in v.page.locator("h2").all():  # no heading stands over nothing
        assert heading.evaluate(
            "h => !!h.nextElementSibling && h.nextElementSibling.tagName != 'H2'"
        )
    v.shoot("chip.png")
    v.close()


def test_counts_by_year_opens_as_a_chart(chromium, server):
    v = Visit(chromium, server + "/queries/counts-by-year")
    assert v.drawn()["kind"] == "chart"
    assert v.page.locator("#result table").is_hidden()
    v.shoot("counts-by-year.png")
    v.page.locator(".views button[data-kind=table]").click()
    assert v.page.locator("#result table tbody tr").count() > 10
    v.close()


def test_a_result_with_states_shows_a_map(chromium, server):
    v = Visit(chromium, server + "/queries/restricted-as-of")
    assert v.page.locator(".views button[data-kind=map]").count() == 1
    assert v.drawn("map")["kind"] == "map"
    v.shoot("result-map.png")
    v.close()


@pytest.fixture(scope="module")
def release_site(built, project, tmp_path_factory):
    out = tmp_path_factory.mktemp("release") / "site"
    release.publish(project, out, version=VERSION, issued=datetime.date(2026, 1, 1))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_the_release_draws_offline(chromium, release_site):
    v = Visit(chromium, release_site + "/index.html")
    assert v.page.locator("ul.browse a").count() >= 8
    assert "2026-01-01" in v.page.locator("footer").inner_text()
    v.close()
    v = Visit(chromium, release_site + "/id/state/MY.html")
    assert v.drawn("map")["kind"] == "map"
    assert v.drawn("timeline")["kind"] == "timeline"
    v.shoot("release-entity.png")
    v.close()
