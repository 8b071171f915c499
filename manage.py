#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsfacts.settings")
    if sys.argv[1:2] == ["runserver"]:
        # As newsfacts/wsgi.py does for gunicorn: web requests get the statement timeout.
        os.environ.setdefault("NEWSFACTS_PROCESS", "web")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
