"""Puts the repository root on sys.path, so a script run as `python scripts/x.py` can import
the benchmark helpers in tools/ (which are not part of the installed package)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
