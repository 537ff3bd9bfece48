"""pytest plugin: permissions from evidence, across whatever part of the suite runs.

Registered in tests/conftest.py. From the start of the session every AWS call a Lambda function
makes is recorded (``tests.support.iam.CallRecorder``); at the end each one is checked against that
function's role in the SAM-transformed template.yaml. A call the role does not allow fails the
session, naming the function, the call, the resource and the statement that would have allowed it.
Grants no observed call used are listed in the report (``build/iam-evidence.txt``), not failed:
a subset of the tests exercises a subset of the code.

``--no-iam-evidence`` switches it off (e.g. while bisecting an unrelated failure).

Under pytest-xdist each worker records and checks its own calls (a call its role refuses is refused
whichever worker saw it) and sends the outcome to the controller, which fails the session on any
refusal and writes every worker's report, one after the other, to the one report file.
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
_workers: dict[str, dict[str, Any]] = {}  # xdist controller: worker id -> its outcome

REPORT_PATH = Path("build") / "iam-evidence.txt"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--no-iam-evidence",
        action="store_true",
        default=False,
        help="do not record AWS calls per function nor check them against template.yaml's roles",
    )


def _is_xdist_controller(config: pytest.Config) -> bool:
    return getattr(config.option, "dist", "no") != "no" and not hasattr(config, "workerinput")


def pytest_configure(config: pytest.Config) -> None:
    global _recorder
    if config.getoption("--no-iam-evidence") or _recorder is not None:
        return
    if _is_xdist_controller(config):
        return  # the workers run the tests; the controller gathers their outcomes
    _recorder = CallRecorder().start()


def pytest_testnodedown(node: Any, error: Any) -> None:
    """xdist controller: a worker finished; keep its outcome."""
    outcome = getattr(node, "workeroutput", {}).get("iam_evidence")
    if outcome is not None:
        _workers[node.gateway.id] = outcome


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    global _report, _error
    if _workers:
        _finish_controller(session)
        return
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
    worker = getattr(session.config, "workeroutput", None)
    if worker is not None:  # an xdist worker: the controller reports
        worker["iam_evidence"] = {
            "ok": _report is not None and _report.ok,
            "lines": list(_report.lines()) if _report is not None else [],
            "error": _error,
        }
        return
    if _report is None:
        return
    write_report(_report, Path(str(session.config.rootpath)) / REPORT_PATH)
    if not _report.ok and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _finish_controller(session: pytest.Session) -> None:
    global _error
    errors = [f"{wid}:\n{o['error']}" for wid, o in sorted(_workers.items()) if o.get("error")]
    _error = "\n".join(errors) or None
    path = Path(str(session.config.rootpath)) / REPORT_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    text = [f"== worker {wid}\n" + "\n".join(o["lines"]) for wid, o in sorted(_workers.items()) if o["lines"]]
    path.write_text("\n\n".join(text) + "\n", encoding="utf-8")
    failed = _error is not None or not all(o["ok"] or not o["lines"] for o in _workers.values())
    if failed and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _workers:
        _summary_of_workers(terminalreporter)
        return
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


def _summary_of_workers(terminalreporter: Any) -> None:
    terminalreporter.section("permissions from evidence")
    if _error is not None:
        terminalreporter.write_line("The check itself failed:", red=True)
        terminalreporter.write_line(_error)
    for wid, outcome in sorted(_workers.items()):
        lines = outcome["lines"]
        if not lines:
            continue
        if outcome["ok"]:
            lines = [lines[0], "Every observed call is allowed by its function's role."]
        terminalreporter.write_line(f"worker {wid}:")
        for line in lines:
            terminalreporter.write_line(line, red=not outcome["ok"] and "REFUSED" in line)
    terminalreporter.write_line(f"Report: {REPORT_PATH}")
