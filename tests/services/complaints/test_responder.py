"""Who will respond to a complaint, as the acknowledgements say it by return."""

from datetime import date

from app.extensions import db
from app.models import StaffRole, Team
from app.services.complaints import stages
from app.services.complaints.stages import Responder, responder, responder_words
from app.services.intake.email_conversations import acknowledgement_text
from tests.factories import FeedbackItemFactory, StaffUserFactory


def test_nobody_chosen_yet_is_a_complaints_manager(app):
    item = FeedbackItemFactory()
    assert responder(item) == Responder(None, None)
    assert responder_words(responder(item)) == "A complaints manager"


def test_the_items_team_then_the_stages_owner(app):
    north, south = Team(name="North Family Court Team"), Team(name="South")
    db.session.add_all([north, south])
    item = FeedbackItemFactory(team=north)
    assert responder_words(responder(item)) == "A manager in North Family Court Team"
    stage = stages.open_stage_one(item)
    manager = StaffUserFactory(role=StaffRole.MANAGER, name="Officer 3")
    stages.set_owner(stage, StaffUserFactory(), south, manager)
    assert responder(item) == Responder("Officer 3", "South")
    assert responder_words(responder(item)) == "Officer 3, of South,"
    stages.set_owner(stage, StaffUserFactory(), None, manager)
    # The stage has no team of its own, so the item's team is still the one that answers.
    assert responder_words(responder(item)) == "Officer 3, of North Family Court Team,"


def test_the_email_acknowledgement_says_who_and_by_when(app):
    text = acknowledgement_text("HD-1234-ABCD", date(2026, 1, 7), "A manager in North")
    assert "A manager in North will respond to your complaint by Wednesday 7 January 2026." in text
    assert "A complaints manager will respond" in acknowledgement_text(
        "HD-1234-ABCD", date(2026, 1, 7)
    )
    assert "will respond" not in acknowledgement_text("HD-1234-ABCD", None)
