import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsfacts.settings")
# Web requests get the database statement timeout; workers and commands do not.
os.environ.setdefault("NEWSFACTS_PROCESS", "web")

application = get_wsgi_application()
