"""Properties over generated graphs (hypothesis, a small example budget for CI): what the
project writes it reads back unchanged, merging a change twice equals merging it once, and
rdflib (which pySHACL validates) sees the same graph as pyoxigraph (which the gate parses)."""

from __future__ import annotations

import pyoxigraph as ox
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rdf_equal import canonical, write
from rivalry.kernel.namespaces import ID, TR, XSD
from rivalry.load.parse import FORMATS, load_change, parse_file, to_rdflib
from scorecard import record

EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
iris = st.builds(
    lambda kind, key: ox.NamedNode(f"{ID}{kind}/{key}"),
    st.sampled_from(["firm", "chip", "state"]),
    st.from_regex(r"[a-z0-9][a-z0-9-]{0,12}", fullmatch=True),
)
predicates = st.sampled_from([ox.NamedNode(TR + p) for p in ("note", "designedBy", "partOf")])
literals = st.one_of(
    st.builds(ox.Literal, text),
    st.builds(
        lambda value, tag: ox.Literal(value, language=tag),
        text,
        st.sampled_from(["en", "zh", "ms"]),
    ),
    st.builds(
        lambda n: ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer")),
        st.integers(-(10**12), 10**12),
    ),
    st.builds(
        lambda d: ox.Literal(d.isoformat(), datatype=ox.NamedNode(XSD + "date")),
        st.dates(),
    ),
)


@st.composite
def graphs(draw) -> list[ox.Triple]:
    """Triples over a few IRIs and blank nodes (so chains and cycles happen) and literals."""
    blanks = [ox.BlankNode() for _ in range(draw(st.integers(0, 4)))]
    nodes = st.one_of(iris, st.sampled_from(blanks)) if blanks else iris
    triples = draw(
        st.lists(
            st.builds(ox.Triple, nodes, predicates, st.one_of(nodes, literals)),
            min_size=1,
            max_size=25,
        )
    )
    return list(dict.fromkeys(triples))


@EXAMPLES
@given(graphs(), st.sampled_from(sorted(FORMATS)))
def test_what_is_written_is_read_back(tmp_path, triples, suffix):
    path = tmp_path / f"g{suffix}"
    write(triples, path)
    back = [q.triple for q in parse_file(path)]
    record("properties", round_trip_examples=1)
    assert canonical(back) == canonical(triples)


@EXAMPLES
@given(graphs())
def test_merging_a_change_twice_equals_merging_it_once(project, tmp_path, triples):
    path = tmp_path / "change.trig"
    graph = ox.NamedNode("https://w3id.org/tech-rivalry/graph/property")
    path.write_bytes(
        ox.serialize(
            [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples],
            format=ox.RdfFormat.TRIG,
        )
    )
    first = load_change(project, [path]).facts
    second = load_change(project, [path]).facts
    store = ox.Store()
    store.extend(first)
    once = len(store)
    store.extend(second)  # blank nodes are skolemised the same way: no duplicates
    record("properties", idempotence_examples=1)
    assert set(first) == set(second)
    assert len(store) == once


@EXAMPLES
@given(graphs())
def test_rdflib_and_pyoxigraph_see_the_same_graph(triples):
    graph = to_rdflib(triples)
    back = ox.parse(graph.serialize(format="nt").encode(), format=ox.RdfFormat.N_TRIPLES)
    record("properties", agreement_examples=1)
    assert canonical(back) == canonical(triples)
    assert len(graph) == len(triples) and isinstance(graph, rdflib.Graph)
