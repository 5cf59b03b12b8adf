"""Settings, read from the environment (12-factor). See README's configuration table.

Production is the default: DEBUG off, SECRET_KEY required, secure cookies, HSTS. Only an
explicit dev mode (DEBUG=true, which `make run` and the tests set) relaxes them. Every
embedded default runs with nothing installed: SQLite, in-memory channel layer and cache,
immediate tasks, console e-mail.
"""

import re
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from community.startup import ConfigError

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()


def _bool(name, default):
    raw = env.str(name, default="").strip().lower()
    if not raw:
        return default
    if raw not in {"true", "false", "1", "0", "yes", "no", "on", "off"}:
        raise ConfigError(f"{name} must be true or false, not {raw!r}.")
    return raw in {"true", "1", "yes", "on"}


def _int(name, default):
    try:
        return env.int(name, default=default)
    except (ValueError, TypeError):
        raise ConfigError(f"{name} must be a whole number, not {env.str(name)!r}.")


def _choice(name, default, choices):
    value = env.str(name, default=default).strip().lower()
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value


DEBUG = _bool("DEBUG", False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ConfigError(
            "SECRET_KEY is not set: set SECRET_KEY to a long random string "
            "(or DEBUG=true for local development)."
        )
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ConfigError("ALLOWED_HOSTS is not set: set it to the site's host name(s), comma-separated.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
PORT = _int("PORT", 8000)
# In development the site is where `make run` serves it, so links in e-mails work on any PORT.
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{PORT}" if DEBUG else "")
if not SITE_URL:
    SITE_URL = f"https://{ALLOWED_HOSTS[0]}"
WAGTAILADMIN_BASE_URL = SITE_URL

INSTALLED_APPS = [
    "daphne",
    "servestatic",
    "community",
    "ideas",
    "ideas.polls",
    "feedback",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "channels",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "servestatic.middleware.ServeStaticMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "community.middleware.MemberLanguageMiddleware",
    "community.middleware.PagePasswordsMiddleware",
    "community.middleware.AdminAwareCSPMiddleware",
    "community.api_middleware.ApiRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "community.middleware.AdminsAreForStaffMiddleware",
    "community.middleware.StaffMFAMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so its process_exception sees a view's database outage first (community/unavailable.py).
    "community.unavailable.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "community.urls"
WSGI_APPLICATION = "community.wsgi.application"
ASGI_APPLICATION = "community.asgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "community.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
try:
    DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
except (environ.ImproperlyConfigured, ValueError, KeyError) as exc:
    raise ConfigError(f"DATABASE_URL is not a database URL we know ({exc}).")
if DATABASES["default"]["ENGINE"] not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
    raise ConfigError(
        "DATABASE_URL is not a database URL we know: use postgres://user:pass@host:5432/name or sqlite:///path."
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside a writer; IMMEDIATE takes the write lock at BEGIN, so
    # concurrent votes queue on busy_timeout instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = _int("DATABASE_CONN_MAX_AGE", 0)
    # A dropped connection is noticed at the next request, which opens a new one; a database
    # host that does not answer at all costs a request 5 s, not the system's TCP timeout.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    # DATABASE_SERVER_SIDE_BINDING=true binds parameters on the server, so psycopg prepares a
    # query it has run 5 times on a connection and PostgreSQL skips planning it (get_idea's join:
    # 4.7 ms to plan on a busy machine, 0.1 ms prepared). Off by default: the whole-page bench
    # showed no clear gain, and it must stay off behind a transaction-pooling PgBouncer.
    DATABASES["default"]["OPTIONS"].setdefault("server_side_binding", _bool("DATABASE_SERVER_SIDE_BINDING", False))
    # DATABASE_POOL_SIZE=N: each process keeps at most N connections (psycopg's pool) and a request
    # waits for a free one instead of opening more. Under uvicorn, requests, sockets and tasks run
    # in threads of their own, and without a pool the connections they open add up until
    # PostgreSQL refuses clients. Per process: workers × N must stay below max_connections.
    if pool_size := _int("DATABASE_POOL_SIZE", 0):
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps them; Django must not as well
        DATABASES["default"]["OPTIONS"]["pool"] = {"min_size": 1, "max_size": pool_size, "timeout": 10}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and channel layer ----------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ConfigError(f"REDIS_URL must start with redis://, rediss:// or unix://, not {REDIS_URL!r}.")


def redis_settings(url: str) -> tuple[dict, dict]:
    """CACHES and CHANNEL_LAYERS on the Redis at url. Redis is optional at run time (README,
    "When a part is down"): a cache error is a miss (community/cache.py), and short timeouts keep
    an unreachable Redis from holding up pages. The fault tests use it with a dead Redis."""
    caches = {
        "default": {
            "BACKEND": "community.cache.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": {
                "socket_connect_timeout": 0.25,
                "socket_timeout": 0.5,
                # Guards that must hold even then, per process: allauth's rate limits and their
                # locks, DRF's throttles, TOTP codes already used.
                "PROCESS_FALLBACK_PREFIXES": ["allauth:rl:", "throttle_", "allauth.mfa.totp.used"],
            },
        }
    }
    channel_layers = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # The read timeout must outlast the layer's 5 s blocking receive.
                # A thousand sockets closing at once each take a connection to leave their
                # groups: the pool must not run out (MaxConnectionsError) in such a storm.
                "hosts": [{"address": url, "socket_connect_timeout": 1, "socket_timeout": 10,
                           "socket_keepalive": True, "max_connections": 1000}],
                "capacity": 1000,
                "expiry": 30,
            },
        }
    }
    return caches, channel_layers


if REDIS_URL:
    CACHES, CHANNEL_LAYERS = redis_settings(REDIS_URL)
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Tasks -----------------------------------------------------------------------------------
TASKS_BACKEND = _choice("TASKS_BACKEND", "immediate", ["immediate", "database"])
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[TASKS_BACKEND],
        "QUEUES": ["default", "email"],
    }
}
TASK_MAX_ATTEMPTS = _int("TASK_MAX_ATTEMPTS", 5)
# A task "running" for longer than this was left by a worker that died: workers run it again.
TASK_ABANDONED_AFTER = _int("TASK_ABANDONED_AFTER", 600)
# The operator states that the site runs as one process (one worker, tasks in the request):
# then the in-memory channel layer and immediate tasks are fine (see community/checks.py).
SINGLE_PROCESS = _bool("SINGLE_PROCESS", False)

