"""The reference data stay apart: the `reference` app imports none of the project's other
packages (the domain apps, the settings package, the tooling); they all may import it."""

from pathlib import Path

from django.apps import apps
from django.conf import settings

from tests.tooling.test_apart import imported_modules


def test_the_reference_app_imports_no_other_package_of_the_project():
    project = Path(settings.BASE_DIR)
    others = {
        Path(config.path).name
        for config in apps.get_app_configs()
        if Path(config.path).parent == project and config.name != "reference"
    } | {"pacte", "tests"}
    assert {"accounts", "applications", "corporations", "notifications", "tooling"} <= others
    reference = project / "reference"
    offenders = [
        f"{path.relative_to(project)} imports {module}"
        for path in reference.rglob("*.py")
        for module in imported_modules(path)
        if module.split(".")[0] in others
    ]
    assert offenders == []
