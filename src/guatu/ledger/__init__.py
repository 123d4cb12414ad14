"""台账: Excel and CSV ledgers of projects, work items and progress, in and out."""
