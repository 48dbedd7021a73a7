"""Who has asked for no more messages, on each channel, by address."""

from sqlalchemy import ColumnElement, exists, false, select, update

from app.database import utcnow
from app.extensions import db
from app.models import Contact

# Where each channel's address lives on a contact, to find who has opted out. Table columns,
# not ORM attributes, so a query folding in the check stays a plain Core statement.
_contacts = Contact.__table__.c
_ADDRESS = {"sms": _contacts.phone, "email": _contacts.email}


def opted_out_clause(channel: str, address: str | ColumnElement[str]) -> ColumnElement[bool]:
    """A SQL condition, true when any contact with this address has opted out on this channel,
    for callers that fold the check into a query of their own (the address may be a bound
    parameter of theirs)."""
    column = _ADDRESS.get(channel)
    if column is None:
        return false()
    return exists().where(column == address, _contacts.opted_out_at.is_not(None))


def is_opted_out(channel: str, address: str) -> bool:
    """Whether any contact with this address has asked for no more messages on this channel."""
    return bool(db.session.execute(select(opted_out_clause(channel, address))).scalar())


def set_opted_out(channel: str, address: str, opted_out: bool) -> None:
    """Record an opt-out (or opt-in) on every contact with this address, in the caller's
    transaction: one person may have several threads, each with its own contact row."""
    column = _ADDRESS[channel]
    db.session.execute(
        update(Contact)
        .where(column == address)
        .values(opted_out_at=utcnow() if opted_out else None)
        .execution_options(synchronize_session=False)
    )
