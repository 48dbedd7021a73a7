"""Telling administrators at once when someone seems to be guessing their way into an account.

Sent by email to every active administrator, at most once an hour per account and kind
(sign_in_throttle.py decides when), in the caller's transaction and sent after its commit.
They name the account and the address the tries came from; never a password or code."""

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import StaffRole, StaffUser
from app.services.outbound import messages as outbound_messages

PURPOSE = "security_alert"
WORDS = {
    "passwords": "Many wrong passwords have been tried for the staff account {email} in the "
    "last few minutes.",
    "codes": "Wrong two-factor codes have been tried for the staff account {email}: whoever is "
    "trying knows its password.",
}


def tell_admins(user: StaffUser, kind: str, ip_address: str | None) -> int:
    """Queue an alert to each active administrator; returns how many."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    text = "\n\n".join(
        [
            WORDS[kind].format(email=user.email),
            f"The last try came from {ip_address or 'an unknown address'}.",
            "If it was not them, reset the account's password and two-factor now: "
            f"{base}/staff/accounts/{user.id}",
        ]
    )
    admins = db.session.execute(
        select(StaffUser.email).where(StaffUser.role == StaffRole.ADMIN, StaffUser.active)
    ).scalars()
    context = {"subject": "Heard: someone may be trying to get into a staff account"}
    messages = [
        outbound_messages.new_outbound("email", a, text, PURPOSE, None, context) for a in admins
    ]
    db.session.commit()
    for message in messages:
        outbound_messages.enqueue_send(message.id)
    return len(messages)
