"""Hostile input findings of ../shared/ATTACKS.md (F8, F13, F15, F16, F22 to F26, F28), each
through the CLI on a copy of the project: every input is refused with a located message
and the right exit code (1: problems found, 2: input error), never a traceback, and large
terms are handled in seconds (a CPU-time limit kills the quadratic paths of 54d2016)."""

from __future__ import annotations

import json
import resource
from pathlib import Path

import pytest

from conftest import fingerprint, project_copy, rivalry

PREFIXES = " ".join(
    f"@prefix {p}: <{iri}> ."
    for p, iri in (
        ("tr", "https://w3id.org/tech-rivalry/ontology#"),
        ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
        ("xsd", "http://www.w3.org/2001/XMLSchema#"),
        ("firm", "https://w3id.org/tech-rivalry/id/firm/"),
        ("chip", "https://w3id.org/tech-rivalry/id/chip/"),
        ("publisher", "https://w3id.org/tech-rivalry/id/publisher/"),
        ("source", "https://w3id.org/tech-rivalry/id/source/"),
        ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    )
)
G = "https://w3id.org/tech-rivalry/graph/"
ASIANFIN = G + "asianfin-2025-05-14"
MIB = 1024 * 1024
CSV_HEADER = (
    "subject,relation,object,value,language,start,end,"
    "source_url,source_title,publisher,source_date\n"
)


def change(key: str, extra: str = "", graph: str | None = None) -> str:
    """A change the gate accepts (a new chip of Huawei and its source), plus ``extra``."""
    graph = graph or G + key
    return (
        f"{PREFIXES}\n<{graph}> {{\n"
        f'  source:{key} a tr:NewsReport ; tr:url "https://example.org/{key}"^^xsd:anyURI ;\n'
        f'  tr:publisher publisher:iso ; tr:title "Probe"@en ;\n'
        f'  tr:published "2025-06-02"^^xsd:date ;\n'
        f"  tr:describesGraph <{graph}> .\n"
        f'  chip:{key} a tr:Chip ; rdfs:label "Probe {key}"@en ; tr:designedBy firm:huawei .\n'
        f"  {extra}\n}}\n"
    )


EXTRA_LINE = 8  # the line of change()'s extra statements


def csv_rows(key: str, url: str, publisher: str = "Example News", language: str = "") -> str:
    tail = f"{url},CSV probe,{publisher},2025-06-01\n"
    return (
        CSV_HEADER
        + f"chip:{key},a,tr:Chip,,{language},,,{tail}"
        + f"chip:{key},rdfs:label,,Probe {key},{language},,,{tail}"
        + f"chip:{key},tr:designedBy,firm:huawei,,,,,{tail}"
    )


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    return project_copy(tmp_path_factory.mktemp("attacks-input") / "project")


def cpu_limit(seconds: int):
    """A child process's CPU-time limit, so a quadratic path fails instead of hanging."""

    def limit():
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))

    return limit


def run(workspace: Path, *args: str, cpu: int = 60):
    result = rivalry(
        *args,
        project=workspace,
        store=workspace / ".rivalry" / "store",
        preexec_fn=cpu_limit(cpu),
    )
    result.output = result.stdout + result.stderr
    assert "Traceback" not in result.output, result.output[-2000:]
    return result


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def check(workspace: Path, path: Path, cpu: int = 60):
    return run(workspace, "check", "--no-owl", str(path), cpu=cpu)


# ---------------------------------------------------------------- F8


def test_f8_a_second_source_may_not_claim_an_existing_graph(workspace, tmp_path):
    hijack = write(
        tmp_path,
        "hijack.trig",
        f"{PREFIXES} <{ASIANFIN}> {{ source:hijack a tr:NewsReport ; "
        'tr:url "https://evil.example/hijack"^^xsd:anyURI ; tr:publisher publisher:iso ; '
        'tr:title "Hijack"@en ; tr:published "2025-06-02"^^xsd:date ; '
        f"tr:describesGraph <{ASIANFIN}> . }}",
    )
    before = fingerprint(workspace)
    result = run(workspace, "add", "--no-owl", str(hijack))
    assert result.returncode == 1, result.output
    assert "graph-has-one-source" in result.output
    assert "source:asianfin-2025-05-14" in result.output
    assert f"{hijack}:1" in result.output
    assert fingerprint(workspace) == before


