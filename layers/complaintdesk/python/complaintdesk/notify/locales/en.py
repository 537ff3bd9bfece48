"""English. The reference language: every other language has the same templates and placeholders.

Translators: keep every ``{placeholder}`` as it is. A line whose value is empty is left out; ``{?name}``
keeps its line only when ``name`` is given, ``{!name}`` only when it is not. A blank line starts a new
paragraph; lines starting with ``- `` make a bulleted list.
"""

from complaintdesk.notify.locales import Locale, Text

_GREETING = """
Dear {recipient_name},
{!recipient_name}Hello,
"""

_TEAM_GREETING = """
Hello {recipient_name},
{!recipient_name}Hello,
"""

_TICKET = """
Ticket number: {ticket_id}
Subject: {complaint_subject}
"""

_STATUS = """
Follow your complaint at any time: {status_url}
"""

TEMPLATES: dict[str, Text] = {
    "ticket.acknowledged": Text(
        subject="""
We received your complaint: {complaint_subject}
{!complaint_subject}We received your complaint
""",
        body=_GREETING
        + """
Thank you for telling us about this. We have registered your complaint and it is now with our team.
"""
        + _TICKET
        + """
What happens next: we look into your complaint and send you our first reply. If we need anything from you, we will ask.
First reply by: {first_response_due}
"""
        + _STATUS,
        sms="{brand}: we received your complaint {ticket_id}. First reply by {first_response_due}.",
    ),
    "step.started": Text(
        subject="We have started the next step: {step_name}",
        body=_GREETING
        + """
We have started the next step in handling your complaint: {step_name}

{step_description}

Expected to be done by: {due_at}
"""
        + _TICKET
        + _STATUS,
        sms="{brand}: {ticket_id} - we started: {step_name}.",
    ),
    "step.completed": Text(
        subject="Step completed: {step_name}",
        body=_GREETING
        + """
We have completed this step in handling your complaint: {step_name}

{outcome}

Next step: {next_step_name}
"""
        + _TICKET
        + _STATUS,
        sms="{brand}: {ticket_id} - done: {step_name}.",
    ),
    "customer.waiting": Text(
        subject="""
We need information from you: {complaint_subject}
{!complaint_subject}We need information from you
""",
        body=_GREETING
        + """
To continue with your complaint, we need the following from you:

{request}

Please reply by: {reply_by}

Simply reply to this e-mail; your answer is added to your complaint automatically. We continue as soon as we have it.
"""
        + _TICKET
        + _STATUS,
        sms="{brand}: {ticket_id} - we need information from you. Please check your e-mail.",
    ),
    "customer.reminder": Text(
        subject="""
We are still waiting for your answer: {complaint_subject}
{!complaint_subject}We are still waiting for your answer
""",
        body=_GREETING
        + """
We have not yet received the information we asked you for:

{request}

Please reply by: {reply_by}
{?closes}If we do not hear from you by then, we will close your complaint. You can always reply later and we will look at it again.
{!closes}If we do not hear from you by then, a manager will review your complaint.

Simply reply to this e-mail; your answer is added to your complaint automatically.
"""
        + _TICKET
        + _STATUS,
        sms="{brand}: {ticket_id} - we are still waiting for your answer. Please check your e-mail.",
    ),
    "ticket.resolved": Text(
        subject="""
Our decision on your complaint: {complaint_subject}
{!complaint_subject}Our decision on your complaint
""",
        body=_GREETING
        + """
We have finished looking into your complaint. This is our decision:

{resolution}

Why it happened: {root_cause}

{?apology}We are sorry for the trouble this caused you.
Compensation offered: {compensation_type}, {compensation_amount}
{!compensation_amount}Compensation offered: {compensation_type}

If you do not agree, or something is still wrong, reply to this e-mail and we will look at it again.
"""
        + _TICKET
        + _STATUS,
        sms="{brand}: we have sent you our decision on complaint {ticket_id} by e-mail.",
    ),
    "ticket.followup": Text(
        subject="""
Did this solve it? {complaint_subject}
{!complaint_subject}Did this solve it?
""",
        body=_GREETING
        + """
Some time ago we sent you our decision on your complaint. We would like to know: is the problem solved?

Yes, it is solved: {solved_url}
No, it is not solved: {not_solved_url}

You can also simply reply to this e-mail. If the problem is not solved, tell us what is still wrong and we will continue working on it.
"""
        + _TICKET
        + _STATUS,
        sms="{brand}: did our answer solve your complaint {ticket_id}? If not, reply to our e-mail.",
    ),
    "ticket.survey": Text(
        subject="""
How did we handle your complaint? {complaint_subject}
{!complaint_subject}How did we handle your complaint?
""",
        body=_GREETING
        + """
Your complaint is resolved. Would you tell us how we handled it? It takes less than a minute: choose a score from 1 (very poor) to 5 (excellent) and, if you like, add a comment.

Rate us: {survey_url}

The link is personal and works until {survey_expires}.

Thank you. Your answer helps us get better.
"""
        + _TICKET,
        sms="{brand}: how did we handle complaint {ticket_id}? Rate us 1-5: {survey_url}",
    ),
    "ticket.closed": Text(
        subject="""
Your complaint is closed: {complaint_subject}
{!complaint_subject}Your complaint is closed
""",
        body=_GREETING
        + """
We have closed your complaint {ticket_id}.

{closing_note}

Thank you for taking the time to tell us. Complaints like yours help us improve.

If anything about this comes up again, reply to this e-mail and we will reopen it.
"""
        + _TICKET
        + _STATUS,
        sms="{brand}: your complaint {ticket_id} is closed. Thank you.",
    ),
    "ticket.reopened": Text(
        subject="""
Your complaint is open again: {complaint_subject}
{!complaint_subject}Your complaint is open again
""",
        body=_GREETING
        + """
We have reopened your complaint and are working on it again.

Reason: {reason}

We will keep you informed.
"""
        + _TICKET
        + _STATUS,
        sms="{brand}: your complaint {ticket_id} is open again. We will keep you informed.",
    ),
    "agent.reply": Text(
        subject="""
Our reply about your complaint: {complaint_subject}
{!complaint_subject}Our reply about your complaint
""",
        body=_GREETING
        + """
{reply_text}

To answer, simply reply to this e-mail: your answer goes to the team handling your complaint.
"""
        + _TICKET
        + _STATUS,
        sms="{brand}: we have answered you about {ticket_id}.\nRead our reply: {status_url}",
    ),
    "step.assigned": Text(
        subject="""
New task for {team_name}: {step_name}
{!team_name}New task: {step_name}
""",
        body=_TEAM_GREETING
        + """
Your team has a new task on complaint {ticket_id}.

Task: {step_name}
Team: {team_name}
Category: {category_name}
Complaint: {complaint_subject}
Due: {due_at}

{?instructions}What to do:
{instructions}

{?reason}Why:
{reason}

Open the ticket: {ticket_url}

When the task is done, complete it in {brand} so the next step can start. If it is not done by the due time, it is escalated.
""",
        sms="{brand}: new task {step_name} on {ticket_id}, due {due_at}.",
    ),
    "step.reminder": Text(
        subject="Reminder: {step_name} is due soon",
        body=_TEAM_GREETING
        + """
This task on complaint {ticket_id} is due soon.

Task: {step_name}
Team: {team_name}
Complaint: {complaint_subject}
Due: {due_at}
Time left: {time_left}

If it is not completed by then, it is escalated.

Open the ticket: {ticket_url}
""",
        sms="{brand}: reminder - {step_name} on {ticket_id} is due {due_at}.",
    ),
    "step.escalated": Text(
        subject="Escalation level {escalation_level}: {step_name} is late",
        body=_TEAM_GREETING
        + """
A step of complaint {ticket_id} missed its deadline and is escalated to you.

Task: {step_name}
Team: {team_name}
Category: {category_name}
Complaint: {complaint_subject}
Escalation level: {escalation_level}
Late by: {late_by}
New deadline: {new_deadline}

{?attempts}What has been done so far:
{!attempts}Nothing has been recorded on the ticket yet.

- {attempts}

Please make sure the task is completed by the new deadline.

Open the ticket: {ticket_url}
""",
        sms="{brand}: escalation L{escalation_level} - {step_name} on {ticket_id} is {late_by} late. "
        "New deadline {new_deadline}.",
    ),
}

LOCALE = Locale(
    code="en",
    name="English",
    units={"day": ("day", "days"), "hour": ("hour", "hours"), "minute": ("minute", "minutes")},
    plural=lambda n: 0 if n == 1 else 1,
    labels={
        "compensation_type": {
            "refund": "refund",
            "credit": "credit on your account",
            "voucher": "voucher",
            "discount": "discount",
            "replacement": "replacement",
            "repair": "free repair",
            "gift": "gift",
        },
    },
    footers={
        "customer": "This is an automatic message from {brand} about complaint {ticket_id}. "
        "To add information, simply reply to this e-mail.",
        "team": "Sent by {brand} for ticket {ticket_id}.",
        "manager": "Sent by {brand}: escalation of ticket {ticket_id}.",
    },
    templates=TEMPLATES,
)
