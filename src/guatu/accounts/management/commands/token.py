"""``guatu token USERNAME``: create an API token and print it (shown only once)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from guatu.accounts.tokens import PasswordChangeRequired, token_create


class Command(BaseCommand):
    help = "Create an API token for a user and print it; keep it secret, it is shown once."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, **options) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        try:
            self.stdout.write(token_create(user=user))
        except PasswordChangeRequired as refused:
            raise CommandError(str(PasswordChangeRequired.message)) from refused
