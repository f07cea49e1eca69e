"""One settings module, configured by the environment.

Unset, everything runs embedded: SQLite, the in-memory channel layer, Celery on
kombu's filesystem transport. DATABASE_URL and REDIS_URL switch to the scaled-out form.
"""
import datetime
import os
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default):
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# Under pytest: one id per test run, inherited by the servers it starts, so runs in parallel
# never share a test database or a channel-layer prefix.
TEST_RUN_ID = os.environ.setdefault("TEST_RUN_ID", str(os.getpid())) if os.environ.get("PYTEST_VERSION") else ""
SECRET_KEY = os.environ.get("SECRET_KEY", "embedded-default-not-for-production-" + "x" * 20)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # naturaltime's German wording ("vor 5 Minuten")
    "channels",
    "guardian",
    "django_htmx",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served by us (no CDN under the CSP)
    "csp",   # Content-Security-Policy header (docs/security.md)
    "axes",  # login throttling: failed attempts per username + IP
    "teams",
    "teams.board",
    "teams.discussion",
    "teams.review",
    "teams.notify",
    "teams.people",
    "teams.invitations",
    "teams.accounts",
    "teams.contributions",
    "teams.direct",
    "teams.search",
    "teams.audit",
    "teams.dataexport",
    "teams.privacy",
    "teams.erasure",
    "teams.webhooks",
    "teams.calendar",
    "teams.api",
    "realtime",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "teams.audit.middleware.AuditAddressMiddleware",  # first: every entry knows its address
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages gzipped (a board of 500 cards: 455 KB -> 34 KB) at zlib level 3 (workspace/compression.py); static
    # files come precompressed from whitenoise. Random padding against BREACH; every CSRF token is masked anew.
    "workspace.compression.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # The privacy notice before any other page until its current version is acknowledged (teams/privacy).
    "teams.privacy.acknowledgement.AcknowledgementMiddleware",
    "teams.api.common.ApiConditionalGet",  # ETag and If-None-Match → 304 on the API's GETs
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "workspace.urls"
CSRF_FAILURE_VIEW = "workspace.errors.csrf_failure"  # translated, in the layout (templates/403_csrf.html)
ASGI_APPLICATION = "workspace.asgi.application"

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
                "django.template.context_processors.i18n",
                "teams.context_processors.cluster",
            ],
        },
    },
]

# SQLite: WAL and IMMEDIATE transactions so daphne's threads and the Celery worker
# wait for each other instead of failing with "database is locked".
SQLITE_PATH = Path(os.environ.get("SQLITE_PATH", VAR_DIR / "db.sqlite3"))
SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": dj_database_url.config(default=f"sqlite:///{SQLITE_PATH}", conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so a daphne process started by the tests sees the test data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{TEST_RUN_ID}.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Pooled per process (workspace/sqlite_pool): opening a connection cost a fifth of a bare page and 40 %
    # of a daphne's time when every WebSocket command reconnected (docs/benchmarks.md). Closing one at the
    # end of each request or command hands it back to the pool.
    DATABASES["default"]["ENGINE"] = "workspace.sqlite_pool"
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    if env_bool("DB_POOL", True):
        # psycopg's pool, per process: persistent connections under ASGI pile up per worker thread
        # until PostgreSQL refuses clients (HTTP 500s in the benchmark), and reconnecting for every
        # WebSocket command cost most of a command's time. A pooled connection goes back on close.
        DATABASES["default"]["OPTIONS"] = {"pool": {
            "min_size": int(os.environ.get("DB_POOL_MIN", "2")),
            "max_size": int(os.environ.get("DB_POOL_MAX", "8")),  # × processes < PostgreSQL's max_connections
            "timeout": 10,
        }}
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps connections (Django requires 0 with it)
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "0"))
    if TEST_RUN_ID:
        DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{TEST_RUN_ID}"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # Pub/sub: a ring reaches each daphne process once and is handed to its sockets there.
            # The list-based RedisChannelLayer queues one copy per socket and pops each with four Redis
            # round trips (fan-out to 100 sockets: 400), docs/benchmarks.md. Pub/sub delivers at most
            # once; that is all a ring needs: the event log is the record, and a socket that missed a
            # ring (Redis restarting) reads the log at its next heartbeat.
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [{"address": REDIS_URL}], "prefix": f"asgi{TEST_RUN_ID}"},
        }
    }
    CACHES: dict[str, dict[str, Any]] = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                    # pytest-xdist's workers share the run id: each its own keys (their servers inherit it).
                    "KEY_PREFIX": f"ws{TEST_RUN_ID}{os.environ.get('PYTEST_XDIST_WORKER', '') if TEST_RUN_ID else ''}"}}
    CACHES["fragments"] = CACHES["default"]  # their keys are their own ("fragment:…"); Redis evicts by memory
