"""Deep nesting is refused before parsing, with the place of the first bracket too deep; the
shared scanner ignores brackets inside strings, IRIs and comments."""

from __future__ import annotations

import time

import pytest

from rivalry.kernel import nesting
from rivalry.load.parse import MAX_NESTING, ParseError, parse_file

HEAD = "@prefix ex: <https://example.org/> .\nex:a ex:p "


def test_a_list_nested_past_the_limit_is_refused_at_its_place(tmp_path):
    path = tmp_path / "deep.ttl"
    path.write_text(HEAD + "( " * 100_000 + ")" * 100_000 + " .\n")
    start = time.monotonic()
    with pytest.raises(ParseError) as caught:
        parse_file(path)
    assert time.monotonic() - start < 5  # a hang guard; refused before any parse
    error = caught.value
    assert (error.line, error.column) == (2, len("ex:a ex:p ") + 2 * MAX_NESTING + 1)
    assert "nested more than 100 levels" in str(error) and "give the inner nodes names" in str(
        error
    )


def test_nesting_at_the_limit_parses_and_one_more_level_does_not(tmp_path):
    def graph(levels: int) -> str:  # a TriG graph's { } is a level too
        inner = "[ ex:q " * (levels - 1) + "ex:b" + " ]" * (levels - 1)
        return HEAD.replace("ex:a", "ex:g { ex:a") + inner + " . }\n"

    path = tmp_path / "ok.trig"
    path.write_text(graph(MAX_NESTING))
    assert len(parse_file(path)) == MAX_NESTING
    path.write_text(graph(MAX_NESTING + 1))
    with pytest.raises(ParseError):
        parse_file(path)


def test_brackets_in_strings_iris_and_comments_do_not_count():
    hidden = '"((((" ' + "'[[[[' " + '"""((\n((""" ' + "<https://e.org/((((> # ((((\n"
    assert nesting.too_deep(hidden * 50, 3) is None
    assert nesting.too_deep(hidden + "((((", 3) == len(hidden) + 3
