"""Schedule risk of a project's time nodes, calibrated on the city's own reports."""
