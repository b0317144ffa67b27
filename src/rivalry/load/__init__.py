"""Stage 1: parse the project's files and change sets strictly into quads."""
