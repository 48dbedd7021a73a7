"""The report's monitoring of the child a complaint is about, disability by kind and sexual
orientation, and the three years with the change in percent in the response-time, timeliness
and equality tables, on the page, in the PDF's HTML and in the workbook: every number from a
fixture of three financial years counted by hand, small numbers hidden."""

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask import Flask
from openpyxl import load_workbook
from pypdf import PdfReader

from app.extensions import db
from app.models import FeedbackItem
from app.services.reports import equality, export
from app.services.reports.annual import build_report
from app.services.reports.equality import Unit
from app.services.reports.equality_questions import CHILD_AGE_BAND, asked
from app.services.reports.periods import financial_year
from app.services.reports.tables import DASH, NEW, Report, change_words, percent_change
from tests.factories import ComplaintStageFactory, FeedbackItemFactory, StaffUserFactory


def _complaint(day: date, answered_in: int | None = None, **answers: str) -> FeedbackItem:
    """A Stage 1 complaint received on `day`, answered after `answered_in` calendar days (all
    days here are Monday to Friday in weeks without bank holidays), with equality answers."""
    item = FeedbackItemFactory(created_at=datetime(day.year, day.month, day.day, 10, tzinfo=UTC))
    responded = None if answered_in is None else day.replace(day=day.day + answered_in)
    ComplaintStageFactory(
        feedback_item=item,
        received_on=day,
        due_on=day.replace(day=day.day + 14),
        responded_on=responded,
    )
    db.session.commit()
    if answers:
        assert equality.record_answers(item.id, answers)
    return item


@pytest.fixture
def report(app: Flask) -> Report:
    # This year (2025-26): six complaints about a child of 10 to 14, a boy, each answered in
    # 2 working days (Monday 2 June to Wednesday 4 June); two about a child of 0 to 5, a girl,
    # answered in 4; one with no answers and not answered yet.
    for _ in range(6):
        _complaint(
            date(2025, 6, 2),
            2,
            child_age_band="10_14",
            child_gender="male",
            disability_kind="autism",
            sexual_orientation="straight",
        )
    for _ in range(2):
        _complaint(
            date(2025, 6, 2),
            4,
            child_age_band="0_5",
            child_gender="female",
            disability_kind="learning",
            sexual_orientation="bisexual",
        )
    _complaint(date(2025, 6, 2))
    # The year before (2024-25): five about a child of 10 to 14 (answered in 3 working days,
    # Monday 3 June to Thursday 6 June) and three about a child of 0 to 5 (in 1).
    for _ in range(5):
        _complaint(date(2024, 6, 3), 3, child_age_band="10_14", child_gender="male")
    for _ in range(3):
        _complaint(date(2024, 6, 3), 1, child_age_band="0_5", sexual_orientation="straight")
    # Two years before (2023-24): one about a young person of 15 to 17, answered in 5.
    _complaint(date(2023, 6, 5), 7, child_age_band="15_17")
    equality.set_population(
        CHILD_AGE_BAND,
        {"0_5": Decimal(30), "6_9": Decimal(20), "10_14": Decimal(30), "15_17": Decimal(20)},
        Unit.PERCENT,
        StaffUserFactory(),
        None,
    )
    year = financial_year(2025)
    return build_report(year.start, year.end, nation="ENG")


def _table(report: Report, question: str) -> equality.EqualityTable:
    return next(table for table in report.equality if table.question == question)


def _cells(row: str) -> list[str]:
    """The text of each cell of one row of the page's HTML."""
    return [cell.rsplit(">", 1)[1].strip() for cell in row.split("</td>")[:-1]]


def _counts(table: equality.EqualityTable) -> dict[str, tuple[int, int, int]]:
    return {row.option: (row.count, row.previous, row.earlier) for row in table.rows}


