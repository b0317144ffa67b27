"""Text helpers every layer shares: the date pattern and slugs."""

from __future__ import annotations

import re

# YYYY-MM-DD in ASCII digits (``\d`` would take any script's digits); use with fullmatch
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def slug(text: str) -> str:
    """ASCII letters and digits joined by single hyphens: "Example News" -> "example-news"."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
