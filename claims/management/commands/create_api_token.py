from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from knox.models import AuthToken


class Command(BaseCommand):
    help = (
        "Create a new API token for a user and print its key on the last line. The key "
        "is shown only this once (the database keeps a digest of it); the user's "
        "previous tokens stop working. With --revoke, delete the user's tokens instead."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--expires",
            type=int,
            metavar="DAYS",
            help="The token stops working after this many days (default: never).",
        )
        parser.add_argument(
            "--revoke", action="store_true", help="Delete the user's tokens; print nothing else."
        )

    def handle(self, *args, username: str, expires: int | None, revoke: bool, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user called {username!r}.")
        if expires is not None and not 1 <= expires <= 36500:
            raise CommandError("--expires takes a number of days from 1 to 36500.")
        deleted, _ = AuthToken.objects.filter(user=user).delete()
        if revoke:
            if deleted:
                self.stdout.write(f"The API token of {username} is revoked.")
            else:
                self.stdout.write(f"{username} had no API token.")
            return
        token, key = AuthToken.objects.create(
            user=user, expiry=timedelta(days=expires) if expires else None
        )
        if deleted:
            self.stdout.write(f"The previous API token of {username} no longer works.")
        until = f"; it expires on {token.expiry:%Y-%m-%d %H:%M %Z}" if token.expiry else ""
        self.stdout.write(
            f"New API token for {username}{until}. Copy it now: it is not stored and "
            "cannot be shown again."
        )
        self.stdout.write(key)
