"""The report's newer sections from a known fixture over two financial years, each number
checked against a hand count: timeliness at each stage, Stage 2 requests that did not go
ahead, remedies, expenditure, advocacy, the action plan, MP and councillor reply times, the
report's own words with their figures, and small numbers hidden in equality monitoring."""

from datetime import UTC, date, datetime

import pytest
from flask import Flask

from app.extensions import db
from app.models import (
    ComplaintCost,
    ComplaintOutcome,
    ComplaintRemedy,
    CostKind,
    ElectedMember,
    EqualityResponse,
    FeedbackItem,
    LearningPoint,
    MemberEnquiry,
    NotProgressedReason,
    RemedyKind,
)
from app.services.reports import narrative
from app.services.reports.annual import build_report
from app.services.reports.periods import financial_year
from app.services.reports.tables import CountTable, Report
from tests.factories import ComplaintStageFactory, FeedbackItemFactory, StaffUserFactory


def _item(day: date, **kwargs: object) -> FeedbackItem:
    return FeedbackItemFactory(
        created_at=datetime(day.year, day.month, day.day, 10, tzinfo=UTC), **kwargs
    )


def _rows(table: CountTable | None) -> dict[str, tuple[int, int]]:
    assert table is not None
    return {row.key: (row.current, row.previous) for row in table.rows}


@pytest.fixture
def report(app: Flask) -> Report:
    # This year (2025-26). A: answered in time, after 9 working days; a child who asked for an
    # advocate, was offered one and took it up; an apology and £250; Stage 2 asked for and
    # refused because the matter is before a court.
    a = _item(date(2025, 6, 2), advocate_requested=True, advocacy_offered=True)
    a.advocacy_taken_up = True
    a1 = ComplaintStageFactory(
        feedback_item=a,
        received_on=date(2025, 6, 2),
        due_on=date(2025, 6, 16),
        responded_on=date(2025, 6, 13),
        outcome=ComplaintOutcome.UPHELD,
        next_stage_requested_on=date(2025, 6, 25),
        next_stage_declined=NotProgressedReason.LEGAL_PROCEEDINGS,
    )
    db.session.add_all(
        [
            ComplaintRemedy(stage=a1, kind=RemedyKind.APOLOGY, recorded_on=date(2025, 6, 13)),
            ComplaintRemedy(
                stage=a1,
                kind=RemedyKind.FINANCIAL_PAYMENT,
                amount_pence=25000,
                recorded_on=date(2025, 6, 20),
            ),
        ]
    )
    # B: answered within its extension after 15 working days, not offered an advocate; its
    # Stage 2 answered late after 29 working days (25 August is a bank holiday), with an
    # investigator (£1,800) and an independent person (£450.50).
    b = _item(date(2025, 7, 1), advocacy_offered=False)
    ComplaintStageFactory(
        feedback_item=b,
        received_on=date(2025, 7, 1),
        due_on=date(2025, 7, 15),
        extended_due_on=date(2025, 7, 29),
        responded_on=date(2025, 7, 22),
        outcome=ComplaintOutcome.NOT_UPHELD,
    )
    b2 = ComplaintStageFactory(
        feedback_item=b,
        stage=2,
        received_on=date(2025, 8, 1),
        due_on=date(2025, 9, 5),
        responded_on=date(2025, 9, 12),
        outcome=ComplaintOutcome.PARTIALLY_UPHELD,
    )
    db.session.add_all(
        [
            ComplaintCost(
                stage=b2,
                kind=CostKind.INVESTIGATOR,
                amount_pence=180000,
                incurred_on=date(2025, 9, 1),
            ),
            ComplaintCost(
                stage=b2,
                kind=CostKind.INDEPENDENT_PERSON,
                amount_pence=45050,
                incurred_on=date(2025, 9, 10),
            ),
        ]
    )
    # C: not answered yet; advocacy not recorded.
    c = _item(date(2026, 3, 2))
    ComplaintStageFactory(feedback_item=c, received_on=date(2026, 3, 2), due_on=date(2026, 3, 16))
    # The year before (2024-25). D: answered late after 13 working days, an explanation, and
    # Stage 2 asked for too late.
    d = _item(date(2024, 6, 3))
    d1 = ComplaintStageFactory(
        feedback_item=d,
        received_on=date(2024, 6, 3),
        due_on=date(2024, 6, 17),
        responded_on=date(2024, 6, 20),
        outcome=ComplaintOutcome.NOT_UPHELD,
        next_stage_requested_on=date(2024, 8, 1),
        next_stage_declined=NotProgressedReason.OUT_OF_TIME,
    )
    db.session.add(
        ComplaintRemedy(stage=d1, kind=RemedyKind.EXPLANATION, recorded_on=date(2024, 6, 20))
    )
    # MP letters this year: 5 working days (5 May is a bank holiday) and 13 (26 May is one).
    for received, responded in (
        (date(2025, 5, 1), date(2025, 5, 9)),
        (date(2025, 5, 12), date(2025, 5, 30)),
    ):
        db.session.add(
            MemberEnquiry(
                feedback_item=_item(received),
                member=ElectedMember.MP,
                received_on=received,
                due_on=received,
                responded_on=responded,
            )
        )
    # The action plan: one action this year with its intended outcome and an update; a point
    # without an action and one from the year before are left out.
    lead = StaffUserFactory(name="Asha Patel")
    for created, action in (
        (datetime(2025, 7, 1, 12, tzinfo=UTC), "Call parents back within a day"),
        (datetime(2025, 7, 2, 12, tzinfo=UTC), None),
        (datetime(2024, 7, 2, 12, tzinfo=UTC), "Last year's action"),
    ):
        db.session.add(
            LearningPoint(
                feedback_item=a,
                stage=a1,
                lesson="Calls were not returned",
                action=action,
                intended_outcome="Parents know the next step" if action else None,
                progress_update="Done in two of five teams" if action else None,
                progress_updated_on=date(2026, 1, 10) if action else None,
                owner=lead,
                due_on=date(2026, 3, 31),
                themes=[],
                created_at=created,
            )
        )
    # Equality: three of the four complainants this year answered "female".
    for item in (a, b, c):
        db.session.add(EqualityResponse(feedback_item_id=item.id, gender="female"))
    db.session.commit()
    year = financial_year(2025)
    return build_report(year.start, year.end, nation="ENG")


