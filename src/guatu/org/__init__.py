"""The city's administrative units (市, 镇街区, 行政村) and departments (部门)."""
