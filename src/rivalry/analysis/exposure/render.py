"""Exposure as people and programs read it: text, JSON, a Graphviz path diagram (DOT, SVG).

The diagram runs left to right from the rival law and the measure to the entity; an edge
points the way the graph states the link (a project *uses* a chip family, so that edge
points back), is labelled with the relation and the days it holds, and links to its
sources (tooltip and URL). Contested links are drawn orange, assumed ones dashed.
"""

from __future__ import annotations

import json
import subprocess

import graphviz

from rivalry.analysis.exposure.model import Exposure, Link, Path, Source, Timeline
from rivalry.kernel.errors import RivalryError
from rivalry.kernel.namespaces import compact

RELATION = {
    "tr:restricts": "restricts",
    "tr:designates": "designates",
    "tr:locatedIn": "located in",
    "tr:participant": "participant",
    "tr:usesItem": "uses",
    "tr:productFamily": "of family",
    "tr:designedBy": "designed by",
    "tr:subsidiaryOf": "subsidiary of",
    "tr:operatedBy": "operated by",
    "tr:facilityIn": "stands in",
    "tr:fabricatedBy": "fabricated by",
    "tr:fabricatedAt": "fabricated at",
    "tr:headquarteredIn": "headquartered in",
}


class RenderError(RivalryError):
    pass


def words(relation: str) -> str:
    return RELATION.get(relation, relation.split(":")[-1])


# -------------------------------------------------------------------- text


def text(exposure: Exposure) -> str:
    entity = exposure.entity
    count = len(exposure.paths)
    lines = [
        f"{entity.name} ({compact(entity.iri)}) on {exposure.day}: "
        f"{count} exposure path{'s' if count != 1 else ''}"
    ]
    if exposure.assumed_files:
        lines.append(f"assuming the facts of {', '.join(exposure.assumed_files)} (not merged)")
    if not exposure.paths:
        lines.append("No measure in force that a rival law forbids complying with reaches it.")
    for number, path in enumerate(exposure.paths, 1):
        lines += ["", *_path_lines(number, path)]
    return "\n".join(lines) + "\n"


def _path_lines(number: int, path: Path) -> list[str]:
    measure, law = path.measure, path.law
    mark = " [assumed]" if path.assumed else ""
    lines = [
        f"{number}. {path.how}, through {path.through.name}{mark}",
        f"   measure  {measure.node.name} ({measure.state.name}), "
        f"in force {measure.in_force.text()}",
        *_sources(measure.sources, "            "),
        f"   law      {law.node.name} ({law.state.name}), in force {law.in_force.text()}, "
        "forbids complying with the measure",
    ]
    for act in path.acts:
        when = f" {act.day}" if act.day else ""
        lines.append(f"            {act.kind}{when}: {act.name or compact(act.iri)}")
        lines += _sources(act.sources, "              ")
    for contested in path.contested:
        lines += _contested(contested, "            ")
    lines.append("   links")
    for link in path.links:
        lines.append(f"     {_link_text(link)}")
        lines += _sources(link.sources, "         ")
        for contested in link.contested:
            lines += _contested(contested, "         ")
    holds = ", ".join(p.text() for p in path.periods)
    lines.append(f"   holds    {holds}")
    return lines


def _link_text(link: Link) -> str:
    days = ", ".join(p.text() for p in link.periods)
    mark = " [assumed]" if link.assumed else ""
    return f"{link.subject.name} {words(link.relation)} {link.object.name}  ({days}){mark}"


def _sources(sources: tuple[Source, ...], indent: str) -> list[str]:
    if not sources:
        return [f"{indent}source: none in the graph"]
    return [f"{indent}source: {s.text()}" for s in sources]


def _contested(contested, indent: str) -> list[str]:
    lines = [f"{indent}! contested: {contested.name or compact(contested.matter)}"]
    lines += [f"{indent}    {claim.text()}" for claim in contested.claims]
    return lines


def timeline_text(timeline: Timeline) -> str:
    entity = timeline.entity
    lines = [f"{entity.name} ({compact(entity.iri)}), {timeline.start} to {timeline.end}"]
    if timeline.assumed_files:
        lines.append(f"assuming the facts of {', '.join(timeline.assumed_files)} (not merged)")
    if not timeline.changes:
        lines.append("Not exposed on any day of the window.")
        return "\n".join(lines) + "\n"
    lines += ["", f"{'from':<10}  {'to':<10}  paths  change"]
    for change, (first, last, count) in zip(timeline.changes, timeline.periods(), strict=True):
        what = [f"+{len(change.began)}"] if change.began else []
        what += [f"-{len(change.ended)}"] if change.ended else []
        lines.append(f"{first!s:<10}  {last!s:<10}  {count:>5}  {change.kind} {' '.join(what)}")
        for path in change.began:
            lines.append(f"{'':>32}+ {_short(path)}")
        for path in change.ended:
            lines.append(f"{'':>32}- {_short(path)}")
    return "\n".join(lines) + "\n"


def _short(path: Path) -> str:
    return (
        f"{path.how}, through {path.through.name}: {path.measure.node.name} restricts "
        f"{path.restricted.name}; {path.law.node.name}"
    )


# -------------------------------------------------------------------- JSON


def to_json(result: Exposure | Timeline) -> str:
    return json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n"


# -------------------------------------------------------------------- pictures

ENTITY_STYLE = {"shape": "doubleoctagon", "style": "filled", "fillcolor": "#fde68a"}
MEASURE_STYLE = {"shape": "box", "style": "filled,rounded", "fillcolor": "#fecaca"}
LAW_STYLE = {"shape": "box", "style": "filled,rounded", "fillcolor": "#bfdbfe"}
ACT_STYLE = {"shape": "note", "style": "filled", "fillcolor": "#e5e7eb", "fontsize": "10"}
NODE_STYLE = {"shape": "box", "style": "filled", "fillcolor": "#f9fafb"}