def test_timeliness_at_each_stage(report: Report) -> None:
    one, two, three = report.timeliness
    assert _rows(one.responses) == {
        "in_time": (1, 0),
        "extended": (1, 0),
        "late": (0, 1),
        "awaiting": (1, 0),
    }
    assert one.average_current == 12.0 and one.average_previous == 13.0
    assert _rows(two.responses) == {
        "in_time": (0, 0),
        "extended": (0, 0),
        "late": (1, 0),
        "awaiting": (0, 0),
    }
    assert two.average_current == 29.0 and two.average_previous is None
    assert three.responses.total is not None and three.responses.total.current == 0


def test_stage_2_requests_that_did_not_go_ahead(report: Report) -> None:
    rows = _rows(report.not_progressed)
    assert rows["legal_proceedings"] == (1, 0)
    assert rows["out_of_time"] == (0, 1)
    assert sum(now for now, _before in rows.values()) == 1


def test_remedies_and_expenditure(report: Report) -> None:
    assert _rows(report.remedies) == {
        "apology": (1, 0),
        "explanation": (0, 1),
        "action_taken": (0, 0),
        "financial_payment": (1, 0),
        "service_change": (0, 0),
    }
    assert report.expenditure is not None and report.expenditure.unit == "pence"
    assert _rows(report.expenditure) == {
        "independent_investigator": (180000, 0),
        "independent_person": (45050, 0),
        "financial_payment": (25000, 0),
    }
    assert report.expenditure.total is not None
    assert report.expenditure.total.current == 250050


