"""Words staff see for the stored vocabularies (channels, kinds, statuses, themes)."""

from flask_babel import lazy_gettext as _l

CHANNEL_LABELS = {
    "web_child": _l("Children's web form"),
    "web_adult": _l("Web form"),
    "web_audit": _l("Audit feedback form"),
    "sms": _l("Text message"),
    "email": _l("Email"),
    "api": _l("Partner app"),
    "phone": _l("Phone call"),
    "letter": _l("Letter"),
    "in_person": _l("In person"),
    "advocate": _l("Through an advocate"),
}

KIND_LABELS = {
    "complaint": _l("Complaint"),
    "compliment": _l("Compliment"),
    "comment": _l("Comment"),
    "audit": _l("Audit feedback"),
}

STATUS_LABELS = {
    "new": _l("New"),
    "open": _l("Open"),
    "closed": _l("Closed"),
}

CONTACT_ROLE_LABELS = {
    "child": _l("A child"),
    "young_person": _l("A young person"),
    "parent": _l("A parent"),
    "carer": _l("A carer"),
    "grandparent": _l("A grandparent"),
    "relative": _l("A relative"),
    "care_leaver": _l("A care leaver"),
    "advocate": _l("An advocate"),
    "professional": _l("A professional"),
    "mp": _l("An MP"),
    "other": _l("Someone else"),
}

# A child's own answers on their form, in the words they chose from.
TOPIC_LABELS = {
    "good": _l("Something good"),
    "worrying": _l("Something worrying"),
    "complain": _l("I want to complain"),
    "thanks": _l("I want to say thank you"),
}

SCORE_LABELS = {
    "1": _l("Very sad (1 of 5)"),
    "2": _l("Sad (2 of 5)"),
    "3": _l("OK (3 of 5)"),
    "4": _l("Happy (4 of 5)"),
    "5": _l("Very happy (5 of 5)"),
}

ROLE_LABELS = {
    "safeguarding_reviewer": _l("Safeguarding reviewer"),
    "complaints_officer": _l("Complaints officer"),
    "manager": _l("Manager"),
    "learning_team": _l("Learning team"),
    "admin": _l("Administrator"),
}


def label(labels: dict[str, str], value: object) -> str:
    """The label for a stored value, or the value itself if it has none yet."""
    if value is None:
        return ""
    key = getattr(value, "value", value)
    return str(labels.get(str(key), str(key)))


def humanise(identifier: str) -> str:
    """An id such as a theme or an audit action as words: `not_listened_to` to "Not listened to".

    Themes use it until the taxonomy gives each theme its own label."""
    return identifier.replace("_", " ").capitalize()


# The kinds of safeguarding concern the classifier and the rules name, in the order shown.
SUBTYPES = (
    "physical_abuse",
    "sexual_abuse",
    "emotional_abuse",
    "neglect",
    "domestic_abuse",
    "self_harm",
    "exploitation",
    "unsafe_home",
    "risk_ignored",
)
