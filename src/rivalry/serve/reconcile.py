"""/reconcile: the W3C Entity Reconciliation API (the protocol OpenRefine speaks).

GET with no `queries` answers the service manifest; GET or POST with `queries=` (a JSON
object of named queries) answers candidates per query, scored by the gate's identity keys
(kernel.names) over every rdfs:label and skos:altLabel, so a name the gate would call a
duplicate is the reconciler's exact match."""

from __future__ import annotations

import json

from starlette.requests import Request as HttpRequest
from starlette.responses import JSONResponse, Response

from rivalry.kernel.names import name_similarity
from rivalry.kernel.namespaces import ID, TR, compact
from rivalry.serve.responses import plain_error

NAMES = """
SELECT ?entity ?label ?preferred ?kind WHERE {
    { ?entity rdfs:label ?label BIND (true AS ?preferred) } UNION { ?entity skos:altLabel ?label }
    FILTER (STRSTARTS(STR(?entity), STR(id:)))
    OPTIONAL { GRAPH ?g { ?entity a ?kind } FILTER (?g != trg:inferred) }
}"""
# every class an entity belongs to, the inferred super-classes included (for type filters)
MEMBERSHIP = (
    "SELECT ?entity ?kind WHERE { ?entity a ?kind FILTER (STRSTARTS(STR(?kind), STR(tr:))) }"
)
CLASSES = """
SELECT ?class ?label WHERE {
    GRAPH trg:ontology { ?class a owl:Class ; rdfs:label ?label }
    FILTER (STRSTARTS(STR(?class), STR(tr:)) && LANGMATCHES(LANG(?label), "en"))
} ORDER BY ?label"""
DEFAULT_LIMIT, MAX_LIMIT, MAX_QUERIES = 5, 100, 100


class Index:
    """The labels, types and class names the reconciler matches against."""

    def __init__(self, names: list[dict], membership: list[dict], classes: list[dict]):
        self.classes = {c["class"]["value"]: c["label"]["value"] for c in classes}
        self.labels: dict[str, set[str]] = {}
        self.types: dict[str, set[str]] = {}  # asserted tr: types, for the answer
        self.member_of: dict[str, set[str]] = {}  # with super-classes, for the filter
        self.name: dict[str, str] = {}  # the English rdfs:label
        for row in names:
            entity, label = row["entity"]["value"], row["label"]["value"]
            self.labels.setdefault(entity, set()).add(label)
            english = row["label"].get("xml:lang", "en").startswith("en")
            if english and "preferred" in row:
                self.name.setdefault(entity, label)
            kind = row.get("kind", {}).get("value", "")
            if kind in self.classes:
                self.types.setdefault(entity, set()).add(kind)
        for row in membership:
            self.member_of.setdefault(row["entity"]["value"], set()).add(row["kind"]["value"])

    def match(self, text: str, kind: str | None, limit: int) -> list[dict]:
        scored = []
        for entity, labels in self.labels.items():
            if kind and kind not in self.member_of.get(entity, ()):
                continue
            score = max(name_similarity(text, label) for label in labels)
            if score >= 0.3:
                scored.append((-score, entity))
        scored.sort()
        top = scored[:limit]
        exact = [e for s, e in top if s == -1.0]
        return [
            {
                "id": entity,
                "name": self.name.get(entity) or min(self.labels[entity]),
                "score": round(-score * 100, 1),
                "match": len(exact) == 1 and entity == exact[0],
                "type": [
                    {"id": t, "name": self.classes[t]} for t in sorted(self.types.get(entity, ()))
                ],
            }
            for score, entity in top
        ]


class Reconciliation:
    """The /reconcile route of the server."""

    async def reconcile_index(self, request: HttpRequest) -> Index:
        built = self.built_at()
        cached = getattr(self, "_reconcile_index", None)
        if cached and cached[0] == built:
            return cached[1]
        rows = [
            (await self.select(request, q))["results"]["bindings"]
            for q in (NAMES, MEMBERSHIP, CLASSES)
        ]
        index = Index(*rows)
        self._reconcile_index = (built, index)
        return index

    async def reconcile(self, request: HttpRequest) -> Response:
        raw = request.query_params.get("queries")
        if request.method == "POST":
            form = await request.form()
            posted = form.get("queries")
            raw = posted if isinstance(posted, str) else raw
        index = await self.reconcile_index(request)
        if raw is None:
            return JSONResponse(self.manifest(request, index))
        try:
            queries = json.loads(raw)
        except json.JSONDecodeError as err:
            return plain_error(
                400, f'queries= is not JSON ({err}); send {{"q0": {{"query": "Huawei"}}}}.'
            )
        if not isinstance(queries, dict) or not queries:
            return plain_error(
                400,
                "queries= must be a JSON object of named queries, e.g. "
                '{"q0": {"query": "Huawei"}}.',
            )
        if len(queries) > MAX_QUERIES:
            return plain_error(
                400, f"At most {MAX_QUERIES} queries per request; send them in batches."
            )
        answers = {}
        for key, query in queries.items():
            problem = _problem(query, index)
            if problem:
                return plain_error(400, f"Query {key!r}: {problem}")
            limit = min(int(query.get("limit", DEFAULT_LIMIT)), MAX_LIMIT)
            answers[key] = {"result": index.match(query["query"], _type(query), limit)}
        return JSONResponse(answers)

    def manifest(self, request: HttpRequest, index: Index) -> dict:
        return {
            "versions": ["0.2"],
            "name": "Tech Rivalry Knowledge Graph",
            "identifierSpace": ID,
            "schemaSpace": TR,
            "defaultTypes": [{"id": c, "name": n} for c, n in sorted(index.classes.items())],
            "view": {"url": "{{id}}"},
            "documentation": str(request.base_url) + "queries",
        }


def _type(query: dict) -> str | None:
    kind = query.get("type")
    if not kind:
        return None
    return TR + kind[3:] if kind.startswith("tr:") else kind


def _problem(query, index: Index) -> str | None:
    if not isinstance(query, dict) or not isinstance(query.get("query"), str):
        return 'each query is an object with a "query" string, e.g. {"query": "Huawei"}.'
    limit = query.get("limit", DEFAULT_LIMIT)
    if not isinstance(limit, int) or limit < 1:
        return f'"limit" must be a positive integer, not {limit!r}.'
    kind = _type(query)
    if kind and kind not in index.classes:
        near = sorted(
            index.classes,
            key=lambda c: -name_similarity(kind.rsplit("#", 1)[-1], c.rsplit("#", 1)[-1]),
        )[:3]
        return f"unknown type {kind!r}; did you mean {', '.join(compact(c) for c in near)}?"
    return None
