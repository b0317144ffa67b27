"""Validation: SHACL shapes, the OWL consistency check, and the report both produce."""

from rivalry.validate.report import Problem, Report

__all__ = ["Problem", "Report"]
