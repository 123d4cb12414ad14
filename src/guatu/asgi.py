"""ASGI entry point (``guatu.asgi:application``)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guatu.settings.production")
application = get_asgi_application()
