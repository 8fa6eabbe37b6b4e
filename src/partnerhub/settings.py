"""Django settings for Partnership Hub, read from the environment.

Every variable is documented in ``.env.example``. Development defaults are
safe to run locally; ``PARTNERHUB_PRODUCTION=true`` switches on the checks and
headers that ``manage.py check --deploy`` expects.
"""

import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from partnerhub.databases import replica_databases
from partnerhub.env import env_bool, env_decimal, env_int, env_list, env_str, env_weights

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
DATA_DIR = Path(env_str("PARTNERHUB_DATA_DIR", str(PROJECT_DIR / "var")))

PRODUCTION = env_bool("PARTNERHUB_PRODUCTION", False)
DEBUG = env_bool("DEBUG", not PRODUCTION)
SECRET_KEY = env_str("SECRET_KEY", "" if PRODUCTION else "dev-only-insecure-key-change-me")
if not SECRET_KEY:
    raise ValueError("SECRET_KEY (or SECRET_KEY_FILE) must be set when PARTNERHUB_PRODUCTION=true")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_htmx",
    "ninja",
    "partnerhub.core",
    "partnerhub.access",
    "partnerhub.geo",
    "partnerhub.registry",
    "partnerhub.iati",
    "partnerhub.sheets",
    "partnerhub.overlaps",
    "partnerhub.agenda",
    "partnerhub.analysis",
    "partnerhub.plans",
    "partnerhub.facts",
    "partnerhub.knowledge",
    "partnerhub.notifications",
    "partnerhub.talent",
    "partnerhub.search",
    "partnerhub.web",
    "django_tasks",
    "django_tasks_db",
    "axes",
]
# The tests' own app: a toy confidential model whose registration is its only wiring (tests/toyapp/).
if "pytest" in sys.modules:
    INSTALLED_APPS.append("tests.toyapp")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, so static files keep their own caching headers.
    "partnerhub.core.security.SecurityHeadersMiddleware",
    # Before anything reads the address from the database.
    "partnerhub.core.security.NulRefusingMiddleware",
    # Below the headers, so that its 503 carries them too.
    "partnerhub.core.unavailable.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "partnerhub.core.middleware.RequestIdMiddleware",
    "partnerhub.core.security.HubNotFoundMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "partnerhub.urls"
WSGI_APPLICATION = "partnerhub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "partnerhub.web.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'partnerhub.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A fresh clone has no var/ yet: SQLite creates the file, not its folder.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers proceed while one writer commits; the busy timeout makes
    # concurrent writers wait instead of failing at once. The planner's statistics are gathered by
    # migrate and again for the tables that grow (core.planner_statistics).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": env_str("SQLITE_TEST_NAME", "")} if env_str("SQLITE_TEST_NAME") else {}
# How often each server process looks for SQLite tables that grew tenfold since their planner
# statistics were gathered, and gathers them again (core.planner_statistics).
SQLITE_STATISTICS_SECONDS = env_int("PARTNERHUB_SQLITE_STATISTICS_SECONDS", 300)
# Read replicas (docs/deployment.md): page and API reads go to one of them, writes and the reads
# that must see them to the primary. None configured: one database, no router, as before.
DATABASES |= replica_databases(
    DATABASES["default"], env_list("DATABASE_REPLICA_URLS"), env_int("DATABASE_CONN_MAX_AGE", 0)
)
if len(DATABASES) > 1:
    DATABASE_ROUTERS = ["partnerhub.core.replicas.PrimaryReplicaRouter"]
    # Outermost, so that everything a request does (its session saved last) is routed as that request.
    MIDDLEWARE.insert(0, "partnerhub.core.replicas.ReplicaRoutingMiddleware")
