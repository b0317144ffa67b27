"""Linked data by the W3C recipes, over HTTP on a real `rivalry serve`: 303s that vary by
Accept, 404 for unknown IRIs in every format, validators and conditional GET, gzip, Link
alternates, per-entity TriG, labels of linked resources, the vocabulary in RDF/XML, and the
served VoID and ontology page made by the release's generators."""

from __future__ import annotations

import gzip
import http.client
import json
from urllib.parse import quote

import pyoxigraph as ox
import pytest
import rdflib

HUAWEI = "https://w3id.org/tech-rivalry/id/firm/huawei"


def request(url: str, path: str, headers: dict | None = None, method: str = "GET", body=None):
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


@pytest.mark.parametrize(
    "accept", ["text/turtle", "application/ld+json", "text/html", "application/trig", ""]
)
def test_the_303_varies_by_accept(endpoint, accept):
    status, headers, _ = request(endpoint, "/id/firm/huawei", {"Accept": accept})
    assert status == 303
    assert "accept" in headers["vary"].lower()


def test_the_303_follows_q_values(endpoint):
    status, headers, _ = request(
        endpoint, "/id/firm/huawei", {"Accept": "text/html;q=0.5, text/turtle"}
    )
    assert status == 303 and headers["location"] == "/data/firm/huawei.ttl"


@pytest.mark.parametrize("ext", ["ttl", "jsonld", "nt", "rdf", "trig"])
def test_unknown_iris_are_404_in_every_format(endpoint, ext):
    status, _, _ = request(endpoint, f"/data/firm/no-such-firm.{ext}")
    assert status == 404


@pytest.mark.parametrize("accept", ["text/turtle", "text/html", ""])
def test_an_unknown_iri_is_404_not_a_redirect(endpoint, accept):
    status, headers, _ = request(endpoint, "/id/firm/no-such-firm", {"Accept": accept})
    assert status == 404 and "accept" in headers["vary"].lower()


def test_data_documents_have_validators_and_answer_conditional_gets(endpoint):
    status, headers, body = request(endpoint, "/data/firm/huawei.ttl")
    assert status == 200 and body
    assert headers["etag"].startswith('"') and headers["last-modified"].endswith("GMT")
    again, _, empty = request(endpoint, "/data/firm/huawei.ttl", {"If-None-Match": headers["etag"]})
    assert again == 304 and empty == b""
    since, _, _ = request(
        endpoint, "/data/firm/huawei.ttl", {"If-Modified-Since": headers["last-modified"]}
    )
    assert since == 304
    stale, _, _ = request(endpoint, "/data/firm/huawei.ttl", {"If-None-Match": '"other"'})
    assert stale == 200
    _, other_headers, _ = request(endpoint, "/data/firm/huawei.jsonld")
    assert other_headers["etag"] != headers["etag"]