# --- Webhooks (docs/webhooks.md) -------------------------------------------------------------
# Private and loopback receivers are refused (SSRF) unless this allows them: a local receiver in
# development, the tests. Link-local (cloud metadata) addresses are refused even then.
WEBHOOKS_ALLOW_PRIVATE = _bool("WEBHOOKS_ALLOW_PRIVATE", False)
# Seconds one delivery may take in all (connect, send, read the answer).
WEBHOOKS_TIMEOUT = _int("WEBHOOKS_TIMEOUT", 5)
# Attempts per delivery (the backoff in community/webhooks/delivery.py), and failed attempts in
# a row after which an endpoint is disabled and its team told.
WEBHOOKS_MAX_ATTEMPTS = _int("WEBHOOKS_MAX_ATTEMPTS", 8)
WEBHOOKS_DISABLE_AFTER = _int("WEBHOOKS_DISABLE_AFTER", 10)

# --- E-mail ----------------------------------------------------------------------------------
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    try:
        globals().update(env.email_url("EMAIL_URL"))
    except (environ.ImproperlyConfigured, ValueError, KeyError) as exc:
        raise ConfigError(
            f"EMAIL_URL is not an e-mail URL we know ({exc}): use smtp+tls://user:pass@host:587."
        )
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Cocreate <community@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Accounts (django-allauth) ---------------------------------------------------------------
AUTH_USER_MODEL = "community.Member"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_ADAPTER = "community.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "community.forms.SignupForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Cocreate] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_RATE_LIMITS = {
    # Tighter than allauth's defaults for sign-up: it sends e-mail and creates rows.
    "signup": "5/m/ip,20/h/ip",
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
ALLAUTH_TRUSTED_PROXY_COUNT = _int("TRUSTED_PROXY_COUNT", 0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Cocreate"
# Staff must have TOTP; only dev mode may relax it (and it does, so demo logins work).
STAFF_MFA_REQUIRED = _bool("STAFF_MFA_REQUIRED", not DEBUG)
SOCIALACCOUNT_ADAPTER = "community.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
if env.str("OIDC_SERVER_URL", default=""):
    if not env.str("OIDC_CLIENT_ID", default=""):
        raise ConfigError(
            "OIDC_SERVER_URL is set but OIDC_CLIENT_ID is not: set both (and OIDC_CLIENT_SECRET)."
        )
    SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"].append(
        {
            "provider_id": "oidc",
            "name": env.str("OIDC_NAME", default="Single sign-on"),
            "client_id": env.str("OIDC_CLIENT_ID"),
            "secret": env.str("OIDC_CLIENT_SECRET", default=""),
            "settings": {"server_url": env.str("OIDC_SERVER_URL")},
        }
    )

# --- Internationalisation --------------------------------------------------------------------
LANGUAGES = [
    ("en", _("English")),
    ("nb", _("Norwegian Bokmål")),
    ("da", _("Danish")),
    ("sv", _("Swedish")),
    ("nl", _("Dutch")),
]
# For visitors whose browser asks for none of the five (members have their own).
LANGUAGE_CODE = _choice("SITE_LANGUAGE", "en", [code for code, _name in LANGUAGES])
# The Wagtail admin offers the same five; it follows the member's language unless a staff
# member picks another one in the admin's own account settings.
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Oslo")
USE_I18N = True
USE_TZ = True

# --- Static and media ------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Files only a permission check may hand out (beta screenshots): never under MEDIA_ROOT or a URL.
PRIVATE_MEDIA_ROOT = env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "servestatic.storage.CompressedManifestStaticFilesStorage"
    },
}
SERVESTATIC_USE_FINDERS = DEBUG
SERVESTATIC_AUTOREFRESH = DEBUG

