"""guatu (挂图): a city's key projects driven to their deadlines from the wall chart."""

__version__ = "0.1.0"
