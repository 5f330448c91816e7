"""The SMEs' app sits below the workflow: it imports reference data (and Django), none of
the apps built on it (applications, corporations, sponsors, notifications, reports, privacy,
tooling) nor the settings package."""

from pathlib import Path

from django.conf import settings

from tests.tooling.test_apart import imported_modules

ABOVE = {
    "applications",
    "corporations",
    "sponsors",
    "notifications",
    "reports",
    "privacy",
    "tooling",
    "pacte",
}


def test_the_companies_app_imports_no_app_above_it():
    project = Path(settings.BASE_DIR)
    offenders = [
        f"{path.relative_to(project)} imports {module}"
        for path in (project / "companies").rglob("*.py")
        for module in imported_modules(path)
        if module.split(".")[0] in ABOVE
    ]
    assert offenders == []
