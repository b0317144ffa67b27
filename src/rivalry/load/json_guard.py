"""Checks on JSON text made before any JSON parser sees it, in one linear pass.

A parser that recurses overflows its stack on deep nesting (Python's ``json`` raises
RecursionError); pyoxigraph's JSON-LD parser spends time proportional to the number of
terms in the active context each time a scoped context is applied, so many contexts or
many terms make it quadratic (2,000 scoped contexts took 18 s). Lone surrogate escapes
(``"\\ud800"``) name no character: Python's ``json`` lets them through and pyoxigraph
reports them as "Unexpected end of file". Each problem is reported with its line and
column.
"""

from __future__ import annotations

import json
import re

from rivalry.kernel.errors import RivalryError

MAX_DEPTH = 100
# a JSON-LD change needs one context of a few dozen terms; these bound the parse at ~2 s
# (the parse costs about terms times uses of scoped terms; uses are capped by the statement limit)
MAX_CONTEXTS = 64
MAX_TERMS = 64

# a string (with its escapes) or a bracket; everything else is skipped over
TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.S)
ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|.)", re.S)


class JsonLimitError(RivalryError, ValueError):
    def __init__(self, line: int, column: int, message: str):
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


def guard(text: str, *, jsonld: bool = False) -> None:
    """Raise JsonLimitError if ``text`` nests too deep, holds a lone surrogate escape, or
    (``jsonld``) has more contexts or context terms than the parser can take in seconds."""
    depth = 0
    contexts: list[int] = []  # offsets of the "@context" keys
    for match in TOKEN.finditer(text):
        token = match.group()
        if token in "{[":
            depth += 1
            if depth > MAX_DEPTH:
                raise _error(
                    text,
                    match.start(),
                    f"JSON nested more than {MAX_DEPTH} levels deep; flatten the document",
                )
        elif token in "}]":
            depth -= 1
        elif "\\u" in token:
            _check_escapes(text, match.start(), token)
        elif jsonld and token == '"@context"':
            contexts.append(match.start())
    if not jsonld or not contexts:
        return
    if len(contexts) > MAX_CONTEXTS:
        raise _error(
            text,
            contexts[MAX_CONTEXTS],
            f"more than {MAX_CONTEXTS} @context objects in one document; "
            "put the terms in one context at the top",
        )
    try:
        document = json.loads(text)
    except ValueError:
        return  # the RDF parser reports the syntax error, with its place
    terms = _context_terms(document)
    if terms > MAX_TERMS:
        raise _error(
            text,
            contexts[0],
            f"the @context objects define {terms} terms, more than {MAX_TERMS}; "
            "use full IRIs or fewer terms",
        )


def _check_escapes(text: str, start: int, token: str) -> None:
    escapes = [
        (m.start(), int(m.group(1), 16) if m.group(1) else -1) for m in ESCAPE.finditer(token)
    ]
    index = 0
    while index < len(escapes):
        at, code = escapes[index]
        if 0xD800 <= code <= 0xDBFF:  # a high surrogate: its low half must follow at once
            after = escapes[index + 1] if index + 1 < len(escapes) else (-1, -1)
            if after[0] == at + 6 and 0xDC00 <= after[1] <= 0xDFFF:
                index += 2
                continue
        if 0xD800 <= code <= 0xDFFF:
            raise _error(
                text,
                start + at,
                f"invalid \\u escape {token[at : at + 6]}: a lone surrogate names no "
                "character; write the character itself or its full surrogate pair",
            )
        index += 1


def _context_terms(document) -> int:
    """The number of term definitions in all the document's @context objects."""
    terms, stack = 0, [document]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            context = value.get("@context")
            for ctx in context if isinstance(context, list) else [context]:
                if isinstance(ctx, dict):
                    terms += sum(1 for key in ctx if not key.startswith("@"))
            stack += value.values()
        elif isinstance(value, list):
            stack += value
    return terms


def _error(text: str, offset: int, message: str) -> JsonLimitError:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return JsonLimitError(line, column, message)
