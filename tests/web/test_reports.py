"""The complaints report pages: who may see them, the period chooser and its errors, hostile
queries, and downloads whose cells never run as formulas."""

import csv
import html
import io
import re
import zipfile
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import (
    AuditEvent,
    ComplaintOutcome,
    ComplimentCredit,
    FeedbackKind,
    LearningPoint,
    StaffRole,
    Team,
)
from app.models.enums import Channel
from tests.factories import ComplaintStageFactory, FeedbackItemFactory

YEAR = "/staff/reports/complaints?period=2025-26"
HOSTILE = (
    '=HYPERLINK("http://evil.example/steal","Open")',
    "+SUM(1)",
    "@cmd",
    "-2+3",
    "\t=1+1",
)


def _item(kind, day, text):
    at = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    return FeedbackItemFactory(kind=kind, created_at=at, received_via=Channel.EMAIL, message=text)


@pytest.fixture
def hostile_data(app):
    """Compliments and learning points whose words would be formulas in a spreadsheet, and a
    team whose name would be one too."""
    teams = [Team(name=f"{start} team") for start in ("=1+2", "+3", "@4", "-5", "Plain")]
    db.session.add_all(teams)
    for n, text in enumerate(HOSTILE):
        compliment = _item(FeedbackKind.COMPLIMENT, date(2025, 5, 1 + n), text)
        db.session.add(ComplimentCredit(feedback_item=compliment, team=teams[n]))
        complaint = _item(FeedbackKind.COMPLAINT, date(2025, 6, 2 + n), "A complaint")
        stage = ComplaintStageFactory(
            feedback_item=complaint,
            team=teams[n],
            received_on=date(2025, 6, 2 + n),
            due_on=date(2025, 6, 16 + n),
            responded_on=date(2025, 6, 20),
            outcome=ComplaintOutcome.UPHELD,
        )
        db.session.add(
            LearningPoint(
                feedback_item=complaint,
                stage=stage,
                team=teams[n],
                lesson=text,
                action=text,
                themes=[],
                created_at=datetime(2025, 7, 1 + n, 12, tzinfo=UTC),
            )
        )
    db.session.commit()


@pytest.fixture
def learning_lead(client, make_staff, sign_in):
    login = make_staff(StaffRole.LEARNING_TEAM)
    assert sign_in(client, login).status_code == 302
    return login


@pytest.mark.parametrize("role", [StaffRole.LEARNING_TEAM, StaffRole.MANAGER, StaffRole.ADMIN])
def test_learning_team_managers_and_admins_see_the_report(client, make_staff, sign_in, role):
    assert sign_in(client, make_staff(role)).status_code == 302
    page = client.get(YEAR)
    assert page.status_code == 200
    assert "Complaints report: 1 April 2025 to 31 March 2026" in page.text
    assert "1 April 2024 to 31 March 2025" in page.text
    assert 'href="/staff/reports/complaints"' in page.text  # the navigation link
    may_set_population = role in (StaffRole.LEARNING_TEAM, StaffRole.ADMIN)
    assert ('href="/staff/equality/population"' in page.text) is may_set_population


@pytest.mark.parametrize("role", [StaffRole.COMPLAINTS_OFFICER, StaffRole.SAFEGUARDING_REVIEWER])
def test_other_staff_are_refused(client, make_staff, sign_in, role):
    assert sign_in(client, make_staff(role)).status_code == 302
    assert client.get(YEAR).status_code == 403
    assert client.get("/staff/reports/complaints.xlsx?period=2025-26").status_code == 403
    assert 'href="/staff/reports/complaints"' not in client.get("/staff/").text


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(YEAR)
    assert response.status_code == 302 and "/staff/sign-in" in response.location


def test_chooser_without_a_period_shows_no_report(client, learning_lead):
    page = client.get("/staff/reports/complaints")
    assert page.status_code == 200
    assert "Financial year or quarter" in page.text
    assert "Complaints by stage" not in page.text


