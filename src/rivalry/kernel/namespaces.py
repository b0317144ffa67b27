"""IRIs of the graph: the vocabulary, shapes, data and named-graph namespaces."""

BASE = "https://w3id.org/tech-rivalry/"
TR = BASE + "ontology#"
TRSH = BASE + "shapes#"
ID = BASE + "id/"
GRAPH = BASE + "graph/"

ONTOLOGY_GRAPH = GRAPH + "ontology"
SHAPES_GRAPH = GRAPH + "shapes"
INFERRED_GRAPH = GRAPH + "inferred"
# graphs that hold no facts: the vocabulary, and what the build infers
VOCABULARY_GRAPHS = frozenset({ONTOLOGY_GRAPH, SHAPES_GRAPH})
NOT_FACT_GRAPHS = VOCABULARY_GRAPHS | {INFERRED_GRAPH}
GENID = BASE + ".well-known/genid/"  # skolem IRIs for blank nodes in the facts

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SH = "http://www.w3.org/ns/shacl#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"
FOAF = "http://xmlns.com/foaf/0.1/"

# One prefix per kind of data IRI (Turtle and SPARQL forbid "/" in a prefixed name).
KINDS = (
    "state",
    "body",
    "person",
    "position",
    "firm",
    "organisation",
    "publisher",
    "chip",
    "family",
    "facility",
    "place",
    "project",
    "participation",
    "use",
    "instrument",
    "agreement",
    "provision",
    "office",
    "intl",
    "list",
    "designation",
    "event",
    "claim",
    "matter",
    "relation",
    "record",
    "source",
    "eccn",
    "group",
    "requirement",
    "system",
    "model",
    "service",
    "content",
    "quantity",
    "case",
    "charge",
)

# Prefixes offered to every query, so catalogue and ad-hoc queries stay short.
PREFIXES = {
    "tr": TR,
    "trsh": TRSH,
    "id": ID,
    "trg": GRAPH,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "sh": SH,
    "prov": PROV,
    "dcterms": DCTERMS,
    "org": ORG,
    "schema": SCHEMA,
    **{kind: f"{ID}{kind}/" for kind in KINDS},
}


def compact(iri: str) -> str:
    """Write an IRI with the longest matching prefix, as people write it (state:MY)."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            best = prefix
    return f"{best}:{iri[len(PREFIXES[best]) :]}" if best else iri
