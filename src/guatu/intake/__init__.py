"""Intake of newspaper pages and written reports (汇报材料) as evidence on projects."""
