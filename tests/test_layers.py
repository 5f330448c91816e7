"""The layers between the apps (pyproject.toml's import contract, README's map of the code):
`make lint` checks them; the tests do too, so that an upward import fails `make test` as well."""

import subprocess  # nosec B404: runs the project's own linter
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_apps_import_only_the_layers_below_them():
    linter = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run(  # noqa: S603 - a fixed command, no input
        [str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 2 kept, 0 broken." in done.stdout
