"""A named owner from receipt, and the acknowledgement by the person's preferred channel: email
(through a real SMTP server on loopback), text, or a letter for staff to print. Managers set
each team's default owner on a page, audited; hostile input refused."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    AuditEvent,
    Channel,
    ComplaintStage,
    Contact,
    ContactRole,
    FeedbackItem,
    Message,
    StaffRole,
    StaffUser,
    Team,
)
from app.services.complaints import acknowledgements, stages
from app.services.complaints import owners as default_owners
from tests.factories import (
    ContactFactory,
    FeedbackItemFactory,
    SafeguardingAlertFactory,
    StaffUserFactory,
    TeamFactory,
)
from tests.web.test_public_forms import _adult_answers


def _acknowledgements() -> list[Message]:
    query = select(Message).where(Message.purpose == acknowledgements.PURPOSE)
    return list(db.session.scalars(query))


def _web_complaint(**contact) -> FeedbackItem:
    team = TeamFactory(name="North")
    owner = StaffUserFactory(name="Nadia Owner", role=StaffRole.MANAGER)
    team.default_owner_id = owner.id
    item = FeedbackItemFactory(
        team=team,
        received_via=Channel.WEB_ADULT,
        contact=ContactFactory(role=ContactRole.PARENT, **contact),
        message="Nobody returned my calls",
        message__channel=Channel.WEB_ADULT,
    )
    db.session.commit()
    return item


def test_a_web_complainant_who_gave_an_email_is_emailed_naming_the_owner(make_app, smtp_server):
    captured, config = smtp_server
    app = make_app(**config)
    with app.app_context(), app.test_client() as client:
        team = Team(name="North Family Court Team")
        owner = StaffUserFactory(name="Nadia Owner", role=StaffRole.MANAGER)
        db.session.add(team)
        db.session.flush()
        team.default_owner_id = owner.id
        db.session.commit()
        answers = _adult_answers(client, team="North Family Court Team")
        sent_page = client.post("/adult", data=answers, follow_redirects=True)
        assert "Nadia Owner, of North Family Court Team, will look into" in sent_page.text

        # Stage 1 opened, and the acknowledgement went, from the job after the post's commit.
        assert stages.open_missing_stage_ones() == 0
        (mail,) = captured.messages
        assert captured.envelopes[0][1] == ["parent@example.com"]
        item = db.session.scalars(select(FeedbackItem)).one()
        assert mail["Subject"] == f"Your complaint {item.reference}"
        plain = mail.get_body(("plain",)).get_content()
        assert item.reference in plain
        assert "Nadia Owner, of North Family Court Team, will respond to your complaint by" in plain
        assert "Nobody returned my calls" not in plain
        stage = db.session.scalars(select(ComplaintStage)).one()
        assert stage.manager_id == owner.id
        assert stages.open_stage_one(item) == stage
        assert len(captured.messages) == 1  # once, however often Stage 1 is asked for


def test_a_phone_but_no_email_gets_a_text(app):
    item = _web_complaint(phone="+447700900555", preferred_channel="phone", may_contact=True)
    stages.open_stage_one(item)
    (text,) = _acknowledgements()
    assert text.channel == Channel.SMS and text.recipient == "+447700900555"
    assert "Nadia Owner, of North, will respond by" in text.text


def test_email_comes_before_a_text_unless_texts_are_preferred(app):
    both = {"phone": "+447700900556", "email": "p@example.org", "may_contact": True}
    item = _web_complaint(preferred_channel="phone", **both)
    assert acknowledgements.channel_for(item) == acknowledgements.By.EMAIL
    item.contact.preferred_channel = "sms"
    assert acknowledgements.channel_for(item) == acknowledgements.By.SMS


def test_an_opted_out_email_falls_back_to_a_text_and_an_opted_out_person_gets_a_letter(app):
    item = _web_complaint(
        email="p@example.org",
        phone="+447700900557",
        postal_address="1 High Street\nLeeds",
        preferred_channel="email",
        may_contact=True,
    )
    db.session.add(
        Contact(role=ContactRole.PARENT, email="p@example.org", opted_out_at=item.created_at)
    )
    db.session.commit()
    assert acknowledgements.channel_for(item) == acknowledgements.By.SMS
    item.contact.opted_out_at = item.created_at
    assert acknowledgements.channel_for(item) == acknowledgements.By.LETTER


def test_an_emailed_complaint_was_acknowledged_at_its_door_and_is_not_again(app):
    item = _web_complaint(email="p@example.org", may_contact=True)
    item.received_via = Channel.EMAIL
    db.session.commit()
    stages.open_stage_one(item)
    assert _acknowledgements() == []


def test_an_owner_who_can_no_longer_own_complaints_is_not_named(app):
    item = _web_complaint(email="p@example.org", may_contact=True)
    owner = db.session.get(StaffUser, item.team.default_owner_id)
    owner.active = False
    db.session.commit()
    assert stages.responder(item) == stages.Responder(None, "North")
    assert stages.open_stage_one(item).manager_id is None


def test_a_letter_to_print_for_someone_with_only_an_address(client, signed_in):
    item = _web_complaint(
        name="Pat Parent", postal_address="1 High Street\nLeeds LS1 1AA", may_contact=True
    )
    stages.open_stage_one(item)  # as the job after ingest does; the page only reads
    page = client.get(f"/staff/items/{item.id}").text
    assert "the acknowledgement goes by post" in page
    stage = db.session.scalars(select(ComplaintStage)).one()
    assert _acknowledgements() == []
    letter = client.get(f"/staff/complaints/stages/{stage.id}/letter")
    assert letter.status_code == 200
    assert "Pat Parent<br>1 High Street<br>Leeds LS1 1AA" in letter.text
    assert item.reference in letter.text
    assert "Nadia Owner, of North, will respond to your complaint by" in letter.text
    assert "Nobody returned my calls" not in letter.text


def test_the_letter_of_a_restricted_item_is_refused_and_no_stage_is_a_404(client, signed_in):
    item = _web_complaint(postal_address="1 High Street", may_contact=True)
    stage = stages.open_stage_one(item)
    SafeguardingAlertFactory(feedback_item=item)
    db.session.commit()
    assert client.get(f"/staff/complaints/stages/{stage.id}/letter").status_code == 403
    assert client.get("/staff/complaints/stages/99999999999/letter").status_code == 404


def test_a_manager_sets_a_teams_default_owner_and_it_is_audited(client, make_staff, sign_in):
    manager = make_staff(StaffRole.MANAGER)
    sign_in(client, manager)
    team = TeamFactory(name="South")
    officer = StaffUserFactory(name="Omar Officer", role=StaffRole.COMPLAINTS_OFFICER)
    db.session.commit()
    listing = client.get("/staff/complaints/owners")
    assert "South" in listing.text and "Nobody chosen" in listing.text
    form = client.get(f"/staff/complaints/owners/{team.id}")
    assert "Omar Officer" in form.text
    saved = client.post(f"/staff/complaints/owners/{team.id}", data={"owner": str(officer.id)})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Team, team.id).default_owner_id == officer.id
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "team_default_owner_set")
    ).one()
    assert event.object_id == str(team.id) and event.detail["after"] == officer.id
    assert "Omar Officer" in client.get("/staff/complaints/owners").text


@pytest.mark.parametrize(
    "owner",
    ["abc", "99999", "-1", "1 OR 1=1", "9" * 400, "<script>", "\x00", "\uff11"],
)
def test_nonsense_owners_are_refused_with_a_govuk_error(client, make_staff, sign_in, owner):
    sign_in(client, make_staff(StaffRole.MANAGER))
    team = TeamFactory()
    db.session.commit()
    response = client.post(f"/staff/complaints/owners/{team.id}", data={"owner": owner})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    db.session.expire_all()
    assert db.session.get(Team, team.id).default_owner_id is None


def test_an_owner_who_may_not_own_complaints_is_refused(app):
    team = TeamFactory()
    reviewer = StaffUserFactory(role=StaffRole.SAFEGUARDING_REVIEWER)
    manager = StaffUserFactory(role=StaffRole.MANAGER)
    with pytest.raises(default_owners.OwnerRefused):
        default_owners.set_default_owner(team, reviewer, manager)


def test_only_managers_change_default_owners(client, signed_in):
    team = TeamFactory()
    db.session.commit()
    assert client.get("/staff/complaints/owners").status_code == 200
    assert client.get(f"/staff/complaints/owners/{team.id}").status_code == 403
    assert client.post(f"/staff/complaints/owners/{team.id}", data={"owner": ""}).status_code == 403


def test_unknown_teams_are_404_and_posts_need_csrf(app, client, make_staff, sign_in):
    sign_in(client, make_staff(StaffRole.MANAGER))
    team = TeamFactory()
    db.session.commit()
    assert client.get("/staff/complaints/owners/2147483648").status_code == 404
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"/staff/complaints/owners/{team.id}", data={"owner": ""})
    assert response.status_code in (200, 400)
    assert (
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "team_default_owner_set")
        ).all()
        == []
    )
