"""Checks on a query's text before it reaches the engine, in time linear in its length.

Oxigraph's parser and planner recurse once per nesting level and once per chained
operator; a few thousand of either overflow the stack and kill the process (a segfault,
no message). The server and ``rivalry query`` therefore refuse a query nested deeper than
``MAX_DEPTH`` or chaining more than ``MAX_OPERATORS`` operators, with its line and column,
and the server refuses SERVICE and LOAD used as keywords.

Strings, IRIs, comments and escaped characters of prefixed names may hold any of these
characters and words without their counting; they are blanked out first by one regular
expression whose every alternative is possessive, so that no position is scanned more
than twice (the earlier filter backtracked: 32 KB of ``\\"`` took 6 s).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from rivalry.kernel.errors import RivalryError

MAX_DEPTH = 200  # nested { ( [ ; the parser overflows its stack near 1,000 to 10,000
MAX_OPERATORS = 2000  # ! | & ^ / + * and UNION ; chains overflow near 10,000

# what may hold brackets, operators and keywords without being them (SPARQL 1.1 §19.8);
# every loop is unrolled and possessive: no backtracking
_OPAQUE = re.compile(
    r'"""[^"\\]*+(?:(?:\\.|"{1,2}+(?!"))[^"\\]*+)*+(?:""")?'
    r"|'''[^'\\]*+(?:(?:\\.|'{1,2}+(?!'))[^'\\]*+)*+(?:''')?"
    r'|"[^"\\\n\r]*+(?:\\.[^"\\\n\r]*+)*+"?'
    r"|'[^'\\\n\r]*+(?:\\.[^'\\\n\r]*+)*+'?"
    r"|<[^<>\"{}|^`\\\x00-\x20]*+>"
    r"|#[^\n\r]*+"
    r"|\\.",  # PN_LOCAL_ESC: ex:a\' or ex:a\# is a name, not a string or a comment
    re.DOTALL,
)
# on upper-cased text, each starting with its literal, which the engine searches for fast
_KEYWORD = re.compile(r"(?:SERVICE(?<!\wSERVICE)|LOAD(?<!\wLOAD))(?!\w)")
_UNION = re.compile(r"UNION(?<!\wUNION)(?!\w)")
_OPERATOR_CHARS = "!|&^/+*"
_OPERATOR = re.compile(r"[!|&^/+*]|(?<!\w)UNION(?!\w)", re.IGNORECASE)
_NOT_BRACKET = re.compile(r"[^{}()\[\]]+")
_BRACKET = re.compile(r"[{}()\[\]]")
_NOT_NEWLINE = re.compile(r"[^\n]")
_STEP = {"{": 1, "(": 1, "[": 1, "}": -1, ")": -1, "]": -1}


class QueryRefused(RivalryError, ValueError):
    """The query is refused before it runs; ``line`` and ``column`` count from 1."""

    def __init__(self, message: str, line: int, column: int):
        super().__init__(f"{line}:{column}: {message}")
        self.reason, self.line, self.column = message, line, column


@dataclass(frozen=True)
class Checked:
    forbidden: bool  # SERVICE or LOAD used as a keyword


def _blank(match: re.Match) -> str:
    """Spaces in place of the token: positions (for line:col) and newlines stay."""
    text = match.group()
    return _NOT_NEWLINE.sub(" ", text) if "\n" in text else " " * len(text)


def check(text: str) -> Checked:
    """Refuse (``QueryRefused``) a query nested or chained too deep; say if it uses
    SERVICE or LOAD. Linear in ``len(text)``: 1 MiB in well under 0.1 s."""
    bare = _OPAQUE.sub(" ", text)  # no Python call per token; positions are found on refusal
    upper = bare.upper()
    _check_depth(text, bare)
    operators = sum(bare.count(c) for c in _OPERATOR_CHARS) + len(_UNION.findall(upper))
    if operators > MAX_OPERATORS:
        found = _OPERATOR.finditer(_exact(text))
        too_many = next(itertools.islice(found, MAX_OPERATORS, None))
        raise QueryRefused(
            f"the query chains more than {MAX_OPERATORS} operators (! | & ^ / + * UNION); "
            "split it into several queries",
            *_where(text, too_many.start()),
        )
    return Checked(forbidden=_KEYWORD.search(upper) is not None)


def _exact(text: str) -> str:
    """The text with its opaque tokens blanked in place (slower: only to locate a refusal)."""
    return _OPAQUE.sub(_blank, text)


def _check_depth(text: str, bare: str) -> None:
    brackets = _NOT_BRACKET.sub("", bare)
    if len(brackets) <= MAX_DEPTH:
        return  # cannot nest deeper than it has brackets
    depths = list(itertools.accumulate(map(_STEP.__getitem__, brackets)))
    if max(depths) <= MAX_DEPTH:
        return
    nth = depths.index(MAX_DEPTH + 1)  # depth moves by one, so it passes through this value
    opening = next(itertools.islice(_BRACKET.finditer(_exact(text)), nth, None))
    raise QueryRefused(
        f"the query nests {{ ( [ more than {MAX_DEPTH} levels deep; "
        "flatten it or split it into several queries",
        *_where(text, opening.start()),
    )


def _where(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
