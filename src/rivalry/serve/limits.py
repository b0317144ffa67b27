"""Limits applied to a request before any route sees it: its arrival time (from which the
query deadline counts), unambiguous framing, and a body size checked while it streams in."""

from __future__ import annotations

import time

from starlette.requests import Request as HttpRequest

from rivalry.kernel.errors import RivalryError

MAX_BODY = 1024 * 1024
DRAINED = 16 * MAX_BODY  # a larger body is refused without reading the rest
ARRIVED = "rivalry.arrived"  # scope key: time.monotonic() when the request came in


class BodyTooLarge(RivalryError):
    def __init__(self):
        super().__init__(f"The request body is larger than {MAX_BODY} bytes.")


def arrival(scope) -> float | None:
    return scope.get(ARRIVED)


async def read_body(request: HttpRequest) -> bytes:
    """The body, never holding more than ``MAX_BODY`` bytes of it: refused at once when
    its Content-Length passes ``DRAINED``, else read (and a larger one discarded as it
    streams) so that a client that sends its whole body before reading gets the 413
    rather than a broken pipe."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > DRAINED:
        raise BodyTooLarge()
    parts, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > DRAINED:
            raise BodyTooLarge()
        if size <= MAX_BODY:
            parts.append(chunk)
    if size > MAX_BODY:
        raise BodyTooLarge()
    return b"".join(parts)


class Guard:
    """ASGI middleware: stamps each request's arrival, and refuses a request that carries
    both Content-Length and Transfer-Encoding (RFC 9112 §6.3: a proxy and this server could
    frame it differently, which smuggles a second request), closing the connection."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        scope[ARRIVED] = time.monotonic()
        names = {name.lower() for name, _ in scope["headers"]}
        if b"content-length" in names and b"transfer-encoding" in names:
            return await _refuse(send)
        return await self.app(scope, receive, send)


async def _refuse(send) -> None:
    body = b"A request may not carry both Content-Length and Transfer-Encoding.\n"
    await send(
        {
            "type": "http.response.start",
            "status": 400,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