def test_advocacy_offered_and_used(report: Report) -> None:
    assert report.advocacy is not None
    assert (report.advocacy.complaints.current, report.advocacy.complaints.previous) == (3, 1)
    assert _rows(report.advocacy.rows) == {
        "requested": (1, 0),
        "offered": (1, 0),
        "taken_up": (1, 0),
        "not_offered": (1, 0),
        "not_recorded": (1, 1),
    }


def test_the_action_plan(report: Report) -> None:
    (entry,) = report.action_plan
    assert entry.action == "Call parents back within a day"
    assert entry.intended_outcome == "Parents know the next step"
    assert entry.owner == "Asha Patel"
    assert (entry.update, entry.updated_on) == ("Done in two of five teams", date(2026, 1, 10))


def test_member_replies_average_working_days(report: Report) -> None:
    assert report.members.average_current == 9.0
    assert report.members.average_previous is None


def test_the_reports_own_words_carry_its_figures(report: Report) -> None:
    words = narrative.for_report(report, "Northshire County Council")
    assert words.executive_summary.startswith(
        "In 1 April 2025 to 31 March 2026, Northshire County Council received 3 complaints at "
        "Stage 1 (1 in the same months a year before), 1 at Stage 2 and 0 at Stage 3. 50% of "
        "Stage 1 responses were sent within the timescale, and 50% of the Stage 1 complaints "
        "answered were upheld in full or in part. Independent investigators and persons cost "
        "£2,250.50, and £250.00 was paid to complainants."
    )
    assert narrative.fill("{complaints} and {unknown} and {", {"complaints": "3"}) == (
        "3 and {unknown} and {"
    )


def test_small_numbers_are_hidden_in_monitoring(app: Flask, report: Report) -> None:
    from app.web.reports import report_html

    with app.test_request_context("/staff/reports/complaints.pdf?period=2025-26"):
        page = report_html(report)
    equality = page.split('id="equality"', 1)[1].split('id="correspondence"', 1)[0]
    assert "fewer than 5" in equality
    assert ">3<" not in equality


def test_three_years_side_by_side_and_no_data_before_heard(app: Flask, report: Report) -> None:
    from app.web.reports import report_html

    assert report.earlier is not None and report.earlier.label == "1 April 2023 to 31 March 2024"
    assert report.first_record == date(2024, 6, 3)
    assert report.has_data(report.previous) and not report.has_data(report.earlier)
    with app.test_request_context("/staff/reports/complaints.pdf?period=2025-26"):
        page = report_html(report)
    stages = page.split('id="complaints"', 1)[1].split("</table>", 1)[0]
    assert "1 April 2023 to 31 March 2024" in stages
    assert "no data" in stages
    # Stage 1: 3 this year against 1 the year before is +200%.
    assert "+200%" in stages


def test_a_complaint_two_years_before_counts_in_the_third_column(app: Flask) -> None:
    old = _item(date(2023, 5, 2))
    ComplaintStageFactory(feedback_item=old, received_on=date(2023, 5, 2), due_on=date(2023, 5, 16))
    db.session.commit()
    year = financial_year(2025)
    report = build_report(year.start, year.end, nation="ENG")
    stage_one = next(row for row in report.stages.rows if row.key == "1")
    assert (stage_one.current, stage_one.previous, stage_one.earlier) == (0, 0, 1)
    assert report.has_data(report.previous)


def test_the_workbook_has_the_new_sections_and_hides_small_numbers(report: Report) -> None:
    from app.services.reports import export

    sheets = {sheet.name: sheet for sheet in export.sheets(report)}
    for name in ("Timeliness", "Stage 2 not progressed", "Advocacy", "Remedies", "Action plan"):
        assert name in sheets
    # Three years and the change: the year two before ended before Heard's first record.
    assert (
        "Independent investigators (Stages 2 and 3)",
        1800.0,
        0.0,
        "no data",
        "new",
    ) in sheets["Expenditure"].rows
    female = next(
        row for row in sheets["Equality"].rows if row[0] == "Complainant" and row[3] == "Female"
    )
    # This year, the year before, two years before (no data), the change, the shares.
    assert female[4] == "fewer than 5" and female[7] == "\u2013" and female[8] is None
