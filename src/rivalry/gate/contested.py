"""Claims in a change that disagree with claims already in the graph: allowed — the graph
keeps both with their sources — but reported, so the curator knows the matter is contested."""

from __future__ import annotations

import pyoxigraph as ox

from rivalry.kernel.namespaces import PREFIXES, TR, compact
from rivalry.kernel.terms import tr
from rivalry.load.parse import Sources
from rivalry.validate.report import Problem

MATTER = ox.NamedNode(tr.matter)
# declining to comment takes no side: it disagrees with nothing
NO_SIDE = ox.NamedNode(tr.DeclinesToComment)

OTHER_CLAIMS = """
SELECT ?matter ?claim ?stance ?value ?source WHERE {
    ?claim tr:matter ?matter ; tr:source ?source .
    OPTIONAL { ?claim tr:stance ?stance }
    OPTIONAL { ?claim tr:claimedValue ?value }
}"""


def contested_problems(store: ox.Store, change: Sources) -> list[Problem]:
    facts = [q.triple for q in change.facts]
    problems = []
    for claim in {t.subject for t in facts if t.predicate == MATTER}:
        mine = {t.predicate.value.removeprefix(TR): t.object for t in facts if t.subject == claim}
        for row in store.query(
            OTHER_CLAIMS, prefixes=PREFIXES, substitutions={ox.Variable("matter"): mine["matter"]}
        ):
            if row["claim"] == claim:
                continue
            stance, value = mine.get("stance"), mine.get("claimedValue")
            sides = stance not in (None, NO_SIDE) and row["stance"] not in (None, NO_SIDE)
            if (sides and stance != row["stance"]) or (
                value and row["value"] and value != row["value"]
            ):
                problems.append(
                    Problem(
                        severity="warning",
                        layer="claims",
                        rule="contested",
                        message=_message(claim, row, mine["matter"]),
                        focus=claim.value,
                    )
                )
    return problems


def _message(claim: ox.NamedNode, other, matter: ox.NamedNode) -> str:
    return (
        f"{compact(claim.value)} disagrees with {compact(other['claim'].value)} (source "
        f"{compact(other['source'].value)}) on {compact(matter.value)}. Both are kept with "
        "their sources; the matter is now contested."
    )