# --- Wagtail ---------------------------------------------------------------------------------
SITE_NAME = env.str("SITE_NAME", default="Cocreate")
WAGTAIL_SITE_NAME = SITE_NAME
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_I18N_ENABLED = False
# No Gravatar: it sends a hash of each member's e-mail to a third party and shows a broken image
# where gravatar.com cannot be reached. Wagtail then shows its built-in default avatar.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]

# --- REST API --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # The site's own JavaScript uses the session (with CSRF); scripts and integrations use
    # tokens (community/api_auth.py). Session first, so an anonymous request stays a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "community.api_auth.TokenAuthentication",
    ],
    # A view that sets its own permission_classes must keep ScopePermission first
    # (tests/community/test_api_scopes.py checks every endpoint in the schema).
    "DEFAULT_PERMISSION_CLASSES": [
        "community.api_auth.ScopePermission",
        "rest_framework.permissions.IsAuthenticatedOrReadOnly",
    ],
    # JSON only (a 415 otherwise; upload endpoints add MultiPartParser); JSON nested too deep
    # for Python's parser is a 400, not a 500.
    "DEFAULT_PARSER_CLASSES": ["community.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # OPTIONS is a 405: the OpenAPI document describes every endpoint (DRF's metadata answer
    # tripped over views whose serializer depends on the object).
    "DEFAULT_METADATA_CLASS": None,
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "NUM_PROXIES": ALLAUTH_TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_CLASSES": [
        "community.throttling.IPThrottle",
        "community.throttling.MemberThrottle",
        "community.throttling.TokenThrottle",
    ],
    "EXCEPTION_HANDLER": "community.api_base.api_exception_handler",
}
# Requests per client IP, per member and per token ("600/min", "10000/hour", "20/s").
API_THROTTLE_RATES = {
    "ip": env.str("API_RATE_IP", default="600/min"),
    "user": env.str("API_RATE_USER", default="600/min"),
    "token": env.str("API_RATE_TOKEN", default="300/min"),
}
for _scope, _rate in API_THROTTLE_RATES.items():
    if not re.fullmatch(r"\d+/(s|sec|second|m|min|minute|h|hour|d|day)", _rate.strip().lower()):
        raise ConfigError(f"API_RATE_{_scope.upper()} must look like 600/min, not {_rate!r}.")
API_MAX_BODY_BYTES = _int("API_MAX_BODY_BYTES", 2_000_000)
API_MAX_UPLOAD_BYTES = _int("API_MAX_UPLOAD_BYTES", 30_000_000)
SPECTACULAR_SETTINGS = {
    "TITLE": "Cocreate API",
    "VERSION": "1",
    "DESCRIPTION": (
        "The community's ideas, polls, beta programmes and feedback. Authenticate with "
        "`Authorization: Bearer <token>` (create a token under *Your profile → API tokens*). "
        "Every error is JSON with `detail` and `code`; see the README's API section."
    ),
    "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["community.api.public_api_only"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "community.api_schema.add_error_responses",
        # The public touchpoint endpoint is a plain Django view: feedback.api documents it.
        "feedback.api.document_touchpoint",
    ],
    "PATH_CONVERTER_OVERRIDES": {"id": int},
    # Several models have a "status": each choice set gets a name of its own.
    "ENUM_NAME_OVERRIDES": {"FeedbackStatusEnum": "feedback.models.Status"},
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and Redoc from our own static files (drf-spectacular-sidecar), never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Security headers ------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if DEBUG:
    SECURE_SSL_REDIRECT = False
else:
    SECURE_SSL_REDIRECT = _bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = _int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# Wagtail's admin uses inline styles and scripts we cannot nonce; it gets this policy only.
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, "'unsafe-inline'", "'unsafe-eval'"],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:", "https:"],
        "connect-src": [SELF],
        "font-src": [SELF, "data:"],
        "frame-src": [SELF, "https:"],
        "frame-ancestors": [SELF],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"quiet_database_outage": {"()": "community.unavailable.QuietDatabaseOutage"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # A database outage is logged once a minute (community/outages.py), not once a request.
        "django.request": {"filters": ["quiet_database_outage"]},
        "django.db.backends": {"level": "INFO"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}
