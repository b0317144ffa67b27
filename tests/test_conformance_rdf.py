"""The gate's parser (``rivalry.load.parse_file``) against the W3C RDF 1.1 syntax suites.

Every negative test must be rejected with a located ``ParseError``, every positive test
accepted, and every evaluation test must give a graph isomorphic to the expected N-Triples.
Project files are parsed without a base IRI (a relative IRI is an error there); here each
test file gets the base the suite assumes, so the suite checks the parser, not that policy.
"""

from __future__ import annotations

import pytest

from rdf_equal import isomorphic
from rivalry.load.parse import ParseError, parse_file
from scorecard import record
from w3c_manifest import W3C, entries

SUITES = {
    "turtle": "rdf-turtle",
    "trig": "rdf-trig",
    "ntriples": "rdf-n-triples",
    "nquads": "rdf-n-quads",
}


def _cases():
    for suite, folder in SUITES.items():
        base = f"https://w3c.github.io/rdf-tests/rdf/rdf11/{folder}/"
        for entry in entries(W3C / "rdf" / "rdf11" / folder / "manifest.ttl", base):
            yield pytest.param(suite, entry, id=f"{suite}:{entry.name}")


CASES = list(_cases())


def test_suites_are_complete():
    counts = {s: sum(1 for c in CASES if c.values[0] == s) for s in SUITES}
    assert counts == {"turtle": 313, "trig": 356, "ntriples": 70, "nquads": 87}


@pytest.mark.parametrize(("suite", "entry"), CASES)
def test_w3c_syntax(suite, entry):
    base = entry.base + entry.action.name
    if "Negative" in entry.kind:
        with pytest.raises(ParseError) as error:
            parse_file(entry.action, base=base)
        located = error.value.line is not None and str(error.value).startswith(str(entry.action))
        record(f"conformance.{suite}", **{"passed" if located else "failed": 1})
        assert located, f"rejected without a line and column: {error.value}"
        return
    try:
        quads = parse_file(entry.action, base=base)
    except ParseError as error:
        record(f"conformance.{suite}", failed=1)
        raise AssertionError(f"valid document rejected: {error}") from None
    ok = True
    if entry.kind.endswith("Eval"):
        ok = isomorphic(quads, parse_file(entry.result, base=entry.base + entry.result.name))
    record(f"conformance.{suite}", **{"passed" if ok else "failed": 1})
    assert ok, "parsed graph differs from the expected N-Triples"
