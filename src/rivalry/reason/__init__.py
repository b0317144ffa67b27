"""Stage 2: materialise what the rules infer, into its own named graph."""

from .rules import UNION, materialise, materialised, rule_queries

__all__ = ["UNION", "materialise", "materialised", "rule_queries"]
