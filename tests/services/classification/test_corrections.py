"""Correcting an item's themes: kept with who, when, before and after; audited; and a later
message's classification does not bring back a theme staff took off."""

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select, text

import classifiers
from app.extensions import db
from app.models import (
    AuditEvent,
    Channel,
    FeedbackItem,
    FeedbackTheme,
    ThemeCorrection,
)
from app.services.classification import corrections
from app.services.classification.pipeline import classify_message
from app.services.classification.themes import set_item_themes
from classifiers import Prediction
from tests.factories import FeedbackItemFactory, MessageFactory, StaffUserFactory


class FixedThemes:
    """A stand-in model that finds the same themes in every message."""

    version = "test-fixed-themes-1"
    themes = ["bias", "delay"]

    def predict(self, text: str) -> Prediction:
        return Prediction(
            model_version=self.version,
            themes=list(self.themes),
            safeguarding=False,
            scores={theme: 0.9 for theme in self.themes} | {"safeguarding": 0.01},
            evidence=[],
        )


classifiers.register("test-fixed-themes")(FixedThemes)


@pytest.fixture
def app(make_app) -> Flask:
    app = make_app(CLASSIFIER="test-fixed-themes")
    with app.app_context():
        yield app


def item_with(themes: list[str], text: str = "Nobody rang me back for weeks") -> FeedbackItem:
    """A complaint by text, received ten minutes ago, with these themes."""
    item = FeedbackItemFactory(
        received_via=Channel.SMS,
        message=text,
        message__received_at=datetime.now(UTC) - timedelta(minutes=10),
    )
    set_item_themes(item, themes)
    db.session.commit()
    return item


def rows(item: FeedbackItem) -> set[str]:
    query = select(FeedbackTheme.theme).where(FeedbackTheme.feedback_item_id == item.id)
    return set(db.session.execute(query).scalars())


def test_a_correction_keeps_before_after_who_when_and_why_and_sets_the_themes(app):
    item = item_with(["bias", "delay"])
    officer = StaffUserFactory()
    correction = corrections.correct_themes(
        item, officer, ["communication", "delay"], "  Not about bias  ", "192.0.2.1"
    )
    db.session.expire_all()
    stored = db.session.execute(select(ThemeCorrection)).scalar_one()
    assert stored.id == correction.id
    assert stored.feedback_item_id == item.id and stored.staff_user_id == officer.id
    assert stored.themes_before == ["bias", "delay"]
    assert stored.themes_after == ["communication", "delay"]
    assert stored.reason == "Not about bias"
    assert stored.at and stored.changed
    found = db.session.get(FeedbackItem, item.id)
    assert found.themes == ["communication", "delay"]
    assert rows(found) == {"communication", "delay"}


def test_a_correction_is_audited_with_theme_ids_and_never_the_reason(app):
    item = item_with(["bias"])
    officer = StaffUserFactory()
    correction = corrections.correct_themes(item, officer, ["delay"], "She said 'my worker'", "ip")
    event = db.session.execute(select(AuditEvent)).scalar_one()
    assert event.action == "themes_corrected"
    assert event.staff_user_id == officer.id
    assert (event.object_type, event.object_id) == ("feedback_item", str(item.id))
    assert event.detail == {"correction_id": correction.id, "added": ["delay"], "removed": ["bias"]}
    assert "worker" not in str(event.detail)


def test_saving_the_same_themes_is_kept_as_a_confirmation(app):
    item = item_with(["delay"])
    correction = corrections.correct_themes(item, StaffUserFactory(), ["delay"])
    assert correction.themes_before == correction.themes_after == ["delay"]
    assert not correction.changed
    assert correction.reason is None


@pytest.mark.parametrize(
    "chosen, reason, error",
    [
        (["delay", "made_up"], None, "Choose themes from the list"),
        (["safeguarding"], None, "Choose themes from the list"),
        (["delay"], "x" * 2001, "2000 characters or fewer"),
    ],
)
def test_bad_corrections_are_refused_and_change_nothing(app, chosen, reason, error):
    item = item_with(["bias"])
    with pytest.raises(corrections.CorrectionRefused, match=error):
        corrections.correct_themes(item, StaffUserFactory(), chosen, reason)
    db.session.rollback()
    assert db.session.execute(select(ThemeCorrection)).first() is None
    assert db.session.get(FeedbackItem, item.id).themes == ["bias"]


def test_corrections_cannot_be_changed_or_deleted(app):
    corrections.correct_themes(item_with(["bias"]), StaffUserFactory(), ["delay"])
    stored = db.session.execute(select(ThemeCorrection)).scalar_one()
    stored.themes_after = ["bias"]
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()
    with db.engine.connect() as connection, pytest.raises(Exception, match="append-only"):
        connection.execute(text("DELETE FROM theme_correction"))


def test_a_later_message_does_not_bring_back_a_theme_staff_took_off(app):
    item = item_with(["bias", "delay"])
    corrections.correct_themes(item, StaffUserFactory(), ["delay", "communication"], "Not bias")
    later = MessageFactory(
        feedback_item=item,
        text="Still waiting, and now the report is wrong too",
        received_at=datetime.now(UTC) - timedelta(minutes=1),
    )
    FixedThemes.themes = ["bias", "delay", "accuracy"]
    try:
        classify_message(later.id)
    finally:
        FixedThemes.themes = ["bias", "delay"]
    db.session.expire_all()
    found = db.session.get(FeedbackItem, item.id)
    # accuracy is new to the thread, so it is added; bias was taken off, so it stays off.
    assert found.themes == ["accuracy", "communication", "delay"]
    assert rows(found) == {"accuracy", "communication", "delay"}


def test_a_theme_staff_put_back_is_no_longer_withheld(app):
    item = item_with(["bias"])
    officer = StaffUserFactory()
    corrections.correct_themes(item, officer, [])
    assert corrections.withheld_themes(item.id) == {"bias"}
    corrections.correct_themes(item, officer, ["bias"])
    assert corrections.withheld_themes(item.id) == set()
    corrections.correct_themes(item, officer, ["delay"])
    assert corrections.withheld_themes(item.id) == {"bias"}


def test_an_uncorrected_item_gets_every_theme_the_classifier_finds(app):
    item = item_with(["communication"])
    later = MessageFactory(
        feedback_item=item,
        text="Another message",
        received_at=datetime.now(UTC) - timedelta(minutes=1),
    )
    classify_message(later.id)
    db.session.expire_all()
    assert db.session.get(FeedbackItem, item.id).themes == ["bias", "communication", "delay"]


def test_the_latest_correction_is_the_newest(app):
    item = item_with(["bias"])
    officer = StaffUserFactory()
    assert corrections.latest(item.id) is None
    corrections.correct_themes(item, officer, ["delay"])
    second = corrections.correct_themes(item, officer, ["process"])
    assert corrections.latest(item.id).id == second.id
    assert [c.themes_after for c in corrections.history(item.id)] == [["delay"], ["process"]]
