"""The complaints report for the learning team, managers and administrators: a chooser of a
financial year, a quarter or dates of one's own, the report as a page, as a PDF drawn on the
server (cover, contents, page numbers) and the same tables as XLSX or as a zip of CSV files.

Complaints officers work single cases and do not get the report: it quotes compliments and
lists learning points from every team's cases. URLs carry dates only.
"""

from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app import cache
from app.models import ANALYST_ROLES
from app.services.complaints import stages
from app.services.reports import annual, export, kept, narrative, pdf, periods
from app.services.reports.periods import Period, PeriodError
from app.services.reports.tables import Report, change_words, percent_change
from app.services.staff import audit_log
from app.web import auth, trend_charts
from app.web.date_fields import UkDateField

bp = Blueprint("reports", __name__)

ROLES = ANALYST_ROLES
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The report's sections in order: their headings on the page and in the PDF's contents.
REPORT_SECTIONS = (
    ("summary", _l("Executive summary")),
    ("introduction", _l("Introduction")),
    ("complaints", _l("Complaints")),
    ("outcomes", _l("Outcomes")),
    ("response-times", _l("Response times and timeliness at each stage")),
    ("not-progressed", _l("Complaints that did not go ahead at Stage 2")),
    ("complainants", _l("How complaints were received and who complained")),
    ("advocacy", _l("Advocacy offered and used")),
    ("remedies", _l("Remedies")),
    ("expenditure", _l("Expenditure")),
    ("compliments", _l("Compliments")),
    ("learning", _l("Learning points and actions")),
    ("action-plan", _l("Action plan")),
    ("equality", _l("Equality monitoring of complainants and the children complaints are about")),
    ("correspondence", _l("Ombudsman, MP and councillor correspondence")),
    ("conclusion", _l("Conclusion")),
    ("notes", _l("How this report counts")),
)


_TEXT_LENGTH = Length(
    max=narrative.MAX_CHARS,
    message=_l("Keep each part to %(max)d characters or fewer", max=narrative.MAX_CHARS),
)


class YearOrQuarterForm(FlaskForm):
    class Meta:
        csrf = False

    # Any well-formed year or quarter is accepted, listed or not; named() says what is wrong.
    period = SelectField(_l("Financial year or quarter"), validate_choice=False, widget=GovSelect())


class DatesForm(FlaskForm):
    class Meta:
        csrf = False

    start = UkDateField(_l("From"), validators=[InputRequired(_l("Enter the first day"))])
    end = UkDateField(_l("To"), validators=[InputRequired(_l("Enter the last day"))])


def _chosen() -> tuple[Period | None, YearOrQuarterForm, DatesForm]:
    """The period the query asks for, if any and if valid, and the two forms showing it."""
    choice = YearOrQuarterForm(formdata=request.args)
    choice.period.choices = [("", _("Choose a period"))] + [
        (offered.code, offered.name) for offered in periods.recent(stages.today())
    ]
    asked_dates = "start" in request.args or "end" in request.args
    dates = DatesForm(formdata=request.args if asked_dates else None)
    if "period" in request.args:
        try:
            return periods.named(choice.period.data or ""), choice, dates
        except PeriodError as error:
            choice.period.errors = [str(error)]
            return None, choice, dates
    if asked_dates and dates.validate():
        try:
            return periods.checked(dates.start.data, dates.end.data), choice, dates
        except PeriodError as error:
            dates.end.errors = [str(error)]
    return None, choice, dates


def _audited(what: str, period: Period, file_format: str | None = None) -> None:
    detail = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    if file_format:
        detail["format"] = file_format
    audit_log.record(
        what, current_user, "complaints_report", None, detail=detail, ip_address=request.remote_addr
    )


@bp.get("/complaints")
@auth.staff_required(*ROLES)
def complaints_report() -> tuple[str, int] | str:
    """The chooser, and the report for the period chosen; a period that cannot be reported
    comes back with an error summary."""
    period, choice, dates = _chosen()
    report = None
    if period is not None:
        report = annual.report_for(period.start, period.end)
        _audited(audit_log.Action.COMPLAINTS_REPORT_VIEWED, period)
    return _page(choice, dates, report)


def _charts(report: Report) -> dict[str, Markup]:
    """The report's charts as inline SVG: vector images on the page and in the PDF."""
    this, before = report.period.label, report.previous.label
    stages = report.stages.rows
    bands = report.response_times.bands.rows
    return {
        "stages": trend_charts.grouped_bars(
            "chart-stages",
            _("Complaints by stage"),
            _("Complaints received at each stage, this period beside the year before."),
            [row.label for row in stages],
            [(this, [row.current for row in stages]), (before, [row.previous for row in stages])],
        ),
        "bands": trend_charts.grouped_bars(
            "chart-bands",
            _("Stage 1 responses in working days"),
            _("Stage 1 responses by working days taken, this period beside the year before."),
            [row.label for row in bands],
            [(this, [row.current for row in bands]), (before, [row.previous for row in bands])],
        ),
    }


