"""Intake of newspaper pages and written reports: restore the text, then find the facts."""
