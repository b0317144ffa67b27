"""`rivalry publish`: a release of the graph as linked data — dumps, a VoID/DCAT description,
ontology documentation and a static site — written to a directory any static host can serve."""
