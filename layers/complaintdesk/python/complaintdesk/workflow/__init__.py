"""Category workflows: schedules (deadlines), the category → ASL compiler, its checker and contract."""

from complaintdesk.workflow.compiler import WorkflowResources, asl_json, compile_category, state_machine_name
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
