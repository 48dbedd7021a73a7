"""SMS conversations: which thread a text joins, keywords, survey scores, and our answers.

Replies never repeat what the person wrote: a shared phone may be read by someone else.
"""

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import BindParameter, bindparam, literal, or_, select, true, update

from app.database import utcnow
from app.extensions import db
from app.language import replying_in
from app.models import Channel, Contact, Direction, FeedbackItem, Message
from app.services.intake.ingestion import StoredMessage, ThreadRef, ingest
from app.services.outbound.messages import enqueue_send, insert_pending, record_answered_reply
from app.services.outbound.opt_outs import opted_out_clause, set_opted_out
from app.services.outbound.surveys import SURVEY
from app.services.safeguarding import crisis
from channels.base import FeedbackDetails, InboundMessage
from channels.sms import is_textable

# Twilio's own opt-out keywords: a text that is only one of these words.
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"}
START_WORDS = {"START", "YES", "UNSTOP"}
HELP_WORDS = {"HELP", "INFO"}
# A score is a lone 1-5 at the start: "4", "5 she was gr8", "3." — not "10" or "4pm".
_SCORE = re.compile(r"^\s*([1-5])(?![0-9A-Za-z])")
SAFETY = crisis.SAFETY_PURPOSE


@dataclass(frozen=True)
class SmsReceipt:
    message_id: int
    reply: str | None
    duplicate: bool = False


def keyword(text: str) -> str | None:
    """The opt-out, opt-in or help keyword a text consists of, if it is only that."""
    word = text.strip().strip(".!").upper()
    return word if word in STOP_WORDS | START_WORDS | HELP_WORDS else None


def bare_score(text: str) -> int | None:
    """The 1-5 score a reply to a survey starts with, if it starts with one."""
    match = _SCORE.match(text)
    return int(match.group(1)) if match else None


def _window_start() -> datetime:
    return utcnow() - timedelta(hours=current_app.config["SMS_THREAD_WINDOW_HOURS"])


@dataclass(frozen=True)
class History:
    """What a number's earlier texts say about its new one."""

    thread: ThreadRef | None
    opted_out: bool


# Built once and run with the number and window (constructing a statement costs more than
# running it), on the tables rather than the ORM entities, which skips the ORM's result layer.
_messages = Message.__table__.c
_items = FeedbackItem.__table__.c
_phone: BindParameter[str] = bindparam("phone")
# The thread this number texted in, or was texted from, within the window.
_OPEN_THREAD = (
    select(_items.id, _items.reference)
    .join_from(FeedbackItem.__table__, Message.__table__, _messages.feedback_item_id == _items.id)
    .where(_messages.channel == Channel.SMS)
    .where(or_(_messages.sender == _phone, _messages.recipient == _phone))
    .where(_messages.received_at >= bindparam("since"))
    .order_by(_messages.received_at.desc())
    .limit(1)
    .subquery()
)
_contacts = Contact.__table__.c
# The language of the open thread's contact, read beside it: a text in the same language
# as before then changes nothing (ingest skips its update), and one whose language cannot be
# told is answered in the thread's without asking again.
_THREAD_LANGUAGE = (
    select(_contacts.language)
    .join_from(FeedbackItem.__table__, Contact.__table__, _items.contact_id == _contacts.id)
    .where(_items.id == _OPEN_THREAD.c.id)
    .scalar_subquery()
)
# One row whether or not there is a thread: the opt-out beside an outer join to the thread.
_HISTORY = select(
    _OPEN_THREAD.c.id,
    _OPEN_THREAD.c.reference,
    _THREAD_LANGUAGE,
    opted_out_clause("sms", _phone),
).select_from(select(literal(1)).subquery().outerjoin(_OPEN_THREAD, true()))


def history(phone: str) -> History:
    """The number's open thread, its contact's language and whether the number has opted
    out, in one round trip."""
    item_id, reference, language, opted_out = db.session.execute(
        _HISTORY, {"phone": phone, "since": _window_start()}
    ).one()
    thread = (
        ThreadRef(item_id, reference, contact_language=language, language_known=True)
        if item_id is not None
        else None
    )
    return History(thread=thread, opted_out=bool(opted_out))