def diagram(exposure: Exposure) -> graphviz.Digraph:
    """The paths as one graph: shared nodes drawn once, each link once."""
    dot = graphviz.Digraph(
        "exposure",
        graph_attr={
            "rankdir": "LR",
            "label": _wrap(
                f"{exposure.entity.name}: {len(exposure.paths)} exposure path(s) on "
                f"{exposure.day}" + (" (with assumed facts)" if exposure.assumed_files else "")
            ),
            "labelloc": "t",
            "fontname": "Helvetica",
            "fontsize": "16",
            "nodesep": "0.3",
            "ranksep": "0.5",
        },
        node_attr={"fontname": "Helvetica", "fontsize": "12"},
        edge_attr={"fontname": "Helvetica", "fontsize": "10"},
    )
    drawn: set[str] = set()
    edges: set[tuple[str, str, str]] = set()
    ids: dict[str, str] = {}  # IRIs hold ":", which Graphviz reads as a port

    def ident(iri: str) -> str:
        return ids.setdefault(iri, f"n{len(ids)}")

    def node(iri: str, label: str, style: dict, tooltip: str = "", url: str = "") -> None:
        if iri in drawn:
            return
        drawn.add(iri)
        extra = {"tooltip": tooltip or compact(iri)}
        if url:
            extra["URL"] = url
        dot.node(ident(iri), _wrap(label), **style, **extra)

    def edge(tail: str, head: str, label: str, key: str, **attrs) -> None:
        if (tail, head, key) in edges:
            return
        edges.add((tail, head, key))
        dot.edge(ident(tail), ident(head), label=label, **attrs)

    entity = exposure.entity
    node(entity.iri, entity.name, ENTITY_STYLE)
    for path in exposure.paths:
        measure, law = path.measure, path.law
        node(
            measure.node.iri,
            f"{measure.node.name}\n({measure.state.name}, from {measure.in_force.start})",
            MEASURE_STYLE,
            _tooltip(measure.sources),
            _first_url(measure.sources),
        )
        node(
            law.node.iri,
            f"{law.node.name}\n({law.state.name})",
            LAW_STYLE,
            _tooltip(law.sources),
            _first_url(law.sources),
        )
        edge(
            law.node.iri,
            measure.node.iri,
            "forbids compliance with",
            "forbids",
            style="bold",
            color="#1d4ed8",
            fontcolor="#1d4ed8",
        )
        for act in path.acts:
            node(
                act.iri,
                f"{act.kind} {act.day or ''}\n{_clip(act.name)}",
                ACT_STYLE,
                _tooltip(act.sources),
                _first_url(act.sources),
            )
            threat = act.kind == "threat"
            edge(
                act.iri, law.node.iri, "invokes" if threat else "made under", "law", style="dotted"
            )
            # which measure the act is aimed at; not ranked, so the flow stays left to right
            edge(
                act.iri,
                measure.node.iri,
                "against" if threat else "responds to",
                "measure",
                style="dotted",
                constraint="false",
                color="#6b7280",
                fontcolor="#6b7280",
            )
        previous = measure.node.iri
        if path.links[0].subject.iri != measure.node.iri:  # restricted by an amendment
            amendment = path.links[0].subject
            node(amendment.iri, amendment.name, MEASURE_STYLE)
            edge(amendment.iri, measure.node.iri, "amends", "amends", dir="forward")
        for link in path.links:
            for end in (link.subject, link.object):
                if end.iri not in drawn:
                    node(end.iri, end.name, NODE_STYLE)
            forward = link.subject.iri == previous or (link is path.links[0])
            tail, head = (link.subject.iri, link.object.iri)
            if not forward:
                tail, head = head, tail
            label = f"{words(link.relation)}\n{', '.join(p.text() for p in link.periods)}"
            attrs = {
                "tooltip": _tooltip(link.sources),
                "dir": "forward" if forward else "back",
            }
            url = _first_url(link.sources)
            if url:
                attrs["URL"] = url
            if link.contested:
                attrs.update(color="#ea580c", fontcolor="#ea580c", penwidth="2")
                label += "\ncontested: " + "; ".join(c.name for c in link.contested)
            if link.assumed:
                attrs["style"] = "dashed"
                label += "\n(assumed)"
            edge(tail, head, _wrap(label, 40), link.relation, **attrs)
            previous = head
    return dot


def dot_source(exposure: Exposure) -> str:
    return diagram(exposure).source


def svg(exposure: Exposure) -> bytes:
    """The diagram drawn by Graphviz's ``dot`` (Debian package graphviz)."""
    try:
        done = subprocess.run(
            ["dot", "-Tsvg"],
            input=dot_source(exposure).encode(),
            capture_output=True,
            timeout=60,
            check=False,
        )
    except FileNotFoundError:
        raise RenderError(
            "Graphviz's dot is not installed; install the graphviz package "
            "(apt-get install graphviz) or use --format dot"
        ) from None
    if done.returncode != 0:
        raise RenderError(f"dot failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def _tooltip(sources: tuple[Source, ...]) -> str:
    return "\n".join(s.text() for s in sources) or "no source in the graph"


def _first_url(sources: tuple[Source, ...]) -> str:
    return next((s.url for s in sources if s.url.startswith(("http://", "https://"))), "")


def _clip(text: str, limit: int = 140) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _wrap(label: str, width: int = 32) -> str:
    """Break long names over lines so that boxes stay narrow."""
    out = []
    for part in label.split("\n"):
        line = ""
        for word in part.split(" "):
            if line and len(line) + 1 + len(word) > width:
                out.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        out.append(line)
    return "\n".join(out)