def test_f8_a_new_source_may_not_describe_two_graphs(workspace, tmp_path):
    two = write(
        tmp_path, "two.trig", change("p-two", f"source:p-two tr:describesGraph <{ASIANFIN}> .")
    )
    result = check(workspace, two)
    assert result.returncode == 1, result.output
    assert "source-describes-one-graph" in result.output
    assert "graph-has-one-source" in result.output


# ---------------------------------------------------------------- F13


@pytest.mark.parametrize(
    "name, extra, label",
    [
        ("iri-1mib", f"chip:p-big rdfs:seeAlso <https://example.org/{'i' * MIB}> .", None),
        ("label-3mib", "", "L" * 3 * MIB),
        ("iri-15mib", f"chip:p-big rdfs:seeAlso <https://example.org/{'i' * 15 * MIB}> .", None),
    ],
)
def test_f13_large_terms_are_checked_in_seconds(workspace, tmp_path, name, extra, label):
    text = change("p-big", extra)
    if label:
        text = text.replace('"Probe p-big"@en', f'"{label}"@en')
    path = write(tmp_path, f"{name}.trig", text)
    result = check(workspace, path, cpu=6)  # 54d2016: 17-29 s for 1 MiB, over 60 s for the rest
    assert result.returncode == 0, result.output[-500:]


def test_f13_a_refused_change_with_a_huge_label_is_located_in_seconds(workspace, tmp_path):
    # a refusal reads the file again to give the line: that scan must be linear too
    text = change("p-big", 'chip:p-big rdfs:comment "bell \\u0007" .')
    path = write(tmp_path, "refused.trig", text.replace("Probe p-big", "L" * 3 * MIB))
    result = check(workspace, path, cpu=15)
    assert result.returncode == 1, result.output[-500:]
    assert "invisible-characters" in result.output


def test_f13_many_json_ld_contexts_are_refused_before_parsing(workspace, tmp_path):
    n = 2_000
    context = {
        f"p{i}": {"@id": f"http://example.org/p{i}", "@context": {f"q{i}": f"http://e.org/q{i}"}}
        for i in range(n)
    }
    document = {"@context": context, "@id": "https://w3id.org/tech-rivalry/id/chip/x"}
    for i in range(n):
        document[f"p{i}"] = {"@id": f"https://w3id.org/tech-rivalry/id/chip/x{i}", f"q{i}": "v"}
    path = write(tmp_path, "contexts.jsonld", json.dumps(document))
    result = check(workspace, path, cpu=15)
    assert result.returncode == 2, result.output[-500:]
    assert "@context" in result.output and f"{path}:1:" in result.output


def test_f13_an_ftm_record_with_a_huge_id_is_imported_in_seconds(tmp_path_factory, tmp_path):
    project = project_copy(tmp_path_factory.mktemp("attacks-ftm") / "project")
    record = {"id": "NK-" + "i" * 2 * MIB, "schema": "Company"}
    record["properties"] = {"name": ["Big Id Company"]}
    path = write(tmp_path, "big-id.json", json.dumps(record) + "\n")
    result = run(project, "import", "ftm", "--no-owl", str(path), cpu=30)
    assert result.returncode == 0, result.output[-500:]


# ---------------------------------------------------------------- F15, F25


@pytest.mark.parametrize("code", ["\ufffe", "\uffff", "\ufdd0", "\ufdef", "\U0001fffe"])
def test_f15_non_characters_are_refused(workspace, tmp_path, code):
    escaped = f"\\U{ord(code):08X}"
    path = write(tmp_path, "xml.trig", change("p-xml", f'chip:p-xml rdfs:comment "x {escaped}" .'))
    result = check(workspace, path)
    assert result.returncode == 1, result.output
    assert "not-a-character" in result.output
    assert f"U+{ord(code):04X}" in result.output and f"{path}:" in result.output


