"""Staff corrections as training examples: one per corrected item, its inbound text, the themes
staff last chose and the flag reviewers last gave; and the reviewers' flag corrections."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import (
    AlertOutcome,
    AlertStatus,
    Direction,
    Message,
    SafeguardingAlert,
    SafeguardingCorrection,
    SecondLook,
    StaffRole,
)
from app.services.classification import corrections
from app.services.classification.correction_examples import (
    ID_PREFIX,
    outside,
    safeguarding_label,
    training_examples,
)
from app.services.classification.themes import add_item_themes
from app.services.safeguarding import alerts, misses
from classifiers.corpus import Example
from tests.factories import MessageFactory, SafeguardingAlertFactory, StaffUserFactory
from tests.services.classification.test_corrections import item_with


def _examples() -> dict[int, Example]:
    found = training_examples().examples
    return {int(e.id.removeprefix(ID_PREFIX)): e for e in found}


def _close(alert: SafeguardingAlert, outcome: AlertOutcome) -> None:
    reviewer = StaffUserFactory(role=StaffRole.SAFEGUARDING_REVIEWER)
    alerts.acknowledge(alert, reviewer)
    alerts.close(alert, reviewer, outcome, "Read it")


def _labels() -> list[tuple[int, bool, int]]:
    query = select(
        SafeguardingCorrection.message_id,
        SafeguardingCorrection.label,
        SafeguardingCorrection.staff_user_id,
    ).order_by(SafeguardingCorrection.id)
    return [tuple(row) for row in db.session.execute(query)]


def test_no_corrections_no_examples(app):
    item_with(["delay"])
    assert training_examples().examples == []


def test_a_theme_correction_gives_the_item_text_and_the_latest_themes(app):
    item = item_with(["bias"], text="  Three months and no report.  ")
    officer = StaffUserFactory()
    corrections.correct_themes(item, officer, ["communication"])
    corrections.correct_themes(item, officer, ["delay", "accuracy"])
    example = _examples()[item.id]
    assert example.text == "Three months and no report."
    assert example.themes == ("delay", "accuracy")  # taxonomy order
    assert example.safeguarding is False
    assert (example.channel, example.kind) == ("sms", "complaint")


def test_a_thread_is_one_example_with_its_inbound_messages_in_order(app):
    item = item_with(["delay"], text="First: no call back.")
    MessageFactory(
        feedback_item=item,
        text="Second: and the report names the wrong school.",
        received_at=datetime.now(UTC) - timedelta(minutes=5),
    )
    db.session.add(
        Message(
            feedback_item=item,
            channel=item.messages[0].channel,
            direction=Direction.OUTBOUND,
            external_id="reply-1",
            text="Our reply, not theirs",
            raw_payload={},
            received_at=datetime.now(UTC) - timedelta(minutes=7),
        )
    )
    db.session.commit()
    corrections.correct_themes(item, StaffUserFactory(), ["delay", "accuracy"])
    example = _examples()[item.id]
    assert example.text == "First: no call back.\n\nSecond: and the report names the wrong school."


def test_themes_a_later_message_brought_join_the_corrected_ones(app):
    item = item_with(["bias", "delay"])
    corrections.correct_themes(item, StaffUserFactory(), ["delay"])
    add_item_themes(item, ["accuracy"])
    db.session.commit()
    assert _examples()[item.id].themes == ("delay", "accuracy")


def test_not_a_safeguarding_matter_is_a_negative_example(app):
    item = item_with(["delay"], text="This wait is killing me")
    _close(SafeguardingAlertFactory(feedback_item=item), AlertOutcome.NOT_SAFEGUARDING)
    example = _examples()[item.id]
    assert example.safeguarding is False
    assert example.themes == ("delay",)


def test_a_reviewers_manual_flag_is_a_positive_example(app):
    item = item_with(["delay"], text="He waits for me after school and says not to tell mum")
    reviewer = StaffUserFactory(role=StaffRole.SAFEGUARDING_REVIEWER)
    alert = alerts.flag_manually(item, reviewer, "Sounds like grooming")
    assert _labels() == [(alert.message_id, True, reviewer.id)]
    assert _examples()[item.id].safeguarding is True


def test_a_flag_by_someone_who_is_not_a_reviewer_is_no_correction(app):
    item = item_with([], text="He waits for me after school")
    alerts.flag_manually(item, StaffUserFactory(role=StaffRole.COMPLAINTS_OFFICER), "Worried")
    assert _labels() == []
    assert training_examples().examples == []


def test_a_reviewer_confirming_someone_elses_flag_is_a_positive_correction(app):
    item = item_with([], text="He waits for me after school")
    alert = alerts.flag_manually(
        item, StaffUserFactory(role=StaffRole.COMPLAINTS_OFFICER), "Worried"
    )
    _close(alert, AlertOutcome.REFERRED_TO_POLICE_OR_LADO)
    assert [label for _, label, _ in _labels()] == [True]
    assert _examples()[item.id].safeguarding is True


def test_closing_a_classifier_alert_as_a_real_concern_adds_no_correction(app):
    _close(
        SafeguardingAlertFactory(feedback_item=item_with([], text="my dad hits me")),
        AlertOutcome.ALREADY_KNOWN,
    )
    assert _labels() == []


def test_a_second_flag_on_the_same_message_adds_no_second_correction(app):
    item = item_with([], text="He waits for me after school")
    reviewer = StaffUserFactory(role=StaffRole.SAFEGUARDING_REVIEWER)
    alerts.flag_manually(item, reviewer, "Grooming")
    alerts.flag_manually(item, StaffUserFactory(role=StaffRole.MANAGER), "Grooming, I agree")
    assert len(_labels()) == 1


def test_the_latest_word_on_a_message_wins(app):
    item = item_with([], text="He waits for me after school")
    reviewer = StaffUserFactory(role=StaffRole.SAFEGUARDING_REVIEWER)
    alert = alerts.flag_manually(item, reviewer, "Grooming?")
    assert _examples()[item.id].safeguarding is True
    _close(alert, AlertOutcome.NOT_SAFEGUARDING)
    assert [label for _, label, _ in _labels()] == [True, False]
    assert _examples()[item.id].safeguarding is False


def test_a_miss_found_on_a_second_look_is_a_positive_correction(app):
    item = item_with([], text="i dont want to be here anymore")
    sample = SecondLook(
        message_id=item.messages[0].id,
        feedback_item_id=item.id,
        week_of=datetime.now(UTC).date(),
    )
    db.session.add(sample)
    db.session.commit()
    reviewer = StaffUserFactory(role=StaffRole.SAFEGUARDING_REVIEWER)
    misses.mark_missed(sample, reviewer, "Suicidal thoughts")
    assert _labels() == [(item.messages[0].id, True, reviewer.id)]


def test_an_item_whose_alert_awaits_a_reviewer_is_left_out_and_counted(app):
    item = item_with(["delay"], text="my stepdad hits me and the report is late")
    SafeguardingAlertFactory(feedback_item=item)
    corrections.correct_themes(item, StaffUserFactory(), ["delay"])
    found = training_examples()
    assert found.examples == [] and found.awaiting_review == 1


def test_the_safeguarding_label_rule():
    closed = AlertStatus.CLOSED
    assert safeguarding_label([], []) is False
    assert safeguarding_label([False], [(closed, AlertOutcome.NOT_SAFEGUARDING)]) is False
    assert safeguarding_label([], [(closed, AlertOutcome.REFERRED_TO_SOCIAL_WORKER)]) is True
    assert safeguarding_label([False, True], [(AlertStatus.OPEN, None)]) is True
    assert safeguarding_label([False], [(AlertStatus.ACKNOWLEDGED, None)]) is None


def test_examples_in_the_test_split_are_left_out():
    def example(text: str) -> Example:
        return Example("x", "sms", "complaint", text, (), False, ())

    kept = outside(
        [example("No reply  for weeks"), example("Thank you")], [example("No reply for\nweeks")]
    )
    assert [e.text for e in kept] == ["Thank you"]
