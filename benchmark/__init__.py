"""`make bench`: speed, load and footprint of the served assistant next to the `rasa init` bot (python -m benchmark).

The bots are started by the tests' own harness (tests/support/processes.py), so the bench measures exactly what
the integration tests check.
"""
