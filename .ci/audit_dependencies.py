"""Audit the pinned requirements with pip-audit and judge its report.

Fails on any known vulnerability not listed in .ci/pip-audit-exceptions.txt (one advisory id
a line, each with its reason). pip-audit asks PyPI's JSON API for advisories; where that
service cannot be reached (a closed network: every dependency comes back "skipped"), nothing
was audited, and this says so plainly rather than reporting a clean result; with
PACTE_AUDIT_STRICT=1 that also fails.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXCEPTIONS = ROOT / ".ci" / "pip-audit-exceptions.txt"


def exceptions() -> list[str]:
    ids = []
    for line in EXCEPTIONS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            ids.append(line.split()[0])
    return ids


def main() -> int:
    command = [
        sys.executable,
        "-m",
        "pip_audit",
        "--requirement",
        str(ROOT / "requirements.txt"),
        "--requirement",
        str(ROOT / "requirements-dev.txt"),
        "--no-deps",
        "--disable-pip",
        "--progress-spinner",
        "off",
        "--format",
        "json",
    ]
    for advisory in exceptions():
        command += ["--ignore-vuln", advisory]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(result.stdout + result.stderr)
        print("pip-audit: no report (see above).")
        return 1
    status, lines = judge(report, strict=os.environ.get("PACTE_AUDIT_STRICT") == "1")
    print("\n".join(lines))
    return status


def judge(report: dict, *, strict: bool) -> tuple[int, list[str]]:
    """The exit status and what to print, from pip-audit's JSON report."""
    dependencies = report["dependencies"]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if "skip_reason" in d]
    lines = []
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
            lines.append(f"{dependency['name']} {dependency['version']}: {vuln['id']} ({fixes})")
    if vulnerable:
        lines.append(f"pip-audit: {len(vulnerable)} vulnerable dependencies.")
        return 1, lines
    audited = len(dependencies) - len(skipped)
    if skipped and not audited:
        lines.append(
            f"pip-audit: NOT AUDITED — the advisory service could not be reached for any of "
            f"the {len(dependencies)} pinned dependencies (closed network)."
        )
        return (1 if strict else 0), lines
    for dependency in skipped:
        lines.append(f"pip-audit: {dependency['name']} skipped: {dependency['skip_reason']}")
    lines.append(f"pip-audit: {audited} dependencies audited, no known vulnerability.")
    return (1 if skipped and strict else 0), lines


if __name__ == "__main__":
    sys.exit(main())
