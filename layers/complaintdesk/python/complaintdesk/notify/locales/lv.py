"""Latviešu (Latvian). Same templates and placeholders as ``en.py``; see the note there for the syntax."""

from complaintdesk.notify.locales import Locale, Text

_GREETING = """
Labdien, {recipient_name}!
{!recipient_name}Labdien!
"""

_TICKET = """
Pieteikuma numurs: {ticket_id}
Temats: {complaint_subject}
"""

_STATUS = """
Sūdzības statusu varat jebkurā laikā skatīt šeit: {status_url}
"""

TEMPLATES: dict[str, Text] = {
    "ticket.acknowledged": Text(
        subject="""
Jūsu sūdzība ir saņemta: {complaint_subject}
{!complaint_subject}Jūsu sūdzība ir saņemta
""",
        body=_GREETING
        + """
Paldies, ka par to pastāstījāt. Jūsu sūdzība ir reģistrēta, un ar to jau strādā mūsu komanda.
"""
        + _TICKET
        + """
Kas notiks tālāk: mēs izskatīsim jūsu sūdzību un sniegsim pirmo atbildi. Ja mums no jums kas būs vajadzīgs, mēs pajautāsim.
Atbildes termiņš: {first_response_due}
"""
        + _STATUS,
        sms="{brand}: jūsu sūdzība {ticket_id} ir saņemta. Atbildes termiņš: {first_response_due}.",
    ),
    "step.started": Text(
        subject="Sākts nākamais solis: {step_name}",
        body=_GREETING
        + """
Esam sākuši nākamo soli jūsu sūdzības izskatīšanā: {step_name}

{step_description}

Paredzamais izpildes termiņš: {due_at}
"""
        + _TICKET
        + _STATUS,
        sms="{brand}: {ticket_id} - sākts solis: {step_name}.",
    ),
    "step.completed": Text(
        subject="Solis pabeigts: {step_name}",
        body=_GREETING
        + """
Esam pabeiguši šo jūsu sūdzības izskatīšanas soli: {step_name}

{outcome}

Nākamais solis: {next_step_name}
"""
        + _TICKET
        + _STATUS,
        sms="{brand}: {ticket_id} - pabeigts: {step_name}.",
    ),
    "customer.waiting": Text(
        subject="""
Mums ir nepieciešama jūsu informācija: {complaint_subject}
{!complaint_subject}Mums ir nepieciešama jūsu informācija
""",
        body=_GREETING
        + """
Lai turpinātu darbu ar jūsu sūdzību, mums no jums ir nepieciešams:

{request}

Lūdzu, atbildiet līdz: {reply_by}

Vienkārši atbildiet uz šo e-pastu — jūsu atbilde tiks automātiski pievienota sūdzībai. Tiklīdz to saņemsim, turpināsim darbu.
"""
        + _TICKET
        + _STATUS,
        sms="{brand}: {ticket_id} - mums ir nepieciešama jūsu informācija. Lūdzu, pārbaudiet e-pastu.",
    ),
    "customer.reminder": Text(
        subject="""
Mēs joprojām gaidām jūsu atbildi: {complaint_subject}
{!complaint_subject}Mēs joprojām gaidām jūsu atbildi
""",
        body=_GREETING
        + """
Mēs vēl neesam saņēmuši informāciju, ko jums lūdzām:

{request}

Lūdzu, atbildiet līdz: {reply_by}
{?closes}Ja līdz tam no jums nesaņemsim ziņu, jūsu sūdzība tiks slēgta. Ja atbildēsiet vēlāk, mēs to izskatīsim no jauna.
{!closes}Ja līdz tam no jums nesaņemsim ziņu, jūsu sūdzību izskatīs vadītājs.

Vienkārši atbildiet uz šo e-pastu — jūsu atbilde tiks automātiski pievienota sūdzībai.
"""
        + _TICKET
        + _STATUS,
        sms="{brand}: {ticket_id} - mēs joprojām gaidām jūsu atbildi. Lūdzu, pārbaudiet e-pastu.",
    ),
    "ticket.resolved": Text(
        subject="""
Mūsu lēmums par jūsu sūdzību: {complaint_subject}
{!complaint_subject}Mūsu lēmums par jūsu sūdzību
""",
        body=_GREETING
        + """
Esam pabeiguši jūsu sūdzības izskatīšanu. Mūsu lēmums:

{resolution}

Kāpēc tā notika: {root_cause}

{?apology}Atvainojamies par sagādātajām neērtībām.
Piedāvātā kompensācija: {compensation_type}, {compensation_amount}
{!compensation_amount}Piedāvātā kompensācija: {compensation_type}

Ja nepiekrītat lēmumam vai kaut kas joprojām nav kārtībā, atbildiet uz šo e-pastu, un mēs to izskatīsim vēlreiz.
"""
        + _TICKET
        + _STATUS,
        sms="{brand}: lēmums par jūsu sūdzību {ticket_id} ir nosūtīts uz jūsu e-pastu.",
    ),
    "ticket.followup": Text(
        subject="""
Vai problēma ir atrisināta? {complaint_subject}
{!complaint_subject}Vai problēma ir atrisināta?
""",
        body=_GREETING
        + """
Pirms kāda laika nosūtījām jums mūsu lēmumu par jūsu sūdzību. Vēlamies uzzināt: vai problēma ir atrisināta?

Jā, atrisināta: {solved_url}
Nē, nav atrisināta: {not_solved_url}

Varat arī vienkārši atbildēt uz šo e-pastu. Ja problēma nav atrisināta, uzrakstiet, kas joprojām nav kārtībā, un mēs turpināsim darbu.
"""
        + _TICKET
        + _STATUS,
        sms="{brand}: vai mūsu atbilde atrisināja sūdzību {ticket_id}? Ja nē, atbildiet uz mūsu e-pastu.",
    ),
    "ticket.survey": Text(
        subject="""
Kā mēs izskatījām jūsu sūdzību? {complaint_subject}
{!complaint_subject}Kā mēs izskatījām jūsu sūdzību?
""",
        body=_GREETING
        + """
Jūsu sūdzība ir atrisināta. Vai pastāstīsiet, kā mēs to izskatījām? Tas aizņems mazāk nekā minūti: izvēlieties vērtējumu no 1 (ļoti slikti) līdz 5 (izcili) un, ja vēlaties, pievienojiet komentāru.

Novērtēt: {survey_url}

Saite ir personiska un derīga līdz: {survey_expires}

Paldies! Jūsu atbilde palīdz mums kļūt labākiem.
"""
        + _TICKET,
        sms="{brand}: kā mēs izskatījām sūdzību {ticket_id}? Novērtējiet 1-5: {survey_url}",
    ),
    "ticket.closed": Text(
        subject="""
Jūsu sūdzība ir slēgta: {complaint_subject}
{!complaint_subject}Jūsu sūdzība ir slēgta
""",
        body=_GREETING
        + """
Esam slēguši jūsu sūdzību {ticket_id}.

{closing_note}

Paldies, ka veltījāt laiku, lai mums par to pastāstītu. Šādas sūdzības palīdz mums pilnveidoties.

Ja šajā jautājumā atkal rodas problēmas, atbildiet uz šo e-pastu, un mēs sūdzību atvērsim no jauna.
"""
        + _TICKET
        + _STATUS,
        sms="{brand}: jūsu sūdzība {ticket_id} ir slēgta. Paldies!",
    ),
    "ticket.reopened": Text(
        subject="""
Jūsu sūdzība ir atvērta no jauna: {complaint_subject}
{!complaint_subject}Jūsu sūdzība ir atvērta no jauna
""",
        body=_GREETING
        + """
Esam atvēruši jūsu sūdzību no jauna un atkal pie tās strādājam.

Iemesls: {reason}

Mēs jūs informēsim par turpmāko.
"""
        + _TICKET
        + _STATUS,
        sms="{brand}: jūsu sūdzība {ticket_id} ir atvērta no jauna. Mēs jūs informēsim.",
    ),
    "agent.reply": Text(
        subject="""
Mūsu atbilde par jūsu sūdzību: {complaint_subject}
{!complaint_subject}Mūsu atbilde par jūsu sūdzību
""",
        body=_GREETING
        + """
{reply_text}

Lai atbildētu, vienkārši atbildiet uz šo e-pastu: jūsu atbilde nonāks pie komandas, kas izskata jūsu sūdzību.
"""
        + _TICKET
        + _STATUS,
        sms="{brand}: esam atbildējuši par jūsu sūdzību {ticket_id}.\nMūsu atbilde: {status_url}",
    ),
    "step.assigned": Text(
        subject="""
Jauns uzdevums komandai {team_name}: {step_name}
{!team_name}Jauns uzdevums: {step_name}
""",
        body=_GREETING
        + """
Jūsu komandai ir jauns uzdevums sūdzībā {ticket_id}.

Uzdevums: {step_name}
Komanda: {team_name}
Kategorija: {category_name}
Sūdzība: {complaint_subject}
Termiņš: {due_at}

{?instructions}Kas jādara:
{instructions}

{?reason}Kāpēc:
{reason}

Atvērt pieteikumu: {ticket_url}

Kad uzdevums ir izpildīts, atzīmējiet to sistēmā {brand}, lai varētu sākties nākamais solis. Ja tas netiks izpildīts līdz termiņam, tas tiks eskalēts.
""",
        sms="{brand}: jauns uzdevums {step_name} pieteikumam {ticket_id}, termiņš: {due_at}.",
    ),
    "step.reminder": Text(
        subject="Atgādinājums: {step_name} - drīz beigsies termiņš",
        body=_GREETING
        + """
Drīz beigsies termiņš šim uzdevumam sūdzībā {ticket_id}.

Uzdevums: {step_name}
Komanda: {team_name}
Sūdzība: {complaint_subject}
Termiņš: {due_at}
Atlikušais laiks: {time_left}

Ja uzdevums līdz tam netiks izpildīts, tas tiks eskalēts.

Atvērt pieteikumu: {ticket_url}
""",
        sms="{brand}: atgādinājums - {step_name} pieteikumam {ticket_id}, termiņš: {due_at}.",
    ),
    "step.escalated": Text(
        subject="Eskalācijas līmenis {escalation_level}: kavējas {step_name}",
        body=_GREETING
        + """
Sūdzības {ticket_id} solis nav izpildīts laikā un ir eskalēts jums.

Uzdevums: {step_name}
Komanda: {team_name}
Kategorija: {category_name}
Sūdzība: {complaint_subject}
Eskalācijas līmenis: {escalation_level}
Kavējums: {late_by}
Jaunais termiņš: {new_deadline}

{?attempts}Kas līdz šim ir darīts:
{!attempts}Pieteikumā vēl nav reģistrētu darbību.

- {attempts}

Lūdzu, parūpējieties, lai uzdevums tiktu izpildīts līdz jaunajam termiņam.

Atvērt pieteikumu: {ticket_url}
""",
        sms="{brand}: eskalācija L{escalation_level} - {step_name} ({ticket_id}), kavējums: {late_by}. "
        "Jaunais termiņš: {new_deadline}.",
    ),
}

LOCALE = Locale(
    code="lv",
    name="Latviešu",
    # 1, 21, 31 ... take the singular; 11 and every other number the plural.
    units={"day": ("diena", "dienas"), "hour": ("stunda", "stundas"), "minute": ("minūte", "minūtes")},
    plural=lambda n: 0 if n % 10 == 1 and n % 100 != 11 else 1,
    labels={
        "compensation_type": {
            "refund": "naudas atmaksa",
            "credit": "kredīts jūsu kontā",
            "voucher": "dāvanu karte",
            "discount": "atlaide",
            "replacement": "preces apmaiņa",
            "repair": "bezmaksas remonts",
            "gift": "dāvana",
        },
    },
    footers={
        "customer": "Šo automātisko ziņu {brand} nosūtīja par sūdzību {ticket_id}. "
        "Lai pievienotu informāciju, vienkārši atbildiet uz šo e-pastu.",
        "team": "{brand} ziņa par pieteikumu {ticket_id}.",
        "manager": "{brand}: eskalācija pieteikumam {ticket_id}.",
    },
    templates=TEMPLATES,
)
