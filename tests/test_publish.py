"""`rivalry publish` and `rivalry diff`: a release directory that independent tools read back,
that any static web server can host, and whose IRIs resolve with content negotiation under
Apache httpd with the generated `.htaccess`."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from pyld import jsonld

from conftest import rivalry
from rivalry.kernel.namespaces import ID, ONTOLOGY_GRAPH, SHAPES_GRAPH, TR
from rivalry.publish import release as releasing
from rivalry.publish.dumps import CONTEXT_URL, context
from servers import apache, required

DATE = "2026-11-28"


def publish(project, out: Path, *extra: str, seed: str = "0"):
    return rivalry(
        "publish",
        "--out",
        str(out),
        "--date",
        DATE,
        *extra,
        store=project.store_path,
        env={"PYTHONHASHSEED": seed},
    )


@pytest.fixture(scope="module")
def release(built, project, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release") / "dist"
    result = publish(project, out, "--host-url", "https://example.org/kg/")
    assert result.returncode == 0, result.stderr
    return out


def store_quads(project) -> set[ox.Quad]:
    store = ox.Store.read_only(str(project.store_path))
    return {
        q
        for q in store
        if not isinstance(q.graph_name, ox.DefaultGraph)
        and q.graph_name.value not in {ONTOLOGY_GRAPH, SHAPES_GRAPH}
    }


def test_release_lists_its_files_with_checksums(release):
    for name in (
        "dataset.trig",
        "dataset.ttl",
        "dataset.nq.gz",
        "dataset.nt.gz",
        "dataset.jsonld",
        "context.jsonld",
        "ontology.ttl",
        "ontology.rdf",
        "shapes.ttl",
        "shapes.rdf",
        "void.ttl",
        "ontology.html",
        "index.html",
        ".htaccess",
        "w3id.htaccess",
        "SHA256SUMS",
    ):
        assert (release / name).is_file(), name
    check = subprocess.run(
        ["sha256sum", "--check", "--quiet", "SHA256SUMS"],
        cwd=release,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    listed = (release / "SHA256SUMS").read_text()
    assert "id/state/MY.html" in listed and "dataset.nq.gz" in listed


def test_two_releases_of_the_same_graph_are_byte_identical(release, project, tmp_path):
    again = tmp_path / "again"
    result = publish(project, again, "--host-url", "https://example.org/kg/", seed="12345")
    assert result.returncode == 0, result.stderr
    compare = subprocess.run(
        ["diff", "-r", str(release), str(again)], capture_output=True, text=True
    )
    assert compare.returncode == 0, compare.stdout[:2000]


def test_dumps_hold_the_store_graphs(release, project):
    expected = store_quads(project)
    with gzip.open(release / "dataset.nq.gz", "rb") as stream:
        assert set(ox.parse(stream, format=ox.RdfFormat.N_QUADS)) == expected
    trig = set(ox.parse(path=str(release / "dataset.trig"), format=ox.RdfFormat.TRIG))
    assert trig == expected
    triples = {q.triple for q in expected}
    ttl = set(ox.parse(path=str(release / "dataset.ttl"), format=ox.RdfFormat.TURTLE))
    assert {t.triple if isinstance(t, ox.Quad) else t for t in ttl} == triples
    with gzip.open(release / "dataset.nt.gz", "rb") as stream:
        assert {q.triple for q in ox.parse(stream, format=ox.RdfFormat.N_TRIPLES)} == triples


@pytest.mark.parametrize(
    ("name", "syntax"),
    [
        ("dataset.ttl", "turtle"),
        ("dataset.trig", "trig"),
        ("dataset.nq.gz", "nquads"),
        ("dataset.nt.gz", "ntriples"),
        ("ontology.ttl", "turtle"),
        ("ontology.rdf", "rdfxml"),
        ("shapes.ttl", "turtle"),
        ("shapes.rdf", "rdfxml"),
        ("void.ttl", "turtle"),
    ],
)
def test_every_dump_parses_with_rapper(release, name, syntax, tmp_path):
    rapper = required("rapper", "raptor2-utils")
    path = release / name
    if name.endswith(".gz"):
        path = tmp_path / name.removesuffix(".gz")
        path.write_bytes(gzip.decompress((release / name).read_bytes()))
    result = subprocess.run([rapper, "-i", syntax, "-c", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    count = int(re.search(r"returned (\d+) (triples|statements)", result.stderr).group(1))
    assert count > 0


def test_vocabulary_dumps_agree_with_each_other(release, project):
    for name in ("ontology", "shapes"):
        turtle = rdflib.Graph().parse(release / f"{name}.ttl", format="turtle")
        xml = rdflib.Graph().parse(release / f"{name}.rdf", format="xml")
        assert rdflib.compare.isomorphic(turtle, xml), name
    store = ox.Store.read_only(str(project.store_path))
    graph_size = sum(
        1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH))
    )
    assert len(rdflib.Graph().parse(release / "ontology.ttl", format="turtle")) == graph_size


def _offline_loader(release: Path):
    context = json.loads((release / "context.jsonld").read_text())

    def load(url, options=None):
        if url != CONTEXT_URL:
            raise jsonld.JsonLdError(f"offline: no document {url}", "loading document failed")
        return {"contextUrl": None, "documentUrl": url, "document": context}

    return load


def test_jsonld_expands_with_pyld_to_the_same_graph(release, project):
    document = json.loads((release / "dataset.jsonld").read_text())
    assert document["@context"] == context()["@context"]  # inline, as in context.jsonld
    assert json.loads((release / "context.jsonld").read_text()) == context()
    nquads = jsonld.to_rdf(
        document, {"format": "application/n-quads", "documentLoader": _offline_loader(release)}
    )
    parsed = set(ox.parse(nquads.encode(), format=ox.RdfFormat.N_QUADS))
    assert parsed == store_quads(project)


def test_rdflib_parses_the_jsonld_dump_with_no_network(release, project, monkeypatch):
    import urllib.request

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access while parsing: {args!r}")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse)
    dataset = rdflib.Dataset()
    dataset.parse(release / "dataset.jsonld", format="json-ld")
    parsed = {q for q in dataset.quads() if q[3] is not None}
    assert len(parsed) == len(store_quads(project))


def test_flat_csv_exports(release):
    with (release / "entities.csv").open(newline="") as f:
        entities = list(csv.DictReader(f))
    assert list(entities[0]) == ["id", "type", "label", "alt_labels", "state", "wikidata"]
    huawei = next(r for r in entities if r["id"].endswith("/id/firm/huawei"))
    assert huawei["type"] == "tr:Firm" and huawei["label"].startswith("Huawei")
    assert "state/CN" in huawei["state"]
    assert any(r["wikidata"].startswith("http://www.wikidata.org/entity/Q") for r in entities)
    assert len({r["id"] for r in entities}) == len(entities)
    with (release / "facts.csv").open(newline="") as f:
        facts = list(csv.DictReader(f))
    assert list(facts[0]) == [
        "subject",
        "predicate",
        "object",
        "source_url",
        "source_title",
        "publisher",
        "date",
    ]
    assert all(r["source_url"].startswith("http") for r in facts)
    assert any(r["subject"].endswith("firm/huawei") and r["date"] for r in facts)
    for row in entities + facts:  # no cell a spreadsheet would run
        assert not any(v.startswith(("=", "+", "@")) for v in row.values())
    listed = (release / "void.ttl").read_text()
    assert "entities.csv" in listed and "facts.csv" in listed


def test_entity_documents_expand_to_their_turtle(release):
    loader = _offline_loader(release)
    for key in ("state/MY", "firm/huawei", "event/2025-05-21-miti-statement"):
        turtle = set(ox.parse(path=str(release / "id" / f"{key}.ttl"), format=ox.RdfFormat.TURTLE))
        document = json.loads((release / "id" / f"{key}.jsonld").read_text())
        nquads = jsonld.to_rdf(
            document, {"format": "application/n-quads", "documentLoader": loader}
        )
        assert set(ox.parse(nquads.encode(), format=ox.RdfFormat.N_QUADS)) == {
            ox.Quad(t.subject, t.predicate, t.object) for t in turtle
        }
        assert any(t.subject == ox.NamedNode(ID + key) for t in turtle)


def test_description_satisfies_the_dcat_shapes(release):
    releasing.check_description(release / "void.ttl")  # raises if not
    graph = rdflib.Graph().parse(release / "void.ttl", format="turtle")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    dataset = rdflib.URIRef("https://w3id.org/tech-rivalry/dataset")
    sizes = {
        str(d).rsplit("/", 1)[-1]: int(graph.value(d, dcat.byteSize))
        for d in graph.objects(dataset, dcat.distribution)
    }
    for name, size in sizes.items():
        assert (release / name).stat().st_size == size, name
    sums = dict(
        reversed(line.split("  ")) for line in (release / "SHA256SUMS").read_text().splitlines()
    )
    spdx = rdflib.Namespace("http://spdx.org/rdf/terms#")
    for dist in graph.objects(dataset, dcat.distribution):
        value = graph.value(graph.value(dist, spdx.checksum), spdx.checksumValue)
        assert sums[str(dist).rsplit("/", 1)[-1]] == str(value)
    assert len(list(graph.objects(dataset, void.subset))) >= 40
    assert (dataset, void.exampleResource, rdflib.URIRef(ID + "state/MY")) in graph


def test_a_description_missing_what_dcat_requires_is_refused(release, tmp_path):
    broken = tmp_path / "void.ttl"
    text = (release / "void.ttl").read_text()
    broken.write_text(re.sub(r"dcterms:title \"Tech Rivalry Knowledge Graph\"@en ;", "", text))
    with pytest.raises(releasing.PublishError, match="title"):
        releasing.check_description(broken)


def test_ontology_documentation_covers_every_term(release, project):
    page = (release / "ontology.html").read_text()
    ontology = rdflib.Graph().parse(release / "ontology.ttl", format="turtle")
    terms = {str(s) for s in ontology.subjects(rdflib.RDFS.label, None) if str(s).startswith(TR)}
    assert len(terms) > 100
    for term in terms:
        assert f"id='{term[len(TR) :]}'" in page, term
    chip = page[page.index("<section id='Chip'>") :]
    chip = chip[: chip.index("</section>")]
    assert "trsh:ChipShape" in chip and "chips-singled-out" in chip
    restricts = page[page.index("<section id='restricts'>") :]
    assert "tr:LegalInstrument" in restricts[: restricts.index("</section>")]


def test_static_pages_link_only_to_files_that_exist(release):
    broken = []
    for page in [
        release / "index.html",
        release / "ontology.html",
        *(release / "id").rglob("*.html"),
        *(release / "exposure").rglob("*.html"),
        *(release / "class").rglob("*.html"),
    ]:
        for href in re.findall(r"href='([^']+)'", page.read_text()):
            if href.startswith(("http://", "https://", "#", "data:")):
                continue
            target = (page.parent / href.split("#")[0]).resolve()
            if not target.exists():
                broken.append(f"{page.relative_to(release)} -> {href}")
    assert not broken, broken[:10]


@pytest.fixture(scope="module")
def hosted(release, tmp_path_factory):
    """The release served by Apache httpd, from a folder its worker user can read."""
    root = Path(tempfile.mkdtemp(prefix="rivalry-site-"))
    os.chmod(root, 0o755)
    site = root / "site"
    shutil.copytree(release, site)
    for folder in [site, *[p for p in site.rglob("*") if p.is_dir()]]:
        os.chmod(folder, 0o755)
    (site / ".htaccess").write_text(
        (release / ".htaccess").read_text().replace("RewriteBase /kg/", "RewriteBase /site/")
    )
    with apache(root, tmp_path_factory.mktemp("apache")) as base:
        yield base + "/site/"
    shutil.rmtree(root)


@pytest.mark.parametrize(
    ("path", "accept", "target", "media"),
    [
        ("id/state/MY", "text/turtle", "id/state/MY.ttl", "text/turtle"),
        ("id/state/MY", "application/ld+json", "id/state/MY.jsonld", "application/ld+json"),
        ("id/state/MY", "text/html,application/xhtml+xml", "id/state/MY.html", "text/html"),
        ("id/firm/huawei", "*/*", "id/firm/huawei.html", "text/html"),
        ("ontology", "text/turtle", "ontology.ttl", "text/turtle"),
        ("ontology", "application/rdf+xml", "ontology.rdf", "application/rdf+xml"),
        ("ontology", "text/html", "ontology.html", "text/html"),
        (".well-known/void", "text/turtle", "void.ttl", "text/turtle"),
    ],
)
def test_iris_resolve_with_content_negotiation_under_apache(hosted, path, accept, target, media):
    response = httpx.get(hosted + path, headers={"Accept": accept})
    assert response.status_code == 303, response.text[:500]
    assert response.headers["location"] == urljoin(hosted, target)
    document = httpx.get(response.headers["location"])
    assert document.status_code == 200
    assert document.headers["content-type"].startswith(media)


def test_apache_serves_entity_data_that_parses(hosted):
    response = httpx.get(
        hosted + "id/firm/huawei", headers={"Accept": "text/turtle"}, follow_redirects=True
    )
    triples = list(ox.parse(response.content, format=ox.RdfFormat.TURTLE))
    assert ox.NamedNode(ID + "firm/huawei") in {t.subject for t in triples}
    missing = httpx.get(hosted + "id/firm/no-such-firm.ttl")
    assert missing.status_code == 404


def test_a_failed_publish_keeps_the_previous_release(release, project, tmp_path):
    out = tmp_path / "dist"
    shutil.copytree(release, out)
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.rglob("*") if p.is_file()}
    result = publish(project, out, "--previous", str(tmp_path / "not-a-release"))
    assert result.returncode == 2
    assert "not a release directory" in result.stderr
    result = rivalry("publish", "--out", str(out), store=tmp_path / "no-store")
    assert result.returncode == 1 and "rivalry build" in result.stderr
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.rglob("*") if p.is_file()}
    assert before == after
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_publish_killed_midway_keeps_the_previous_release(release, project, tmp_path):
    out = tmp_path / "dist"
    shutil.copytree(release, out)
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.rglob("*") if p.is_file()}
    env = {**os.environ, "RIVALRY_STORE": str(project.store_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "rivalry", "publish", "--out", str(out)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".dist.partial-*/id")) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.rglob("*") if p.is_file()}
    assert before == after
    result = publish(project, out)  # the next publish clears what the killed one left
    assert result.returncode == 0, result.stderr
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_diff_between_two_releases(release, project, tmp_path):
    newer = tmp_path / "newer"
    newer.mkdir()
    lines = gzip.decompress((release / "dataset.nq.gz").read_bytes()).decode().splitlines()
    removed = next(line for line in lines if "/graph/thestar-2025-05-21-miti>" in line)
    added = (
        f'<{ID}firm/huawei> <http://www.w3.org/2004/02/skos/core#altLabel> "HW" '
        "<https://w3id.org/tech-rivalry/graph/thestar-2025-05-21-miti> ."
    )
    changed = sorted([*(line for line in lines if line != removed), added])
    (newer / "dataset.nq.gz").write_bytes(gzip.compress(("\n".join(changed) + "\n").encode()))
    same = rivalry("diff", str(release), str(release))
    assert same.returncode == 0 and "No changes" in same.stdout
    rdf = tmp_path / "changes.trig"
    result = rivalry("diff", str(release), str(newer), "--format", "json", "--rdf", str(rdf))
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout) == {
        "graphs": [{"graph": "thestar-2025-05-21-miti", "added": 1, "removed": 1}],
        "exposure": [],  # an alternative label changes no exposure
    }
    quads = list(ox.parse(path=str(rdf), format=ox.RdfFormat.TRIG))
    graphs = {q.graph_name.value for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)}
    assert graphs == {
        "https://w3id.org/tech-rivalry/changes/added/thestar-2025-05-21-miti",
        "https://w3id.org/tech-rivalry/changes/removed/thestar-2025-05-21-miti",
    }
    again = publish(project, tmp_path / "next", "--previous", str(newer))
    assert again.returncode == 0, again.stderr
    summary = (tmp_path / "next" / "CHANGES.md").read_text()
    assert "| thestar-2025-05-21-miti | 1 | 1 |" in summary
    bad = rivalry("diff", str(release), str(tmp_path / "nothing"))
    assert bad.returncode == 2 and "no dataset.nq.gz" in bad.stderr


def test_ontology_documentation_at_pylode_level(release):
    page = (release / "ontology.html").read_text()
    metadata = page[page.index("id='metadata'") : page.index("id='namespaces'")]
    for field in ("abstract", "version", "creators", "licence", "cite as"):
        assert f"<th>{field}</th>" in metadata, field
    assert "creativecommons.org/licenses/by/4.0/" in metadata
    namespaces = page[page.index("id='namespaces'") : page.index("id='diagram'")]
    for prefix in ("tr", "trsh", "owl", "skos", "prov", "vann"):
        assert f"<td><code>{prefix}</code></td>" in namespaces, prefix
    # the class diagram is SVG drawn from the ontology: a node per class, linked to its entry
    diagram = page[page.index("id='diagram'") : page.index("id='Class'")]
    assert "<svg" in diagram and "tr:Firm" in diagram and 'href="#Firm"' in diagram
    firm = page[page.index("<section id='Firm'>") :].split("</section>")[0]
    assert "in domain of" in firm and "in range of" in firm and "tr:designedBy" in firm
    organisation = page[page.index("<section id='Organisation'>") :].split("</section>")[0]
    assert "sub-classes" in organisation and "tr:Firm" in organisation
    assert "id='deprecated'" in page
    shapes = page[page.index("id='shapes'") :]
    state = shapes[shapes.index("trsh:StateShape") :].split("</section>")[0]
    assert "targetClass tr:State" in state
    assert "sh:pattern ^[A-Z]{2}$" in state and "tr:isoCode" in state


def test_release_entity_documents_have_trig_and_neighbour_labels(release):
    quads = list(
        ox.parse(path=str(release / "id" / "firm" / "huawei.trig"), format=ox.RdfFormat.TRIG)
    )
    assert len({q.graph_name for q in quads}) > 1
    turtle = list(
        ox.parse(path=str(release / "id" / "firm" / "huawei.ttl"), format=ox.RdfFormat.TURTLE)
    )
    labelled = {t.subject for t in turtle if t.predicate.value.endswith("#label")}
    assert len(labelled) >= 3, "the document names its neighbours"
