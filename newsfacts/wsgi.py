import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsfacts.settings")
# Web requests get the database statement timeout; workers and commands do not.
os.environ.setdefault("NEWSFACTS_PROCESS", "web")

application = get_wsgi_application()

# What loading the application made lives as long as the process: moved out of the
# collector's reach, the collections that requests' garbage sets off no longer walk
# it. Collecting took a tenth of an API page's CPU, and a third of that was this walk.
gc.freeze()
