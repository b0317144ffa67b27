"""Problems found by validation, and the report that renders them for people and programs.

A problem names the entity, the rule, a plain-English message and, where known, the file
and line the entity is written at. The Turtle form is a W3C SHACL validation report, so
SHACL tools can read it; OWL and provenance problems appear there as results too.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox

from rivalry.kernel.namespaces import SH, TRSH, XSD
from rivalry.kernel.terms import sh, xsd

SEVERITIES = ("violation", "warning", "info")
# SHACL's severity IRIs and the names the reports use
SEVERITY_OF = {sh.Violation: "violation", sh.Warning: "warning", sh.Info: "info"}
SEVERITY_IRI = {name: iri for iri, name in SEVERITY_OF.items()}


@dataclass(frozen=True)
class Problem:
    severity: str  # one of SEVERITIES
    layer: str  # parse, shacl, owl, provenance
    rule: str  # the shape or check that found it
    message: str
    focus: str | None = None
    path: str | None = None
    value: str | None = None
    file: Path | None = None
    line: int | None = None
    column: int | None = None

    @property
    def where(self) -> str:
        if self.file is None:
            return ""
        where = str(self.file)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where


@dataclass(frozen=True)
class Section:
    """More than problems: what else a check found (the exposure a change creates, say),
    as lines for people and a JSON value for programs."""

    name: str  # the key in the JSON report
    title: str
    lines: tuple[str, ...]
    data: object


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

    @property
    def violations(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "violation"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "violation"]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def extend(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)

    def sorted(self) -> list[Problem]:
        order = {s: i for i, s in enumerate(SEVERITIES)}
        return sorted(
            set(self.problems),
            key=lambda p: (
                order[p.severity],
                str(p.file or ""),
                p.line or 0,
                p.focus or "",
                p.rule,
            ),
        )

    def to_json(self) -> str:
        rows = []
        for p in self.sorted():
            row = asdict(p)
            row["file"] = str(p.file) if p.file else None
            rows.append(row)
        summary = {
            "conforms": self.conforms,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
        }
        extra = {s.name: s.data for s in self.sections}
        return json.dumps({**summary, "problems": rows, **extra}, indent=2, ensure_ascii=False)

    def to_github(self) -> str:
        """GitHub Actions workflow commands, one annotation per problem."""
        lines = []
        for p in self.sorted():
            level = "error" if p.severity == "violation" else "warning"
            where = [f"file={p.file}"] if p.file else []
            where += [f"line={p.line}"] if p.line else []
            where += [f"col={p.column}"] if p.column else []
            where.append(f"title={_escape(p.rule, True)}")
            lines.append(f"::{level} {','.join(where)}::{_escape(p.message)}")
        for section in self.sections:
            title = _escape(section.title, True)
            lines += [f"::notice title={title}::{_escape(line)}" for line in section.lines]
        return "\n".join(lines) + ("\n" if lines else "")

    def to_turtle(self) -> str:
        """The report as a W3C SHACL validation report (sh:ValidationReport)."""
        sh = lambda name: ox.NamedNode(SH + name)  # noqa: E731
        rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
        report = ox.BlankNode()
        triples = [
            ox.Triple(report, rdf_type, sh("ValidationReport")),
            ox.Triple(
                report,
                sh("conforms"),
                ox.Literal(str(self.conforms).lower(), datatype=ox.NamedNode(xsd.boolean)),
            ),
        ]
        for p in self.sorted():
            result = ox.BlankNode()
            triples += [
                ox.Triple(report, sh("result"), result),
                ox.Triple(result, rdf_type, sh("ValidationResult")),
                ox.Triple(result, sh("resultSeverity"), ox.NamedNode(SEVERITY_IRI[p.severity])),
                ox.Triple(result, sh("resultMessage"), ox.Literal(p.message, language="en")),
                ox.Triple(result, sh("sourceShape"), _rule_iri(p.rule)),
            ]
            if p.focus:
                triples.append(ox.Triple(result, sh("focusNode"), ox.NamedNode(p.focus)))
            if p.path:
                triples.append(ox.Triple(result, sh("resultPath"), ox.NamedNode(p.path)))
            if p.value:
                triples.append(ox.Triple(result, sh("value"), ox.Literal(p.value)))
        # sections are not validation results: comments on the report, one per line
        comment = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
        for section in self.sections:
            triples += [
                ox.Triple(report, comment, ox.Literal(f"{section.title}: {line}", language="en"))
                for line in section.lines
            ]
        prefixes = {"sh": SH, "trsh": TRSH, "xsd": XSD}
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes).decode()


def _escape(text: str, in_property: bool = False) -> str:
    """Escape for a workflow command: %, CR and LF always; ':' and ',' inside properties."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if in_property else text


def _rule_iri(rule: str) -> ox.NamedNode:
    if rule.startswith("trsh:"):
        return ox.NamedNode(TRSH + rule.removeprefix("trsh:"))
    if rule.startswith(("http://", "https://")):
        return ox.NamedNode(rule)
    return ox.NamedNode(TRSH + rule)
