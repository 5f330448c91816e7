"""Django's deployment checklist (`manage.py check --deploy`) passes with production settings:
HTTPS only, secure cookies, a strong secret key, DEBUG off, a shared cache."""

import os
import secrets
import subprocess
import sys

from django.conf import settings

# Left out of the environment the check runs with: the production values come from the test.
OWN_PREFIXES = ("DJANGO_", "PACTE_", "DATABASE_URL", "CELERY_", "EMAIL_")


def production_environment(tmp_path, **overrides) -> dict[str, str]:
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith(OWN_PREFIXES)
    }
    environment |= {
        "DJANGO_SETTINGS_MODULE": "pacte.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "portail.example",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "https://portail.example",
        "PACTE_SITE_URL": "https://portail.example",
        "PACTE_CACHE_URL": "redis://127.0.0.1:6379/9",
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}"),
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/8",
        "PACTE_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
    }
    return environment | overrides


def check_deploy(tmp_path, **overrides) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=production_environment(tmp_path, **overrides),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_check_passes_with_production_settings(tmp_path):
    result = check_deploy(tmp_path)

    assert result.returncode == 0, result.stderr
    # The two silenced checks have their reasons in pacte/settings.py: django_ratelimit.W001
    # (Django's RedisCache is atomic) and security.W021 (HSTS preload is the domain's choice).
    assert result.stdout.strip() == "System check identified no issues (2 silenced)."


def test_deploy_check_fails_on_a_production_weakness(tmp_path):
    # The check does look at the settings: without HSTS it fails.
    result = check_deploy(tmp_path, DJANGO_HSTS_SECONDS="0")

    assert result.returncode == 1
    assert "(security.W004) You have not set a value for the SECURE_HSTS_SECONDS" in result.stderr
