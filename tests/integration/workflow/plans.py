"""Small category plans for real executions: SLAs in hours, run as seconds at the driver's scale."""

from __future__ import annotations

from complaintdesk.categories import CategoryDefinition, parse_category


def names(tr: str, en: str, lv: str) -> dict[str, str]:
    """A name in each language a published category must have (publishing checks tr, en and lv)."""
    return {"tr": tr, "en": en, "lv": lv}


def three_step(**changes: object) -> CategoryDefinition:
    """A billing-like plan whose SLAs are hours, i.e. seconds at the driver's time scale.

    Step 1 has 4 h (completed at once), step 2 has 1 h then L1 (+1 h) and L2 (+8 h), step 3 has 4 h.
    """
    data: dict[str, object] = {
        "id": "wf-demo",
        "names": {"tr": "Deneme faturası", "en": "Demo billing", "lv": "Demonstrācijas rēķins"},
        "calendar": "24x7",
        "teams": [
            {
                "id": "billing",
                "name": "Billing team",
                "names": names("Faturalama ekibi", "Billing team", "Norēķinu komanda"),
            },
            {"id": "finance", "name": "Finance", "names": names("Finans", "Finance", "Finanses")},
        ],
        "steps": [
            {
                "id": "triage",
                "title": "Triage",
                "names": names("Ön değerlendirme", "Triage", "Sākotnējā izvērtēšana"),
                "owner_team": "billing",
                "instructions": {"en": "Read it."},
                "sla": "4h",
                "clock": "calendar",
            },
            {
                "id": "investigate",
                "title": "Investigate",
                "names": names("İnceleme", "Investigate", "Izpēte"),
                "owner_team": "billing",
                "instructions": {"en": "Find the wrong line."},
                "sla": "1h",
                "clock": "calendar",
                "escalation": [
                    {
                        "label": "Billing lead",
                        "names": names("Faturalama ekip lideri", "Billing lead", "Norēķinu vadītājs"),
                        "notify": [{"kind": "manager", "value": "billing"}],
                        "extra": "1h",
                    },
                    {
                        "label": "Finance manager",
                        "names": names("Finans müdürü", "Finance manager", "Finanšu vadītājs"),
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
                "names": names("Teyit", "Confirm", "Apstiprināšana"),
                "owner_team": "billing",
                "instructions": {"en": "Call back."},
                "sla": "4h",
                "clock": "calendar",
            },
        ],
        "root_causes": [
            {
                "code": "billing_system_error",
                "names": names(
                    "Faturalama sistemi hatası", "Billing system error", "Norēķinu sistēmas kļūda"
                ),
            },
        ],
        "closing": {"survey_after_days": 1, "auto_close_after_days": 2},
    }
    data.update(changes)
    return parse_category(data)
