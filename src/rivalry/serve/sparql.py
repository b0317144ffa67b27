"""The SPARQL 1.1 Protocol at /sparql: queries, updates (with a token), service description."""

from __future__ import annotations

import hmac
import json
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request as HttpRequest
from starlette.responses import Response

from rivalry.kernel.errors import RivalryError
from rivalry.query import guard
from rivalry.serve.limits import arrival, read_body
from rivalry.serve.responses import negotiate, plain_error
from rivalry.serve.workers import (
    QueryError,
    QueryTimeout,
    Request,
    to_tuple,
)

LONG_QUERY = 64 * 1024  # vetted off the event loop beyond this many characters


async def vet(text: str) -> None:
    """Refuse a query nested too deep (``QueryRefused``) or using SERVICE or LOAD."""
    checked = (
        await run_in_threadpool(guard.check, text) if len(text) > LONG_QUERY else guard.check(text)
    )
    if checked.forbidden:
        raise Forbidden("SERVICE and LOAD are not allowed on this endpoint.")


class Forbidden(RivalryError):
    pass


class SparqlProtocol:
    """Routes of the SPARQL 1.1 Protocol."""

    async def run(self, http: HttpRequest, job: Request) -> tuple[bytes, str]:
        """Run ``job`` in the pool, within the deadline counted from ``http``'s arrival."""
        return await run_in_threadpool(self.pool.run, job, arrival(http.scope))

    async def select(self, http: HttpRequest, query: str, bindings: dict | None = None) -> dict:
        request = Request(
            query, "json", bindings=tuple((k, *to_tuple(v)) for k, v in (bindings or {}).items())
        )
        body, _ = await self.run(http, request)
        return json.loads(body)

    # ------------------------------------------------------------ SPARQL protocol

    async def sparql(self, request: HttpRequest) -> Response:
        params = dict(request.query_params)
        query = params.get("query")
        if "update" in params:
            return plain_error(
                400, "SPARQL Update must be sent by POST (SPARQL 1.1 Protocol §2.2)."
            )
        if len(request.query_params.getlist("query")) > 1:
            return plain_error(400, "Send one query= parameter, not several.")
        if request.method == "POST":
            body = await read_body(request)  # refused past MAX_BODY before it is all read
            kind = request.headers.get("content-type", "").split(";")[0].strip()
            if kind == "application/sparql-query":
                query = body.decode("utf-8", errors="replace")
            elif kind == "application/x-www-form-urlencoded":
                form = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
                if "update" in form:
                    return await self.update(request, form["update"][0])
                query = form["query"][0] if "query" in form else None
            elif kind == "application/sparql-update":
                return await self.update(request, body.decode("utf-8", errors="replace"))
            else:
                return plain_error(
                    415,
                    f"Unsupported content type {kind!r}: send "
                    "application/sparql-query or a form with query=.",
                )
        if query is None:
            return self.service_description(request)
        await vet(query)
        select_format, graph_format = negotiate(request)
        job = Request(
            query,
            select_format,
            graph_format,
            tuple(request.query_params.getlist("default-graph-uri")),
            tuple(request.query_params.getlist("named-graph-uri")),
        )
        body, media = await self.run(request, job)
        return Response(body, media_type=media)

    async def update(self, request: HttpRequest, text: str) -> Response:
        """SPARQL Update, only when the server was started with a token and the client sends it."""
        if self.update_token is None:
            return plain_error(403, "This endpoint is read-only: SPARQL Update is not accepted.")
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), self.update_token.encode()):
            return Response(
                "A valid 'Authorization: Bearer <token>' header is required.\n",
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        await vet(text)
        try:
            await self.run(request, Request(text, update=True))
        except QueryError as err:
            return plain_error(400, f"Malformed or failing update: {err}")
        except QueryTimeout as err:
            return plain_error(503, f"{err}; the update was rolled back.")
        return Response(status_code=204)

    def service_description(self, request: HttpRequest) -> Response:
        endpoint = str(request.url.replace(query=""))
        results = "".join(
            f"    sd:resultFormat <http://www.w3.org/ns/formats/{name}> ;\n"
            for name in (
                "SPARQL_Results_JSON",
                "SPARQL_Results_XML",
                "SPARQL_Results_CSV",
                "SPARQL_Results_TSV",
                "Turtle",
                "N-Triples",
                "JSON-LD",
                "RDF_XML",
            )
        )
        text = (
            "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .\n"
            f"[] a sd:Service ;\n    sd:endpoint <{endpoint}> ;\n"
            "    sd:supportedLanguage sd:SPARQL11Query ;\n"
            f"{results}"
            "    sd:feature sd:UnionDefaultGraph ;\n"
            f"    sd:defaultDataset [ a sd:Dataset ; sd:defaultGraph [ a sd:Graph ] ] .\n"
        )
        return Response(text, media_type="text/turtle; charset=utf-8")

    # ------------------------------------------------------------ linked data
