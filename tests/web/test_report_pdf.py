"""The complaints report as a PDF drawn on the server: a cover with the organisation's name,
the period and the day it was produced, contents with page numbers, page numbers on every page,
charts as vector images, table rows kept whole, and nothing fetched while drawing."""

import io
import shutil
import subprocess
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from app.extensions import db
from app.models import ComplaintOutcome, FeedbackKind, StaffRole, Team
from app.models.enums import Channel
from app.services.reports import pdf
from tests.factories import ComplaintStageFactory, FeedbackItemFactory

PDF = "/staff/reports/complaints.pdf?period=2025-26"


@pytest.fixture
def learning_lead(client, make_staff, sign_in):
    login = make_staff(StaffRole.LEARNING_TEAM)
    assert sign_in(client, login).status_code == 302
    return login


@pytest.fixture
def many_teams(app):
    """Enough teams that the Stage 1 table runs over a page."""
    for n in range(70):
        team = Team(name=f"Family court team {n:02d}")
        db.session.add(team)
        day = date(2025, 4, 1 + n % 28)
        item = FeedbackItemFactory(
            kind=FeedbackKind.COMPLAINT,
            created_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
            received_via=Channel.EMAIL,
            team=team,
        )
        ComplaintStageFactory(
            feedback_item=item,
            team=team,
            received_on=day,
            due_on=date(2025, 5, 30),
            responded_on=date(2025, 5, 2),
            outcome=ComplaintOutcome.UPHELD,
        )
    db.session.commit()


def _pages(body: bytes) -> list[str]:
    """Each page's text, lines joined by single spaces (narrow cells wrap their words)."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(body)).pages]


def test_the_pdf_has_a_cover_contents_and_page_numbers(app, client, learning_lead, many_teams):
    app.config["ORGANISATION_NAME"] = "Northshire County Council"
    response = client.get(PDF)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert (
        "complaints-report-2025-04-01-to-2026-03-31.pdf" in response.headers["Content-Disposition"]
    )
    pages = _pages(response.data)
    assert len(pages) >= 6
    cover = pages[0]
    assert "Northshire County Council" in cover
    assert "Annual complaints report" in cover
    assert "1 April 2025 to 31 March 2026" in cover
    assert "Produced on" in cover
    assert "Page " not in cover
    contents = pages[1]
    assert "Contents" in contents
    assert "3. Complaints" in contents and "How this report counts" in contents
    assert "1. Executive summary" in contents and "Action plan" in contents
    for number, text in enumerate(pages[1:], start=2):
        assert f"Page {number} of {len(pages)}" in text
        assert "Northshire County Council" in text


def test_the_contents_give_the_page_each_section_starts_on(client, learning_lead):
    pages = _pages(client.get(PDF).data)
    contents = pages[1]
    after = contents.split("Outcomes", 1)[1].replace(".", " ").split()
    page_number = int(after[0])
    assert "Outcomes at Stage 1" in pages[page_number - 1]


def test_table_rows_are_never_split_across_pages(client, learning_lead, many_teams):
    pages = _pages(client.get(PDF).data)
    seen = [n for n in range(70) if any(f"Family court team {n:02d}" in page for page in pages)]
    assert len(seen) == 70
    for n in range(70):
        name = f"Family court team {n:02d}"
        holding = [text for text in pages if name in text]
        # A row split over a break would leave its name on one page and its numbers on the
        # next: every team's row carries its whole line of figures on one page.
        assert any(f"{name} 1 no data no data" in text for text in holding), name


def test_the_charts_are_vector_images(client, learning_lead, many_teams):
    body = client.get(PDF).data
    reader = PdfReader(io.BytesIO(body))
    images = sum(len(page.images) for page in reader.pages)
    assert images == 0  # drawn as paths and text, not bitmaps
    assert any("Complaints by stage" in page.extract_text() for page in reader.pages[2:])


def test_drawing_fetches_nothing(monkeypatch):
    fetched = []

    def refuse(url, *args, **kwargs):
        fetched.append(url)
        raise AssertionError("fetched")

    monkeypatch.setattr("urllib.request.urlopen", refuse)
    body = pdf.render(
        '<html><body><img src="http://evil.example/x.png"><p>Hello</p>'
        '<link rel="stylesheet" href="https://cdn.example/a.css">'
        '<img src="file:///etc/passwd"></body></html>'
    )
    assert body.startswith(b"%PDF")
    assert fetched == []
    with pytest.raises(pdf.FetchRefused):
        pdf.OfflineFetcher().fetch("file:///etc/passwd")


def test_the_pdf_is_refused_without_a_good_period(client, learning_lead):
    response = client.get("/staff/reports/complaints.pdf?period=1999")
    assert response.status_code == 400
    assert "govuk-error-summary" in response.text


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_every_page_renders_to_an_image(client, learning_lead, tmp_path):
    body = client.get(PDF).data
    (tmp_path / "report.pdf").write_bytes(body)
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", str(tmp_path / "report.pdf"), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    assert len(list(tmp_path.glob("page-*.png"))) == len(PdfReader(io.BytesIO(body)).pages)


def test_the_pdf_is_laid_out_once_while_the_data_stay_the_same(client, learning_lead, monkeypatch):
    rendered: list[int] = []
    render = pdf.render

    def counted(html: str) -> bytes:
        rendered.append(1)
        return render(html)

    monkeypatch.setattr(pdf, "render", counted)
    first, again = client.get(PDF), client.get(PDF)
    assert first.data == again.data and len(rendered) == 1
    day = date(2025, 6, 2)
    item = FeedbackItemFactory(
        kind=FeedbackKind.COMPLAINT, created_at=datetime(2025, 6, 2, 12, tzinfo=UTC)
    )
    ComplaintStageFactory(feedback_item=item, received_on=day, due_on=date(2025, 6, 16))
    db.session.commit()
    assert client.get(PDF).status_code == 200 and len(rendered) == 2
