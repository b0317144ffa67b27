"""What an entity's data document holds, the same for `rivalry serve` and the release's site:
its facts, the facts that point to it, and the labels of the resources at both ends (so a
client can show a document without dereferencing every link); and, for TriG, the same facts
in the named graphs (source documents) that state them."""

ABOUT_LABELLED = """
CONSTRUCT { ?e ?p ?o . ?s ?q ?e . ?x rdfs:label ?label }
WHERE {
    { ?e ?p ?o } UNION { ?s ?q ?e }
    UNION { { ?e ?p1 ?x } UNION { ?x ?q1 ?e } FILTER (isIRI(?x)) ?x rdfs:label ?label }
}"""

# ?e is projected so that the engine's substitution can bind it
QUADS_ABOUT = """
SELECT ?e ?g ?s ?p ?o WHERE {
    GRAPH ?g { { ?e ?p ?o BIND (?e AS ?s) } UNION { ?s ?p ?e BIND (?e AS ?o) } }
}"""
