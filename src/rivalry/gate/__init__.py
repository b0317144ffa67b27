"""The consistency gate: check a change set in the context of the graph it would join."""
