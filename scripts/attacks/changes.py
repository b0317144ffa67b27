"""Change files for the gate: each generator draws one case from a seeded RNG.

A case starts from a change the gate accepts (a source document and a new chip, as in
ATTACKS.md's ``change()``) and attacks one thing: the graph IRI that becomes a file name, the
input file's own name, the encoding, characters, term sizes, RDF 1.2 syntax, the CSV
template, the meaning (loops, forged provenance), or a case of the hostile corpus.

``must_refuse`` marks cases the project's rules say the gate has to refuse (issue 20: a graph
IRI that is not a one-segment slug, non-characters, C1 controls, dot segments, …).
"""

from __future__ import annotations

import contextlib
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

import hostile_corpus
from hostile_corpus import HEAD
from rivalry.kernel.namespaces import GRAPH, ID
from rivalry.load.csv_template import COLUMNS
from test_hostile import WARNED


@dataclass
class Case:
    generator: str
    name: str
    data: bytes
    chip: str | None = None  # the chip IRI an accepted merge must keep through a rebuild
    must_refuse: bool = False
    twice: bool = False  # give the file twice to ``add``
    link_to: bytes | None = None  # write ``data`` elsewhere and give a symlink to it
    secret: str | None = None  # must never appear in the command's output
    csv_entity: str | None = None  # after an accepted add, its CSV export must hold no formula
    notes: dict = field(default_factory=dict)


def change(graph: str, source: str, chip: str, extra: str = "", **over: str) -> str:
    """A change the gate accepts, with its pieces replaceable by keyword."""
    part = {
        "label": f'"Probe {chip}"@en',
        "title": '"Probe"@en',
        "published": '"2025-06-02"^^xsd:date',
        "subject": f"chip:{chip}",
        **over,
    }
    return (
        f"{HEAD}<{graph}> {{ source:{source} a tr:NewsReport ; "
        f'tr:url "https://example.org/{source}"^^xsd:anyURI ; tr:publisher publisher:iso ; '
        f"tr:title {part['title']} ; tr:published {part['published']} ; "
        f"tr:describesGraph <{graph}> .\n"
        f"{part['subject']} a tr:Chip ; rdfs:label {part['label']} ; tr:designedBy firm:huawei .\n"
        f"{extra}\n}}\n"
    )


def _valid(key: str, generator: str, name: str | None = None, **kw) -> Case:
    text = change(GRAPH + key, key, key)
    return Case(generator, name or f"{key}.trig", text.encode(), chip=f"{ID}chip/{key}", **kw)


def graph_iri(rng: random.Random, key: str) -> Case:
    """Graph IRIs that become file names: traversal, sub-folders, empty, long, encoded."""
    ids = {
        "dotdot": "../" * rng.randint(1, 5) + key,
        "into-reference": "../reference/iso-3166",
        "subfolder": f"sub/{key}",
        "empty": "",
        "long": key + "-" + "x" * rng.randint(250, 400),
        "percent-dotdot": f"%2e%2e%2f{key}",
        "percent-slash": f"{key}%2Fsub",
        "suffix": f"{key}.trig",
        "trailing-slash": f"{key}/",
        "query": f"{key}?x=1",
        "dot-only": ".",
        "hidden": f".{key}",
    }
    what = rng.choice(sorted(ids))
    graph = GRAPH + ids[what]
    text = change(graph, key, key)
    return Case(
        f"graph-iri:{what}",
        f"{key}.trig",
        text.encode(),
        chip=f"{ID}chip/{key}",
        must_refuse=True,
    )


_SLASH = r"\u002F"  # a file name cannot hold "/", an IRI escape can


def _injected(key: str) -> str:
    e = _SLASH
    return (
        f"a\n<https:{e}{e}w3id.org{e}tech-rivalry{e}graph{e}{key}> {{ "
        f"<http:{e}{e}evil.example{e}{key}> <http:{e}{e}www.w3.org{e}2000{e}01{e}"
        f'rdf-schema#label> "never checked" . }}\n#.trig'
    )


def file_name(rng: random.Random, key: str) -> Case:
    """Input file names that end up in the merged file's header or in a path."""
    names = {
        "newline-injection": _injected(key),
        "newline-break": "b\n}}} broken\n#.trig",
        "carriage-return": f"{key}\r<x> <y> <z> .\r.trig",
        "control": f"{key}\x01\x1b[31m.trig",
        "long": "a" * rng.randint(250, 300) + ".trig",
        "bidi": f"{key}\u202egirt.trig",
        "quote": f'{key}"> .trig',
        "leading-dash": f"-{key}.trig",
    }
    what = rng.choice(sorted(names))
    return _valid(key, f"file-name:{what}", name=names[what])