def open_survey(phone: str) -> Message | None:
    """The latest unanswered survey texted to this number within the window."""
    return db.session.execute(
        select(Message)
        .where(Message.channel == Channel.SMS, Message.direction == Direction.OUTBOUND)
        .where(Message.purpose == SURVEY, Message.recipient == phone)
        .where(Message.feedback_item_id.is_(None))
        .where(Message.received_at >= _window_start())
        .order_by(Message.received_at.desc())
        .limit(1)
    ).scalar_one_or_none()


def receive(msg: InboundMessage, replied_in_response: bool = True) -> SmsReceipt:
    """Store a text through ingest() in the right thread, apply its keyword or score, and say
    what to answer (None for nothing). The text, its effects and the reply commit together.

    The answer goes back in the webhook's own response; a text replayed from the spool was
    answered then without a reference, so its answer is sent as a text of its own instead.
    """
    conversation = _Conversation(msg, replied_in_response)
    result = ingest(msg, conversation)
    if not result.created:
        return SmsReceipt(result.message_id, None, duplicate=True)
    if conversation.queued_reply_id is not None:
        enqueue_send(conversation.queued_reply_id)
    return SmsReceipt(result.message_id, conversation.reply)


class _Conversation:
    """One text's part in ingest(): which thread it joins, what it changes, what we answer."""

    def __init__(self, msg: InboundMessage, replied_in_response: bool = True) -> None:
        self.phone = msg.sender if is_textable(msg.sender) else None
        self.word = keyword(msg.text)
        # Only a text starting with 1-5 can answer a survey, so most texts skip that look-up.
        self.score = bare_score(msg.text) if self.phone and self.word is None else None
        # The rules read the words now, so someone at risk is answered with help at once.
        self.safety = crisis.assess(msg.text, crisis.Audience.ADULT)
        self.replied_in_response = replied_in_response
        self.language = msg.language
        self.known = History(thread=None, opted_out=False)
        self.survey_id: int | None = None
        self.survey_language: str | None = None
        self.reply: str | None = None
        self.queued_reply_id: int | None = None

    def place(self, msg: InboundMessage) -> tuple[InboundMessage, ThreadRef | None]:
        """Run under the number's lock, so a thread another text has just opened is found."""
        if self.phone is None:
            return replace(msg, details=_comment_details(None, msg.sender)), None
        self.known = history(self.phone)
        survey = open_survey(self.phone) if self.score is not None else None
        self.survey_id = survey.id if survey is not None else None
        self.survey_language = survey.language if survey is not None else None
        if survey is not None and self.score is not None:
            return replace(msg, details=_audit_details(self.phone, self.score, survey)), None
        return replace(msg, details=_comment_details(self.phone, msg.sender)), self.known.thread

    def respond(self, stored: StoredMessage) -> None:
        """Apply the keyword or score and store the reply, in ingest's transaction, in the
        language the person wrote in, or else the one they last wrote in."""
        with replying_in(self.reply_language(stored)):
            self._respond(stored)

    def reply_language(self, stored: StoredMessage) -> str | None:
        """Welsh or English: this text's, else the survey's it answers, else its thread's."""
        if self.language:
            return self.language
        if self.survey_id is not None:
            return self.survey_language
        if stored.new_thread:
            return None
        thread = self.known.thread
        if thread and thread.language_known and thread.feedback_item_id == stored.feedback_item_id:
            return thread.contact_language
        return thread_language(stored.feedback_item_id)

    def _respond(self, stored: StoredMessage) -> None:
        scored = self.survey_id is not None
        self.reply = _answer(self.phone, self.word, stored, scored, self.known.opted_out)
        purpose = "reply"
        if self.phone is not None and _owes_safety_reply(self, stored):
            self.reply = crisis.sms_text(
                self.safety, stored.reference if stored.new_thread else None
            )
            purpose = SAFETY
        if self.survey_id is not None:
            _link_survey(self.survey_id, stored.feedback_item_id)
        if self.reply is None or self.phone is None:
            return
        if self.replied_in_response:
            record_answered_reply("sms", self.phone, self.reply, purpose, stored.feedback_item_id)
        else:
            self.queued_reply_id = insert_pending(
                "sms", self.phone, self.reply, purpose, stored.feedback_item_id
            )
            self.reply = None