@pytest.mark.parametrize("code", ["\u0085", "\u009b", "\u2028", "\u2029", "\u0080"])
def test_f25_c1_controls_and_separators_are_refused(workspace, tmp_path, code):
    escaped = f"\\u{ord(code):04X}"
    path = write(tmp_path, "c1.trig", change("p-c1", f'chip:p-c1 rdfs:comment "a {escaped} b" .'))
    result = check(workspace, path)
    assert result.returncode == 1, result.output
    assert "invisible-characters" in result.output and "chip:p-c1" in result.output
    assert f"U+{ord(code):04X}" in result.output and f"{path}:" in result.output


# ---------------------------------------------------------------- F16

TRIPLE = "chip:p-tt tr:designedBy firm:huawei"
RDF12 = {
    "triple-term": f"chip:p-tt rdf:reifies <<( {TRIPLE} )>> .",
    "quoted-triple": f'<< {TRIPLE} >> rdfs:comment "x"@en .',
    "annotation": 'chip:p-tt rdfs:comment "y"@en {| rdfs:comment "z"@en |} .',
    "type-triple-term": f"chip:p-tt a <<( {TRIPLE} )>> .",
    "direction": 'chip:p-tt rdfs:comment "y"@en--ltr .',
}


@pytest.mark.parametrize("name", sorted(RDF12))
def test_f16_rdf_1_2_is_refused_with_a_located_message(workspace, tmp_path, name):
    path = write(tmp_path, f"{name}.trig", change("p-tt", RDF12[name]))
    result = check(workspace, path)
    assert result.returncode == 2, result.output
    assert f"{path}:{EXTRA_LINE}:" in result.output and "RDF 1.2" in result.output


def test_f16_validate_does_not_pass_a_graph_file_with_a_triple_term(tmp_path_factory):
    project = project_copy(tmp_path_factory.mktemp("attacks-validate") / "project")
    shipped = run(project, "validate", "--no-owl")  # F23's shape change included
    assert shipped.returncode == 0, shipped.output[-1000:]
    path = write(project / "graph" / "sources", "p-tt.trig", change("p-tt", RDF12["triple-term"]))
    result = run(project, "validate", "--no-owl")
    assert result.returncode == 2, result.output[-500:]
    assert f"{path}:{EXTRA_LINE}:" in result.output
    assert "triple terms are not supported" in result.output


@pytest.mark.parametrize(
    "language, row",
    [("not a tag!", 2), ("en_GB", 2), ("x" * 9, 2)],
)
def test_f16_bad_csv_language_tags_are_located(workspace, tmp_path, language, row):
    path = write(
        tmp_path, "lang.csv", csv_rows("p-csvl", "https://example.org/p-csvl", language=language)
    )
    result = check(workspace, path)
    assert result.returncode == 2, result.output
    assert f"{path}:{row}:5" in result.output and "language tag" in result.output


def test_f16_bad_language_tag_on_an_iri_row_is_located(workspace, tmp_path):
    text = CSV_HEADER + (
        "chip:p-csvi,tr:designedBy,firm:huawei,,en_GB,,,https://example.org/p-csvi,"
        "CSV probe,Example News,2025-06-01\n"
    )
    path = write(tmp_path, "iri-row.csv", text)
    result = check(workspace, path)
    assert result.returncode == 2, result.output
    assert f"{path}:2:5" in result.output and "'en-GB'" in result.output


DEEP = 100_000


@pytest.mark.parametrize(
    "kind, text",
    [
        ("ftm", '{"id": "x", "schema": "Company", "properties": {"name": ["A"]}, "extra": '
         + "[" * DEEP + "]" * DEEP + "}\n"),
        ("csl", '{"results": ' + "[" * DEEP + "]" * DEEP + "}"),
    ],
)  # fmt: skip
def test_f16_deep_json_imports_are_refused_with_a_location(workspace, tmp_path, kind, text):
    path = write(tmp_path, f"deep-{kind}.json", text)
    before = fingerprint(workspace)
    result = run(workspace, "import", kind, "--no-owl", str(path))
    assert result.returncode == 2, result.output[-500:]
    assert f"{path}:1:" in result.output and "nested more than" in result.output
    assert fingerprint(workspace) == before


