"""The complaints report from a known fixture over two financial years: every table's numbers,
the bank holidays in the response times, and which date puts a row in which year."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import pytest
from flask import Flask

from app.extensions import db
from app.models import (
    AlertSource,
    ComplaintOutcome,
    ComplaintStage,
    ComplimentCredit,
    Contact,
    ContactRole,
    Direction,
    ElectedMember,
    EqualityResponse,
    FeedbackItem,
    FeedbackKind,
    LearningPoint,
    MemberEnquiry,
    Message,
    OmbudsmanFinding,
    OmbudsmanReferral,
    SafeguardingAlert,
    Team,
)
from app.models.enums import Channel
from app.services.classification.themes import set_item_themes
from app.services.reports.annual import build_report, working_day_ordinals
from app.services.reports.months import Month
from app.services.reports.periods import financial_year
from app.services.reports.tables import CountTable, Report
from tests.factories import ComplaintStageFactory, FeedbackItemFactory, MessageFactory

HOSTILE = ('=HYPERLINK("http://evil.example","click")', "+SUM(1)", "@cmd|' /C calc'!A0")


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), UTC)


@dataclass
class Fixture:
    team_a: Team
    team_b: Team


class Builder:
    """Items and stages for the report, made with the factories."""

    def item(
        self,
        kind: FeedbackKind,
        at: datetime,
        team: Team | None = None,
        channels: tuple[Channel, ...] = (),
        role: ContactRole | None = None,
        contact: Contact | None = None,
        themes: tuple[str, ...] = (),
        text: str = "A message",
    ) -> FeedbackItem:
        item = FeedbackItemFactory(
            kind=kind,
            created_at=at,
            team=team,
            submitter_role=role,
            contact=contact,
            received_via=channels[0] if channels else None,
        )
        set_item_themes(item, themes)
        for offset, channel in enumerate(channels):
            MessageFactory(
                feedback_item=item,
                channel=channel,
                text=text,
                received_at=at.replace(minute=offset),
            )
        return item

    def stage(
        self,
        item: FeedbackItem,
        number: int,
        received: date,
        responded: date | None = None,
        outcome: ComplaintOutcome | None = None,
        team: Team | None = None,
    ) -> ComplaintStage:
        return ComplaintStageFactory(
            feedback_item=item,
            stage=number,
            team=team if team is not None else item.team,
            received_on=received,
            responded_on=responded,
            outcome=outcome,
        )

    def complaint(
        self,
        received: date,
        responded: date | None,
        outcome: ComplaintOutcome | None,
        **fields,
    ) -> tuple[FeedbackItem, ComplaintStage]:
        item = self.item(FeedbackKind.COMPLAINT, _noon(received), **fields)
        return item, self.stage(item, 1, received, responded, outcome)


@pytest.fixture
def fixture(app: Flask) -> Iterator[Fixture]:
    build = Builder()
    team_a = Team(name="Assessment")
    team_b = Team(name="Children in care")
    db.session.add_all([team_a, team_b])
    professional = Contact(role=ContactRole.PROFESSIONAL, name="Priya Kaur")
    carer = Contact(role=ContactRole.CARER, name="Morag Campbell", phone="+447700900456")
    db.session.add_all([professional, carer])

    # The year reported: April 2025 to March 2026, with Easter and Christmas in it.
    c1, c1_stage = build.complaint(
        date(2025, 4, 14),
        date(2025, 4, 29),  # 9 working days: Good Friday and Easter Monday are not counted
        ComplaintOutcome.UPHELD,
        team=team_a,
        channels=(Channel.WEB_ADULT, Channel.EMAIL),
        role=ContactRole.PARENT,
        contact=professional,
        themes=("communication", "delay"),
    )
    build.stage(c1, 2, date(2025, 5, 20), date(2025, 6, 30), ComplaintOutcome.PARTIALLY_UPHELD)
    c2 = build.item(
        FeedbackKind.COMPLAINT,
        _noon(date(2025, 6, 2)),
        team=team_a,
        channels=(Channel.EMAIL,),
        contact=carer,
        themes=("delay",),
    )
    # An acknowledgement sent out before the email arrived is not how the complaint came in.
    db.session.add(
        Message(
            feedback_item=c2,
            channel=Channel.SMS,
            direction=Direction.OUTBOUND,
            external_id="report-out-1",
            text="We have your complaint",
            raw_payload={},
            received_at=_noon(date(2025, 6, 1)),
        )
    )
    # Stage 1 went to another team than the item's: the stage's team counts.
    build.stage(c2, 1, date(2025, 6, 2), date(2025, 6, 30), ComplaintOutcome.NOT_UPHELD, team_b)
    _c3, c3_stage = build.complaint(
        date(2025, 12, 1),
        date(2026, 1, 5),  # 22 working days over Christmas, Boxing Day and New Year's Day
        ComplaintOutcome.WITHDRAWN,
        team=team_a,
        channels=(Channel.SMS,),
        role=ContactRole.CHILD,
        themes=("staff_conduct",),
    )
    build.complaint(date(2026, 3, 20), None, None)

    # The year before: April 2024 to March 2025.
    build.complaint(
        date(2024, 5, 13),
        date(2024, 5, 20),
        ComplaintOutcome.UPHELD,
        team=team_a,
        channels=(Channel.WEB_CHILD,),
        role=ContactRole.YOUNG_PERSON,
        themes=("communication",),
    )
    p2, p2_stage = build.complaint(
        date(2024, 11, 4),
        date(2024, 12, 2),
        ComplaintOutcome.NOT_UPHELD,
        team=team_b,
        channels=(Channel.EMAIL,),
        role=ContactRole.PARENT,
        themes=("bias",),
    )
    build.stage(p2, 2, date(2025, 1, 6), date(2025, 3, 3), ComplaintOutcome.NOT_UPHELD)
    build.stage(p2, 3, date(2025, 5, 1), date(2025, 7, 1), ComplaintOutcome.UPHELD)
    # Received on the last day of the year before, answered in the year reported.
    build.complaint(
        date(2025, 3, 31),
        date(2025, 4, 23),
        ComplaintOutcome.PARTIALLY_UPHELD,
        team=team_a,
        channels=(Channel.SMS,),
        role=ContactRole.PARENT,
    )
    # Outside both years.
    build.complaint(date(2024, 3, 29), date(2024, 4, 2), ComplaintOutcome.UPHELD, team=team_a)
    build.complaint(date(2026, 4, 1), None, None, team=team_a)

    # Compliments: received on 1 April 2025 at 00:30 in the UK (23:30 UTC the day before).
    first_hour = build.item(
        FeedbackKind.COMPLIMENT,
        datetime(2025, 3, 31, 23, 30, tzinfo=UTC),
        channels=(Channel.EMAIL,),
        text="Thank you to Jo Bloggs, call me on 07700 900123 any time",
    )
    newest_a = build.item(
        FeedbackKind.COMPLIMENT,
        _noon(date(2025, 9, 1)),
        channels=(Channel.WEB_ADULT,),
        contact=carer,
        text=HOSTILE[0] + " Morag says the team were brilliant",
        themes=("delay", "communication"),
    )
    b_compliment = build.item(
        FeedbackKind.COMPLIMENT,
        _noon(date(2025, 8, 1)),
        channels=(Channel.SMS,),
        text=HOSTILE[1] + " thanks so much",
    )
    restricted = build.item(
        FeedbackKind.COMPLIMENT,
        _noon(date(2025, 10, 1)),
        channels=(Channel.SMS,),
        text="Kind words, but my dad hits me",
    )
    db.session.add(SafeguardingAlert(feedback_item=restricted, source=AlertSource.CLASSIFIER))
    build.item(FeedbackKind.COMPLIMENT, _noon(date(2025, 11, 1)), channels=(Channel.EMAIL,))
    last_hour_before = build.item(
        FeedbackKind.COMPLIMENT, datetime(2025, 3, 31, 22, 30, tzinfo=UTC), channels=(Channel.SMS,)
    )
    for compliment, team, worker in (
        (first_hour, team_a, "Jo Bloggs"),
        (newest_a, team_a, None),
        (b_compliment, team_b, None),
        (restricted, team_b, None),
        (last_hour_before, team_a, None),
    ):
        db.session.add(ComplimentCredit(feedback_item=compliment, team=team, worker_name=worker))

    # Learning points, recorded in the year reported and the year before.
    for stage, team, lesson, action, due, done, at in (
        (c1_stage, team_a, HOSTILE[0], HOSTILE[1], date(2025, 6, 1), date(2025, 5, 30), 5),
        (
            c1_stage,
            team_a,
            "Call back the same day",
            "Set up a call log",
            date(2025, 6, 1),
            None,
            6,
        ),
        (c3_stage, team_b, HOSTILE[2], None, None, None, 7),
    ):
        db.session.add(
            LearningPoint(
                feedback_item_id=stage.feedback_item_id,
                stage=stage,
                team=team,
                lesson=lesson,
                action=action,
                due_on=due,
                done_on=done,
                themes=["communication"],
                created_at=_noon(date(2025, at, 10)),
            )
        )
    db.session.add(
        LearningPoint(
            feedback_item_id=p2.id,
            stage=p2_stage,
            team=team_b,
            lesson="Explain the decision",
            action="Rewrite the leaflet",
            due_on=date(2025, 5, 1),
            created_at=_noon(date(2024, 12, 10)),
        )
    )

    # Ombudsman referrals.
    for referred, finding in (
        (date(2025, 9, 1), OmbudsmanFinding.MALADMINISTRATION),
        (date(2026, 1, 10), None),
        (date(2024, 6, 1), OmbudsmanFinding.UPHELD),
    ):
        item = build.item(FeedbackKind.COMPLAINT, _noon(date(2023, 1, 2)))
        db.session.add(OmbudsmanReferral(feedback_item=item, referred_on=referred, finding=finding))

    # MP and councillor enquiries.
    for member, received, due, responded in (
        (ElectedMember.MP, date(2025, 5, 1), date(2025, 5, 16), date(2025, 5, 15)),
        (ElectedMember.COUNCILLOR, date(2025, 7, 1), date(2025, 7, 15), date(2025, 7, 20)),
        (ElectedMember.MP, date(2026, 3, 25), date(2026, 4, 9), None),
        (ElectedMember.MP, date(2024, 10, 1), date(2024, 10, 15), date(2024, 10, 15)),
    ):
        item = build.item(FeedbackKind.COMMENT, _noon(received))
        db.session.add(
            MemberEnquiry(
                feedback_item=item,
                member=member,
                received_on=received,
                due_on=due,
                responded_on=responded,
            )
        )

    db.session.add(EqualityResponse(feedback_item_id=c1.id, age_band="35_44", gender="female"))
    db.session.commit()
    yield Fixture(team_a, team_b)


def _rows(table: CountTable) -> dict[str, tuple[int, int]]:
    return {row.label: (row.current, row.previous) for row in table.rows}


@pytest.fixture
def report(fixture: Fixture) -> Report:
    year = financial_year(2025)
    return build_report(year.start, year.end, "ENG")


def test_periods(report: Report) -> None:
    assert (report.period.start, report.period.end) == (date(2025, 4, 1), date(2026, 3, 31))
    assert (report.previous.start, report.previous.end) == (date(2024, 4, 1), date(2025, 3, 31))


def test_stages(report: Report) -> None:
    assert _rows(report.stages) == {
        "Stage 1 (local resolution)": (4, 3),
        "Stage 2 (investigation)": (1, 1),
        "Stage 3 (review panel)": (1, 0),
    }
    assert (report.stages.total.current, report.stages.total.previous) == (6, 4)


def test_teams(report: Report) -> None:
    assert _rows(report.teams) == {
        "Assessment": (2, 2),
        "Children in care": (1, 1),
        "No team recorded": (1, 0),
    }
    assert (report.teams.total.current, report.teams.total.previous) == (4, 3)


def test_themes(report: Report) -> None:
    themes = {label: counts for label, counts in _rows(report.themes).items() if any(counts)}
    assert themes == {
        "Communication": (1, 1),
        "Bias or unfair treatment": (0, 1),
        "Delay": (2, 0),
        "Staff conduct": (1, 0),
    }
    assert report.themes.total is None


def test_outcomes(report: Report) -> None:
    by_stage = {o.stage: _rows(o.outcomes) for o in report.outcomes}
    assert by_stage[1] == {
        "Upheld": (1, 1),
        "Partially upheld": (0, 1),
        "Not upheld": (1, 1),
        "Withdrawn": (1, 0),
        "No outcome yet": (1, 0),
    }
    assert by_stage[2] == {
        "Upheld": (0, 0),
        "Partially upheld": (1, 0),
        "Not upheld": (0, 1),
        "Withdrawn": (0, 0),
        "No outcome yet": (0, 0),
    }
    assert by_stage[3]["Upheld"] == (1, 0)
    assert sum(c for c, _p in by_stage[3].values()) == 1


def test_response_times_count_working_days_without_bank_holidays(report: Report) -> None:
    times = report.response_times
    assert _rows(times.bands) == {
        "Within 10 working days": (1, 1),
        "11 to 20 working days": (1, 2),
        "Over 20 working days": (1, 0),
    }
    # (9 + 20 + 22) / 3 this year; (5 + 20 + 15) / 3 the year before.
    assert times.average_current == pytest.approx(17.0)
    assert times.average_previous == pytest.approx(40 / 3)
    assert (times.awaiting.current, times.awaiting.previous) == (1, 0)


def test_working_day_ordinals_skip_weekends_and_bank_holidays() -> None:
    ordinals = dict(working_day_ordinals(date(2025, 4, 14), date(2025, 4, 29), "ENG"))
    assert ordinals[date(2025, 4, 29)] - ordinals[date(2025, 4, 14)] == 9
    assert ordinals[date(2025, 4, 18)] == ordinals[date(2025, 4, 21)] == ordinals[date(2025, 4, 17)]


def test_how_received(report: Report) -> None:
    assert _rows(report.channels) == {
        "Online form": (1, 0),
        "Children's online form": (0, 1),
        "Email": (1, 1),
        "Text message": (1, 1),
        "No message received": (1, 0),
    }


def test_who_complained(report: Report) -> None:
    assert _rows(report.complainants) == {
        "Child": (1, 0),
        "Young person": (0, 1),
        "Parent": (1, 2),
        "Carer": (1, 0),
        "Not recorded": (1, 0),
    }


def test_compliments_by_team(report: Report) -> None:
    assert _rows(report.compliments.by_team) == {
        "Assessment": (2, 1),
        "Children in care": (2, 0),
        "Not credited to a team": (1, 0),
    }


def test_compliment_quotes_are_newest_per_team_redacted_and_never_safeguarding(
    report: Report,
) -> None:
    quotes = {quote.team: quote for quote in report.compliments.quotes}
    assert set(quotes) == {"Assessment", "Children in care"}
    # The month, never the day: a day and a team can lead back to the person.
    assert quotes["Assessment"].month == Month(2025, 9)
    # The themes it illustrates, by name, in the taxonomy's order; none when it has none.
    assert quotes["Assessment"].themes == ("Communication", "Delay")
    assert quotes["Children in care"].themes == ()
    assert "Morag" not in quotes["Assessment"].text
    assert quotes["Assessment"].text.startswith("=")
    assert "hits me" not in quotes["Children in care"].text
    assert quotes["Children in care"].text.startswith("+")


def test_learning(report: Report) -> None:
    learning = report.learning
    assert _rows(learning.summary) == {
        "Learning points recorded": (3, 1),
        "With an action": (2, 1),
        "Actions done": (1, 0),
        "Actions not done yet": (1, 1),
        "Actions past their due date and not done": (1, 0),
    }
    assert _rows(learning.by_team) == {"Assessment": (2, 0), "Children in care": (1, 1)}
    lessons = [entry.lesson for entry in learning.entries]
    assert lessons[0].startswith("@cmd") and lessons[1] == "Call back the same day"
    assert lessons[2].startswith("=HYPERLINK(") and "evil.example" not in lessons[2]
    assert learning.entries[2].action == HOSTILE[1]
    assert learning.entries[0].themes == ("Communication",)


def test_equality_profile_beside_population(report: Report) -> None:
    tables = {table.question: table for table in report.equality}
    assert tables["age_band"].complainants == 4
    assert tables["age_band"].answered == 1
    counts = {row.option: row.count for row in tables["gender"].rows}
    assert counts["female"] == 1 and sum(counts.values()) == 1


def test_ombudsman(report: Report) -> None:
    assert _rows(report.ombudsman) == {
        "Upheld": (0, 1),
        "Partly upheld": (0, 0),
        "Not upheld": (0, 0),
        "Premature (sent back to the council)": (0, 0),
        "Outside jurisdiction": (0, 0),
        "Closed after initial enquiries": (0, 0),
        "Settled locally": (0, 0),
        "Withdrawn": (0, 0),
        "Maladministration": (1, 0),
        "Investigation discontinued": (0, 0),
        "No decision yet": (1, 0),
    }
    assert report.ombudsman_name == "Local Government and Social Care Ombudsman"


def test_member_correspondence(report: Report) -> None:
    assert _rows(report.members.received) == {"MPs": (2, 1), "Councillors": (1, 0)}
    assert _rows(report.members.replies) == {
        "Replied within 10 working days": (1, 1),
        "Replied after 10 working days": (1, 0),
        "Not replied yet": (1, 0),
    }


def test_a_quarter_compares_with_the_same_quarter_a_year_before(fixture: Fixture) -> None:
    report = build_report(date(2025, 4, 1), date(2025, 6, 30), "ENG")
    assert _rows(report.stages)["Stage 1 (local resolution)"] == (2, 1)
    assert _rows(report.response_times.bands) == {
        "Within 10 working days": (1, 1),
        "11 to 20 working days": (1, 0),
        "Over 20 working days": (0, 0),
    }
