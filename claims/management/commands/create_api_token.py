from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = (
        "Create a new API token for a user and print it on the last line; an existing "
        "token is replaced. With --revoke, delete the user's token instead."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--revoke", action="store_true", help="Delete the user's token; print nothing else."
        )

    def handle(self, *args, username: str, revoke: bool, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user called {username!r}.")
        deleted, _ = Token.objects.filter(user=user).delete()
        if revoke:
            if deleted:
                self.stdout.write(f"The API token of {username} is revoked.")
            else:
                self.stdout.write(f"{username} had no API token.")
            return
        token = Token.objects.create(user=user)
        if deleted:
            self.stdout.write(f"The previous API token of {username} no longer works.")
        self.stdout.write(f"New API token for {username}:")
        self.stdout.write(token.key)