else:
    # channels' in-memory layer without its O(N) expiry scan per delivery (realtime/layers.py)
    CHANNEL_LAYERS = {"default": {"BACKEND": "realtime.layers.InMemoryChannelLayer"}}
    # Rendered fragments of team pages (teams/fragments.py) in a cache of their own: LocMem culls a third of its
    # entries when full, and many fragments must not push out rate-limit counters, presence or the privacy version.
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fragments",
                      "OPTIONS": {"MAX_ENTRIES": 2000}}}

if TEST_RUN_ID:
    # Servers started by the tests (daphne) must accept the fast test hashes tests/conftest.py makes.
    from django.conf import global_settings

    PASSWORD_HASHERS = [*global_settings.PASSWORD_HASHERS, "django.contrib.auth.hashers.MD5PasswordHasher"]

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username + IP before any password is checked (django-axes).
    "workspace.security.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; anonymous users see nothing

# New passwords (reset, change) are checked by Django's validators; set_password (demo, tests) is not.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Accounts (teams/accounts): a reset link lives a day; requests for one are throttled per client address and
# per typed e-mail address ("count,seconds"); an e-mail change link lives two days, 5 changes an hour a person;
# 10 attempts an hour a person to change the password on the account page.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", 24 * 60 * 60))
PASSWORD_RESET_RATE_IP = tuple(int(n) for n in os.environ.get("PASSWORD_RESET_RATE_IP", "10,3600").split(","))
PASSWORD_RESET_RATE_EMAIL = tuple(int(n) for n in os.environ.get("PASSWORD_RESET_RATE_EMAIL", "3,3600").split(","))
EMAIL_CHANGE_MAX_AGE = int(os.environ.get("EMAIL_CHANGE_MAX_AGE", 2 * 24 * 60 * 60))
EMAIL_CHANGE_RATE = tuple(int(n) for n in os.environ.get("EMAIL_CHANGE_RATE", "5,3600").split(","))
PASSWORD_CHANGE_RATE = tuple(int(n) for n in os.environ.get("PASSWORD_CHANGE_RATE", "10,3600").split(","))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "teams:my_teams"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Berlin"
USE_TZ = True
FORMAT_MODULE_PATH = ["workspace.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Hashed, precompressed files (collectstatic; run_embedded does it) that whitenoise serves with a 10-year
# `immutable` cache. Off for the test process (no collectstatic per run); tests/conftest.py's daphne turns it on.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not TEST_RUN_ID)
STORAGES = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage" if STATIC_MANIFEST
                            else "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST  # without the manifest, files are served from static/ as they are
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport (no server).
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
if not REDIS_URL:
    _queue = VAR_DIR / "celery-queue"
    (_queue / "control").mkdir(parents=True, exist_ok=True)  # kombu creates neither: jobs can be sent from anywhere
    CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(_queue), "data_folder_out": str(_queue),
                                       "control_folder": str(_queue / "control")}  # not ./control
