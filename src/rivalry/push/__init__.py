"""Copying the built graph into a remote SPARQL store."""

from .transfer import UNION_GRAPH, PushError, PushResult, Target, push

__all__ = ["UNION_GRAPH", "PushError", "PushResult", "Target", "push"]