def thread_language(feedback_item_id: int) -> str | None:
    """The language stored for the person a thread is with."""
    return db.session.execute(
        select(Contact.language)
        .join(FeedbackItem, FeedbackItem.contact_id == Contact.id)
        .where(FeedbackItem.id == feedback_item_id)
    ).scalar()


def _owes_safety_reply(conversation: _Conversation, stored: StoredMessage) -> bool:
    """Help lines go back at once to a text that needs them, once per thread, unless the
    number has opted out or the text was a keyword."""
    if not conversation.safety.concern or conversation.word is not None:
        return False
    if conversation.known.opted_out:
        return False
    return stored.new_thread or crisis.help_lines_due(stored.feedback_item_id, utcnow())


def _answer(
    phone: str | None,
    word: str | None,
    stored: StoredMessage,
    scored: bool,
    opted_out: bool,
) -> str | None:
    """Apply a keyword, and choose the reply. Twilio answers STOP and START itself."""
    if phone is None:
        return None
    if word in STOP_WORDS:
        set_opted_out("sms", phone, opted_out=True)
        return None
    if word in START_WORDS:
        set_opted_out("sms", phone, opted_out=False)
        return None
    if opted_out:
        return None
    if word in HELP_WORDS:
        return help_text()
    if scored:
        return str(_("Heard: thank you. We have recorded your score."))
    if stored.new_thread:
        return acknowledgement(stored.reference)
    return None


def _comment_details(phone: str | None, sent_from: str | None) -> FeedbackDetails:
    return FeedbackDetails(
        kind="comment",
        contact_role="other",
        phone=phone,
        phone_raw=sent_from,
        preferred_channel="sms",
        may_contact=phone is not None,
    )


def _audit_details(phone: str, score: int, survey: Message) -> FeedbackDetails:
    context = survey.raw_payload or {}
    return FeedbackDetails(
        kind="audit",
        contact_role="other",
        phone=phone,
        preferred_channel="sms",
        may_contact=True,
        case_reference=context.get("case_reference"),
        team=context.get("team"),
        score=score,
    )


def _link_survey(survey_id: int, item_id: int) -> None:
    # Conditional, so of two answers arriving together the survey joins the first thread only.
    db.session.execute(
        update(Message)
        .where(Message.id == survey_id, Message.feedback_item_id.is_(None))
        .values(feedback_item_id=item_id)
        .execution_options(synchronize_session=False)
    )


def acknowledgement(reference: str) -> str:
    """The first reply to a new thread: the reference and what happens next."""
    return str(
        _(
            "Heard: thank you, we have your message. Your reference is %(reference)s. "
            "Someone in our team will read it within 2 working days and contact you if you "
            "asked us to. In an emergency call 999. Text STOP to stop texts.",
            reference=reference,
        )
    )


def help_text() -> str:
    """What HELP (or INFO) gets back."""
    return str(
        _(
            "Heard: text us about children's services and a person will read it. "
            "To talk to someone now, Childline is free on 0800 1111. In an emergency call 999. "
            "Text STOP to stop texts, START to get them again."
        )
    )


def spooled_reply(msg: InboundMessage) -> str | None:
    """The answer to a text kept on disk while the database was down: no reference yet (it is
    texted once the message is stored), and the help lines if the words call for them. Nothing
    for a keyword (Twilio answers those) or a sender we cannot text."""
    if not is_textable(msg.sender) or keyword(msg.text) is not None:
        return None
    with replying_in(msg.language):
        return _spooled_reply(msg)


def _spooled_reply(msg: InboundMessage) -> str | None:
    safety = crisis.assess(msg.text, crisis.Audience.ADULT)
    if safety.concern:
        return crisis.sms_text(safety)
    return str(
        _(
            "Heard: thank you, we have your message. We will text you your reference soon. "
            "In an emergency call 999. Text STOP to stop texts."
        )
    )
