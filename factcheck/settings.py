"""The settings, read from the environment (watching the news: factcheck/watching.py).

Every value has a safe default for a laptop (SQLite under var/, a Celery broker
that needs no server); production and CI set DATABASE_URL, CELERY_BROKER_URL,
SECRET_KEY and friends. See README.md, "Configuration".
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from csp import constants as csp
from django.utils.translation import gettext_lazy as _

from factcheck.env import env, envbool
from factcheck.machine import local_secret_key, media_storage

# Watching the news (outlets, repeats of our verdicts, partners' verdicts):
# settings of their own module (factcheck/watching.py), every name taken.
from factcheck.watching import *  # noqa: F403
from factcheck.watching import WATCHING_BEAT_SCHEDULE, WATCHING_TASK_ROUTES

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)

DEBUG = envbool("DEBUG", False)


# With DEBUG on (`dev.py serve`) a fixed development key; its "django-insecure-"
# prefix makes `check --deploy` fail.
SECRET_KEY = env.str("SECRET_KEY", default="") or (
    "django-insecure-dev-only-set-SECRET_KEY-in-production" if DEBUG else local_secret_key(VAR_DIR)
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Public address of the site, used for absolute URLs in ClaimReview, feeds and
# webhooks, where there is no request to build them from.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
ORGANIZATION_NAME = env.str("ORGANIZATION_NAME", default="factcheck demo desk")
ORGANIZATION_URL = env.str("ORGANIZATION_URL", default=SITE_URL)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Trigram similarity ("checked before?") on PostgreSQL; inert on SQLite.
    "django.contrib.postgres",
    "django_htmx",
    "template_partials",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "pgtrigger",
    "csp",
    "django_ratelimit",
    "claims",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The reader's language from their browser (Accept-Language), among LANGUAGES.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Which second factor this session gave (user.is_verified()), then: a
    # session that owes one gives it before any page.
    "django_otp.middleware.OTPMiddleware",
    "claims.accounts.middleware.TwoFactorMiddleware",
    # The desk's dates in each person's own time zone (their profile).
    "claims.desk.time_zones.TimeZoneMiddleware",
    # Last, as django-axes asks: it answers a locked-out login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["claims.templatetags.desk", "template_partials.templatetags.partials"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'factcheck.sqlite3'}"),
}
# Keep connections open between requests: measured here, PostgreSQL with a new
# connection per request served 3x fewer pages.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.int("DB_POOL_MAX_SIZE", default=10):
    # On PostgreSQL, one pool of connections per process, shared by its
    # threads: Celery closes a task's connection when the task ends, so
    # without a pool every task paid for a new PostgreSQL backend (measured:
    # the fetch benchmark ran 4x slower), and a thread-pool worker with
    # CONN_MAX_AGE held a connection per thread.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Added to what DATABASE_URL carries (sslmode=..., connect_timeout=...).
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DB_POOL_MIN_SIZE", default=1),
        "max_size": env.int("DB_POOL_MAX_SIZE", default=10),
        "timeout": env.float("DB_POOL_TIMEOUT", default=10),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker write while the web process reads.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not memory, so the worker processes some tests start share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-factcheck.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Email: EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587. Without
# it mail is printed to the console, and the password-reset pages are not
# offered: a reset link nobody receives is worse than none (an admin sets a
# new password instead).
EMAIL_URL = env.str("EMAIL_URL", default="")
_email = env.email_url_config(EMAIL_URL or "consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL"))
if "EMAIL_FILE_PATH" in _email:  # filemail:///path: each message a file, for tests and staging
    EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"]
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="factcheck <factcheck@localhost>")
PASSWORD_RESET_BY_EMAIL = bool(EMAIL_URL) and not EMAIL_URL.startswith("consolemail:")

# Passwords: Argon2, and repeated wrong guesses lock the login (desk and
# admin) with django-axes: LOGIN_FAILURE_LIMIT failures for one account, or
# from one address, lock it for LOGIN_COOLOFF_MINUTES; a success resets it.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Django's password check; each request's person is read with their groups
# in one query (claims/accounts/backends.py).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "claims.accounts.backends.DeskBackend"]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
# By address, and by account from that address: counting an account on its
# own would let anyone lock an editor out by guessing wrong in their name.
AXES_LOCKOUT_PARAMETERS = ["ip_address", ["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Behind the reverse proxy the README deploys, the client's address is the
# one the last TRUSTED_PROXIES proxies appended to X-Forwarded-For; a client
# cannot forge it by sending the header itself.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
AXES_CLIENT_IP_CALLABLE = "factcheck.client_ip.client_ip"

# A second factor (an authenticator app's code, or a recovery code) for
# editors and admins, who can publish to readers: on unless DEBUG is on, so
# production has it unless someone turns it off on purpose. Anyone else who
# sets one up is asked for it too (claims/accounts/two_factor.py).
TWO_FACTOR_REQUIRED = envbool("TWO_FACTOR_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = ORGANIZATION_NAME

# "Checked before?": how alike (0-1, trigram similarity) a claim must be to
# be offered as possibly the same one. On PostgreSQL, pg_trgm's own cut-off
# (0.3) applies first, so a lower value here changes nothing there.
SIMILAR_CLAIMS_THRESHOLD = env.float("SIMILAR_CLAIMS_THRESHOLD", default=0.3)

# Readers' suggestions: how long an address is kept if the verdict never
# comes (it is deleted as soon as the reader is told), and the longest text.
SUGGESTION_EMAIL_DAYS = env.int("SUGGESTION_EMAIL_DAYS", default=180)
SUGGESTION_MAX_CHARS = 2_000

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "desk:my_queue"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
# Every string people read is marked for translation; a translator adds a
# language here and its catalog under locale/ (manage.py makemessages -l ur).
LANGUAGES = [("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"


STORAGES = {
    "default": media_storage(),
    # Production runs collectstatic with STATIC_MANIFEST=True and serves hashed,
    # compressed, long-cached files; a checkout needs no collectstatic step.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if envbool("STATIC_MANIFEST", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Without collectstatic, WhiteNoise finds files where they are.
WHITENOISE_USE_FINDERS = not envbool("STATIC_MANIFEST", False)

# A 5 MB paste must reach the form and get a form error, not a 400 page.
DATA_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024 * 1024

# Security. HTTPS=True behind TLS in production turns on the cookie and HSTS
# settings that `check --deploy` asks for.
HTTPS = envbool("HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# The cache: rate limits (claims/limits.py). CACHE_URL=redis://redis:6379/1 in
# production, so every process counts together; a local cache by default.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
RATE_LIMITS = {
    "cite": env.str("RATE_LIMIT_CITE", default="60/m"),  # URLs cited (evidence, articles), per person
    "refetch": env.str("RATE_LIMIT_REFETCH", default="30/m"),  # fetches asked again, per person
    "public_json": env.str("RATE_LIMIT_PUBLIC_JSON", default="120/m"),  # /verdicts.json, per address
    "suggest": env.str("RATE_LIMIT_SUGGEST", default="5/h"),  # readers' suggestions, per address
}
# django-ratelimit names the caches it has tested: it refuses a local cache
# (counts per process: enough on a laptop, and why production sets CACHE_URL)
# and warns about Django's own Redis cache, whose increments are atomic too.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# Content-Security-Policy on every page (django-csp): scripts and styles from
# this site only, plus a script carrying the request's nonce (the JSON-LD);
# no inline handlers, no eval, no inline styles (rating colours come from
# /ratings.css). A stored copy of a source keeps its own sandbox policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF, csp.NONCE],
        "style-src": [csp.SELF],
        "img-src": [csp.SELF, "data:"],
        "connect-src": [csp.SELF],
        "frame-ancestors": [csp.NONE],
        "object-src": [csp.NONE],
        "base-uri": [csp.NONE],
        "form-action": [csp.SELF],
    }
}
SECURE_REFERRER_POLICY = "same-origin"

# Celery. The default broker keeps messages in files under var/ so the app runs
# with no server; production and CI set CELERY_BROKER_URL=redis://...
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    # An enqueue must fail fast when Redis is down or silent: the job's state is
    # on its row and the sweeper re-enqueues it, so waiting buys nothing.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 1,
        "socket_timeout": 1,
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.5,
        "interval_max": 0.5,
        # A fetch worker runs 50 threads, each publishing and acking: the
        # default of 10 connections makes them queue (and fail to ack).
        "max_connections": env.int("CELERY_REDIS_MAX_CONNECTIONS", default=200),
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_POOL_LIMIT = env.int("CELERY_BROKER_POOL_LIMIT", default=100)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "celery"
# Everything that talks to other sites runs on its own queue.
CELERY_TASK_ROUTES = {
    "claims.sources.tasks.fetch_sources": {"queue": "fetch"},
    "claims.webhooks.tasks.deliver_webhook": {"queue": "fetch"},
    **WATCHING_TASK_ROUTES,
}
CELERY_BEAT_SCHEDULE = {
    "sweep-sources": {"task": "claims.sources.tasks.sweep_sources", "schedule": 60.0},
    "sweep-deliveries": {"task": "claims.webhooks.tasks.sweep_deliveries", "schedule": 300.0},
    "refresh-published-sources": {"task": "claims.sources.tasks.refresh_published_sources", "schedule": 3600.0},
    "sweep-suggestions": {"task": "claims.mail.tasks.sweep_suggestions", "schedule": 600.0},
    "sweep-notifications": {"task": "claims.mail.notifications.sweep_notifications", "schedule": 300.0},
    **WATCHING_BEAT_SCHEDULE,
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Fetching cited sources (claims/sources/guard.py).
FETCH_CONNECT_TIMEOUT = env.float("FETCH_CONNECT_TIMEOUT", default=5.0)
FETCH_READ_TIMEOUT = env.float("FETCH_READ_TIMEOUT", default=10.0)
FETCH_DEADLINE = env.float("FETCH_DEADLINE", default=30.0)
FETCH_MAX_BYTES = env.int("FETCH_MAX_BYTES", default=10 * 1024 * 1024)
# Ports other than 80/443 that cited URLs may use, and networks of this
# deployment to refuse besides the private and special ranges.
FETCH_ALLOWED_PORTS = tuple(env.list("FETCH_ALLOWED_PORTS", cast=int, default=[]))
FETCH_BLOCKED_NETWORKS = tuple(env.list("FETCH_BLOCKED_NETWORKS", default=[]))
# When many sources are sent at once (the sweeper, the re-check of published
# sources), they are spread over FETCH_SLOTS jobs (the fetches all fetch
# workers run at once: processes x concurrency), at most FETCH_BATCH_SIZE to
# a job; a job fetches its sources one after another.
FETCH_SLOTS = env.int("FETCH_SLOTS", default=100)
FETCH_BATCH_SIZE = env.int("FETCH_BATCH_SIZE", default=10)


# Row-held jobs (claims/models/jobs.py: fetches and webhook deliveries).
# Transient failures (timeouts, 429, 5xx) retry with exponential backoff and
# full jitter, at most JOB_MAX_RETRIES times in a row. The FETCH_* names are
# the ones earlier releases read, still honoured.
def _job_setting(name: str, old: str, cast: type, default: float) -> float:
    return cast(os.environ.get(name) or os.environ.get(old) or default)


JOB_MAX_RETRIES = _job_setting("JOB_MAX_RETRIES", "FETCH_MAX_RETRIES", int, 5)
JOB_RETRY_BACKOFF = _job_setting("JOB_RETRY_BACKOFF", "FETCH_RETRY_BACKOFF", float, 10.0)
# The sweeper re-sends pending rows older than this (their job was lost) and
# takes back rows a dead worker left working for longer than that.
JOB_SWEEP_GRACE = _job_setting("JOB_SWEEP_GRACE", "FETCH_SWEEP_GRACE", int, 120)
JOB_STUCK_AFTER = _job_setting("JOB_STUCK_AFTER", "FETCH_STUCK_AFTER", int, 300)
# A retry's message may arrive a little before its time (clocks of two hosts
# differ); it is taken if it is this many seconds early at most.
JOB_CLOCK_SKEW = env.float("JOB_CLOCK_SKEW", default=2.0)
# Rows one sweep sends at most (the next sweep sends the rest).
SWEEP_BATCH = env.int("SWEEP_BATCH", default=500)
# Sources cited by published verdicts are fetched again this often.
FETCH_REFRESH_DAYS = env.int("FETCH_REFRESH_DAYS", default=7)
# Only for tests that serve pages on 127.0.0.1; never in production.
FETCH_ALLOW_LOOPBACK = envbool("FETCH_ALLOW_LOOPBACK", False)

# Extraction (claims/sources/extraction.py): the text a fact-checker searches,
# not a whole library; CPU seconds one source may take.
EXTRACT_MAX_PDF_PAGES = env.int("EXTRACT_MAX_PDF_PAGES", default=300)
EXTRACT_MAX_TEXT_CHARS = env.int("EXTRACT_MAX_TEXT_CHARS", default=2_000_000)
EXTRACT_SECONDS_PER_SOURCE = env.int("EXTRACT_SECONDS_PER_SOURCE", default=60)

# Page sizes.
DESK_PAGE_SIZE = 25
DESK_QUEUE_LIMIT = 25  # rows in each section of "My queue"
# The dashboard is drawn again whenever a claim or source changes; this bounds
# how long a change it cannot see (a person's name or groups) waits.
DESK_DASHBOARD_CACHE_SECONDS = env.int("DESK_DASHBOARD_CACHE_SECONDS", default=300)
# My queue and the team queue are drawn again whenever a claim changes, a
# claim's page whenever anything on it does; this bounds how long what they
# are not keyed on (a new person in the drop-downs, a renamed one) waits.
DESK_QUEUE_CACHE_SECONDS = env.int("DESK_QUEUE_CACHE_SECONDS", default=60)
DESK_EVIDENCE_SHOWN = 10  # a claim's evidence drawn at first (0.3 ms a piece); the rest on asking
DESK_ACTIVITY_PAGE_SIZE = 20  # a claim's log, newest first; older entries load on asking
DESK_RECENT_LIMIT = 200  # the newest activity on a claim page, claims citing a source, articles to choose from
CLAIMANT_LIST_PAGE_SIZE = 50
PUBLIC_PAGE_SIZE = 20  # the verdict list and claimant pages
PUBLIC_JSON_PAGE_SIZE = 50
# How long a public page drawn for one state of the site is kept; a new state
# is a new entry anyway (claims/public/page_cache.py).
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=24 * 3600)
FEED_SIZE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