def encoding(rng: random.Random, key: str) -> Case:
    """BOMs, bad UTF-8, UTF-16, NUL, and JSON-LD strings no parser should accept as text."""
    text = change(GRAPH + key, key, key)
    jsonld = {
        "@id": f"{ID}chip/{key}",
        "http://www.w3.org/2000/01/rdf-schema#label": "LABEL",
    }
    raw_json = json.dumps(jsonld)
    kinds = {
        "bom-trig": ("trig", b"\xef\xbb\xbf" + text.encode()),
        "bad-utf8": (
            "trig",
            text.replace(f"Probe {key}", "bad \udcff").encode("utf-8", "surrogateescape"),
        ),
        "utf16": ("trig", text.encode("utf-16-le")),
        "nul": ("trig", text.replace(f"Probe {key}", "nul \x00").encode()),
        "jsonld-lone-surrogate": ("jsonld", raw_json.replace("LABEL", "\\ud800").encode()),
        "jsonld-bom": ("jsonld", b"\xef\xbb\xbf" + raw_json.encode()),
        "jsonld-deep": ("jsonld", ("[" * 100_000 + "]" * 100_000).encode()),
        "jsonld-bad-language": (
            "jsonld",
            json.dumps({"@context": {"@language": "not a tag!"}, **jsonld}).encode(),
        ),
    }
    what = rng.choice(sorted(kinds))
    suffix, data = kinds[what]
    return Case(f"encoding:{what}", f"{key}.{suffix}", data)


def characters(rng: random.Random, key: str) -> Case:
    """Labels with characters that break XML outputs or hide text (must be refused)."""
    chars = {
        "nonchar-fffe": "\ufffe",
        "nonchar-ffff": "\uffff",
        "nonchar-astral": "\U0001fffe",
        "c1-nel": "\u0085",
        "c1-csi": "\u009b",
        "line-separator": "\u2028",
        "paragraph-separator": "\u2029",
        "bidi-override": "\u202e",
    }
    what = rng.choice(sorted(chars))
    extra = f'chip:{key} rdfs:comment "a {chars[what]} b" .'
    text = change(GRAPH + key, key, key, extra)
    return Case(
        f"characters:{what}", f"{key}.trig", text.encode(), chip=f"{ID}chip/{key}", must_refuse=True
    )


def huge_term(rng: random.Random, key: str) -> Case:
    """One literal or IRI of up to a few MiB: the gate must answer in seconds."""
    size = rng.choice([256, 512, 1024, 2048]) * 1024
    if rng.random() < 0.5:
        what, text = "label", change(GRAPH + key, key, key, label=f'"{"L" * size}"@en')
    else:
        what, text = "iri", change(GRAPH + key, key, key, subject=f"<{ID}chip/{key}{'i' * size}>")
    return Case(f"huge-term:{what}-{size // 1024}k", f"{key}.trig", text.encode())


def rdf12(rng: random.Random, key: str) -> Case:
    """RDF 1.2 syntax the project does not use: triple terms, quoted triples, annotations."""
    forms = {
        "triple-term": f"chip:{key} rdf:reifies <<( chip:{key} tr:designedBy firm:huawei )>> .",
        "quoted": f'<< chip:{key} tr:designedBy firm:huawei >> tr:note "x" .',
        "annotation": f'chip:{key} tr:designedBy firm:huawei {{| tr:note "x" |}} .',
        "direction": f'chip:{key} rdfs:comment "x"@en--ltr .',
        "type-triple-term": f"chip:{key} a <<( chip:{key} tr:designedBy firm:huawei )>> .",
    }
    what = rng.choice(sorted(forms))
    head = "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
    text = head + change(GRAPH + key, key, key, forms[what])
    return Case(f"rdf12:{what}", f"{key}.trig", text.encode())


def csv_template(rng: random.Random, key: str) -> Case:
    """The CSV template with formulas, bad language tags, odd publishers and a BOM."""
    label, language, publisher = f"Probe {key}", "en", "Example News"
    what = rng.choice(
        [
            "formula-eq",
            "formula-plus",
            "formula-at",
            "lang-bang",
            "lang-underscore",
            "lang-on-iri",
            "publisher-bang",
            "bom",
        ]
    )
    if what.startswith("formula"):
        label = {
            "formula-eq": "=cmd|' /C calc'!A0",
            "formula-plus": "+1+2",
            "formula-at": "@SUM(1+1)*cmd|' /C calc'!A0",
        }[what]
    elif what == "lang-bang":
        language = "not a tag!"
    elif what == "lang-underscore":
        language = "en_GB"
    elif what == "publisher-bang":
        publisher = "!!!"
    source = f"https://example.org/{key},CSV probe,{publisher},2025-06-01"
    rows = [
        ",".join(COLUMNS),
        f"chip:{key},a,tr:Chip,,{'en' if what == 'lang-on-iri' else ''},,,{source}",
        f'chip:{key},rdfs:label,,"{label.replace(chr(34), chr(34) * 2)}",{language},,,{source}',
        f"chip:{key},tr:designedBy,firm:huawei,,,,,{source}",
    ]
    data = ("\n".join(rows) + "\n").encode()
    if what == "bom":
        data = b"\xef\xbb\xbf" + data
    refuse = what.startswith("lang") or what == "publisher-bang"  # bad tags, empty key
    return Case(
        f"csv:{what}",
        f"{key}.csv",
        data,
        chip=f"{ID}chip/{key}",
        must_refuse=refuse,
        csv_entity=f"chip:{key}",
    )


