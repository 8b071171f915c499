from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand

USERNAME = "editor"


class Command(BaseCommand):
    help = "Create a demo editor account for a local installation, and print its login."

    def handle(self, *args, **options):
        # The password is kept beside the local database so that every `make run`
        # can print it again; a real installation creates its users in the admin.
        password_file = settings.VAR_DIR / "demo-editor-password.txt"
        user = User.objects.filter(username=USERNAME).first()
        if user is None:
            password = secrets.token_urlsafe(12)
            user = User.objects.create_user(USERNAME, password=password)
            user.groups.add(Group.objects.get(name="Editors"))
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
            self.stdout.write(f"Demo editor created. Log in as {USERNAME} / {password}")
        elif password_file.exists():
            password = password_file.read_text().strip()
            self.stdout.write(f"Demo editor: log in as {USERNAME} / {password}")
        else:
            self.stdout.write(
                f"An account named {USERNAME} already exists; set its password with "
                f"`python manage.py changepassword {USERNAME}`."
            )
