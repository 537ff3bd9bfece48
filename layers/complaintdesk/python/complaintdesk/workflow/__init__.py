"""Category workflows: schedules (deadlines), the category → ASL compiler, its checker and contract.

The names below load their submodule when first used (PEP 562), so importing one submodule
(``workflow.contract``, which every ticket change reads) does not load the compiler, the category
model and the calendars with it: a function that never compiles a workflow never pays for that.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from complaintdesk.lazy import lazy_getattr

if TYPE_CHECKING:
    from complaintdesk.workflow.compiler import (
        WorkflowResources,
        asl_json,
        compile_category,
        state_machine_name,
    )
    from complaintdesk.workflow.schedule import (
        EscalationInfo,
        StepPreview,
        StepSchedule,
        closing_clock,
        customer_wait_clock,
        customer_wait_index,
        preview,
        sla_time_used,
        step_schedule,
    )
    from complaintdesk.workflow.validate import AslError, validate_asl

_HOMES = {
    "WorkflowResources": "compiler",
    "asl_json": "compiler",
    "compile_category": "compiler",
    "state_machine_name": "compiler",
    "EscalationInfo": "schedule",
    "StepPreview": "schedule",
    "StepSchedule": "schedule",
    "closing_clock": "schedule",
    "customer_wait_clock": "schedule",
    "customer_wait_index": "schedule",
    "preview": "schedule",
    "sla_time_used": "schedule",
    "step_schedule": "schedule",
    "AslError": "validate",
    "validate_asl": "validate",
}

__all__ = [
    "AslError",
    "EscalationInfo",
    "StepPreview",
    "StepSchedule",
    "WorkflowResources",
    "asl_json",
    "closing_clock",
    "compile_category",
    "customer_wait_clock",
    "customer_wait_index",
    "preview",
    "sla_time_used",
    "state_machine_name",
    "step_schedule",
    "validate_asl",
]

__getattr__ = lazy_getattr(__name__, _HOMES)
