"""Materialise the inferences the queries rely on into their own named graph.

Generic OWL rules are built in; domain rules are the ``CONSTRUCT`` queries in
``ontology/rules/``. All rules run repeatedly over the default graph, until a round adds
nothing. New triples go to the inferred named graph, so asserted and inferred facts stay
apart, and to the default graph.

The store's default graph is the set union of every named graph: the same fact stated
by several sources is there once. Queries run on it (Oxigraph's "union default graph"
option is a bag: a fact in ten graphs matches ten times, and joins multiply), while
``GRAPH ?g`` patterns still reach each source's own graph.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from rivalry.kernel.namespaces import INFERRED_GRAPH, PREFIXES
from rivalry.load.parse import Sources

OWL_RULES = {
    "subclass": """
        CONSTRUCT { ?x a ?super }
        WHERE { ?x a ?class . ?class rdfs:subClassOf+ ?super . FILTER (isIRI(?super)) }""",
    "subproperty": """
        CONSTRUCT { ?s ?super ?o }
        WHERE { ?p rdfs:subPropertyOf+ ?super . FILTER (isIRI(?super)) ?s ?p ?o . }""",
    "inverse": """
        CONSTRUCT { ?o ?q ?s }
        WHERE {
            { ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p }
            ?s ?p ?o . FILTER (!isLiteral(?o))
        }""",
    "symmetric": """
        CONSTRUCT { ?o ?p ?s }
        WHERE { ?p a owl:SymmetricProperty . ?s ?p ?o . FILTER (!isLiteral(?o)) }""",
    # one more hop per round; the fixpoint loop completes the closure
    "transitive": """
        CONSTRUCT { ?s ?p ?o }
        WHERE { ?p a owl:TransitiveProperty . ?s ?p ?m . ?m ?p ?o . }""",
}

MAX_ROUNDS = 50
UNION = ox.DefaultGraph()


def rule_queries(rules_dir: Path) -> dict[str, str]:
    rules = dict(OWL_RULES)
    for path in sorted(rules_dir.glob("*.rq")):
        rules[path.stem] = path.read_text(encoding="utf-8")
    return rules


def materialise(store: ox.Store, rules: dict[str, str]) -> int:
    """Run the rules to a fixpoint; return how many triples were inferred.

    Everything happens inside the engine: each round, every rule's ``CONSTRUCT`` becomes an
    ``INSERT`` into a scratch graph, evaluated on the default graph as the round found it;
    then the candidates not already there move to the inferred graph and the default graph.
    """
    updates = [as_insert(name, query) for name, query in rules.items()]
    total = 0
    for _ in range(MAX_ROUNDS):
        for update in updates:
            store.update(update, prefixes=PREFIXES)
        new = int(next(iter(store.query(COUNT_NEW, prefixes=PREFIXES)))["n"].value)
        store.update(MOVE_NEW, prefixes=PREFIXES)
        if not new:
            return total
        total += new
    raise RuntimeError(f"inference did not settle after {MAX_ROUNDS} rounds; a rule keeps growing")


CANDIDATES = f"<{INFERRED_GRAPH}-candidates>"
NEW = f"GRAPH {CANDIDATES} {{ ?s ?p ?o }} FILTER NOT EXISTS {{ ?s ?p ?o }}"
COUNT_NEW = f"SELECT (COUNT(*) AS ?n) WHERE {{ {NEW} }}"
MOVE_NEW = f"""
INSERT {{ ?s ?p ?o . GRAPH trg:inferred {{ ?s ?p ?o }} }} WHERE {{ {NEW} }} ;
DROP SILENT GRAPH {CANDIDATES}"""
# CONSTRUCT's template is a list of triples: it holds no braces of its own
TEMPLATE = re.compile(r"\bCONSTRUCT\s*\{([^{}]*)\}\s*WHERE\b", re.IGNORECASE)


def as_insert(name: str, query: str) -> str:
    """A rule's ``CONSTRUCT { t } WHERE`` as ``INSERT { GRAPH candidates { t } } WHERE``."""
    if TEMPLATE.search(query) is None:
        raise ValueError(f"rule {name}: write it as CONSTRUCT {{ … }} WHERE {{ … }}")
    insert = "INSERT {{ GRAPH {} {{{}}} }} WHERE"
    return TEMPLATE.sub(lambda m: insert.format(CANDIDATES, m.group(1)), query, 1)


def materialised(sources: Sources, rules_dir: Path, target: ox.Store | None = None) -> ox.Store:
    """Load parsed sources into a new in-memory store and infer; with ``target`` (an empty
    on-disk store), bulk-load the result into it: rules run ten times faster in memory."""
    memory = ox.Store()
    quads = sources.all_quads()
    memory.extend(quads)
    memory.extend(ox.Quad(q.subject, q.predicate, q.object, UNION) for q in quads)
    materialise(memory, rule_queries(rules_dir))
    if target is None:
        return memory
    target.bulk_extend(memory)
    return target
