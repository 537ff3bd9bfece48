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
        sms_fallback="{brand}: {ticket_id} - to go on, we need this from you:\n{request}\nPlease answer by {reply_by}.",
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
        sms_fallback="{brand}: {ticket_id} - we are still waiting for your answer:\n{request}\nPlease answer by {reply_by}.",
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

Do you accept this decision? Tell us with one click: {decision_url}
{?decision_url}If you reject it, your complaint stays open and is reviewed again, and we tell you where else you can turn. Please answer by {decision_until}.
{?decision_url}A reply to this e-mail reaches our team, but only your answer through this link reopens the complaint.
{!decision_url}If you do not agree, or something is still wrong, contact us and we will look at it again.
"""
        + _TICKET
        + _STATUS,
        sms="""
{?decision_url}{brand}: our decision on {ticket_id} is in your e-mail.
{?decision_url}Accept or reject: {decision_url}
{!decision_url}{brand}: we have sent you our decision on complaint {ticket_id} by e-mail.
""",
        sms_fallback="""
{?decision_url}{brand}: our decision on {ticket_id} (accept or reject: {decision_url}):
{!decision_url}{brand}: our decision on {ticket_id} (details: {status_url}):
{resolution}
""",
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
        sms_fallback="{brand}: did our answer solve your complaint {ticket_id}?\nYes: {solved_url}\nNo: {not_solved_url}\n{!not_solved_url}Your complaint: {status_url}",
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
        sms_fallback="{brand}: our reply about {ticket_id} (details: {status_url}):\n{reply_text}",
    ),
    "resolution.rejected": Text(
        subject="""
Your complaint will be reviewed again: {complaint_subject}
{!complaint_subject}Your complaint will be reviewed again
""",
        body=_GREETING
        + """
You told us that you do not accept our decision. Your complaint stays open: another team reviews it now, and we will write to you with a new answer.

Your reason: {reason}

If you are still not satisfied after our review, you can also turn to:
- {recourse}
"""
        + _TICKET
        + _STATUS,
        sms="{brand}: complaint {ticket_id} stays open and is reviewed again.\nStatus: {status_url}",
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
    "resolution.review": Text(
        subject="Review: the customer rejected the resolution",
        body=_TEAM_GREETING
        + """
The customer rejected the resolution of complaint {ticket_id}. It is in your queue ({team_name}) for review.

Complaint: {complaint_subject}
Category: {category_name}
The rejected resolution: {resolution}
The customer's reason: {reason}

Resolve it again with a new answer, or write to the customer first.

Open the ticket: {ticket_url}
""",
        sms="{brand}: the customer rejected the resolution of {ticket_id}; please review it.",
    ),
    "resolution.replied": Text(
        subject="The customer wrote after the resolution",
        body=_TEAM_GREETING
        + """
The customer replied to complaint {ticket_id} after it was resolved. The reply is on the timeline; it did not reopen the complaint.

Complaint: {complaint_subject}
Team: {team_name}
Their words:
{reply_excerpt}

If it needs more work, reopen it with one call until {reopen_until}:
{reopen_call}

