"""Settings for the portal, read from the environment; with nothing set, a self-contained
development set-up (SQLite, a filesystem Celery broker, mail printed to the console)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PACTE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    # Development only: production refuses to start without a key (bandit B105, ruff S105).
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105  # nosec B105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_ratelimit",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "reference",
    "accounts",
    "companies",
    "applications",
    "sponsors",
    "corporations",
    "outbox",
    "notifications",
    "privacy",
    "reports",
    "tooling",
]

MIDDLEWARE = [
    # First, before anything reads the body: a body over REQUEST_BODY_MAX_BYTES is a 413.
    "pacte.middleware.RequestBodyLimit",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "pacte.middleware.PermissionsPolicy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the rest: it has the last word on every page's Cache-Control.
    "pacte.middleware.PrivateResponsesNotStored",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Once the user and the language are known (for its pages), before any view.
    "pacte.middleware.MalformedURLRefused",
    "pacte.middleware.MethodNotAllowedPage",
    # Right after the user is known: a session past its 12 hours goes to the login page.
    "accounts.middleware.SessionLifetimeMiddleware",
    # django-otp's, taking the authenticator app from the user's own query.
    "accounts.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pacte.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
                "notifications.context_processors.bell",
            ],
            # Numbers, money and dates in the reader's language, decided in one place.
            "libraries": {"typography": "core.typography"},
        },
    },
]

WSGI_APPLICATION = "pacte.wsgi.application"

# --- Database: SQLite by default, PostgreSQL (or any dj-database-url URL) from DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The worker and the web server write to the same file: wait for the lock, don't fail.
    # IMMEDIATE: a transaction takes the write lock when it begins, so that two of them that
    # read and then write wait for each other, rather than one failing at once ("database is
    # locked", SQLite's answer to a deadlock, which no timeout waits out).
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: it refuses a locked-out username and address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    # Django's ModelBackend, whose user of each request comes with its roles in one query.
    "accounts.backends.UserBackend",
]
# Argon2 first: new and changed passwords are hashed with it, older hashes upgraded at login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Brute force (django-axes): a username and address pair is locked for 15 minutes after 5
# failures in a row; staff unlock it from the admin ("Access attempts").
AXES_FAILURE_LIMIT = int(os.environ.get("PACTE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("PACTE_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
# The email lower-cased: changing its case does not buy more attempts.
AXES_USERNAME_CALLABLE = "accounts.lockouts.username_of"
# The client's address, for axes (lockouts, login records) and the rate limits alike
# (accounts.addresses): behind the TLS load balancer, the entry of X-Forwarded-For appended
# by the last of TRUSTED_PROXY_COUNT proxies (1: the balancer alone; 2: a CDN, then the
# balancer); otherwise REMOTE_ADDR, and X-Forwarded-For is ignored.
BEHIND_TLS_PROXY = env_bool("DJANGO_BEHIND_TLS_PROXY", False)
TRUSTED_PROXY_COUNT = int(os.environ.get("PACTE_TRUSTED_PROXY_COUNT", "1"))
if TRUSTED_PROXY_COUNT < 1:
    raise ImproperlyConfigured("PACTE_TRUSTED_PROXY_COUNT must be at least 1.")
AXES_CLIENT_IP_CALLABLE = "accounts.addresses.client_address"
# Every failure recorded (with its address), the login records that password spraying is
# counted in: a ceiling per account across addresses (accounts.spraying). From this many
# failures within the window, the owner is mailed once, and each further attempt from a
# browser that never logged in to the account waits a delay since the last failure, doubling
# from one minute up to the maximum.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
LOGIN_ACCOUNT_FAILURE_LIMIT = int(os.environ.get("PACTE_LOGIN_ACCOUNT_FAILURE_LIMIT", "10"))
LOGIN_ACCOUNT_WINDOW = timedelta(
    hours=int(os.environ.get("PACTE_LOGIN_ACCOUNT_WINDOW_HOURS", "24"))
)
LOGIN_ACCOUNT_MAX_DELAY = timedelta(
    minutes=int(os.environ.get("PACTE_LOGIN_ACCOUNT_MAX_DELAY_MINUTES", "15"))
)
# Two-factor authentication (django-otp): the issuer shown in authenticator apps.
OTP_TOTP_ISSUER = "Pacte PME international"
# Sessions: a new id at login (Django's own), closed after 2 hours without a request and
# 12 hours after the login whatever happens. Kept in the database and read through the cache;
# written when they change, and their expiry pushed back at most once every
# SESSION_REFRESH_SECONDS (accounts.middleware.SessionLifetimeMiddleware), not on every request.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_IDLE_SECONDS = int(os.environ.get("PACTE_SESSION_IDLE_MINUTES", "120")) * 60
SESSION_MAX_SECONDS = int(os.environ.get("PACTE_SESSION_MAX_HOURS", "12")) * 3600
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_REFRESH_SECONDS = 60
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
# How long an invitation link stays valid.
INVITATION_MAX_AGE_DAYS = int(os.environ.get("PACTE_INVITATION_MAX_AGE_DAYS", "14"))

# --- Internationalisation: French first, English second.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
# Applications' documents: private, outside anything the web server serves, downloaded only
# through the portal's view (which checks the user's right to the application).
PRIVATE_ROOT = Path(os.environ.get("DJANGO_PRIVATE_ROOT", VAR_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_ROOT / "documents", "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# At most this many megabytes a document, and this many documents an application.
# In production, an S3-compatible bucket instead (django-storages): private objects under random
# names, still downloaded only through the portal's view. The credentials are boto3's usual
# AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, from the environment.
DOCUMENT_BUCKET = os.environ.get("PACTE_DOCUMENT_S3_BUCKET", "")
if DOCUMENT_BUCKET:
    STORAGES["documents"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": DOCUMENT_BUCKET,
            "endpoint_url": os.environ.get("PACTE_DOCUMENT_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("PACTE_DOCUMENT_S3_REGION") or None,
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": 60,
        },
    }

DOCUMENT_MAX_BYTES = int(os.environ.get("PACTE_DOCUMENT_MAX_MB", "10")) * 1024 * 1024
DOCUMENT_MAX_PER_APPLICATION = int(os.environ.get("PACTE_DOCUMENT_MAX_COUNT", "20"))
# Behind nginx, the download view can hand the transfer over: set the internal location that
# maps to PRIVATE_ROOT/documents (for instance "/protected-documents/"); not with a bucket.
DOCUMENT_X_ACCEL_PREFIX = os.environ.get("PACTE_DOCUMENT_X_ACCEL_PREFIX", "")
if DOCUMENT_BUCKET and DOCUMENT_X_ACCEL_PREFIX:
    raise ImproperlyConfigured(
        "PACTE_DOCUMENT_X_ACCEL_PREFIX hands over files from DJANGO_PRIVATE_ROOT: "
        "it cannot be used with PACTE_DOCUMENT_S3_BUCKET."
    )
# Uploads are read from memory up to the document limit, not written to a temporary file.
FILE_UPLOAD_MAX_MEMORY_SIZE = DOCUMENT_MAX_BYTES + 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The most files one form sends at once (the attachments of a message or of an answer).
DOCUMENT_MAX_PER_REQUEST = 5
# The largest request body accepted (pacte.middleware.RequestBodyLimit; larger is a 413 before
# it is read): the most files one form sends, each at the document limit, and the form's other
# fields (at most DATA_UPLOAD_MAX_MEMORY_SIZE): 52.5 MiB with the defaults. The proxy's
# client_max_body_size should match it (README).
REQUEST_BODY_MAX_BYTES = DOCUMENT_MAX_PER_REQUEST * DOCUMENT_MAX_BYTES + DATA_UPLOAD_MAX_MEMORY_SIZE
if os.environ.get("PACTE_REQUEST_BODY_MAX_MB"):
    REQUEST_BODY_MAX_BYTES = int(os.environ["PACTE_REQUEST_BODY_MAX_MB"]) * 1024 * 1024

# --- Mail: printed to the console unless an SMTP host is given.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = os.environ.get(
        "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
    )
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Pacte PME international <noreply@pacte-pme.example>"
)
# Absolute address of the portal, for links in mails sent by the worker (no request there).
SITE_URL = os.environ.get("PACTE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Celery: a filesystem broker that needs no server by default; Redis or RabbitMQ by URL.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
# A broker that is down fails a publish within half a second (two quick retries) rather than
# after kombu's default back-off: the user's action has committed, its message waits in the
# outbox for the sweep. Workers keep their own, patient, reconnection loop.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    (_broker_dir / "out").mkdir(parents=True, exist_ok=True)
    (_broker_dir / "processed").mkdir(parents=True, exist_ok=True)
    (_broker_dir / "control").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 100
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Reminders, alerts, expired proposals, and the outbox left behind by a broker outage.
    "sweep-reviews": {
        "task": "applications.tasks.sweep_reviews",
        "schedule": float(os.environ.get("PACTE_SWEEP_SECONDS", "300")),
    },
    # The daily digest of notifications, at 8:00 Paris time (CELERY_TIMEZONE); the task
    # itself skips weekends and public holidays.
    "send-digests": {
        "task": "notifications.tasks.send_digests",
        "schedule": crontab(hour=8, minute=0),
    },
    "purge-expired-invitations": {
        "task": "accounts.tasks.purge_expired_invitations",
        "schedule": 3600.0,
    },
    # Personal data kept no longer than the durations below (`privacy.retention`), at night.
    "privacy-retention": {
        "task": "privacy.tasks.apply_retention",
        "schedule": crontab(hour=3, minute=0),
    },
    # Exports of lists of applications older than EXPORT_RETENTION_DAYS: rows and files.
    "purge-exports": {
        "task": "reports.tasks.purge_exports",
        "schedule": 3600.0,
    },
}

# --- Cache: rate limits count in it. One process in development; in production, with several
# processes or machines, a shared Redis (PACTE_CACHE_URL=redis://…) so that they count together.
CACHE_URL = os.environ.get("PACTE_CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "pacte.cache.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    # Template fragments that depend on nothing but the language and the role (the links of
    # the navigation and the footer: `{% cache None … using="fragments" %}`), rendered once per
    # process and kept in its memory: the same in every process, and no round trip to Redis.
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
}
# Rate limits (accounts.ratelimits): "count/period" per address (anonymous) or per user.
RATE_LIMITS = {
    "signup": os.environ.get("PACTE_RATE_SIGNUP", "5/h"),
    "password_reset": os.environ.get("PACTE_RATE_PASSWORD_RESET", "5/h"),
    "resend_verification": os.environ.get("PACTE_RATE_RESEND_VERIFICATION", "5/h"),
    "invitation": os.environ.get("PACTE_RATE_INVITATIONS", "30/h"),
    "upload": os.environ.get("PACTE_RATE_UPLOADS", "60/h"),
    # Files the portal builds on demand: a PDF costs a fraction of a second of CPU, a
    # background export a worker's minutes.
    "pdf": os.environ.get("PACTE_RATE_PDF", "60/h"),
    "export": os.environ.get("PACTE_RATE_EXPORTS", "20/h"),
}
# django-ratelimit's cache checks: Django's own RedisCache (pacte.cache only keeps its client)
# counts with Redis's atomic INCR, though the package does not list it (W001); a per-process
# LocMemCache (E003) counts right only in a single process, so it is accepted in development,
# not in production.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
if DEBUG and not CACHE_URL:
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")

# --- Forms
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security: sensible in production, relaxed only where DEBUG needs plain HTTP.
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HTTPS only in production: redirects, and HSTS for a year (with the subdomains).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
# `check --deploy` warns without "preload" (security.W021), silenced on purpose: browsers'
# preload lists take a whole registered domain, never a subdomain such as portail.…, and
# hold every subdomain of it to HTTPS for months even after the header goes. That choice
# belongs to whoever runs the whole domain (DJANGO_HSTS_PRELOAD=1), not to a default here.
SILENCED_SYSTEM_CHECKS.append("security.W021")
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# A form refused by the CSRF check gets the portal's page ("Formulaire expiré"), not Django's.
CSRF_FAILURE_VIEW = "pacte.views.csrf_failure"
# Content-Security-Policy (django-csp 4): the portal's own scripts, styles, images and fonts,
# nothing inline, no frames.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- The programme
# The review ("instruction du dossier") takes one month on average.
REVIEW_TARGET_DAYS = int(os.environ.get("PACTE_REVIEW_TARGET_DAYS", "30"))
# The expected review time told to SMEs comes from the reviews finished in the last 90 days,
# once there are at least this many (the programme's target until then); the expected time of
# the sponsor's decision likewise from the decisions of the last 90 days.
REVIEW_ESTIMATE_MIN_REVIEWS = int(os.environ.get("PACTE_REVIEW_ESTIMATE_MIN_REVIEWS", "10"))
# The sponsor's decision, told until there are enough decisions to measure: two weeks, when the
# sweep alerts the team to a silent sponsor (`ReminderSettings.sponsor_alert_days`' default).
SPONSOR_TARGET_DAYS = int(os.environ.get("PACTE_SPONSOR_TARGET_DAYS", "14"))

# Where SMEs and visitors write to the Pacte PME team with a question (the home page says it).
CONTACT_EMAIL = os.environ.get("PACTE_CONTACT_EMAIL", "contact@pacte-pme.example")

# --- Personal data (RGPD): how long things are kept, shown on /mes-donnees/conservation/.
# A draft untouched this many days (about six months) gets one reminder mail...
DRAFT_REMINDER_DAYS = int(os.environ.get("PACTE_DRAFT_REMINDER_DAYS", "182"))
# ...and is deleted, with its documents, this many days after the reminder if still untouched.
DRAFT_DELETION_DAYS = int(os.environ.get("PACTE_DRAFT_DELETION_DAYS", "30"))
# A closed, rejected or withdrawn application is archived this many days after it ended
# (three years): its files and free text erased, its history and figures kept.
CLOSED_RETENTION_DAYS = int(os.environ.get("PACTE_CLOSED_RETENTION_DAYS", "1095"))
# Login records (django-axes: failed attempts, logins with address and browser) for security
# investigations, six months.
LOGIN_RECORD_RETENTION_DAYS = int(os.environ.get("PACTE_LOGIN_RECORD_RETENTION_DAYS", "180"))
# Notifications (the bell, read or not), one year.
NOTIFICATION_RETENTION_DAYS = int(os.environ.get("PACTE_NOTIFICATION_RETENTION_DAYS", "365"))
# The outbox's records of mails queued and sent (task names and ids, never the mails' text).
MAIL_RECORD_RETENTION_DAYS = int(os.environ.get("PACTE_MAIL_RECORD_RETENTION_DAYS", "90"))
# Exports of lists of applications (reports.exports): up to this many rows, the file is sent at
# once; beyond, a Celery task builds it and the person downloads it from "Mes exports"...
EXPORT_INLINE_MAX_ROWS = int(os.environ.get("PACTE_EXPORT_INLINE_MAX_ROWS", "2000"))
# ...where it stays this many days (it holds personal data), then the row and file are deleted.
EXPORT_RETENTION_DAYS = int(os.environ.get("PACTE_EXPORT_RETENTION_DAYS", "7"))
# Where people write to exercise their rights.
PRIVACY_CONTACT_EMAIL = os.environ.get(
    "PACTE_PRIVACY_CONTACT_EMAIL", "donnees-personnelles@pacte-pme.example"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint tells each step of each PDF (applications/pdf.py) at INFO; its warnings and
    # errors (a refused URL, bad CSS) still show.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}
