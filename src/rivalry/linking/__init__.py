"""Links from the graph's entities to other knowledge bases (Wikidata)."""
