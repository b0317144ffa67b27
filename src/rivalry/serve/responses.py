"""What every route answers with: plain-text errors, and result formats by format= or Accept."""

from __future__ import annotations

from starlette.requests import Request as HttpRequest
from starlette.responses import PlainTextResponse, Response

from rivalry.kernel.formats import BY_MEDIA_TYPE, GRAPH_FORMATS, SELECT_FORMATS


def negotiate(request: HttpRequest) -> tuple[str, str]:
    """The result formats for SELECT/ASK and for CONSTRUCT/DESCRIBE, from format= or Accept."""
    select, graph = "json", "turtle"
    wanted = request.query_params.get("format")
    if wanted in SELECT_FORMATS:
        return wanted, graph
    if wanted in GRAPH_FORMATS:
        return select, wanted
    found_select = found_graph = False
    for part in request.headers.get("accept", "").split(","):
        media = part.split(";")[0].strip().lower()
        family, name = BY_MEDIA_TYPE.get(media, (None, None))
        if family == "select" and not found_select:
            select, found_select = name, True
        elif family == "graph" and not found_graph:
            graph, found_graph = name, True
    return select, graph


def plain_error(status: int, message: str, headers: dict | None = None) -> Response:
    return PlainTextResponse(message + "\n", status_code=status, headers=headers)