Open the ticket: {ticket_url}
""",
        sms="{brand}: the customer wrote after the resolution of {ticket_id}.",
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
Escalated to: {escalation_name}
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
        "status": {
            "open": "being handled",
            "waiting_customer": "waiting for your reply",
            "resolved": "decision sent",
            "closed": "closed",
        },
        "next_step_name": {
            "resolution": "our decision",
        },
        "event": {
            "ticket.received": "complaint received",
            "ticket.created": "complaint registered",
            "ticket.acknowledged": "receipt confirmed",
            "ticket.updated": "details updated",
            "email.received": "e-mail from the customer",
            "email.bounced": "e-mail could not be delivered",
            "email.auto_reply": "automatic reply received",
            "comment.public": "reply to the customer",
            "comment.internal": "internal note",
            "customer.replied": "the customer replied",
            "customer.waiting": "information asked from the customer",
            "customer.reminder": "reminder to the customer",
            "ticket.resumed": "work resumed",
            "attachment.added": "file added",
            "step.started": "step started",
            "step.assigned": "task assigned",
            "step.reminder": "deadline reminder",
            "step.completed": "task completed",
            "step.escalated": "escalated",
            "step.breached": "deadline missed at the top level",
            "resolution.pending": "decision being prepared",
            "workflow.start_failed": "plan could not start",
            "workflow.answer_refused": "answer to the plan refused",
            "workflow.answer_pending": "answer to the plan pending",
            "workflow.failed": "plan failed",
            "recovery.recorded": "service recovery recorded",
            "ticket.resolved": "decision sent",
            "ticket.reopened": "complaint reopened",
            "resolution.accepted": "the customer accepted the decision",
            "resolution.rejected": "the customer rejected the decision",
            "resolution.replied": "the customer answered the decision",
            "ticket.survey": "satisfaction survey sent",
            "survey.answered": "satisfaction survey answered",
            "ticket.closed": "complaint closed",
            "email_sent": "we sent an e-mail",
            "sms_sent": "we sent a text message",
            "other": "update",
        },
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

# --- The customer's pages (status, survey, decision, refused links): complaintdesk.pages ------------------
# ``{placeholder}`` values are escaped by the page kit; keep every placeholder as it is when translating.
PAGES: dict[str, str] = {
    "brand": "Customer care",
    "greeting": "Dear {name},",
    "footer": "This page is only for you: please do not share its address. Questions? Reply to any of our e-mails.",
    "status.title": "Your complaint {ticket_id}",
    "status.intro.open": "Thank you for your patience. We are working on your complaint.",
    "status.intro.waiting_customer": "We need something from you before we can go on with your complaint.",
    "status.intro.resolved": "We have finished looking into your complaint.",
    "status.intro.closed": "Your complaint is closed.",
    "status.open": "Being handled",
    "status.waiting_customer": "Waiting for your answer",
    "status.resolved": "Resolved",
    "status.closed": "Closed",
    "label.subject": "Subject",
    "label.status": "Status",
    "label.category": "Type of complaint",
    "label.step": "What we are doing now",
    "label.received": "Received",
    "label.resolved": "Resolved",
    "label.closed": "Closed",
    "label.resolution": "Our decision",
    "next.heading": "What happens next",
    "next.step_due": "Our team is working on “{step}” and expects to finish it by {due}.",
    "next.step_late": "“{step}” is taking longer than we promised ({due}). We are sorry: a senior colleague "
    "now follows it, and we will write to you as soon as it is done.",
    "next.first_response": "We will send you our first answer by {due}.",
    "next.first_response_late": "Our first answer is later than we promised ({due}). We are sorry; "
    "we will write to you shortly.",
    "next.working": "We are working on your complaint and will write to you as soon as there is news.",
    "next.waiting": "Please answer our last message by replying to our e-mail. We go on as soon as we "
    "hear from you.",
    "next.resolved": "Please tell us whether our decision solves your problem: you can accept it or reject "
    "it below. If you reject it, we look at your complaint again.",
    "next.closed": "Nothing more is planned. If something new goes wrong, write to us at any time.",
    "conversation.heading": "Messages",
    "conversation.us": "Our reply",
    "conversation.you": "Your message",
    "conversation.empty": "No messages yet.",
    "timeline.heading": "What has happened so far",
    "event.ticket.received": "We received your complaint.",
    "event.email_sent": "We sent you an e-mail: “{subject}”.",
    "event.email_sent_plain": "We sent you an e-mail.",
    "event.sms_sent": "We sent you a text message.",
    "event.customer.waiting": "We asked you for more information.",
    "event.ticket.resolved": "We resolved your complaint.",
    "event.ticket.reopened": "Your complaint was opened again.",
    "event.ticket.closed": "Your complaint was closed.",
    "event.survey.answered": "You rated how we handled your complaint: {score} out of 5.",
    "event.resolution.accepted": "You accepted our decision.",
    "event.resolution.rejected": "You did not accept our decision; we are reviewing your complaint again.",
    "decision.link": "Accept or reject our decision",
    "decision.title": "Our decision on your complaint {ticket_id}",
    "decision.intro": "We have finished looking into your complaint “{subject}”. This is our decision:",
    "decision.heading": "Your answer",
    "decision.question": "Does this decision solve your problem?",
    "decision.answer_by": "Please let us know by {due}.",
    "decision.accept": "Yes, I accept the decision",
    "decision.accept.note": "If you accept it, we close your complaint.",
    "decision.reason": "What is still wrong? (optional)",
    "decision.reject": "No, I do not accept it",
    "decision.reject.note": "If you do not accept it, we review your complaint again.",
    "decision.thanks": "Thank you for your answer.",
    "decision.accepted": "You accepted our decision on {at}. Your complaint is closed.",
    "decision.rejected": "You did not accept our decision ({at}). We are reviewing your complaint again "
    "and will write to you.",
    "decision.closed": "This decision can no longer be answered here: your complaint has changed since. "
    "The status page shows where it stands.",
    "recourse.heading": "If you are still not satisfied",
    "recourse.internal": "Within our company",
    "recourse.external": "Outside our company",
    "event.other": "Your complaint was updated.",
    "survey.title": "How did we do?",
    "survey.intro": "Please tell us how we handled your complaint {ticket_id}. It takes a minute.",
    "survey.question": "How satisfied are you with how we handled your complaint?",
    "survey.score.1": "1 – Very dissatisfied",
    "survey.score.2": "2 – Dissatisfied",
    "survey.score.3": "3 – Neither satisfied nor dissatisfied",
    "survey.score.4": "4 – Satisfied",
    "survey.score.5": "5 – Very satisfied",
    "survey.comment": "Anything you would like to tell us (optional)",
    "survey.submit": "Send my answer",
    "survey.thanks.title": "Thank you",
    "survey.thanks": "Thank you for your answer. You rated us {score} out of 5.",
    "survey.already.title": "Already answered",
    "survey.already": "You have already answered this survey ({score} out of 5). Thank you!",
    "link.status": "See the status of your complaint",
    "error.403.title": "This link does not work",
    "error.403": "The link is not valid any more: it may have expired, or been cut short when it was copied. "
    "Reply to any of our e-mails and we will send you a new one.",
    "error.404.title": "We could not find this complaint",
    "error.404": "Please check the link in our e-mail, or reply to it and we will help you.",
    "error.400.title": "Something is missing",
    "error.400": "Something in the form was not filled in the way we need it. Please go back and try again.",
    "error.409.title": "This is already done",
    "error.409": "This was already done, or the complaint changed meanwhile. Please open the link again.",
    "error.other.title": "Something went wrong",
    "error.other": "We could not do this right now. Please try again in a few minutes.",
}
