"""Identity keys: when two names or two URLs denote the same thing. The gate's duplicate
rules, the importers' reconciliation and the `/reconcile` endpoint all use these, so a name
the gate calls a duplicate is one the reconciler finds."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# legal-form words that do not make a different firm ("Huawei Technologies Co., Ltd." is
# "Huawei Technologies"); matched as whole words at the end of a normalised name
LEGAL_FORMS = (
    "co ltd",
    "co limited",
    "company limited",
    "corporation",
    "corp",
    "incorporated",
    "inc",
    "limited",
    "ltd",
    "llc",
    "plc",
    "gmbh",
    "ag",
    "sa",
    "bv",
    "nv",
    "kk",
    "pte ltd",
    "pte",
    "sdn bhd",
    "bhd",
    "co",
    "group",
    "holdings",
)
_FORMS = "|".join(sorted((re.escape(f) for f in LEGAL_FORMS), key=len, reverse=True))
_LEGAL_TAIL = re.compile(rf"(?:\s(?:{_FORMS}))+$")

# query parameters that track a reader, never select a document
TRACKING = re.compile(r"^(utm_.*|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid|smid|ref|src)$", re.I)


def normalise(label: str) -> str:
    """Case, accents, punctuation and spacing do not make a different name."""
    if label.isascii():  # no accents to strip (most labels, however long)
        text = label.casefold()
    else:
        text = unicodedata.normalize("NFKD", label).casefold()
        # one look-up per distinct character, not per character: labels may be megabytes
        marks = {ord(c): None for c in set(text) if unicodedata.combining(c)}
        text = text.translate(marks)
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def name_key(label: str) -> str:
    """The normalised name without trailing legal-form words; a name that is nothing but a
    legal form keeps it (so "Group" stays "group")."""
    text = normalise(label)
    stripped = _LEGAL_TAIL.sub("", " " + text).strip()
    return stripped or text


def url_key(url: str) -> str:
    """A URL as a document key: scheme, `www.`, case of the host, default port, trailing
    slash, fragment and tracking parameters do not make a different document."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    host = (parts.hostname or "").casefold().removeprefix("www.")
    if parts.port and parts.port not in (80, 443):
        host += f":{parts.port}"
    path = parts.path.rstrip("/") or ""
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query) if not TRACKING.match(k)))
    return urlunsplit(("", host, path, query, "")).removeprefix("//")


def name_similarity(query: str, label: str) -> float:
    """How alike two names are, 0..1: 1 when their identity keys are equal (the gate would
    call them duplicates), else the mean of word overlap and character similarity."""
    a, b = name_key(query), name_key(label)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    words_a, words_b = set(a.split()), set(b.split())
    overlap = len(words_a & words_b) / len(words_a | words_b)
    characters = SequenceMatcher(None, a, b).ratio()
    return min(0.99, round((overlap + characters) / 2, 3))
