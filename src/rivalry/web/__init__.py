"""HTML shared by the server and the static release: pages, tables, links."""
