"""Xueji settings: one module, read from the environment (django-environ).

Laptop defaults need no server: an SQLite file, a Celery broker in files under var/ (`make run` starts the
web server, a worker and beat), e-mail to the console, zh-hans, Asia/Shanghai, DEBUG off. `DATABASE_URL`
switches to PostgreSQL, `CELERY_BROKER_URL` to Redis, and `XUEJI_PROFILE=production` turns on the HTTPS-only
settings that `manage.py check --deploy` asks for.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

PROFILE = env.str("XUEJI_PROFILE", default="laptop")
PRODUCTION = PROFILE == "production"

DEBUG = env.bool("DEBUG", default=False)
if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="laptop-only-key-never-used-in-production-3f9c1d7e5b")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # its widget templates, found by FORM_RENDERER below beside the project's own
    "django_htmx",
    "guardian",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "audit",
    "registry",
    "students",
    "transfers",
    "archives",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # zh-hans unless the user chose English; the browser's language is not asked (registry.accounts.language).
    "registry.accounts.language.ChosenLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "audit.context.ClientAddressMiddleware",
    # Accounts and sessions (issue 7): timeouts, then the second factor, then the password's age.
    "registry.accounts.middleware.SessionTimeoutMiddleware",
    "registry.accounts.middleware.TwoFactorMiddleware",
    "registry.accounts.middleware.PasswordAgeMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "registry.urls"
WSGI_APPLICATION = "registry.wsgi.application"

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
                "registry.context_processors.navigation",
            ],
            "builtins": ["registry.templatetags.states"],  # {% state_badge %} on every page without a load
        },
    },
]

# Widgets render through TEMPLATES, so that templates/django/forms/widgets/ can replace one of Django's (the
# select, whose per-option include was a tenth of a long form's time).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Production keeps each worker's connection for 10 minutes (no connect per request) and checks it before reuse,
# so a restarted PostgreSQL costs one retry, not an error; the laptop connects per request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600 if PRODUCTION else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=PRODUCTION)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Under `make run` the web server, the worker and beat share the file: readers never wait for the writer
    # (WAL), a transaction takes the write lock when it begins, and a writer waits for another up to 20 s.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "registry.User"
AUTHENTICATION_BACKENDS = [
    "registry.accounts.lockout.LockoutBackend",  # first: refuses a locked-out user name or address (django-axes)
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Argon2id (registry.accounts.hashers); the others verify older hashes, which are rewritten at the next login.
PASSWORD_HASHERS = [
    "registry.accounts.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous row; anonymous visitors see nothing
GUARDIAN_MONKEY_PATCH_USER = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "registry.accounts.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
]
# Accounts (issue 7; 2025 MoE revision, ASVS 2.2.1): django-axes locks a user name for 15 minutes after 5
# failed logins, and an address after LOGIN_IP_FAILURE_LIMIT failures (registry.lockout); a locked-out
# attempt gets the same page as a wrong password, so neither existence nor lockout of an account shows.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
LOGIN_IP_FAILURE_LIMIT = env.int("LOGIN_IP_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # registry.lockout relies on this order
AXES_HANDLER = "registry.accounts.lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "registry.accounts.lockout.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # successful logins are audit events already
AXES_VERBOSE = False
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=90)
ACCOUNT_IDLE_DAYS = env.int("ACCOUNT_IDLE_DAYS", default=180)
# Sessions: 15 minutes idle, 8 hours from login at most (SESSION_COOKIE_AGE), registry.middleware.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=15 * 60)
# TOTP second factor (django-otp): optional for everyone; when on, town officers and administrators
# (staff, superusers) without a confirmed device are sent to enrol one.
REQUIRE_TOTP_FOR_OFFICERS = env.bool("REQUIRE_TOTP_FOR_OFFICERS", default=False)
OTP_TOTP_ISSUER = "Xueji"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
BACKUP_ROOT = env.path("BACKUP_ROOT", default=BASE_DIR / "backups")  # manage.py backup writes here
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Outside production static files are looked up per request (an edited file is served at once) instead of
# being listed at start-up: each test client would otherwise list every file again (~15 ms per test).
WHITENOISE_AUTOREFRESH = not PRODUCTION

SESSION_COOKIE_AGE = 8 * 60 * 60  # also the absolute limit from login (registry.middleware)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp 4): our own scripts, styles and images only — no inline script or style
# attribute, nothing from the internet (schools run this on intranets), no framing, forms post only here.
# ECharts and htmx set styles through the CSSOM, which the policy allows; htmx's own indicator <style> is
# turned off in base.html (htmx-config). WeasyPrint's print templates are never served as pages.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}
# Uploads are capped (ASVS 12.1.1): at most 2.5 MB of form fields (the rest is refused with a 400), files
# over 2.5 MB stream to a temporary file instead of memory, and each upload form refuses a file over 10 MB
# with a message (evidence, archive documents, the Excel import); the reverse proxy caps the whole body.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="xueji@localhost")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")  # the address e-mails link to

CACHE_URL = env.str("CACHE_URL", default="")
CACHES = {
    "default": env.cache_url_config(CACHE_URL)
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Tasks run in a Celery worker, never inside the web request: `make run` starts one beside the web server and
# beat (Procfile). The laptop default needs no server: kombu's filesystem transport, one JSON file per message
# in VAR_DIR/broker (no extra package, and nothing else writing to the SQLite file, which takes one writer at a
# time); CELERY_BROKER_URL=redis://… in production. Eager in-process execution is for the test runner only:
# pytest sets PYTEST_VERSION (CELERY_TASK_ALWAYS_EAGER overrides either way).
VAR_DIR = Path(env.str("XUEJI_VAR_DIR", default=str(BASE_DIR / "var")))  # broker messages, beat's schedule; not in git
# The papers' subset fonts, made at set-up time (registry.fonts: `make setup`, the Dockerfile)
PDF_FONT_ROOT = env.path("PDF_FONT_ROOT", default=VAR_DIR / "fonts")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default="PYTEST_VERSION" in os.environ)
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="cache+memory://")  # no caller reads results
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task taken by a worker that dies unacknowledged goes back to the queue after this many seconds: longer
# than the longest task (a class's print bundle takes under a minute).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
if CELERY_BROKER_URL.startswith("filesystem:"):
    # One folder for every queue (producers write where the worker reads); the exchange table beside it.
    _BROKER_DIR = env.str("CELERY_BROKER_FOLDER", default=str(VAR_DIR / "broker"))
    for _folder in ("messages", "control"):
        Path(_BROKER_DIR, _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "data_folder_in": str(Path(_BROKER_DIR, "messages")),
        "data_folder_out": str(Path(_BROKER_DIR, "messages")),
        "control_folder": str(Path(_BROKER_DIR, "control")),
    }
# Beat's last-run times (a shelve file): kept across restarts, so a morning missed while beat was down is
# caught up when it starts (registry.celery also sends the day's reminders when beat starts after 07:00).
CELERY_BEAT_SCHEDULE_FILENAME = env.str("CELERY_BEAT_SCHEDULE_FILENAME", default=str(VAR_DIR / "celerybeat-schedule"))
CELERY_TIMEZONE = TIME_ZONE
# celery beat (default file scheduler): the daily deadline reminders at REMINDER_HOUR (07:00) Beijing time;
# idempotent per day.
CELERY_BEAT_SCHEDULE = {
    "daily-reminders": {
        "task": "registry.tasks.send_daily_reminders_task",
        "schedule": crontab(hour=env.int("REMINDER_HOUR", default=7), minute=0),
    },
    # Accounts with no login for ACCOUNT_IDLE_DAYS are disabled nightly (registry.accounts).
    "disable-idle-accounts": {
        "task": "registry.tasks.disable_idle_accounts_task",
        "schedule": crontab(hour=2, minute=30),
    },
    # The audit log's hash chain is verified nightly; a break is an alarm event and an e-mail (audit.integrity).
    "verify-audit-chain": {"task": "audit.tasks.verify_audit_chain_task", "schedule": crontab(hour=3, minute=0)},
    # Audit events are sealed on commit; this picks up any a sealer left (audit.sealing).
    "seal-audit-events": {"task": "audit.tasks.seal_audit_events_task", "schedule": crontab(minute="*")},
    # The open problem records per school, for the officer's home page (students.problems.counts).
    "count-problem-records": {"task": "students.tasks.recount_problems", "schedule": crontab(minute="*/10")},
}
# The key of the audit log's hash chain (audit.chain): keep it out of the database and its backups.
AUDIT_CHAIN_KEY = env.str("AUDIT_CHAIN_KEY", default=SECRET_KEY)
# History rows are evidence: the admin shows them but never reverts a record to one (audit, 等保 2.0).
SIMPLE_HISTORY_REVERT_DISABLED = True

DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="Xueji-demo-2026")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
