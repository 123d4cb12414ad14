"""The pure core of guatu: scheduling, status and unit arithmetic.

Nothing in this package imports Django, so the engine can run in a worker, a
benchmark or a notebook without settings, and its tests need no database.
The Django apps turn querysets into plain values, call the core, and store
the results.
"""