CELERY_BEAT_SCHEDULE = {
    # Supervision and notifications (teams/review/tasks.py, teams/notify/tasks.py); all idempotent.
    "end-expired-teams": {"task": "review.end_expired_teams", "schedule": 15 * 60},
    "remind-team-endings": {"task": "review.remind_team_endings", "schedule": 60 * 60},
    "remind-due-tasks": {"task": "review.remind_due_tasks", "schedule": 60 * 60},
    "requeue-stuck-reports": {"task": "review.requeue_stuck_reports", "schedule": 5 * 60},
    "send-single-mails": {"task": "notify.send_single_mails", "schedule": 60},
    "send-digests": {"task": "notify.send_digests", "schedule": 10 * 60},
    "requeue-lost-invitation-mails": {"task": "invitations.requeue_lost_mails", "schedule": 10 * 60},
    # Data exports (teams/dataexport/tasks.py): files past EXPORT_LINK_DAYS deleted; lost build jobs sent again.
    "expire-data-exports": {"task": "dataexport.expire", "schedule": 60 * 60},
    "requeue-data-exports": {"task": "dataexport.requeue_pending", "schedule": 10 * 60},
    "audit-prune": {"task": "audit.prune", "schedule": 24 * 60 * 60},  # teams/audit/retention.py
    "apply-retention": {"task": "privacy.apply_retention", "schedule": 24 * 60 * 60},  # teams/privacy/retention.py
    "sweep-webhooks": {"task": "webhooks.sweep", "schedule": 60},
    "prune-webhook-deliveries": {"task": "webhooks.prune", "schedule": 24 * 60 * 60},
}
# A person's data on request (GDPR Art. 15/20, teams/dataexport): the mailed link works this many days, then the
# ZIP is deleted; at most EXPORT_DAILY_LIMIT exports of one person a day (and one at a time).
EXPORT_LINK_DAYS = int(os.environ.get("EXPORT_LINK_DAYS", 7))
EXPORT_DAILY_LIMIT = int(os.environ.get("EXPORT_DAILY_LIMIT", 3))
# Audit entries (docs/audit.md) are kept this many whole years, then removed by the job above.
AUDIT_RETENTION_YEARS = int(os.environ.get("AUDIT_RETENTION_YEARS", 5))

# Retention of concluded teams (teams/privacy/retention.py, docs/privacy.md): archived this many months after
# their conclusion; their chat deleted this many years after it; their leads told this many days before.
RETENTION_ARCHIVE_AFTER_MONTHS = int(os.environ.get("RETENTION_ARCHIVE_AFTER_MONTHS", 6))
RETENTION_DELETE_CHAT_AFTER_YEARS = int(os.environ.get("RETENTION_DELETE_CHAT_AFTER_YEARS", 3))
RETENTION_NOTICE_DAYS = int(os.environ.get("RETENTION_NOTICE_DAYS", 30))

# Mail: Django's SMTP backend when EMAIL_HOST is set (scaled out); embedded, each mail is a file in
# var/mail/ (README: reading them). EMAIL_BACKEND overrides both.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 587 if EMAIL_HOST else 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", bool(EMAIL_HOST_USER))  # STARTTLS where there is a login to protect
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", 20))
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST
                               else "django.core.mail.backends.filebased.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "workspace@healthcapital.example")
# Where people reach the site: the start of every link in a mail (invitations, notifications).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Outgoing webhooks (docs/webhooks.md). http:// and loopback receivers only when allowed (development, tests).
WEBHOOKS_ALLOW_HTTP = env_bool("WEBHOOKS_ALLOW_HTTP", DEBUG)
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", 10))
WEBHOOK_RETRY_SECONDS = float(os.environ.get("WEBHOOK_RETRY_SECONDS", 60))  # back-off: 1 min, 2, 4 … 6 h
WEBHOOK_RETRY_MAX_SECONDS = float(os.environ.get("WEBHOOK_RETRY_MAX_SECONDS", 6 * 3600))
WEBHOOK_MAX_FAILURES = int(os.environ.get("WEBHOOK_MAX_FAILURES", 10))  # in a row: the endpoint is switched off
WEBHOOK_KEEP_DAYS = int(os.environ.get("WEBHOOK_KEEP_DAYS", 14))

# Calendar feeds (README): requests per link and per client address, (count, seconds).
CALENDAR_FEED_RATE = tuple(int(n) for n in os.environ.get("CALENDAR_FEED_RATE", "60,3600").split(","))

# The largest request body any page accepts: a chat post of 10 files of 10 MB each (teams/discussion/files.py,
# teams/board/attachments.py), with 1 MiB for its text and the multipart framing. A longer body is refused with
# 413 before it is read (workspace/http.py, and daphne: realtime/server.py); tests/test_http_limits.py ties it to
# those limits.
REQUEST_MAX_BODY_BYTES = int(os.environ.get("REQUEST_MAX_BODY_BYTES", 101 * 1024 * 1024))

