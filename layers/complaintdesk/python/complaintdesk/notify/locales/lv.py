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
        sms_fallback="{brand}: {ticket_id} - lai turpinātu, mums no jums vajag:\n{request}\nLūdzu, atbildiet līdz {reply_by}.",
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
        sms_fallback="{brand}: {ticket_id} - mēs joprojām gaidām jūsu atbildi:\n{request}\nLūdzu, atbildiet līdz {reply_by}.",
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

Vai piekrītat šim lēmumam? Paziņojiet mums ar vienu klikšķi: {decision_url}
{?decision_url}Ja to noraidīsiet, jūsu sūdzība paliks atvērta un tiks izskatīta vēlreiz, un mēs pastāstīsim, kur vēl varat vērsties. Lūdzu, atbildiet līdz {decision_until}.
{?decision_url}Jūsu atbilde uz šo e-pastu nonāks pie mūsu komandas, taču sūdzību no jauna atver tikai jūsu atbilde, izmantojot šo saiti.
{!decision_url}Ja nepiekrītat lēmumam vai kaut kas joprojām nav kārtībā, sazinieties ar mums, un mēs to izskatīsim vēlreiz.
"""
        + _TICKET
        + _STATUS,
        sms="""
{?decision_url}{brand}: lēmums par {ticket_id} ir jūsu e-pastā.
{?decision_url}Pieņemt vai noraidīt: {decision_url}
{!decision_url}{brand}: lēmums par jūsu sūdzību {ticket_id} ir nosūtīts uz jūsu e-pastu.
""",
        sms_fallback="""
{?decision_url}{brand}: lēmums par {ticket_id} (pieņemt vai noraidīt: {decision_url}):
{!decision_url}{brand}: lēmums par {ticket_id} (sīkāk: {status_url}):
{resolution}
""",
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
        sms_fallback="{brand}: vai mūsu atbilde atrisināja sūdzību {ticket_id}?\nJā: {solved_url}\nNē: {not_solved_url}\n{!not_solved_url}Jūsu sūdzība: {status_url}",
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
        sms_fallback="{brand}: mūsu atbilde par {ticket_id} (sīkāk: {status_url}):\n{reply_text}",
    ),
    "resolution.rejected": Text(
        subject="""
Jūsu sūdzība tiks izskatīta vēlreiz: {complaint_subject}
{!complaint_subject}Jūsu sūdzība tiks izskatīta vēlreiz
""",
        body=_GREETING
        + """
Jūs mums paziņojāt, ka nepiekrītat mūsu lēmumam. Jūsu sūdzība paliek atvērta: tagad to izskata cita komanda, un mēs jums rakstīsim ar jaunu atbildi.

Jūsu iemesls: {reason}

Ja arī pēc mūsu pārskatīšanas neesat apmierināts, varat vērsties arī:
- {recourse}
"""
        + _TICKET
        + _STATUS,
        sms="{brand}: sūdzība {ticket_id} paliek atvērta un tiks izskatīta vēlreiz.\nStatuss: {status_url}",
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
    "resolution.review": Text(
        subject="Pārskatīšana: klients noraidīja risinājumu",
        body=_GREETING
        + """
Klients noraidīja sūdzības {ticket_id} risinājumu. Sūdzība ir jūsu rindā ({team_name}) pārskatīšanai.

Sūdzība: {complaint_subject}
Kategorija: {category_name}
Noraidītais risinājums: {resolution}
Klienta iemesls: {reason}

Atrisiniet to vēlreiz ar jaunu atbildi vai vispirms uzrakstiet klientam.

Atvērt pieteikumu: {ticket_url}
""",
        sms="{brand}: klients noraidīja pieteikuma {ticket_id} risinājumu; lūdzu, pārskatiet to.",
    ),
    "resolution.replied": Text(
        subject="Klients rakstīja pēc sūdzības atrisināšanas",
        body=_GREETING
        + """
Klients atbildēja uz sūdzību {ticket_id} pēc tās atrisināšanas. Atbilde ir hronoloģijā; tā sūdzību no jauna neatvēra.

Sūdzība: {complaint_subject}
Komanda: {team_name}
Klienta vārdi:
{reply_excerpt}

Ja vajag vēl strādāt, atveriet to no jauna ar vienu izsaukumu līdz {reopen_until}:
{reopen_call}

