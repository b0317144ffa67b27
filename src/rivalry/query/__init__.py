"""The question catalogue: named, parameterised SPARQL queries, run on the store."""
