"""Routes of the exposure pages: /exposure (the ranking for ?date=) and /exposure/{entity}
(its explanation for ?date=), rendered by web/exposure_page.py.

The walk reads the store directly (a few batched queries; seconds for a hub state at 1M
triples), so it runs in a thread, off the event loop, on the server's read-only store or
the remote one. It has no deadline of its own, unlike the pool's queries."""

from __future__ import annotations

from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request as HttpRequest
from starlette.responses import HTMLResponse, Response

from rivalry.analysis import exposure as analysis
from rivalry.kernel.namespaces import compact
from rivalry.serve.responses import plain_error
from rivalry.web import exposure_page, html


def explanation_href(iri: str, day) -> str:
    return f"/exposure/{quote(compact(iri), safe=':')}?date={day.isoformat()}"


class ExposurePages:
    """Mixed into the Server, beside Pages."""

    def exposure_store(self):
        store = getattr(self, "lookups", None) or getattr(self, "remote_store", None)
        if store is None:
            raise LookupError("exposure pages need a read-only store; serve without --update-token")
        return store

    def day_and_store(self, request: HttpRequest):
        """The page's ?date= and the store to walk, or the 400 that says what is wrong."""
        try:
            day = exposure_page.parse_day(
                request.query_params.get("date"), exposure_page.DEFAULT_DAY
            )
            return day, self.exposure_store()
        except (ValueError, LookupError) as error:
            return plain_error(400, str(error))

    async def exposure_ranking(self, request: HttpRequest) -> Response:
        asked = self.day_and_store(request)
        if isinstance(asked, Response):
            return asked
        day, store = asked
        rows = await run_in_threadpool(
            exposure_page.ranking_rows, store, self.project.queries_dir, day
        )
        title, body = exposure_page.ranking(rows, day, self.linker, explanation_href)
        return HTMLResponse(html.page(title, body))

    async def exposure_explain(self, request: HttpRequest) -> Response:
        asked = self.day_and_store(request)
        if isinstance(asked, Response):
            return asked
        day, store = asked
        wanted = request.path_params["entity"][:300]
        try:
            node = await run_in_threadpool(analysis.resolve, store, wanted)
            result, picture = await run_in_threadpool(exposure_page.explain, store, node.value, day)
        except analysis.EntityError as error:
            return plain_error(404, str(error))
        title, body = exposure_page.explanation(result, self.linker, picture)
        return HTMLResponse(html.page(title, body))
