"""pytest plugin: permissions from evidence, across whatever part of the suite runs.

Registered in tests/conftest.py. From the start of the session every AWS call a Lambda function
makes is recorded (``tests.support.iam.CallRecorder``); at the end each one is checked against that
function's role in the SAM-transformed template.yaml. A call the role does not allow fails the
session, naming the function, the call, the resource and the statement that would have allowed it.
Grants no observed call used are listed in the report (``build/iam-evidence.txt``), not failed:
a subset of the tests exercises a subset of the code.

``--no-iam-evidence`` switches it off (e.g. while bisecting an unrelated failure).
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

import pytest

from tests.support.iam import CallRecorder, Report, check, write_report

_recorder: CallRecorder | None = None
_report: Report | None = None
_error: str | None = None

REPORT_PATH = Path("build") / "iam-evidence.txt"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--no-iam-evidence",
        action="store_true",
        default=False,
        help="do not record AWS calls per function nor check them against template.yaml's roles",
    )


def pytest_configure(config: pytest.Config) -> None:
    global _recorder
    if config.getoption("--no-iam-evidence") or _recorder is not None:
        return
    _recorder = CallRecorder().start()


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    global _report, _error
    if _recorder is None:
        return
    _recorder.stop()
    if not _recorder.calls:
        return
    try:
        _report = check(_recorder)
    except Exception:  # a broken check fails the session without hiding the tests' own results
        _error = traceback.format_exc()
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        return
    write_report(_report, Path(str(session.config.rootpath)) / REPORT_PATH)
    if not _report.ok and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _error is not None:
        terminalreporter.section("permissions from evidence")
        terminalreporter.write_line("The check itself failed:", red=True)
        terminalreporter.write_line(_error)
    if _report is None:
        return
    terminalreporter.section("permissions from evidence")
    lines = list(_report.lines())
    if _report.ok:
        # Quiet when all is well: the counts and the unused grants are in the report file.
        lines = [lines[0], "Every observed call is allowed by its function's role.", f"Report: {REPORT_PATH}"]
    for line in lines:
        terminalreporter.write_line(line, red=not _report.ok and "REFUSED" in line)
