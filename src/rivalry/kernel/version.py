"""The package's version, read from its installed metadata: pyproject.toml is the one place it is
written, and everything that prints or publishes a version reads it from here."""

from importlib.metadata import PackageNotFoundError, version

try:
    VERSION = version("rivalry")
except PackageNotFoundError:  # a source tree put on sys.path without being installed
    VERSION = "0+unknown"
