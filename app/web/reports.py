"""The complaints report for the learning team, managers and administrators: a chooser of a
financial year, a quarter or dates of one's own, the report as a page that prints as the board
paper, and the same tables as XLSX or as a zip of CSV files.

Complaints officers work single cases and do not get the report: it quotes compliments and
lists learning points from every team's cases. URLs carry dates only.
"""

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import SelectField
from wtforms.validators import InputRequired

from app.models import ANALYST_ROLES
from app.services.complaints import stages
from app.services.reports import annual, export, periods
from app.services.reports.periods import Period, PeriodError
from app.services.reports.tables import Report
from app.services.staff import audit_log
from app.web import auth
from app.web.date_fields import UkDateField

bp = Blueprint("reports", __name__)

ROLES = ANALYST_ROLES
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
        report = annual.build_report(period.start, period.end)
        _audited(audit_log.Action.COMPLAINTS_REPORT_VIEWED, period)
    return _page(choice, dates, report)


def _page(
    choice: YearOrQuarterForm, dates: DatesForm, report: Report | None
) -> tuple[str, int] | str:
    page = render_template(
        "staff/reports/complaints.html",
        title=_("Complaints report"),
        form=choice if choice.errors else dates,
        choice=choice,
        dates=dates,
        report=report,
        download_args=request.args.to_dict(flat=False),
    )
    return (page, 400) if choice.errors or dates.errors else page


def _download(file_format: str) -> Response | tuple[str, int] | str:
    period, choice, dates = _chosen()
    if period is None:
        if not (choice.errors or dates.errors):
            choice.period.errors = [_("Choose a financial year, a quarter or two dates")]
        return _page(choice, dates, None)
    report = annual.build_report(period.start, period.end)
    _audited(audit_log.Action.COMPLAINTS_REPORT_DOWNLOADED, period, file_format)
    if file_format == "xlsx":
        body, mimetype, name = export.to_xlsx(report), XLSX, "xlsx"
    else:
        body, mimetype, name = export.to_csv_zip(report), "application/zip", "zip"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{export.file_stem(report)}.{name}"'
    )
    return response


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
