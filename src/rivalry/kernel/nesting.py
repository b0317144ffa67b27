"""How deep a text in SPARQL or Turtle syntax nests its brackets, in time linear in its length.

Oxigraph's SPARQL parser recurses once per level and overflows its stack a few thousand levels
down; its Turtle parser does not, but everything after it (skolemising, the gate's checks) pays
for every level, and no real fact is written 100 collections deep. Both refuse early.

Strings, IRIs, comments and escaped characters of prefixed names may hold brackets without
their counting; SPARQL 1.1 (§19.8) and Turtle share these rules. They are blanked out first by
one regular expression whose every alternative is possessive, so that no position is scanned
more than twice (an earlier filter backtracked: 32 KB of ``\\"`` took 6 s).
"""

from __future__ import annotations

import itertools
import re

OPAQUE = re.compile(
    r'"""[^"\\]*+(?:(?:\\.|"{1,2}+(?!"))[^"\\]*+)*+(?:""")?'
    r"|'''[^'\\]*+(?:(?:\\.|'{1,2}+(?!'))[^'\\]*+)*+(?:''')?"
    r'|"[^"\\\n\r]*+(?:\\.[^"\\\n\r]*+)*+"?'
    r"|'[^'\\\n\r]*+(?:\\.[^'\\\n\r]*+)*+'?"
    r"|<[^<>\"{}|^`\\\x00-\x20]*+>"
    r"|#[^\n\r]*+"
    r"|\\.",  # PN_LOCAL_ESC: ex:a\' or ex:a\# is a name, not a string or a comment
    re.DOTALL,
)
_NOT_BRACKET = re.compile(r"[^{}()\[\]]+")
_BRACKET = re.compile(r"[{}()\[\]]")
_NOT_NEWLINE = re.compile(r"[^\n]")
_STEP = {"{": 1, "(": 1, "[": 1, "}": -1, ")": -1, "]": -1}


def bare(text: str) -> str:
    """The text without its opaque tokens (fast; offsets move)."""
    return OPAQUE.sub(" ", text)


def exact(text: str) -> str:
    """The text with its opaque tokens blanked in place (slower: offsets and lines stay)."""
    return OPAQUE.sub(_blank, text)


def _blank(match: re.Match) -> str:
    token = match.group()
    return _NOT_NEWLINE.sub(" ", token) if "\n" in token else " " * len(token)


def too_deep(text: str, max_depth: int, stripped: str | None = None) -> int | None:
    """The offset of the first { ( [ that opens level ``max_depth + 1``, or None.

    ``stripped`` is ``bare(text)`` when the caller has it already."""
    brackets = _NOT_BRACKET.sub("", bare(text) if stripped is None else stripped)
    if len(brackets) <= max_depth:
        return None  # cannot nest deeper than it has brackets
    depths = list(itertools.accumulate(map(_STEP.__getitem__, brackets)))
    if max(depths) <= max_depth:
        return None
    nth = depths.index(max_depth + 1)  # depth moves by one, so it passes through this value
    return next(itertools.islice(_BRACKET.finditer(exact(text)), nth, None)).start()


def line_column(text: str, offset: int) -> tuple[int, int]:
    """Line and column of ``offset``, both counted from 1."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
