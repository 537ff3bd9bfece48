"""Category executions that FAILED, TIMED_OUT or were ABORTED (EventBridge, aws.states): each goes
on its ticket's timeline once, and counts in the PlansFailed metric.

See ``complaintdesk.services.executions`` for what happens to each event.
"""

from __future__ import annotations

from typing import Any

from complaintdesk.observability import instrumented
from complaintdesk.services.executions import record_stopped


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, str]:
    return {"result": record_stopped(event)}