def test_a_quarter_and_dates_of_ones_own(client, learning_lead):
    quarter = client.get("/staff/reports/complaints?period=2025-26-q4")
    assert "Complaints report: 1 January 2026 to 31 March 2026" in quarter.text
    dates = client.get(
        "/staff/reports/complaints",
        query_string=[
            ("start", "1"),
            ("start", "9"),
            ("start", "2025"),
            ("end", "15"),
            ("end", "10"),
            ("end", "2025"),
        ],
    )
    assert dates.status_code == 200
    assert "Complaints report: 1 September 2025 to 15 October 2025" in dates.text
    assert "1 September 2024 to 15 October 2024" in dates.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            [
                ("start", "31"),
                ("start", "2"),
                ("start", "2025"),
                ("end", "1"),
                ("end", "3"),
                ("end", "2025"),
            ],
            "must be a real date",
        ),
        (
            [
                ("start", "1"),
                ("start", "4"),
                ("start", "2025"),
                ("end", "1"),
                ("end", "3"),
                ("end", "2025"),
            ],
            "The end date must be the same as or after the start date",
        ),
        (
            [
                ("start", "1"),
                ("start", "4"),
                ("start", "2020"),
                ("end", "1"),
                ("end", "3"),
                ("end", "2025"),
            ],
            "Choose a period of a year or less",
        ),
        (
            [
                ("start", "1"),
                ("start", "1"),
                ("start", "1999"),
                ("end", "1"),
                ("end", "3"),
                ("end", "1999"),
            ],
            "Choose dates between 2000 and 2100",
        ),
        (
            [
                ("start", ""),
                ("start", ""),
                ("start", ""),
                ("end", "1"),
                ("end", "3"),
                ("end", "2025"),
            ],
            "Enter the first day",
        ),
        (
            [("start", "2025-04-01"), ("end", "1"), ("end", "3"), ("end", "2025")],
            "Enter the date as day, month and year",
        ),
        ([("period", "2025-27")], "Choose a financial year or quarter from the list"),
        ([("period", "2025-26-q5")], "Choose a financial year or quarter from the list"),
        ([("period", "<script>alert(1)</script>")], "Choose a financial year or quarter"),
        ([("period", "٢٠٢٥-26")], "Choose a financial year or quarter from the list"),
        ([("period", "9" * 5000)], "Choose a financial year or quarter from the list"),
    ],
)
def test_a_period_that_cannot_be_reported_gets_an_error_summary(
    client, learning_lead, query, message
):
    page = client.get("/staff/reports/complaints", query_string=query)
    assert page.status_code == 400
    assert "govuk-error-summary" in page.text
    assert message in page.text
    assert "<script>alert" not in page.text
    assert "Complaints by stage" not in page.text


@pytest.mark.parametrize("path", ["complaints.xlsx", "complaints-csv.zip"])
def test_a_download_without_a_good_period_is_refused_with_the_chooser(client, learning_lead, path):
    for query in ("", "?period=nonsense", "?start=1&end=2"):
        page = client.get(f"/staff/reports/{path}{query}")
        assert page.status_code == 400
        assert "govuk-error-summary" in page.text


def test_page_shows_redacted_quotes_escaped_and_the_counting_rules(
    client, learning_lead, hostile_data
):
    page = client.get(YEAR)
    assert page.status_code == 200
    assert "evil.example" not in page.text
    assert "=HYPERLINK(&#34;[link]" in page.text
    assert "How this report counts" in page.text
    assert "Heard has no channel for letters or phone calls" in page.text


def test_viewing_and_downloading_are_audited_with_the_period_only(client, learning_lead):
    client.get(YEAR)
    client.get("/staff/reports/complaints.xlsx?period=2025-26")
    events = db.session.execute(
        select(AuditEvent.action, AuditEvent.detail).where(
            AuditEvent.object_type == "complaints_report"
        )
    ).all()
    assert [(a, d) for a, d in events] == [
        ("complaints_report_viewed", {"start": "2025-04-01", "end": "2026-03-31"}),
        (
            "complaints_report_downloaded",
            {"start": "2025-04-01", "end": "2026-03-31", "format": "xlsx"},
        ),
    ]


