"""Checks on a query's text before it reaches the engine, in time linear in its length.

Oxigraph's parser and planner recurse once per nesting level and once per chained
operator; a few thousand of either overflow the stack and kill the process (a segfault,
no message). The server and ``rivalry query`` therefore refuse a query nested deeper than
``MAX_DEPTH`` or chaining more than ``MAX_OPERATORS`` operators, with its line and column,
and the server refuses SERVICE and LOAD used as keywords.

Strings, IRIs, comments and escaped characters of prefixed names may hold any of these
characters and words without their counting (see ``rivalry.kernel.nesting``).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from rivalry.kernel import nesting
from rivalry.kernel.errors import RivalryError

MAX_DEPTH = 200  # nested { ( [ ; the parser overflows its stack near 1,000 to 10,000
MAX_OPERATORS = 2000  # ! | & ^ / + * and UNION ; chains overflow near 10,000

# on upper-cased text, each starting with its literal, which the engine searches for fast
_KEYWORD = re.compile(r"(?:SERVICE(?<!\wSERVICE)|LOAD(?<!\wLOAD))(?!\w)")
_UNION = re.compile(r"UNION(?<!\wUNION)(?!\w)")
_OPERATOR_CHARS = "!|&^/+*"
_OPERATOR = re.compile(r"[!|&^/+*]|(?<!\w)UNION(?!\w)", re.IGNORECASE)


class QueryRefused(RivalryError, ValueError):
    """The query is refused before it runs; ``line`` and ``column`` count from 1."""

    def __init__(self, message: str, line: int, column: int):
        super().__init__(f"{line}:{column}: {message}")
        self.reason, self.line, self.column = message, line, column


@dataclass(frozen=True)
class Checked:
    forbidden: bool  # SERVICE or LOAD used as a keyword


def check(text: str) -> Checked:
    """Refuse (``QueryRefused``) a query nested or chained too deep; say if it uses
    SERVICE or LOAD. Linear in ``len(text)``: 1 MiB in well under 0.1 s."""
    stripped = nesting.bare(text)  # no Python call per token; positions are found on refusal
    upper = stripped.upper()
    opening = nesting.too_deep(text, MAX_DEPTH, stripped)
    if opening is not None:
        raise QueryRefused(
            f"the query nests {{ ( [ more than {MAX_DEPTH} levels deep; "
            "flatten it or split it into several queries",
            *nesting.line_column(text, opening),
        )
    operators = sum(stripped.count(c) for c in _OPERATOR_CHARS) + len(_UNION.findall(upper))
    if operators > MAX_OPERATORS:
        found = _OPERATOR.finditer(nesting.exact(text))
        too_many = next(itertools.islice(found, MAX_OPERATORS, None))
        raise QueryRefused(
            f"the query chains more than {MAX_OPERATORS} operators (! | & ^ / + * UNION); "
            "split it into several queries",
            *nesting.line_column(text, too_many.start()),
        )
    return Checked(forbidden=_KEYWORD.search(upper) is not None)