# After a write, the same browser reads from the primary for this long (covers a replica's lag).
DATABASE_REPLICA_STICKY_SECONDS = env_int("DATABASE_REPLICA_STICKY_SECONDS", 10)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    # Older hashes still verify, and are rehashed with Argon2 at the next login.
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (django-axes): after this many wrong passwords for one user
# name from one address, logins from there are refused for the cool-off time.
AXES_FAILURE_LIMIT = env_int("PARTNERHUB_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("PARTNERHUB_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "partnerhub.access.views.login_locked_out"
AXES_SENSITIVE_PARAMETERS = ["password"]

# Optional single sign-on through OpenID Connect (mozilla-django-oidc), off unless a client id is set.
# The provider's user becomes the hub user with the same e-mail address; a new one gets no organisation
# and no role until an administrator gives them one (docs/security.md).
PARTNERHUB_OIDC_ENABLED = bool(env_str("PARTNERHUB_OIDC_CLIENT_ID"))
PARTNERHUB_OIDC_PROVIDER_NAME = env_str("PARTNERHUB_OIDC_PROVIDER_NAME", "EU Login")
OIDC_RP_CLIENT_ID = env_str("PARTNERHUB_OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("PARTNERHUB_OIDC_CLIENT_SECRET")
OIDC_RP_SIGN_ALGO = env_str("PARTNERHUB_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("PARTNERHUB_OIDC_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("PARTNERHUB_OIDC_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("PARTNERHUB_OIDC_USERINFO_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("PARTNERHUB_OIDC_JWKS_ENDPOINT")
OIDC_TIMEOUT = env_int("PARTNERHUB_OIDC_TIMEOUT_SECONDS", 10)
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"
if PARTNERHUB_OIDC_ENABLED:
    _missing = [
        name
        for name in (
            "PARTNERHUB_OIDC_CLIENT_SECRET",
            "PARTNERHUB_OIDC_AUTHORIZATION_ENDPOINT",
            "PARTNERHUB_OIDC_TOKEN_ENDPOINT",
            "PARTNERHUB_OIDC_USERINFO_ENDPOINT",
            "PARTNERHUB_OIDC_JWKS_ENDPOINT",
        )
        if not env_str(name)
    ]
    if _missing:
        raise ValueError(f"PARTNERHUB_OIDC_CLIENT_ID is set, so single sign-on also needs {', '.join(_missing)}")
    AUTHENTICATION_BACKENDS.append("partnerhub.access.oidc.HubOIDCBackend")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:dashboard"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# One unambiguous date format per language: "3 Dec 2026", "3 déc. 2026" (partnerhub/formats/).
FORMAT_MODULE_PATH = ["partnerhub.formats"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
NODE_MODULES = PROJECT_DIR / "node_modules"
# Front-end packages come from the npm registry (package.json); only their
# distribution folders are exposed as static files.
STATICFILES_DIRS = [
    ("ecl", NODE_MODULES / "@ecl" / "preset-eu" / "dist"),
    ("htmx", NODE_MODULES / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = PRODUCTION and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Background work (imports) runs through Django's task framework backport with
# the database backend: no extra service. `partnerhub db_worker` runs the
# tasks; PARTNERHUB_TASKS_IMMEDIATE=true runs them inside the request instead.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if env_bool("PARTNERHUB_TASKS_IMMEDIATE", False)
        else "django_tasks_db.DatabaseBackend"
    }
}
UPLOAD_DIR = DATA_DIR / "uploads"
# IATI export: engagements without an IATI identifier, of owners without an
# IATI organisation identifier, are published as <prefix>-PH-<record number>.
IATI_EXPORT_PREFIX = env_str("PARTNERHUB_IATI_EXPORT_PREFIX", "XX-PARTNERHUB")
IATI_UPLOAD_MAX_BYTES = env_int("PARTNERHUB_IATI_UPLOAD_MAX_BYTES", 200 * 1024 * 1024)
# IATI kept current (iati.sync): the IATI Registry's CKAN API, and limits on what a sync downloads.
IATI_REGISTRY_URL = env_str("PARTNERHUB_IATI_REGISTRY_URL", "https://iatiregistry.org/api/3/action/")
IATI_SYNC_MAX_BYTES = env_int("PARTNERHUB_IATI_SYNC_MAX_BYTES", 1024 * 1024 * 1024)
IATI_SYNC_TIMEOUT_SECONDS = env_int("PARTNERHUB_IATI_SYNC_TIMEOUT_SECONDS", 300)
IATI_SYNC_DIR = DATA_DIR / "iati-sync"
# The hour (0-23, UTC) of the nightly sync run by `partnerhub serve`/`sync-iati --nightly`; empty: none.
IATI_SYNC_HOUR = env_str("PARTNERHUB_IATI_SYNC_HOUR", "")
# A data source not checked successfully for longer is flagged stale.
IATI_SYNC_STALE_DAYS = env_int("PARTNERHUB_IATI_SYNC_STALE_DAYS", 3)
# crises and directory: a focal point not confirmed for longer is flagged in the directory.
FOCAL_POINT_STALE_DAYS = env_int("PARTNERHUB_FOCAL_POINT_STALE_DAYS", 365)

# Spreadsheet imports: limits checked before anything is unpacked or read.
SHEET_UPLOAD_MAX_BYTES = env_int("PARTNERHUB_SHEET_UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
SHEET_MAX_UNCOMPRESSED_BYTES = env_int("PARTNERHUB_SHEET_MAX_UNCOMPRESSED_BYTES", 50 * 1024 * 1024)
SHEET_MAX_COMPRESSION_RATIO = env_int("PARTNERHUB_SHEET_MAX_COMPRESSION_RATIO", 100)
SHEET_MAX_ROWS = env_int("PARTNERHUB_SHEET_MAX_ROWS", 5000)

# Documents attached to lessons (PDF, DOCX, XLSX): checked on their content before anything is stored.
PARTNERHUB_ATTACHMENT_MAX_BYTES = env_int("PARTNERHUB_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
PARTNERHUB_ATTACHMENT_MAX_UNCOMPRESSED_BYTES = env_int(
    "PARTNERHUB_ATTACHMENT_MAX_UNCOMPRESSED_BYTES", 100 * 1024 * 1024
)
PARTNERHUB_ATTACHMENT_MAX_COMPRESSION_RATIO = env_int("PARTNERHUB_ATTACHMENT_MAX_COMPRESSION_RATIO", 100)

# The agenda warns when two organisations meet the same counterpart (or the same partner
# country on a shared theme) within this many days of each other.
PARTNERHUB_CLASH_WINDOW_DAYS = env_int("PARTNERHUB_CLASH_WINDOW_DAYS", 14)

# Key facts: two sources' figures for the same indicator, country and period disagree when they
# differ by more than this share of the larger one (0.05: 5 %).
PARTNERHUB_FACTS_TOLERANCE = env_decimal("PARTNERHUB_FACTS_TOLERANCE", "0.05")
# The shared public data (../shared/data beside the project): the demo loads real statistics from it.
PARTNERHUB_SHARED_DATA = Path(env_str("PARTNERHUB_SHARED_DATA", str(PROJECT_DIR.parent / "shared" / "data")))
# Notifications: e-mail digests link to pages under this address; Django's e-mail backend sends them
# (printed on the console unless EMAIL_BACKEND names another, such as the SMTP one).
PARTNERHUB_SITE_URL = env_str("PARTNERHUB_SITE_URL", "http://127.0.0.1:8000")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Partnership Hub <noreply@localhost>")

PAGE_SIZE = env_int("PARTNERHUB_PAGE_SIZE", 25)

# Talent matching (docs/talent-matching.md): the weights of the four factors of a suggestion's score
# ("occupation=0.35,volume=0.35,language=0.15,cooperation=0.15"; those not named keep their default),
# the occupation fit of a supply in the same unit group and in the same minor group, the factor by which
# a safeguard list (with a government-to-government partnership in place) and the partner's own shortage
# lower a score, and the number of suggestions over which an export runs as a background job.
PARTNERHUB_TALENT_WEIGHTS = env_weights(
    "PARTNERHUB_TALENT_WEIGHTS",
    {
        "occupation": Decimal("0.35"),
        "volume": Decimal("0.35"),
        "language": Decimal("0.15"),
        "cooperation": Decimal("0.15"),
    },
)
PARTNERHUB_TALENT_SAME_UNIT_FIT = env_decimal("PARTNERHUB_TALENT_SAME_UNIT_FIT", "1.0")
PARTNERHUB_TALENT_SAME_MINOR_FIT = env_decimal("PARTNERHUB_TALENT_SAME_MINOR_FIT", "0.5")
PARTNERHUB_TALENT_SAFEGUARD_FACTOR = env_decimal("PARTNERHUB_TALENT_SAFEGUARD_FACTOR", "0.5")
PARTNERHUB_TALENT_SHORTAGE_FACTOR = env_decimal("PARTNERHUB_TALENT_SHORTAGE_FACTOR", "0.5")
PARTNERHUB_TALENT_EXPORT_JOB_THRESHOLD = env_int("PARTNERHUB_TALENT_EXPORT_JOB_THRESHOLD", 2000)
# Computed figures (country profiles) are kept per circle until the data changes, and at most
# this long, in a table of the database (created by every migrate): all server processes share
# them without a cache service. At most PARTNERHUB_CACHE_MAX_ENTRIES are kept (the oldest third
# is dropped beyond).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "partnerhub_cache",
        "OPTIONS": {"MAX_ENTRIES": env_int("PARTNERHUB_CACHE_MAX_ENTRIES", 2000)},
    }
}
ANALYSIS_CACHE_SECONDS = env_int("PARTNERHUB_ANALYSIS_CACHE_SECONDS", 300)
# A partnership is flagged as one-sided when less than this percentage of its money
# (or, without money, of its engagements) serves the themes one side mainly wants
# while the other side's themes get at least as much.
BALANCE_PARTNER_THRESHOLD = env_int("PARTNERHUB_BALANCE_PARTNER_THRESHOLD", 25)
# The balance verdict (one-sided or not) is shown only to readers who see at least this
# percentage of a country's Team Europe money (or, without money, of its engagements);
# others see the shares of what they may see, without a verdict.
BALANCE_VERDICT_MIN_SHARE_SEEN = env_int("PARTNERHUB_BALANCE_VERDICT_MIN_SHARE_SEEN", 90)
API_MAX_PAGE_SIZE = 200
# A query on a confidential model that goes through neither visible_to, hidden_from nor
# unrestricted("why") raises when true (the tests switch it on) and logs a warning when false.
STRICT_SCOPES = env_bool("PARTNERHUB_STRICT_SCOPES", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint narrates every step of every PDF at INFO.
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes announces itself at every start of every command.
        "axes.apps": {"level": "WARNING"},
    },
}
