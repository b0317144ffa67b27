"""``rivalry serve``: a read-only SPARQL 1.1 endpoint and a linked-data site over the store."""
