"""The one root of the package's exceptions, so a caller can catch everything rivalry raises."""


class RivalryError(Exception):
    """Something the user can fix: bad input, a missing store, a busy project, a refused change."""
