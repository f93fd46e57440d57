"""The FinOps Foundation's focus-validator passes a FOCUS 1.0 export of the demo.

focus-validator 1.0.0 knows FOCUS 1.0; five of its rules read pre-ratification column names
and are skipped by ``focus_validator_overrides.yaml`` (each with its reason). A deliberately
broken copy of the export must fail, so the harness itself is tested too.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from _focus_support import OVERRIDES, Invoke

SKIPPED = 5


def validate(site: Path, data: Path, report: Path) -> dict[str, int]:
    """Run the validator on ``data``; the counts of its JUnit report."""
    env = {**os.environ, "PYTHONPATH": str(site)}
    # It reads its currency list by a relative path: run it from its own folder.
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "focus_validator.main",
            "--data-file",
            str(data),
            "--validate-version",
            "1.0",
            "--override-file",
            str(OVERRIDES),
            "--output-type",
            "unittest",
            "--output-destination",
            str(report),
        ],
        cwd=site,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert report.is_file(), done.stderr[-3000:]
    root = ET.parse(report).getroot()
    return {k: int(root.get(k) or 0) for k in ("tests", "failures", "errors", "skipped")}


def _failures(report: Path) -> list[str]:
    return [
        case.get("name") or ""
        for case in ET.parse(report).getroot().iter("testcase")
        if case.find("failure") is not None or case.find("error") is not None
    ]


def test_demo_export_passes_focus_validator_1_0(
    invoke: Invoke, focus_validator: Path, tmp_path: Path
) -> None:
    data = tmp_path / "focus-1.0.csv"
    result = invoke(
        "export", "focus", "--demo", "--last", "30d", "--focus-version", "1.0", "-o", str(data)
    )
    assert result.exit_code == 0, result.output
    report = tmp_path / "report.xml"
    counts = validate(focus_validator, data, report)
    assert counts["failures"] == counts["errors"] == 0, _failures(report)
    assert counts["skipped"] == SKIPPED
    assert counts["tests"] > 100


def test_the_validator_fails_a_broken_export(
    invoke: Invoke, focus_validator: Path, tmp_path: Path
) -> None:
    data = tmp_path / "broken.csv"
    result = invoke(
        "export", "focus", "--demo", "--last", "2d", "--focus-version", "1.0", "-o", str(data)
    )
    assert result.exit_code == 0
    lines = data.read_text().splitlines()
    lines[1] = lines[1].replace(",Usage,", ",Spending,", 1).replace("USD", "XYZ", 1)
    data.write_text("\n".join(lines) + "\n")
    report = tmp_path / "report.xml"
    counts = validate(focus_validator, data, report)
    failed = " ".join(_failures(report))
    assert counts["failures"] + counts["errors"] >= 1
    assert "BillingCurrency" in failed