def test_data_documents_are_gzipped_on_request(endpoint):
    status, headers, body = request(endpoint, "/data/firm/huawei.ttl", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert b"tr:restricts firm:huawei" in gzip.decompress(body)


def test_data_documents_and_pages_link_their_alternates(endpoint):
    _, headers, _ = request(endpoint, "/data/firm/huawei.ttl")
    link = headers["link"]
    for kind in ("application/ld+json", "application/trig", "text/html", "application/rdf+xml"):
        assert f'type="{kind}"' in link
    assert 'rel="alternate"' in link
    status, page_headers, page = request(endpoint, "/page/firm/huawei")
    assert status == 200 and 'type="text/turtle"' in page_headers["link"]
    assert b"<link rel='alternate' type='text/turtle' href='/data/firm/huawei.ttl'>" in page


def test_per_entity_trig_keeps_the_source_graphs(endpoint):
    status, headers, body = request(endpoint, "/data/firm/huawei.trig")
    assert status == 200 and headers["content-type"].startswith("application/trig")
    quads = list(ox.parse(body, format=ox.RdfFormat.TRIG))
    graphs = {q.graph_name.value for q in quads}
    assert any("/graph/" in g for g in graphs) and len(graphs) > 1
    assert all(HUAWEI in (q.subject.value, q.object.value) for q in quads)


def test_data_documents_carry_labels_of_linked_resources(endpoint):
    _, _, body = request(endpoint, "/data/firm/huawei.ttl")
    graph = rdflib.Graph().parse(data=body.decode(), format="turtle")
    label = rdflib.RDFS.label
    linked = {o for o in graph.objects(rdflib.URIRef(HUAWEI)) if isinstance(o, rdflib.URIRef)}
    linked |= {s for s in graph.subjects(None, rdflib.URIRef(HUAWEI))}
    labelled = {s for s in linked if (s, label, None) in graph}
    assert len(labelled) >= 3, "the document names its neighbours"


@pytest.mark.parametrize("path", ["/ontology", "/shapes"])
def test_vocabulary_in_rdf_xml_by_accept_and_by_extension(endpoint, path):
    status, headers, body = request(endpoint, path, {"Accept": "application/rdf+xml"})
    assert status == 200 and headers["content-type"].startswith("application/rdf+xml")
    assert "accept" in headers["vary"].lower()
    by_accept = rdflib.Graph().parse(data=body.decode(), format="xml")
    assert len(by_accept) > 50
    status, _, body = request(endpoint, path + ".rdf")
    assert status == 200 and len(rdflib.Graph().parse(data=body.decode(), format="xml")) == len(
        by_accept
    )
    status, _, turtle = request(endpoint, path + ".ttl")
    assert status == 200 and len(rdflib.Graph().parse(data=turtle.decode())) == len(by_accept)


def test_served_void_is_the_release_description(endpoint):
    status, headers, body = request(endpoint, "/.well-known/void")
    assert status == 200
    graph = rdflib.Graph().parse(data=body.decode(), format="turtle")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    dataset = rdflib.URIRef("https://w3id.org/tech-rivalry/dataset")
    assert (dataset, rdflib.RDF.type, dcat.Dataset) in graph
    assert (dataset, rdflib.DCTERMS.license, None) in graph
    assert len(list(graph.objects(dataset, void.subset))) > 5
    assert len(list(graph.objects(dataset, void.classPartition))) > 3
    assert "etag" in headers


def test_served_ontology_page_is_the_release_page(endpoint):
    status, _, body = request(endpoint, "/ontology", {"Accept": "text/html"})
    assert status == 200
    text = body.decode()
    assert "Object properties" in text and "constrained by" in text and "in domain of" in text
    assert "<svg" in text and "<th>creators</th>" in text and "id='shapes'" in text
    assert "<link rel='alternate' type='application/rdf+xml' href='/ontology.rdf'>" in text


def test_jsonld_data_documents_parse_offline(endpoint):
    _, _, body = request(endpoint, "/data/firm/huawei.jsonld")
    graph = rdflib.Graph().parse(data=body.decode(), format="json-ld")
    assert (rdflib.URIRef(HUAWEI), None, None) in graph
    json.loads(body)


def test_quoted_paths_resolve(endpoint):
    status, _, _ = request(endpoint, "/data/" + quote("firm/huawei") + ".nt")
    assert status == 200


# ------------------------------------------------------------ the catalogue as an API


def test_queries_json_lists_the_catalogue(endpoint):
    status, headers, body = request(endpoint, "/queries.json")
    assert status == 200 and headers["content-type"].startswith("application/json")
    catalogue = {q["name"]: q for q in json.loads(body)}
    timeline = catalogue["timeline"]
    assert timeline["summary"] and "SELECT" in timeline["sparql"]
    assert {p["name"] for p in timeline["params"]} >= {"from", "to"}
    assert timeline["links"]["csv"] == "/queries/timeline?format=csv"


def test_openapi_describes_one_path_per_query(endpoint):
    status, _, body = request(endpoint, "/openapi.json")
    spec = json.loads(body)
    assert status == 200 and spec["openapi"].startswith("3.")
    _, _, listed = request(endpoint, "/queries.json")
    names = {q["name"] for q in json.loads(listed)}
    assert set(spec["paths"]) == {f"/queries/{n}" for n in names}
    parameters = {p["name"]: p for p in spec["paths"]["/queries/timeline"]["get"]["parameters"]}
    assert parameters["from"]["in"] == "query" and "format" in parameters
    # the description is usable: following it runs the query
    query = "&".join(
        f"{n}={p['schema']['default']}"
        for n, p in parameters.items()
        if "default" in p["schema"] and n != "format"
    )
    status, _, rows = request(endpoint, f"/queries/timeline?{query}&format=json")
    assert status == 200 and json.loads(rows)["results"]["bindings"]


# ------------------------------------------------------------ reconciliation (OpenRefine)


def reconcile(endpoint, queries: dict, method: str = "GET"):
    from urllib.parse import urlencode

    encoded = urlencode({"queries": json.dumps(queries)})
    if method == "POST":
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return request(endpoint, "/reconcile", headers, "POST", encoded)
    return request(endpoint, "/reconcile?" + encoded)


def test_reconcile_manifest(endpoint):
    status, _, body = request(endpoint, "/reconcile")
    manifest = json.loads(body)
    assert status == 200 and "0.2" in manifest["versions"]
    assert manifest["identifierSpace"] == "https://w3id.org/tech-rivalry/id/"
    types = {t["id"] for t in manifest["defaultTypes"]}
    assert "https://w3id.org/tech-rivalry/ontology#Firm" in types


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_reconcile_huawei_technologies_returns_firm_huawei_first(endpoint, method):
    status, _, body = reconcile(endpoint, {"q0": {"query": "Huawei Technologies"}}, method)
    assert status == 200
    results = json.loads(body)["q0"]["result"]
    first = results[0]
    assert first["id"] == HUAWEI and first["match"] is True and first["score"] == 100
    assert first["name"] == "Huawei Technologies Co., Ltd."
    assert {"id": "https://w3id.org/tech-rivalry/ontology#Firm", "name": "firm"} in first["type"]
    assert all(r["score"] < 100 for r in results[1:])


def test_reconcile_by_type_and_limit(endpoint):
    _, _, body = reconcile(
        endpoint,
        {
            "chips": {"query": "Huawei Ascend 910C", "type": "tr:Chip", "limit": 2},
            "firms": {"query": "Huawei Ascend 910C", "type": "tr:Firm", "limit": 1},
        },
    )
    answer = json.loads(body)
    assert answer["chips"]["result"][0]["id"].endswith("/id/chip/huawei-ascend-910c")
    assert len(answer["chips"]["result"]) <= 2
    assert [r["id"] for r in answer["firms"]["result"]] == [HUAWEI]


@pytest.mark.parametrize(
    "queries, message",
    [
        ("not json", "not JSON"),
        ('["Huawei"]', "JSON object"),
        ('{"q0": {"query": "Huawei", "type": "tr:Frim"}}', "did you mean tr:Firm"),
        ('{"q0": {"query": "Huawei", "limit": 0}}', "positive integer"),
        ('{"q0": {"text": "Huawei"}}', '"query" string'),
    ],
)
def test_reconcile_refuses_malformed_queries_with_a_reason(endpoint, queries, message):
    from urllib.parse import quote as q

    status, _, body = request(endpoint, "/reconcile?queries=" + q(queries))
    assert status == 400 and message in body.decode()
