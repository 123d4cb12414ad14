"""Settings: ``base`` holds what every environment shares; ``local`` (the
default), ``production`` and ``test`` adjust it. Secrets and switches come
from ``GUATU_*`` environment variables, never from the code."""