def test_percent_change_handles_zero_missing_and_hidden_bases() -> None:
    assert percent_change(6, 5) == pytest.approx(0.2)
    assert percent_change(3, 6) == pytest.approx(-0.5)
    assert percent_change(3, 0) == NEW
    assert percent_change(0, 0) is None
    assert percent_change(5, 5, known=False) is None
    assert percent_change(None, 4.0) is None
    # A hidden count on either side hides the change, which would give it away.
    assert percent_change(6, 3, suppress=True) is None
    assert percent_change(3, 6, suppress=True) is None
    assert percent_change(3, 0, suppress=True) is None
    assert percent_change(0, 6, suppress=True) == pytest.approx(-1.0)
    assert percent_change(12, 6, suppress=True) == pytest.approx(1.0)
    assert [change_words(c) for c in (0.2, -0.5, NEW, None)] == ["+20%", "-50%", "new", DASH]
    assert [change_words(c) for c in (-0.003, 0.004, 0.0)] == ["0%", "0%", "0%"]


def test_the_child_the_complaint_is_about_by_age_and_gender(report: Report) -> None:
    ages = _table(report, "child_age_band")
    assert ages.about == "child"
    assert _counts(ages) == {
        "0_5": (2, 3, 0),
        "6_9": (0, 0, 0),
        "10_14": (6, 5, 0),
        "15_17": (0, 0, 1),
        "18_25": (0, 0, 0),
        "several": (0, 0, 0),
    }
    assert ages.complainants == 9 and ages.answered == 8
    assert ages.skipped + ages.no_response == 1
    # The year before: 8 complaints, all answered; two years before: 1, answered.
    assert ages.previous == (0, 0) and ages.earlier == (0, 0)
    population = {row.option: row.population_percent for row in ages.rows}
    assert population == {
        "0_5": 30.0,
        "6_9": 20.0,
        "10_14": 30.0,
        "15_17": 20.0,
        "18_25": None,
        "several": None,
    }
    genders = _counts(_table(report, "child_gender"))
    assert genders["male"] == (6, 5, 0) and genders["female"] == (2, 0, 0)
    # Three answered the year before without giving the child's gender.
    assert _table(report, "child_gender").previous == (0, 3)


def test_disability_by_kind_and_sexual_orientation(report: Report) -> None:
    kinds = _counts(_table(report, "disability_kind"))
    assert kinds["autism"] == (6, 0, 0) and kinds["learning"] == (2, 0, 0)
    orientation = _table(report, "sexual_orientation")
    assert orientation.about == "complainant"
    assert _counts(orientation)["straight"] == (6, 3, 0)
    assert _counts(orientation)["bisexual"] == (2, 0, 0)


def test_response_times_and_timeliness_over_three_years(report: Report) -> None:
    times = report.response_times
    # (6 x 2 + 2 x 4) / 8; (5 x 3 + 3 x 1) / 8; 5.
    assert times.average_current == pytest.approx(2.5)
    assert times.average_previous == pytest.approx(2.25)
    assert times.average_earlier == pytest.approx(5.0)
    assert (times.awaiting.current, times.awaiting.previous, times.awaiting.earlier) == (1, 0, 0)
    within = times.bands.rows[0]
    assert (within.current, within.previous, within.earlier) == (8, 8, 1)
    stage_one = report.timeliness[0]
    assert stage_one.average_earlier == pytest.approx(5.0)
    in_time = next(row for row in stage_one.responses.rows if row.key == "in_time")
    assert (in_time.current, in_time.previous, in_time.earlier) == (8, 8, 1)


