"""台账: reading the Excel and CSV ledgers that county offices keep.

``cells`` turns one cell as people type it (2020年6月底, 1,234.5, 3万平方米,
A01(SS+3)) into a value; ``columns`` names each sheet's columns and the
headers people give them; ``workbook`` finds those sheets and headers in an
.xlsx or .csv file and hands back rows that remember where they came from.
Nothing here knows about the database: the Django layer resolves codes and
names, and writes.
"""