def meaning(rng: random.Random, key: str) -> Case:
    """Well-formed changes the rules refuse: loops, forged provenance, bad dates, dot segments."""
    what = rng.choice(
        ["self-subsidiary", "hijack", "timezone", "untagged-title", "iri-title", "dot-segments"]
    )
    graph = GRAPH + key
    if what == "self-subsidiary":
        extra = (
            f"<{ID}relation/{key}> a tr:TimedRelation ; tr:relSubject firm:huawei ; "
            f"tr:relProperty tr:subsidiaryOf ; tr:relObject firm:huawei ; "
            f'tr:startDate "2020-01-01"^^xsd:date ; tr:source source:{key} .'
        )
        text = change(graph, key, key, extra)
    elif what == "hijack":
        taken = GRAPH + "asianfin-2025-05-14"
        text = change(graph, key, key).replace(
            f"tr:describesGraph <{graph}> .", f"tr:describesGraph <{graph}>, <{taken}> ."
        )
    elif what == "timezone":
        text = change(graph, key, key, published='"2025-06-02+15:00"^^xsd:date')
    elif what == "untagged-title":
        text = change(graph, key, key, title='"Probe"')
    elif what == "iri-title":
        text = change(graph, key, key, title="<https://example.org/t>")
    else:
        subject = f"<{ID}chip/../../ontology#Chip>"
        text = change(graph, key, key, subject=subject)
    return Case(f"meaning:{what}", f"{key}.trig", text.encode(), must_refuse=True)


def mutation(rng: random.Random, key: str) -> Case:
    """A valid change with a few random bytes replaced, inserted or removed."""
    data = bytearray(change(GRAPH + key, key, key).encode())
    for _ in range(rng.randint(1, 6)):
        at = rng.randrange(len(data))
        op = rng.choice(["replace", "insert", "delete"])
        if op == "replace":
            data[at] = rng.randrange(256)
        elif op == "insert":
            data[at:at] = bytes([rng.choice(b'<>{}"\\.;,@#:\n\x00\xff')])
        else:
            del data[at]
    return Case("mutation", f"{key}.trig", bytes(data))


CORPUS: list[tuple[str, bytes, str]] = []


def load_corpus(canary_url: str, folder: Path) -> None:
    """The hostile corpus, its remote contexts pointing at the campaign's canary."""
    folder.mkdir(parents=True, exist_ok=True)
    CORPUS[:] = hostile_corpus.cases(canary_url, folder)


def corpus(rng: random.Random, key: str) -> Case:
    """One case of the hostile corpus of tests/test_hostile.py (refused unless warned)."""
    name, data, kind = rng.choice(CORPUS)
    return Case(f"corpus:{kind}:{name}", name, data, must_refuse=name not in WARNED)


def duplicates(rng: random.Random, key: str) -> Case:
    """The same file given twice: its statements must be written once."""
    return _valid(key, "twice", twice=True)


def symlink(rng: random.Random, key: str) -> Case:
    """A change file that is a symlink to a secret: the secret must not be echoed."""
    secret = f"ghp_SECRET{key.replace('-', '')}"
    return Case("symlink", f"{key}.trig", secret.encode() + b"\n", link_to=b"", secret=secret)


GENERATORS = {
    "graph_iri": (graph_iri, 4),
    "file_name": (file_name, 3),
    "encoding": (encoding, 2),
    "characters": (characters, 2),
    "huge_term": (huge_term, 1),
    "rdf12": (rdf12, 2),
    "csv": (csv_template, 2),
    "meaning": (meaning, 2),
    "mutation": (mutation, 2),
    "corpus": (corpus, 2),
    "duplicates": (duplicates, 1),
    "symlink": (symlink, 1),
}


def draw(rng: random.Random, key: str) -> Case:
    names = sorted(GENERATORS)
    name = rng.choices(names, weights=[GENERATORS[n][1] for n in names])[0]
    return GENERATORS[name][0](rng, key)


def write(case: Case, folder: Path) -> list[Path]:
    """Write the case into its own folder; return the paths to give to the command."""
    folder.mkdir(parents=True)
    path = folder / case.name
    if case.link_to is not None:
        secret = folder.parent / f"{folder.name}-secret.txt"
        secret.write_bytes(case.data)
        path.symlink_to(secret)
    else:
        # a name the file system refuses: the command gets it all the same
        with contextlib.suppress(OSError):
            path.write_bytes(case.data)
    return [path, path] if case.twice else [path]
