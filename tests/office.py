"""The supervision office's user, for tests that build plans (only the office may)."""

from guatu.accounts.models import Role, User
from guatu.accounts.services import user_create


def office() -> User:
    """The first active supervisor, created if the test has none yet."""
    user = User.objects.filter(role=Role.SUPERVISOR, is_active=True).order_by("pk").first()
    return user or user_create(username="office", password="pw-office-1", role=Role.SUPERVISOR)
