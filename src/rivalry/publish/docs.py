"""The release's ontology page: the one generator lives in web (the server uses it too)."""

import pyoxigraph as ox

from rivalry.publish.site import nav
from rivalry.query.catalogue import CatalogueQuery
from rivalry.web import ontology_docs


def render(store: ox.Store, queries: list[CatalogueQuery], version: str) -> str:
    return ontology_docs.render(store, queries, version, nav(""), static="static/")
