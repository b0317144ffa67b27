"""The release's VoID and DCAT description; the one generator lives in web (serve uses it)."""

from rivalry.web.describe import DCAT, LICENCE, SPDX, VOID, describe

__all__ = ["DCAT", "LICENCE", "SPDX", "VOID", "describe"]
