"""The kernel: namespaces and term constants, formats, project paths, errors and text helpers.

It imports nothing else of the package; every other layer may import it."""
