"""Stage 4: the embedded Oxigraph store and the build that swaps a new one in."""

from .embedded import StoreMissing, open_store, staging_path, swap_in

__all__ = ["StoreMissing", "open_store", "staging_path", "swap_in"]
