"""The audit survey texted when a case closes: "how did we do, reply 1-5"."""

from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.language import replying_in
from app.models import Contact, Message, Team
from app.services.outbound.messages import queue_message
from app.services.outbound.opt_outs import is_opted_out
from channels import sms as sms_channel

# The purpose of the survey text: a reply starting 1-5 to it within the window is a score.
SURVEY = "survey"


def survey_text() -> str:
    """The audit question texted when a case closes."""
    return str(
        _(
            "Heard: how did we do? Reply with a number from 1 (poor) to 5 (very good). "
            "You can add a few words after the number. Text STOP to stop texts."
        )
    )


def send_audit_survey(
    phone: str,
    case_reference: str | None = None,
    team_id: int | None = None,
    language: str | None = None,
) -> Message | None:
    """Text the audit survey to a number when a case closes, in `language` or else the one
    last stored for that number; None if it cannot have one."""
    number = sms_channel.normalise_number(phone).e164
    if number is None or is_opted_out("sms", number):
        return None
    team = db.session.get(Team, team_id) if team_id else None
    context = {"case_reference": case_reference, "team": team.name if team else None}
    with replying_in(language or _language_of(number)):
        text = survey_text()
    return queue_message("sms", number, text, SURVEY, context=context)


def _language_of(phone: str) -> str | None:
    """The language of the newest contact with this number that has one."""
    return db.session.execute(
        select(Contact.language)
        .where(Contact.phone == phone, Contact.language.is_not(None))
        .order_by(Contact.id.desc())
        .limit(1)
    ).scalar()
