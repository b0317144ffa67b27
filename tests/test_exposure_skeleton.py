"""The exposure walk reads links only along chains that can end in an exposure (the
skeleton, src/rivalry/analysis/exposure/skeleton.py), and gives the same paths as the full
walk; an entity given by IRI is bound without reading every entity's names."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from conftest import CASES, built_project
from rivalry.analysis.exposure.paths import all_paths
from rivalry.analysis.exposure.walker import Walker
from rivalry.kernel.namespaces import ID, RDF
from rivalry.kernel.terms import tr
from rivalry.query import resolve
from rivalry.query.catalogue import Param
from rivalry.query.execute import to_term
from rivalry.store.embedded import open_store


class FullWalker(Walker):
    """The walk as it was before the skeleton: every link of every node it meets."""

    @property
    def prunable(self) -> bool:
        return False


@pytest.fixture(scope="module")
def case_db(tmp_path_factory):
    project = built_project(tmp_path_factory.mktemp("skeleton"), [CASES / "exposure-paths.trig"])
    return open_store(project.store_path)


def entities(store: ox.Store) -> list[str]:
    kinds = [ox.NamedNode(tr.State), ox.NamedNode(tr.Firm)]
    typed = ox.NamedNode(RDF + "type")
    return sorted(
        {q.subject.value for k in kinds for q in store.quads_for_pattern(None, typed, k, None)}
    )


def test_the_pruned_walk_gives_every_path_of_the_full_walk(case_db):
    checked = 0
    for iri in entities(case_db):
        pruned, full = Walker(case_db), FullWalker(case_db)
        node = pruned.node(iri)
        assert all_paths(pruned, node) == all_paths(full, full.node(iri)), iri
        checked += 1
    assert checked >= 8  # the case's states and firms


def test_no_link_is_read_off_the_chains_that_end_in_an_exposure(case_db):
    # Taiwan hosts the foundry's home but no project, facility or subsidiary of a
    # restricted firm: the walk has nothing to ask the store about its links
    walker = Walker(case_db)
    assert all_paths(walker, walker.node(ID + "state/TW")) == []
    assert walker.allowed is not None and not walker.allowed.keys
    assert not any(walker._links.values())

    full = FullWalker(case_db)
    all_paths(full, full.node(ID + "state/TW"))
    assert any(full._links.values())  # the full walk read the foundry's links for nothing


def test_an_entity_iri_is_bound_without_reading_every_name(case_db):
    resolve._CACHE.pop(id(case_db), None)
    param = Param(name="entity", type="entity", description="")
    assert to_term(case_db, param, "state:MY") == ox.NamedNode(ID + "state/MY")
    assert id(case_db) not in resolve._CACHE  # the names index was not built
    # a label still resolves through it, and an unknown IRI still gets its hint
    assert to_term(case_db, param, "Malaysia") == ox.NamedNode(ID + "state/MY")
    with pytest.raises(Exception, match="not in the graph"):
        to_term(case_db, param, "state:XX")


RELATIONS = [
    "tr:locatedIn", "tr:participant", "tr:usesItem", "tr:productFamily", "tr:designedBy",
    "tr:subsidiaryOf", "tr:operatedBy", "tr:facilityIn", "tr:fabricatedBy", "tr:fabricatedAt",
    "tr:headquarteredIn",
]  # fmt: skip


def test_links_read_from_the_indexes_are_the_rows_of_the_links_queries(case_db):
    """IndexedLinks answers links-from.rq and links-to.rq row for row (dates, graphs and
    sources included), for every node of the case, every link kind and both directions."""
    from rivalry.analysis.exposure.indexed import IndexedLinks
    from rivalry.kernel.namespaces import TR

    names = ("s", "p", "o", "g", "qualifier", "start", "end", "point", "source")

    def as_tuples(rows) -> set[tuple]:
        return {tuple(str(row[n]) if row[n] is not None else None for n in names) for row in rows}

    walker, indexed = FullWalker(case_db), IndexedLinks(case_db)
    nodes = sorted({q.subject.value for q in case_db.quads_for_pattern(None, None, None, None)
                    if isinstance(q.subject, ox.NamedNode)})  # fmt: skip
    compared = 0
    for relation in RELATIONS:
        only = f"VALUES ?p {{ <{TR}{relation.removeprefix('tr:')}> }}"
        for direction, bound in (("from", "s"), ("to", "o")):
            queried = as_tuples(walker.run_many(f"links-{direction}", bound, nodes, only))
            read = as_tuples(indexed.rows(nodes, direction, relation, lambda *_: True))
            assert read == queried, (relation, direction)
            compared += len(read)
    assert compared >= 30  # the case's links of most kinds, timed ones and chip uses


@pytest.mark.parametrize("graph", ["case_db", "store"])
def test_instruments_and_sources_read_from_the_indexes_are_those_the_queries_give(graph, request):
    """IndexedLinks.instrument, .restriction_rows and .source say what instrument.rq,
    restrictions.rq and source.rq say, for every instrument, restricted target and source
    document of the exposure case and of the shipped graph (amendments, joint issuers,
    rescissions); the embedded walk reads the former, a remote store's walk the latter."""
    from rivalry.analysis.exposure.indexed import IndexedLinks
    from rivalry.analysis.exposure.walker import instrument_read

    db = request.getfixturevalue(graph)

    def summed(read):
        if read is None:
            return None
        return ({str(t) for t in read.since}, {str(t) for t in read.ends}, read.state, read.sources)

    walker, indexed = FullWalker(db), IndexedLinks(db)
    typed = ox.NamedNode(RDF + "type")

    def of_type(cls: str) -> list[str]:
        return sorted(
            {q.subject.value for q in db.quads_for_pattern(None, typed, ox.NamedNode(cls), None)}
        )

    instruments = of_type(tr.LegalInstrument)
    rows: dict[str, list] = {i: [] for i in instruments}
    for row in walker.run_many("instrument", "instrument", instruments, nested=True):
        rows[row["instrument"].value].append(row)
    for iri in instruments:
        assert summed(indexed.instrument(iri)) == summed(instrument_read(rows[iri])), iri
    assert sum(1 for i in instruments if indexed.instrument(i) is not None) >= 4

    names = ("target", "measure", "restricting", "p", "g", "source")
    restricting = db.quads_for_pattern(None, ox.NamedNode(tr.restricts), None, None)
    targets = sorted({q.object.value for q in restricting if isinstance(q.object, ox.NamedNode)})
    queried = {
        tuple(str(r[n]) for n in names) for r in walker.run_many("restrictions", "target", targets)
    }
    read = {tuple(str(r[n]) for n in names) for t in targets for r in indexed.restriction_rows(t)}
    assert read == queried and len(read) >= 3

    # a source with several titles (or URLs) gives a row for each: the indexes give the least
    documents = ("url", "publisher", "published", "title")
    answers: dict[str, set[tuple]] = {}
    for row in walker.run_many("source", "source", of_type(tr.SourceDocument)):
        answers.setdefault(row["source"].value, set()).add(tuple(str(row[n]) for n in documents))
    for iri, answered in answers.items():
        read_row = indexed.source(iri)
        assert tuple(str(read_row[n]) for n in documents) in answered, iri
    assert len(answers) >= 3
