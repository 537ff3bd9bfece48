"""Scheduled reminders (EventBridge, every 15 minutes): the owner team hears before a step falls due.

See ``complaintdesk.services.reminders`` for what a run does.
"""

from __future__ import annotations

from typing import Any

from complaintdesk.observability import instrumented
from complaintdesk.services.reminders import handle_schedule


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle_schedule(event)
