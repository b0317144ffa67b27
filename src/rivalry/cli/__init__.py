"""The ``rivalry`` command line: one module per verb group, each command thin over the package.

Importing a verb module registers its commands on the application in ``app``; ``--help`` lists
them in the order imported here, which is the pipeline's.
"""

# isort: off
from rivalry.cli import init, stages, gate, importing, query, stats, explain, serve, publish  # noqa: F401
from rivalry.cli.app import app, main

# isort: on

__all__ = ["app", "main"]