Atvērt pieteikumu: {ticket_url}
""",
        sms="{brand}: klients rakstīja pēc pieteikuma {ticket_id} atrisināšanas.",
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
Kam eskalēts: {escalation_name}
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
        "status": {
            "open": "tiek izskatīta",
            "waiting_customer": "gaidām jūsu atbildi",
            "resolved": "lēmums nosūtīts",
            "closed": "slēgta",
        },
        "next_step_name": {
            "resolution": "mūsu lēmuma paziņošana",
        },
        "event": {
            "ticket.received": "sūdzība saņemta",
            "ticket.created": "sūdzība reģistrēta",
            "ticket.acknowledged": "saņemšana apstiprināta",
            "ticket.updated": "dati atjaunināti",
            "email.received": "klienta e-pasts",
            "email.bounced": "e-pastu neizdevās piegādāt",
            "email.auto_reply": "saņemta automātiska atbilde",
            "comment.public": "atbilde klientam",
            "comment.internal": "iekšēja piezīme",
            "customer.replied": "klients atbildēja",
            "customer.waiting": "klientam lūgta informācija",
            "customer.reminder": "atgādinājums klientam",
            "ticket.resumed": "darbs atsākts",
            "attachment.added": "pievienota datne",
            "step.started": "sākts posms",
            "step.assigned": "uzdevums piešķirts",
            "step.reminder": "atgādinājums par termiņu",
            "step.completed": "uzdevums pabeigts",
            "step.escalated": "eskalēts",
            "step.breached": "termiņš nokavēts arī augstākajā līmenī",
            "resolution.pending": "lēmums tiek gatavots",
            "workflow.start_failed": "procesu neizdevās sākt",
            "workflow.answer_refused": "atbilde procesam noraidīta",
            "workflow.answer_pending": "atbilde procesam gaida",
            "workflow.failed": "process beidzās ar kļūdu",
            "recovery.recorded": "reģistrēta kompensācija",
            "ticket.resolved": "lēmums nosūtīts",
            "ticket.reopened": "sūdzība atvērta atkārtoti",
            "resolution.accepted": "klients pieņēma lēmumu",
            "resolution.rejected": "klients noraidīja lēmumu",
            "resolution.replied": "klients atbildēja uz lēmumu",
            "ticket.survey": "nosūtīta apmierinātības aptauja",
            "survey.answered": "aizpildīta apmierinātības aptauja",
            "ticket.closed": "sūdzība slēgta",
            "email_sent": "nosūtījām jums e-pastu",
            "sms_sent": "nosūtījām jums īsziņu",
            "other": "atjauninājums",
        },
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

# --- Klienta lapas (statuss, aptauja, lēmums, nederīga saite): complaintdesk.pages ----------------------
PAGES: dict[str, str] = {
    "brand": "Klientu apkalpošana",
    "greeting": "Cien. {name},",
    "footer": "Šī lapa ir paredzēta tikai jums: lūdzu, nedalieties ar tās adresi. Jautājumi? "
    "Atbildiet uz jebkuru mūsu e-pastu.",
    "status.title": "Jūsu sūdzība {ticket_id}",
    "status.intro.open": "Paldies par pacietību. Mēs strādājam pie jūsu sūdzības.",
    "status.intro.waiting_customer": "Lai turpinātu darbu pie jūsu sūdzības, mums no jums kaut kas ir vajadzīgs.",
    "status.intro.resolved": "Esam pabeiguši jūsu sūdzības izskatīšanu.",
    "status.intro.closed": "Jūsu sūdzība ir slēgta.",
    "status.open": "Tiek izskatīta",
    "status.waiting_customer": "Gaidām jūsu atbildi",
    "status.resolved": "Atrisināta",
    "status.closed": "Slēgta",
    "label.subject": "Temats",
    "label.status": "Statuss",
    "label.category": "Sūdzības veids",
    "label.step": "Ko mēs darām pašlaik",
    "label.received": "Saņemta",
    "label.resolved": "Atrisināta",
    "label.closed": "Slēgta",
    "label.resolution": "Mūsu lēmums",
    "next.heading": "Kas notiks tālāk",
    "next.step_due": "Mūsu komanda strādā pie soļa “{step}” un plāno to pabeigt līdz {due}.",
    "next.step_late": "Solis “{step}” aizņem vairāk laika, nekā solījām ({due}). Atvainojamies: tagad to "
    "uzrauga pieredzējis kolēģis, un mēs jums uzrakstīsim, tiklīdz tas būs paveikts.",
    "next.first_response": "Mūsu pirmo atbildi nosūtīsim līdz {due}.",
    "next.first_response_late": "Mūsu pirmā atbilde kavējas (solījām līdz {due}). Atvainojamies; "
    "drīzumā jums uzrakstīsim.",
    "next.working": "Mēs strādājam pie jūsu sūdzības un jums uzrakstīsim, tiklīdz būs jaunumi.",
    "next.waiting": "Lūdzu, atbildiet uz mūsu pēdējo ziņu, atbildot uz mūsu e-pastu. Turpināsim, tiklīdz "
    "saņemsim jūsu atbildi.",
    "next.resolved": "Lūdzu, pastāstiet, vai mūsu lēmums atrisina jūsu problēmu: zemāk varat to pieņemt "
    "vai noraidīt. Ja to noraidīsiet, mēs jūsu sūdzību izskatīsim vēlreiz.",
    "next.closed": "Nekas vairs nav plānots. Ja kaut kas jauns notiek nepareizi, rakstiet mums jebkurā laikā.",
    "conversation.heading": "Ziņas",
    "conversation.us": "Mūsu atbilde",
    "conversation.you": "Jūsu ziņa",
    "conversation.empty": "Ziņu vēl nav.",
    "timeline.heading": "Kas līdz šim noticis",
    "event.ticket.received": "Mēs saņēmām jūsu sūdzību.",
    "event.email_sent": "Mēs jums nosūtījām e-pastu: “{subject}”.",
    "event.email_sent_plain": "Mēs jums nosūtījām e-pastu.",
    "event.sms_sent": "Mēs jums nosūtījām īsziņu.",
    "event.customer.waiting": "Mēs jums lūdzām papildu informāciju.",
    "event.ticket.resolved": "Mēs atrisinājām jūsu sūdzību.",
    "event.ticket.reopened": "Jūsu sūdzība tika atvērta no jauna.",
    "event.ticket.closed": "Jūsu sūdzība tika slēgta.",
    "event.survey.answered": "Jūs novērtējāt, kā izskatījām jūsu sūdzību: {score} no 5.",
    "event.resolution.accepted": "Jūs pieņēmāt mūsu lēmumu.",
    "event.resolution.rejected": "Jūs nepieņēmāt mūsu lēmumu; mēs jūsu sūdzību izskatām vēlreiz.",
    "decision.link": "Pieņemt vai noraidīt mūsu lēmumu",
    "decision.title": "Mūsu lēmums par jūsu sūdzību {ticket_id}",
    "decision.intro": "Esam pabeiguši jūsu sūdzības “{subject}” izskatīšanu. Mūsu lēmums:",
    "decision.heading": "Jūsu atbilde",
    "decision.question": "Vai šis lēmums atrisina jūsu problēmu?",
    "decision.answer_by": "Lūdzu, dariet mums zināmu līdz {due}.",
    "decision.accept": "Jā, es pieņemu lēmumu",
    "decision.accept.note": "Ja to pieņemsiet, mēs jūsu sūdzību slēgsim.",
    "decision.reason": "Kas joprojām nav kārtībā? (nav obligāti)",
    "decision.reject": "Nē, es to nepieņemu",
    "decision.reject.note": "Ja to nepieņemsiet, mēs jūsu sūdzību izskatīsim vēlreiz.",
    "decision.thanks": "Paldies par atbildi.",
    "decision.accepted": "Jūs pieņēmāt mūsu lēmumu {at}. Jūsu sūdzība ir slēgta.",
    "decision.rejected": "Jūs nepieņēmāt mūsu lēmumu ({at}). Mēs jūsu sūdzību izskatām vēlreiz un jums uzrakstīsim.",
    "decision.closed": "Uz šo lēmumu šeit vairs nevar atbildēt: jūsu sūdzība kopš tā laika ir mainījusies. "
    "Statusa lapā redzams, kur tā pašlaik ir.",
    "recourse.heading": "Ja joprojām neesat apmierināts",
    "recourse.internal": "Mūsu uzņēmumā",
    "recourse.external": "Ārpus mūsu uzņēmuma",
    "event.other": "Jūsu sūdzība tika atjaunināta.",
    "survey.title": "Kā mums veicās?",
    "survey.intro": "Lūdzu, pastāstiet, kā mēs izskatījām jūsu sūdzību {ticket_id}. Tas aizņems minūti.",
    "survey.question": "Cik apmierināts esat ar to, kā izskatījām jūsu sūdzību?",
    "survey.score.1": "1 – Ļoti neapmierināts",
    "survey.score.2": "2 – Neapmierināts",
    "survey.score.3": "3 – Ne apmierināts, ne neapmierināts",
    "survey.score.4": "4 – Apmierināts",
    "survey.score.5": "5 – Ļoti apmierināts",
    "survey.comment": "Ko vēlaties mums pateikt (nav obligāti)",
    "survey.submit": "Nosūtīt atbildi",
    "survey.thanks.title": "Paldies",
    "survey.thanks": "Paldies par atbildi. Jūs mūs novērtējāt ar {score} no 5.",
    "survey.already.title": "Jau atbildēts",
    "survey.already": "Jūs jau esat atbildējis uz šo aptauju ({score} no 5). Paldies!",
    "link.status": "Skatīt sūdzības statusu",
    "error.403.title": "Šī saite nedarbojas",
    "error.403": "Saite vairs nav derīga: iespējams, tās derīguma termiņš ir beidzies vai tā kopējot tika "
    "saīsināta. Atbildiet uz jebkuru mūsu e-pastu, un mēs jums nosūtīsim jaunu.",
    "error.404.title": "Mēs nevarējām atrast šo sūdzību",
    "error.404": "Lūdzu, pārbaudiet saiti mūsu e-pastā vai atbildiet uz to, un mēs jums palīdzēsim.",
    "error.400.title": "Kaut kā trūkst",
    "error.400": "Kāds veidlapas lauks nav aizpildīts tā, kā mums vajag. Lūdzu, atgriezieties un mēģiniet vēlreiz.",
    "error.409.title": "Tas jau ir izdarīts",
    "error.409": "Tas jau ir izdarīts, vai arī sūdzība pa to laiku ir mainījusies. Lūdzu, atveriet saiti vēlreiz.",
    "error.other.title": "Kaut kas nogāja greizi",
    "error.other": "Pašlaik to nevarējām izdarīt. Lūdzu, mēģiniet vēlreiz pēc dažām minūtēm.",
}
