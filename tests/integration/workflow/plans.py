"""Small category plans for real executions: SLAs in hours, run as seconds at the driver's scale."""

from __future__ import annotations

from complaintdesk.categories import CategoryDefinition, parse_category


def three_step(**changes: object) -> CategoryDefinition:
    """A billing-like plan whose SLAs are hours, i.e. seconds at the driver's time scale.

    Step 1 has 4 h (completed at once), step 2 has 1 h then L1 (+1 h) and L2 (+8 h), step 3 has 4 h.
    """
    data: dict[str, object] = {
        "id": "wf-demo",
        "names": {"tr": "Deneme faturası", "en": "Demo billing"},
        "calendar": "24x7",
        "teams": [{"id": "billing", "name": "Billing team"}, {"id": "finance", "name": "Finance"}],
        "steps": [
            {
                "id": "triage",
                "title": "Triage",
                "owner_team": "billing",
                "instructions": {"en": "Read it."},
                "sla": "4h",
                "clock": "calendar",
            },
            {
                "id": "investigate",
                "title": "Investigate",
                "owner_team": "billing",
                "instructions": {"en": "Find the wrong line."},
                "sla": "1h",
                "clock": "calendar",
                "escalation": [
                    {
                        "label": "Billing lead",
                        "notify": [{"kind": "manager", "value": "billing"}],
                        "extra": "1h",
                    },
                    {
                        "label": "Finance manager",
                        "notify": [
                            {"kind": "manager", "value": "finance"},
                            {"kind": "email", "value": "cfo@example.com"},
                        ],
                        "extra": "8h",
                    },
                ],
            },
            {
                "id": "confirm",
                "title": "Confirm",
                "owner_team": "billing",
                "instructions": {"en": "Call back."},
                "sla": "4h",
                "clock": "calendar",
            },
        ],
        "closing": {"survey_after_days": 1, "auto_close_after_days": 2},
    }
    data.update(changes)
    return parse_category(data)