def test_the_page_sets_three_years_and_the_change_in_every_table(app: Flask, report: Report):
    from app.web.reports import report_html

    with app.test_request_context("/staff/reports/complaints.pdf?period=2025-26"):
        page = report_html(report)
    times = page.split('id="response-times"', 1)[1].split('id="not-progressed"', 1)[0]
    assert times.count("1 April 2023 to 31 March 2024") == 4  # bands and the three stages
    # Average working days: 2.5 against 2.25 is +11%; not answered yet: 1 against 0 is new.
    assert "2.5" in times and "2.2" in times and "5.0" in times and "+11%" in times
    assert ">new<" in times
    monitoring = page.split('id="equality"', 1)[1].split('id="correspondence"', 1)[0]
    assert "The children and young people complaints are about" in monitoring
    child_ages = monitoring.split("Age of the child or young person", 1)[1].split("</table>")[0]
    ten_to_fourteen = child_ages.split("10 to 14", 1)[1].split("</tr>", 1)[0]
    assert _cells(ten_to_fourteen) == ["6", "5", "0", "+20%", "75.0%", "30.0%"]
    nought_to_five = child_ages.split("0 to 5", 1)[1].split("</tr>", 1)[0]
    # 2 against 3 would be -33%, and 25% of those who answered: both would show a hidden number.
    assert _cells(nought_to_five) == ["fewer than 5", "fewer than 5", "0", DASH, DASH, "30.0%"]
    assert "-33%" not in child_ages


def test_the_workbook_has_three_years_the_change_and_frozen_headers(report: Report) -> None:
    sheets = {sheet.name: sheet for sheet in export.sheets(report)}
    header = sheets["Response times"].header
    assert header == (
        "Stage 1 response",
        "1 April 2025 to 31 March 2026",
        "1 April 2024 to 31 March 2025",
        "1 April 2023 to 31 March 2024",
        "Change on the year before",
    )
    average = next(r for r in sheets["Response times"].rows if r[0] == "Average working days")
    assert average[1:4] == (2.5, 2.2, 5.0)  # 2.25 rounds to 2.2 (half to even)
    assert average[4] == pytest.approx(0.25 / 2.25)
    timeliness = sheets["Timeliness"].rows
    assert ("Stage 1 (local resolution)", "Within the timescale", 8, 8, 1, 0.0) in timeliness
    child = [row for row in sheets["Equality"].rows if row[0] == "Child complained about"]
    by_answer = {(row[1], row[3]): row[4:] for row in child}
    assert by_answer[("Age of the child or young person", "10 to 14")] == (
        6,
        5,
        0,
        pytest.approx(0.2),
        75.0,
        30.0,
    )
    assert by_answer[("Age of the child or young person", "0 to 5")] == (
        "fewer than 5",
        "fewer than 5",
        0,
        DASH,
        None,
        30.0,
    )
    book = load_workbook(io.BytesIO(export.to_xlsx(report)))
    sheet = book["Response times"]
    assert sheet.freeze_panes == "B2"
    assert sheet.column_dimensions["B"].width >= len("1 April 2025 to 31 March 2026")
    change = sheet.cell(row=sheet.max_row - 1, column=5)
    assert change.number_format == export.PERCENT_FORMAT
    assert change.value == pytest.approx(0.25 / 2.25)
    # The CSV files print the change as the page does.
    assert export._csv_cell(export.Change(0.2)) == "+20%"


def test_children_are_not_asked_about_a_child_or_their_sexual_orientation() -> None:
    for_children = {question.column for question in asked(for_child=True)}
    for_adults = {question.column for question in asked(for_child=False)}
    assert for_adults - for_children == {"child_age_band", "child_gender", "sexual_orientation"}
    assert "disability_kind" in for_children


def test_the_pdf_fits_the_wider_tables_on_the_page(app: Flask, report: Report) -> None:
    from weasyprint import HTML
    from weasyprint.formatting_structure.boxes import TableBox

    from app.services.reports import pdf
    from app.web.reports import report_html

    with app.test_request_context("/staff/reports/complaints.pdf?period=2025-26"):
        html = report_html(report)
    body = pdf.render(html)
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(body)).pages
    )
    assert "The children and young people complaints are about" in text
    assert "+11%" in text and "+20%" in text
    # Seven and eight columns of three years still fit between the margins.
    document = HTML(string=html, url_fetcher=pdf.OfflineFetcher()).render()
    tables = 0
    for page in document.pages:
        box = page._page_box
        right = box.content_box_x() + box.width
        for child in box.descendants():
            if isinstance(child, TableBox):
                tables += 1
                assert child.position_x + child.margin_width() <= right + 0.5
    assert tables > 20