# Limits users meet (documented in docs/realtime.md).
WS_MAX_FRAME_BYTES = int(os.environ.get("WS_MAX_FRAME_BYTES", 64 * 1024))
# A team socket that sends nothing (live.js pings every 25 s) for this long is closed; the client resumes.
WS_IDLE_SECONDS = float(os.environ.get("WS_IDLE_SECONDS", 120))
# A socket whose frames the rate limit refuses this many times in a row is closed (4429): a flood.
WS_FLOOD_CLOSE_AFTER = int(os.environ.get("WS_FLOOD_CLOSE_AFTER", 50))
WS_RATE_PER_SECOND = float(os.environ.get("WS_RATE_PER_SECOND", 10))
WS_RATE_BURST = int(os.environ.get("WS_RATE_BURST", 30))
DISCUSSION_POST_RATE = tuple(int(n) for n in os.environ.get("DISCUSSION_POST_RATE", "20,30").split(","))
# Invitations (teams/invitations/throttle.py): (count, seconds) per inviter, per client address, and requests
# to the public invitation links per client address.
INVITATION_RATE = tuple(int(n) for n in os.environ.get("INVITATION_RATE", "60,3600").split(","))
INVITATION_IP_RATE = tuple(int(n) for n in os.environ.get("INVITATION_IP_RATE", "120,3600").split(","))
INVITATION_OPEN_RATE = tuple(int(n) for n in os.environ.get("INVITATION_OPEN_RATE", "30,600").split(","))

# The JSON API (teams/api, docs/api.md): tokens live at most API_TOKEN_MAX_DAYS; API_RATE requests per token (a
# session: per person) in the project's cache ("count/second|minute|hour|day"); a body is at most API_MAX_BODY_BYTES.
API_TOKEN_MAX_DAYS = int(os.environ.get("API_TOKEN_MAX_DAYS", 365))
API_RATE = os.environ.get("API_RATE", "600/minute")
API_MAX_BODY_BYTES = int(os.environ.get("API_MAX_BODY_BYTES", 256 * 1024))
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["teams.api.auth.BearerTokenAuthentication",
                                       "rest_framework.authentication.SessionAuthentication"],  # CSRF-checked
    "DEFAULT_PERMISSION_CLASSES": ["teams.api.auth.ScopeAllowsMethod"],
    "DEFAULT_THROTTLE_CLASSES": ["teams.api.auth.PerTokenThrottle"],
    "DEFAULT_PARSER_CLASSES": ["teams.api.parsers.BoundedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "teams.api.problems.exception_handler",
    "STRICT_JSON": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "HealthCapital topic-team workspace API",
    "DESCRIPTION": "Teams, boards, discussions and progress of the HealthCapital cluster (docs/api.md).",
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "teams.api.schema.add_problem_responses"],
}

# Login throttling (django-axes): 5 failures for one username from one IP lock that pair out for 15 minutes;
# the login page says so (workspace.security.lockout_response). Other users and other IPs are unaffected.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "workspace.security.lockout_response"
AXES_VERBOSE = False
# Behind a reverse proxy the client's address is the first of X-Forwarded-For (set AXES_BEHIND_PROXY=1 only when
# the proxy overwrites that header); otherwise REMOTE_ADDR.
AXES_CLIENT_IP_CALLABLE = "workspace.security.client_ip"
AXES_BEHIND_PROXY = env_bool("AXES_BEHIND_PROXY", False)

# Content-Security-Policy (django-csp 4): no inline script or style, no plugins, no framing, forms and sockets
# only to this site. Pages put data for scripts in json_script blocks or data-* attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],  # CSP3: 'self' covers ws:/wss: to this host
        "font-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# Read from the cache (LocMem embedded, Redis scaled out), written through to the database: the session
# query was a sixth of every request's time (docs/benchmarks.md). The table stays the record (sign-out
# of every session of a person, erasure).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
# The DE/EN choice outlives the browser session, as the session does (it was lost at a browser restart).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-free meta tag; kept default
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG and env_bool("HTTPS", False):
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # The level in every line: the tests fail on an ERROR record in a server's log (tests/conftest.py).
    "formatters": {"levelled": {"format": "%(levelname)s %(name)s: %(message)s"}},
    # Links that are keys (invitation, password reset, address change): no record names one (workspace/redact.py).
    # A refused request (4xx) is one line, without Django's traceback (workspace/log_filters.py).
    "filters": {"redact_links": {"()": "workspace.redact.RedactLinks"},
                "refusals": {"()": "workspace.log_filters.RefusalsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "levelled",
                             "filters": ["redact_links", "refusals"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
