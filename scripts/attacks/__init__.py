"""The pieces of ``scripts/attack.py``: a throw-away copy of the project, the inputs each
family of attacks generates, and the trials that send them and judge what happened."""
