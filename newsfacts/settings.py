"""newsfacts settings: every value comes from the environment.

With nothing set, the app runs on embedded defaults (SQLite, and a Redis server that
`make run` starts on a unix socket, both under ``var/``) so that nothing has to be
installed or running beforehand. ``DATABASE_URL`` and ``CELERY_BROKER_URL`` switch
to PostgreSQL and another Redis. ``DJANGO_DEBUG=1`` turns on development mode;
without it the app is in production mode and refuses to start without
``DJANGO_SECRET_KEY`` and ``DJANGO_ALLOWED_HOSTS``.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp import constants as csp_constants
from django.core.exceptions import ImproperlyConfigured

from newsfacts import embedded_redis

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}."
    )


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}.")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


# --- Core -------------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", False)
VAR_DIR = Path(env_str("NEWSFACTS_VAR_DIR") or BASE_DIR / "var")

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Production needs a long random secret key; "
            "set DJANGO_DEBUG=1 to run in development mode instead."
        )
    SECRET_KEY = "development-only-key-never-use-in-production-0123456789abcdefghij"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is not set. List the host names the site is served on, "
        "separated by commas (for example news.example.org)."
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
for _origin in CSRF_TRUSTED_ORIGINS:
    if urlsplit(_origin).scheme not in {"http", "https"}:
        raise ImproperlyConfigured(
            f"DJANGO_CSRF_TRUSTED_ORIGINS entries must start with https:// or http://; "
            f"got {_origin!r}."
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "claims",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "newsfacts.csp.ScopedCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "claims.api.exceptions.ApiErrorMiddleware",
    "claims.api.consumer_cache.ConsumerCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsfacts.urls"
WSGI_APPLICATION = "newsfacts.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "claims.context_processors.workers",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------

# A database that does not answer must not hold a request until gunicorn kills the
# worker: connecting gives up after NEWSFACTS_DB_CONNECT_TIMEOUT seconds, and on
# PostgreSQL a web request's statement after NEWSFACTS_DB_STATEMENT_TIMEOUT seconds.
# Workers, beat and management commands (migrations, imports) have no statement limit:
# newsfacts/wsgi.py and `runserver` mark the process as a web server.
NEWSFACTS_DB_CONNECT_TIMEOUT = env_int("NEWSFACTS_DB_CONNECT_TIMEOUT", 5, minimum=1)
NEWSFACTS_DB_STATEMENT_TIMEOUT = env_int("NEWSFACTS_DB_STATEMENT_TIMEOUT", 20, minimum=0)
# Off behind a connection pooler that cannot keep prepared statements (PgBouncer in
# transaction mode before 1.21, or without max_prepared_statements).
NEWSFACTS_DB_PREPARED_STATEMENTS = env_bool("NEWSFACTS_DB_PREPARED_STATEMENTS", True)
NEWSFACTS_WEB_PROCESS = env_str("NEWSFACTS_PROCESS") == "web"
_database_url = env_str("DATABASE_URL")
if _database_url:
    try:
        DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        _options.setdefault("connect_timeout", NEWSFACTS_DB_CONNECT_TIMEOUT)
        if NEWSFACTS_DB_PREPARED_STATEMENTS:
            # Only the API's fixed query shapes ask for it (claims.prepared); Django's
            # own queries keep client-side binding and are never prepared.
            _options.setdefault("prepare_threshold", 5)
        if NEWSFACTS_WEB_PROCESS and NEWSFACTS_DB_STATEMENT_TIMEOUT:
            # Sent when the connection opens: no extra query per request.
            _options["options"] = (
                f"{_options.get('options', '')} "
                f"-c statement_timeout={NEWSFACTS_DB_STATEMENT_TIMEOUT * 1000}"
            ).strip()
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "newsfacts.sqlite3",
            # Web and worker write to the same file: wait for the lock instead of failing.
            # IMMEDIATE takes the write lock when a transaction begins; a transaction
            # that reads first and writes later would otherwise fail at once with
            # "database is locked" when a worker writes in between.
            # Write-ahead log: a commit appends to one file instead of copying pages to
            # a rollback journal first, a tenth of the CPU and a twentieth of the wait
            # (a worker commits several times per article), and readers no longer wait
            # for a writer. Kept in the file once set; durability is unchanged.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL",
            },
            # A file, not memory, so that the Celery workers the tests start see it;
            # one per test process, so that runs side by side do not collide.
            "TEST": {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a login while the account or the address is locked out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# --- I18n, static -----------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("NEWSFACTS_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT") or VAR_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security (production) --------------------------------------------------------

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): our pages load scripts and styles from our own
# static files only, with no inline code, so injected markup cannot run. The API docs
# page is the one exception (see newsfacts/csp.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp_constants.SELF],
        "script-src": [csp_constants.SELF],
        "style-src": [csp_constants.SELF],
        "img-src": [csp_constants.SELF, "data:"],
        "font-src": [csp_constants.SELF],
        "connect-src": [csp_constants.SELF],
        "object-src": [csp_constants.NONE],
        "base-uri": [csp_constants.SELF],
        "form-action": [csp_constants.SELF],
        "frame-ancestors": [csp_constants.NONE],
    }
}
# Behind a TLS-terminating proxy, trust its X-Forwarded-Proto header.
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Proxies in front of the app that append the client's address to X-Forwarded-For;
# login lockouts and anonymous API rates count by the address the nearest one saw.
NEWSFACTS_TRUSTED_PROXIES = env_int(
    "NEWSFACTS_TRUSTED_PROXIES", 1 if env_bool("DJANGO_BEHIND_PROXY", False) else 0
)

# Requests above this size are refused (413 in the API); uploads are capped separately.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("NEWSFACTS_MAX_REQUEST_BYTES", 5 * 1024 * 1024, minimum=1024)

# --- Celery -----------------------------------------------------------------------

# Without CELERY_BROKER_URL the broker is the embedded Redis server that `make run`
# starts on a unix socket in var/ (newsfacts/embedded_redis.py). kombu's filesystem
# transport is not offered: its reader can pick up a message file still being written,
# which kills the worker with a JSONDecodeError.
NEWSFACTS_EMBEDDED_BROKER = not env_str("CELERY_BROKER_URL")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or embedded_redis.broker_url(VAR_DIR)
_broker_scheme = urlsplit(CELERY_BROKER_URL).scheme
if _broker_scheme not in {"redis", "rediss", "redis+socket"}:
    raise ImproperlyConfigured(
        f"CELERY_BROKER_URL must be a redis:// (or rediss://, redis+socket://) URL; "
        f"got scheme {_broker_scheme!r}."
    )

# Timings of one extraction, shortest first; each must exceed the one before it, or
# an article still being extracted could be taken over by a second worker:
#   soft time limit < hard time limit < lease < sweep timeout.
CELERY_TASK_TIME_LIMIT = env_int("NEWSFACTS_TASK_TIME_LIMIT", 600, minimum=10)
CELERY_TASK_SOFT_TIME_LIMIT = max(CELERY_TASK_TIME_LIMIT - 30, 5)
# A worker holding an article that has not reported progress for this long is taken
# to be dead: another worker may claim the article.
NEWSFACTS_EXTRACTION_LEASE_SECONDS = env_int(
    "NEWSFACTS_EXTRACTION_LEASE_SECONDS", CELERY_TASK_TIME_LIMIT + 60, minimum=1
)
# Articles queued or extracting for longer than this are sent again by the sweep.
NEWSFACTS_SWEEP_AFTER_SECONDS = env_int(
    "NEWSFACTS_SWEEP_AFTER_SECONDS", NEWSFACTS_EXTRACTION_LEASE_SECONDS + 60, minimum=1
)
NEWSFACTS_SWEEP_EVERY_SECONDS = env_int("NEWSFACTS_SWEEP_EVERY_SECONDS", 60, minimum=5)
# Redis hands an unacknowledged message to another worker after this long. Longer
# than the hard limit and the longest retry countdown (a retry waits in the worker,
# unacknowledged), so that a message is not delivered again while still in hand.
CELERY_VISIBILITY_TIMEOUT = env_int(
    "NEWSFACTS_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT + 300, minimum=CELERY_TASK_TIME_LIMIT
)
# A failed extraction is retried after 1x, 2x, 4x ... this many seconds. Every retry,
# of an extraction or of a fetch, waits at most 5 minutes, and less than the
# visibility timeout.
NEWSFACTS_RETRY_BACKOFF_SECONDS = env_int("NEWSFACTS_RETRY_BACKOFF_SECONDS", 10, minimum=1)
NEWSFACTS_RETRY_BACKOFF_MAX_SECONDS = max(1, min(300, CELERY_VISIBILITY_TIMEOUT - 60))

# A dead or hung broker must not hold a web request: the submit gives up after this
# many seconds (to connect, and again to send) and leaves the article queued, marked
# unsent.
CELERY_BROKER_CONNECTION_TIMEOUT = env_int("NEWSFACTS_BROKER_CONNECT_TIMEOUT", 3, minimum=1)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # Without these, a publish to an unreachable Redis retries with growing sleeps, a
    # black-holed host waits for the kernel's TCP timeout, and a Redis that accepts the
    # connection but never answers holds the request until socket_timeout: the submit
    # waits at most this long, then leaves the article queued.
    "max_retries": 0,
    "interval_start": 0,
    "interval_step": 0.5,
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    "socket_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
}
# Workers renew a heartbeat in the shared cache; with none for this long, editors see
# that no worker is running and the health endpoint says so.
NEWSFACTS_WORKER_SILENT_SECONDS = env_int("NEWSFACTS_WORKER_SILENT_SECONDS", 60, minimum=5)
NEWSFACTS_WORKER_HEARTBEAT_SECONDS = env_int(
    "NEWSFACTS_WORKER_HEARTBEAT_SECONDS", max(1, NEWSFACTS_WORKER_SILENT_SECONDS // 4), minimum=1
)
# Installations (or test runs) sharing one Redis database keep apart by queue name.
CELERY_TASK_DEFAULT_QUEUE = env_str("NEWSFACTS_CELERY_QUEUE") or "celery"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker waits for the broker for as long as it is down instead of exiting.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TASK_IGNORE_RESULT = True
# A message is acknowledged when its task ends, not when it starts: a worker killed
# mid-task leaves it to be delivered again (Redis) or to the sweep (both brokers).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "sweep-stale-articles": {
        "task": "claims.tasks.sweep_stale_articles",
        "schedule": float(NEWSFACTS_SWEEP_EVERY_SECONDS),
        # Sweeps that piled up while no worker was running are dropped, not run in a row.
        "options": {"expires": float(NEWSFACTS_SWEEP_EVERY_SECONDS)},
    },
}
# The dashboard's counts move with every verdict and extraction; this recount also
# catches what changed outside the services (the admin edited or deleted articles).
NEWSFACTS_DASHBOARD_RECOUNT_SECONDS = env_int(
    "NEWSFACTS_DASHBOARD_RECOUNT_SECONDS", 900, minimum=60
)
CELERY_BEAT_SCHEDULE["recount-dashboard"] = {
    "task": "claims.tasks.recount_dashboard",
    "schedule": float(NEWSFACTS_DASHBOARD_RECOUNT_SECONDS),
    "options": {"expires": float(NEWSFACTS_DASHBOARD_RECOUNT_SECONDS)},
}
# Articles whose task could not be sent (the broker was down) are sent again this
# often, and by each worker when it reconnects to the broker.
NEWSFACTS_RESEND_EVERY_SECONDS = env_int("NEWSFACTS_RESEND_EVERY_SECONDS", 30, minimum=5)
CELERY_BEAT_SCHEDULE["resend-unsent-articles"] = {
    "task": "claims.tasks.resend_unsent_articles",
    "schedule": float(NEWSFACTS_RESEND_EVERY_SECONDS),
    "options": {"expires": float(NEWSFACTS_RESEND_EVERY_SECONDS)},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Extraction -------------------------------------------------------------------

NEWSFACTS_SPACY_MODEL = env_str("NEWSFACTS_SPACY_MODEL", "en_core_web_sm")
# The extractor reads the model name from the environment, so that it needs no Django.
os.environ.setdefault("NEWSFACTS_SPACY_MODEL", NEWSFACTS_SPACY_MODEL)
NEWSFACTS_MAX_EXTRACTION_ATTEMPTS = env_int("NEWSFACTS_MAX_EXTRACTION_ATTEMPTS", 3, minimum=1)
NEWSFACTS_MAX_ARTICLE_CHARS = env_int("NEWSFACTS_MAX_ARTICLE_CHARS", 1_000_000, minimum=1000)

# --- Ingestion --------------------------------------------------------------------

NEWSFACTS_MAX_UPLOAD_BYTES = env_int("NEWSFACTS_MAX_UPLOAD_BYTES", 2 * 1024 * 1024, minimum=1024)
# Hosts fetched even though they are private or local (an intranet wire service, a
# test server). Empty in production unless deliberately set.
NEWSFACTS_FETCH_ALLOWED_HOSTS = env_list("NEWSFACTS_FETCH_ALLOWED_HOSTS")
NEWSFACTS_FETCH_CONNECT_TIMEOUT = env_int("NEWSFACTS_FETCH_CONNECT_TIMEOUT", 5, minimum=1)
NEWSFACTS_FETCH_READ_TIMEOUT = env_int("NEWSFACTS_FETCH_READ_TIMEOUT", 15, minimum=1)
# Whole download, so that a server trickling bytes cannot hold a worker; well under
# the task's time limit.
NEWSFACTS_FETCH_TOTAL_TIMEOUT = env_int(
    "NEWSFACTS_FETCH_TOTAL_TIMEOUT", min(60, CELERY_TASK_SOFT_TIME_LIMIT // 2), minimum=1
)
NEWSFACTS_FETCH_MAX_BYTES = env_int("NEWSFACTS_FETCH_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
NEWSFACTS_FETCH_MAX_REDIRECTS = env_int("NEWSFACTS_FETCH_MAX_REDIRECTS", 5, minimum=0)
NEWSFACTS_MAX_FETCH_ATTEMPTS = env_int("NEWSFACTS_MAX_FETCH_ATTEMPTS", 4, minimum=1)
NEWSFACTS_FETCH_RETRY_SECONDS = env_int("NEWSFACTS_FETCH_RETRY_SECONDS", 10, minimum=1)
NEWSFACTS_FETCH_USER_AGENT = env_str(
    "NEWSFACTS_FETCH_USER_AGENT", "newsfacts/1.0 (newsroom fact-checking; one fetch per article)"
)
NEWSFACTS_FEED_POLL_SECONDS = env_int("NEWSFACTS_FEED_POLL_SECONDS", 900, minimum=60)
# Items taken from one poll; a feed that suddenly lists thousands is not a news feed.
NEWSFACTS_FEED_MAX_ITEMS = env_int("NEWSFACTS_FEED_MAX_ITEMS", 100, minimum=1)
CELERY_BEAT_SCHEDULE["poll-feeds"] = {
    "task": "claims.tasks.poll_feeds",
    "schedule": float(NEWSFACTS_FEED_POLL_SECONDS),
}
# A feed added since the last poll is read within a minute, not at the next round.
NEWSFACTS_NEW_FEED_CHECK_SECONDS = 60
CELERY_BEAT_SCHEDULE["poll-new-feeds"] = {
    "task": "claims.tasks.poll_new_feeds",
    "schedule": float(NEWSFACTS_NEW_FEED_CHECK_SECONDS),
    "options": {"expires": float(NEWSFACTS_NEW_FEED_CHECK_SECONDS)},
}
CELERY_BEAT_SCHEDULE["sweep-stale-fetches"] = {
    "task": "claims.tasks.sweep_stale_fetches",
    "schedule": float(NEWSFACTS_SWEEP_EVERY_SECONDS),
}

# --- REST API ---------------------------------------------------------------------

# Consumers' claim lists are the same for every consumer and change only when an
# editor gives a verdict: they are kept this many seconds (0 switches it off). Editors
# always read fresh data.
NEWSFACTS_API_CACHE_SECONDS = env_int("NEWSFACTS_API_CACHE_SECONDS", 10, minimum=0)


def _cache_location_from_broker(broker_url: str) -> str:
    """The broker's Redis, one database number up (0 -> 1, 15 -> 0).

    A database of its own, because Django's cache.clear() empties the whole database,
    and the broker's queues must survive that.
    """
    if NEWSFACTS_EMBEDDED_BROKER:
        return embedded_redis.cache_url(VAR_DIR)
    parts = urlsplit(broker_url)
    if parts.scheme == "redis+socket":
        return f"unix://{parts.path}?db=1"
    path = parts.path.strip("/")
    broker_db = int(path) if path.isdigit() else 0
    return parts._replace(path=f"/{(broker_db + 1) % 16}", query="", fragment="").geturl()


# The cache carries the rate limits, the login throttles and the worker heartbeat, so
# every web process and worker must see the same one: by default the broker's Redis.
# NEWSFACTS_CACHE_URL names another Redis, or locmem:// for a cache in each process
# (one process only; `check --deploy` warns about it).
NEWSFACTS_CACHE_URL = env_str("NEWSFACTS_CACHE_URL") or _cache_location_from_broker(
    CELERY_BROKER_URL
)
_cache_scheme = urlsplit(NEWSFACTS_CACHE_URL).scheme
if _cache_scheme not in {"redis", "rediss", "unix", "locmem"}:
    raise ImproperlyConfigured(
        f"NEWSFACTS_CACHE_URL must be a redis://, rediss://, unix:// or locmem:// URL; "
        f"got {NEWSFACTS_CACHE_URL!r}."
    )
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        if _cache_scheme == "locmem"
        else {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": NEWSFACTS_CACHE_URL,
            "KEY_PREFIX": "newsfacts",
            "OPTIONS": {
                # Redis down (the broker's outage) must not take pages down with it:
                # a cache that does not answer within a second is read as empty.
                # Rate limits and throttles then let requests through until it is back.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    )
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

# API tokens verified in the last NEWSFACTS_API_TOKEN_CACHE_SECONDS are taken from the
# cache instead of the database (claims/api/authentication.py); revoking one takes
# effect at the next request. Off with a cache in each process, where the other
# processes would not hear of a revoked token.
NEWSFACTS_API_TOKEN_CACHE_SECONDS = env_int(
    "NEWSFACTS_API_TOKEN_CACHE_SECONDS",
    0 if CACHES["default"]["BACKEND"].endswith("LocMemCache") else 60,
    minimum=0,
)

# --- Login throttle (django-axes) ---------------------------------------------------

# After this many failed logins for one account, or from one address, logins are
# refused for the cool-off time (the password is not even checked); each failure
# during it starts it again. A success clears the account's and the address's count.
AXES_FAILURE_LIMIT = env_int("NEWSFACTS_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("NEWSFACTS_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "claims.security.login_locked_out"
AXES_CLIENT_IP_CALLABLE = "claims.security.client_address"
# Counts live in the shared cache when there is one (every web process sees them);
# a per-process cache would let each process allow the limit again, so without a
# shared cache they are kept in the database.
AXES_HANDLER = (
    "axes.handlers.database.AxesDatabaseHandler"
    if CACHES["default"]["BACKEND"].endswith("LocMemCache")
    else "axes.handlers.cache.AxesCacheHandler"
)

# Requests per user (per token) and, before authentication, per address; each rate is
# "N/second|minute|hour|day", and an empty value switches that limit off.
API_THROTTLE_RATES = {
    "user": env_str("NEWSFACTS_API_RATE_USER", "3000/hour") or None,
    "anon": env_str("NEWSFACTS_API_RATE_ANON", "300/hour") or None,
    "submit": env_str("NEWSFACTS_API_RATE_SUBMIT", "300/hour") or None,
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "claims.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": [
        "claims.api.throttling.ApiUserThrottle",
        "claims.api.throttling.ApiAnonThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": API_THROTTLE_RATES,
    "NUM_PROXIES": NEWSFACTS_TRUSTED_PROXIES,
    "DEFAULT_RENDERER_CLASSES": [
        "claims.api.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["claims.api.parsers.JsonParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "claims.api.negotiation.ContentNegotiation",
    "EXCEPTION_HANDLER": "claims.api.exceptions.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# API keys are stored as digests and shown once (django-rest-knox). They last until
# revoked unless made with an expiry (``create_api_token --expires DAYS``).
REST_KNOX = {
    "TOKEN_TTL": None,
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "newsfacts API",
    "DESCRIPTION": (
        "Reviewed numeric claims from news articles, and article submission. "
        "Authenticate with `Authorization: Token <key>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"VerdictEnum": "claims.models.Claim.Verdict"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "claims.api.schema.add_error_responses",
    ],
}
# The newsroom that signs its ClaimReviews.
NEWSFACTS_ORGANISATION_NAME = env_str("NEWSFACTS_ORGANISATION_NAME", "newsfacts")
NEWSFACTS_ORGANISATION_URL = env_str("NEWSFACTS_ORGANISATION_URL")

# --- Logging ----------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("NEWSFACTS_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