@pytest.mark.parametrize("name", [42, None, {"a": 1}])
def test_f16_ftm_names_that_are_not_strings_are_refused(workspace, tmp_path, name):
    record = {"id": "NK-x", "schema": "Company", "properties": {"name": [name]}}
    path = write(tmp_path, "name.json", json.dumps(record) + "\n")
    result = run(workspace, "import", "ftm", "--no-owl", str(path))
    assert result.returncode == 2, result.output[-500:]
    assert f"{path}:1" in result.output and json.dumps(name) in result.output


# ---------------------------------------------------------------- F22, F23


@pytest.mark.parametrize("offset, refused", [("+15:00", True), ("-14:01", True), ("-14:00", False)])
def test_f22_time_zone_offsets_beyond_14_hours_are_refused(workspace, tmp_path, offset, refused):
    text = change("p-tz").replace('"2025-06-02"', f'"2025-06-02{offset}"')
    result = check(workspace, write(tmp_path, "tz.trig", text))
    if refused:
        assert result.returncode == 1, result.output
        assert "time-zone" in result.output and offset in result.output
    else:
        assert result.returncode == 0, result.output


@pytest.mark.parametrize("title", ['"Plain title"', "<https://example.org/t>"])
def test_f23_a_source_title_must_be_language_tagged(workspace, tmp_path, title):
    text = change("p-ti").replace('"Probe"@en', title)
    result = check(workspace, write(tmp_path, "ti.trig", text))
    assert result.returncode == 1, result.output
    assert "trsh:SourceDocumentShape" in result.output and "language tag" in result.output


# ---------------------------------------------------------------- F24


def test_f24_a_publisher_without_letters_is_refused(workspace, tmp_path):
    path = write(tmp_path, "pub.csv", csv_rows("p-csvp", "https://example.org/p-csvp", "!!!"))
    result = check(workspace, path)
    assert result.returncode == 2, result.output
    assert f"{path}:2:10" in result.output and "'!!!'" in result.output


def test_f24_a_csv_source_url_already_in_the_graph_is_a_duplicate(workspace, tmp_path):
    url = "https://www.asianfin.com/articles/126752"
    path = write(tmp_path, "dup.csv", csv_rows("p-csvd", url))
    result = check(workspace, path)
    assert result.returncode == 1, result.output
    assert "duplicate-entity" in result.output and "source:asianfin-2025-05-14" in result.output


# ---------------------------------------------------------------- F26


@pytest.mark.parametrize("path", ["chip/../../ontology#Chip", "chip/./p-dd", "chip/%2e%2E/firm/x"])
def test_f26_dot_segments_are_refused_in_the_namespace(workspace, tmp_path, path):
    iri = f"<https://w3id.org/tech-rivalry/id/{path}>"
    extra = f'{iri} a tr:Chip ; rdfs:label "Dotdot"@en ; tr:designedBy firm:huawei .'
    result = check(workspace, write(tmp_path, "dd.trig", change("p-dd", extra)))
    assert result.returncode == 1, result.output
    assert "dot-segment" in result.output


# ---------------------------------------------------------------- F28


def test_f28_a_trig_file_with_a_byte_order_mark_is_read(workspace, tmp_path):
    path = write(tmp_path, "bom.trig", b"\xef\xbb\xbf" + change("p-bom").encode())
    result = check(workspace, path)
    assert result.returncode == 0, result.output
    assert "\ufeff" not in result.output


def test_f28_a_language_tag_ending_in_a_hyphen_is_named(workspace, tmp_path):
    path = write(tmp_path, "tag.trig", change("p-tag", 'chip:p-tag rdfs:comment "x"@en- .'))
    result = check(workspace, path)
    assert result.returncode == 2, result.output
    assert "@en- is not a valid language tag" in result.output and f"{path}:" in result.output


def test_f28_a_json_ld_lone_surrogate_is_named(workspace, tmp_path):
    text = (
        '{"@id": "https://w3id.org/tech-rivalry/id/chip/x",\n'
        ' "http://www.w3.org/2000/01/rdf-schema#label": "\\ud800"}'
    )
    path = write(tmp_path, "surrogate.jsonld", text)
    result = check(workspace, path)
    assert result.returncode == 2, result.output
    assert f"{path}:2:" in result.output and "invalid \\u escape \\ud800" in result.output
