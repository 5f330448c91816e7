"""The tooling app stays out of the domain: no other package of the project imports it."""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            modules.add(node.module)
    return modules


def test_no_domain_app_imports_the_tooling_app():
    project = Path(settings.BASE_DIR)
    # The project's own apps (not Django's nor the libraries'), and the settings package.
    packages = [project / "pacte"] + [
        Path(config.path)
        for config in apps.get_app_configs()
        if Path(config.path).parent == project and config.name != "tooling"
    ]
    assert {"accounts", "applications", "corporations", "pacte"} <= {p.name for p in packages}
    offenders = [
        f"{path.relative_to(project)} imports {module}"
        for package in packages
        for path in package.rglob("*.py")
        for module in imported_modules(path)
        if module == "tooling" or module.startswith("tooling.")
    ]
    assert offenders == []
