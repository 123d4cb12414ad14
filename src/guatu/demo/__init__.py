"""The 永康 2019 demo scenario, built from the facts of the seed newspaper page."""