def _inert(value: str) -> bool:
    return not value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_xlsx_holds_no_live_formula_from_user_text(client, learning_lead, hostile_data):
    response = client.get("/staff/reports/complaints.xlsx?period=2025-26")
    assert response.status_code == 200
    assert (
        "complaints-report-2025-04-01-to-2026-03-31.xlsx" in response.headers["Content-Disposition"]
    )
    workbook = load_workbook(io.BytesIO(response.data))
    assert {"Stages", "Teams", "Compliment quotes", "Learning points", "Notes"} <= set(
        workbook.sheetnames
    )
    texts = []
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert _inert(cell.value), (sheet.title, cell.coordinate, cell.value)
                    texts.append(cell.value)
    quotes = [c.value for c in workbook["Compliment quotes"]["D"][1:]]
    assert any(q.startswith("'=HYPERLINK(") for q in quotes)
    assert any(q.startswith("'+SUM(1)") for q in quotes)
    lessons = [c.value for c in workbook["Learning points"]["D"][1:]]
    assert "'@cmd" in lessons and "'-2+3" in lessons
    assert "'=1+2 team" in [c.value for c in workbook["Compliments"]["A"]]
    stages = {row[0].value: row[1].value for row in workbook["Stages"].iter_rows(min_row=2)}
    assert stages["Stage 1 (local resolution)"] == len(HOSTILE)


def test_csv_zip_holds_no_live_formula_from_user_text(client, learning_lead, hostile_data):
    response = client.get("/staff/reports/complaints-csv.zip?period=2025-26")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert names[0] == "01-stages.csv" and names[-1].endswith("-notes.csv")
    seen = []
    for name in names:
        rows = list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
        for row in rows:
            for value in row:
                assert _inert(value), (name, value)
                seen.append(value)
    assert "'@cmd" in seen and "'+3 team" in seen
    assert any(value.startswith("'=HYPERLINK(") for value in seen)
    stages = list(csv.reader(io.StringIO(archive.read("01-stages.csv").decode("utf-8-sig"))))
    # Heard held nothing the two years before: no data, and no change to show.
    assert stages[1] == [
        "Stage 1 (local resolution)",
        str(len(HOSTILE)),
        "no data",
        "no data",
        "\u2013",
    ]


def test_download_links_carry_the_dates_chosen(client, learning_lead):
    query = [("start", "1"), ("start", "9"), ("start", "2025")]
    query += [("end", "15"), ("end", "10"), ("end", "2025")]
    page = client.get("/staff/reports/complaints", query_string=query)
    links = re.findall(r'href="(/staff/reports/complaints[^"]*\.(?:xlsx|zip)[^"]*)"', page.text)
    assert len(links) == 2
    for link in links:
        response = client.get(html.unescape(link))
        assert response.status_code == 200
        assert (
            "complaints-report-2025-09-01-to-2025-10-15" in response.headers["Content-Disposition"]
        )


def test_the_downloads_reuse_the_pages_build_until_the_data_change(
    client, learning_lead, hostile_data, monkeypatch
):
    from app.services.reports import annual

    builds = []
    build = annual.build_report

    def counted(start, end, nation=None):
        builds.append(start)
        return build(start, end, nation)

    monkeypatch.setattr(annual, "build_report", counted)
    assert client.get(YEAR).status_code == 200
    assert client.get(YEAR.replace("complaints?", "complaints.xlsx?")).status_code == 200
    assert client.get(YEAR.replace("complaints?", "complaints-csv.zip?")).status_code == 200
    # Viewing and downloading are audited, which is not a change to what the report counts.
    assert len(builds) == 1
    _item(FeedbackKind.COMPLAINT, date(2025, 6, 2), "A new complaint")
    db.session.commit()
    page = client.get(YEAR)
    assert page.status_code == 200 and len(builds) == 2
