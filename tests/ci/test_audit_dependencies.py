"""CI's judgement of pip-audit's report: a vulnerability fails, an unreachable service is said."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "audit_dependencies.py"
spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)

CLEAN = {"name": "django", "version": "5.2.19", "vulns": []}
VULNERABLE = {
    "name": "django",
    "version": "5.2.1",
    "vulns": [{"id": "PYSEC-2025-1", "fix_versions": ["5.2.2"]}],
}
SKIPPED = {"name": "celery", "version": "5.7.0", "skip_reason": "Dependency not found on PyPI"}


def test_a_known_vulnerability_fails():
    status, lines = audit.judge({"dependencies": [CLEAN, VULNERABLE]}, strict=False)

    assert status == 1
    assert lines == [
        "django 5.2.1: PYSEC-2025-1 (5.2.2)",
        "pip-audit: 1 vulnerable dependencies.",
    ]


def test_a_clean_audit_passes():
    assert audit.judge({"dependencies": [CLEAN]}, strict=True) == (
        0,
        ["pip-audit: 1 dependencies audited, no known vulnerability."],
    )


@pytest.mark.parametrize(("strict", "status"), [(False, 0), (True, 1)])
def test_an_unreachable_service_is_never_reported_clean(strict, status):
    result, lines = audit.judge({"dependencies": [SKIPPED, SKIPPED]}, strict=strict)

    assert result == status
    assert lines[-1].startswith("pip-audit: NOT AUDITED")


def test_the_exceptions_file_lists_ids_with_reasons(tmp_path, monkeypatch):
    listed = tmp_path / "exceptions.txt"
    listed.write_text("# header\nPYSEC-2025-1  # no fix yet; not reachable from our code\n\n")
    monkeypatch.setattr(audit, "EXCEPTIONS", listed)

    assert audit.exceptions() == ["PYSEC-2025-1"]
