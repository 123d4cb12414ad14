"""WSGI entry point (``guatu.wsgi:application``) for a production server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guatu.settings.production")
application = get_wsgi_application()