def _report_context(report: Report | None) -> dict[str, Any]:
    """What the report's sections need, on the page and in the PDF alike."""
    organisation = current_app.config["ORGANISATION_NAME"]
    return {
        "report": report,
        "report_sections": REPORT_SECTIONS,
        "section_titles": dict(REPORT_SECTIONS),
        "charts": _charts(report) if report is not None else {},
        "narrative": narrative.for_report(report, organisation) if report is not None else None,
        "may_write_report_text": True,
        "percent_change": percent_change,
        "change_words": change_words,
        "download_args": request.args.to_dict(flat=False),
    }


def _page(
    choice: YearOrQuarterForm, dates: DatesForm, report: Report | None
) -> tuple[str, int] | str:
    page = render_template(
        "staff/reports/complaints.html",
        title=_("Complaints report"),
        form=choice if choice.errors else dates,
        choice=choice,
        dates=dates,
        **_report_context(report),
    )
    return (page, 400) if choice.errors or dates.errors else page


def _download(file_format: str) -> Response | tuple[str, int] | str:
    period, choice, dates = _chosen()
    if period is None:
        if not (choice.errors or dates.errors):
            choice.period.errors = [_("Choose a financial year, a quarter or two dates")]
        return _page(choice, dates, None)
    report = annual.report_for(period.start, period.end)
    _audited(audit_log.Action.COMPLAINTS_REPORT_DOWNLOADED, period, file_format)
    if file_format == "pdf":
        body, mimetype, name = _pdf(report, period), "application/pdf", "pdf"
    elif file_format == "xlsx":
        body, mimetype, name = export.to_xlsx(report), XLSX, "xlsx"
    else:
        body, mimetype, name = export.to_csv_zip(report), "application/zip", "zip"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{export.file_stem(report)}.{name}"'
    )
    return response


def _pdf(report: Report, period: Period) -> bytes:
    """The PDF, laid out once per data version (WeasyPrint takes seconds over a year's report):
    a second download, or a colleague's, gets the same file while nothing has changed."""
    if not current_app.config.get("REPORT_KEPT_SECONDS"):
        return pdf.render(report_html(report))
    parts = (
        kept.CODE_VERSION,
        str(period.start),
        str(period.end),
        str(get_locale()),
        str(stages.today()),
        current_app.config["ORGANISATION_NAME"],
    )
    return cache.cached("complaints-report-pdf", parts, lambda: pdf.render(report_html(report)))


def report_html(report: Report) -> str:
    """The report as one self-contained HTML document for the PDF: cover, contents, sections."""
    context = {**_report_context(report), "may_write_report_text": False}
    return render_template(
        "staff/reports/complaints_pdf.html",
        organisation=current_app.config["ORGANISATION_NAME"],
        produced_on=stages.today(),
        **context,
    )


class NarrativeForm(FlaskForm):
    executive_summary = TextAreaField(
        _l("Executive summary"), widget=GovTextArea(), validators=[Optional(), _TEXT_LENGTH]
    )
    introduction = TextAreaField(
        _l("Introduction"), widget=GovTextArea(), validators=[Optional(), _TEXT_LENGTH]
    )
    conclusion = TextAreaField(
        _l("Conclusion"), widget=GovTextArea(), validators=[Optional(), _TEXT_LENGTH]
    )
    submit = SubmitField(_l("Save the text"), widget=GovSubmitInput())


@bp.route("/complaints/text", methods=["GET", "POST"])
@auth.staff_required(*ROLES)
def complaints_text() -> BaseResponse | tuple[str, int] | str:
    """The summary, introduction and conclusion kept with the period, placeholders and all."""
    period, choice, dates = _chosen()
    if period is None:
        if not (choice.errors or dates.errors):
            choice.period.errors = [_("Choose a financial year, a quarter or two dates")]
        return _page(choice, dates, None)
    words = narrative.texts(period)
    form = NarrativeForm(
        executive_summary=words.executive_summary,
        introduction=words.introduction,
        conclusion=words.conclusion,
    )
    if form.validate_on_submit():
        narrative.save(
            period,
            current_user,
            form.executive_summary.data,
            form.introduction.data,
            form.conclusion.data,
            request.remote_addr,
        )
        flash(_("The report's text is saved."), "success")
        same_period: dict[str, Any] = dict(request.args.lists())
        return redirect(url_for(".complaints_report", **same_period))
    return render_template(
        "staff/reports/text.html",
        title=_("The report's own words"),
        form=form,
        period=period,
        placeholders=narrative.PLACEHOLDER_HELP,
        back_args=request.args.to_dict(flat=False),
    )


@bp.get("/complaints.pdf")
@auth.staff_required(*ROLES)
def complaints_pdf() -> Response | tuple[str, int] | str:
    """The report as a PDF for the board: drawn on the server, fetching nothing."""
    return _download("pdf")


@bp.get("/complaints.xlsx")
@auth.staff_required(*ROLES)
def complaints_xlsx() -> Response | tuple[str, int] | str:
    """The report as a workbook, a sheet per table."""
    return _download("xlsx")


@bp.get("/complaints-csv.zip")
@auth.staff_required(*ROLES)
def complaints_csv() -> Response | tuple[str, int] | str:
    """The report as a zip of CSV files, one per table."""
    return _download("csv")
