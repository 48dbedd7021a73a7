"""The trends page for the learning team, managers and admins: themes over time, spikes,
audit scores, safeguarding alert volume and time to review, and redacted quotes.

Filters come from the query string; a value the lists do not offer gets the form's error
summary and a 400, never a 500. The URL carries ids and codes only.
"""

from flask import Blueprint, render_template
from flask import request as flask_request
from flask_babel import format_date, format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from app.models import ANALYST_ROLES
from app.services.feedback_list import teams
from app.services.reports import trends
from app.services.reports.months import Month, Quarter
from app.services.reports.trends import (
    SPIKE_MIN_COUNT,
    SPIKE_MIN_HISTORY,
    ReviewTimes,
    ScoreGroup,
    ScoreSummary,
    ThemeTable,
    Trends,
)
from app.services.safeguarding import alerts
from app.services.staff import audit_log
from app.web import auth, trend_charts
from app.web.trend_forms import TrendFilterForm

bp = Blueprint("trends", __name__)

# An en dash where there is nothing to average or time.
NO_FIGURE = "\u2013"
ROLES = ANALYST_ROLES

GROUP_LABELS = {
    ScoreGroup.CHILDREN: _l("Children and young people"),
    ScoreGroup.ADULTS: _l("Adults"),
    ScoreGroup.NOT_SAID: _l("Not said"),
}


@bp.get("/")
@auth.staff_required(*ROLES)
def page() -> tuple[str, int] | str:
    """The trends for the chosen month and filters."""
    form = TrendFilterForm(formdata=flask_request.args)
    form.set_options(teams(), trends.current_month())
    if not form.validate():
        return render_template("staff/trends/page.html", title=_("Trends"), form=form), 400
    result = trends.build(
        form.filters(),
        form.chosen_month(),
        may_see_safeguarding=alerts.may_review(current_user),
    )
    # The page quotes what people wrote (redacted): who read it is recorded.
    audit_log.record(
        audit_log.Action.TRENDS_VIEWED,
        current_user,
        detail={"month": form.chosen_month().key},
        ip_address=flask_request.remote_addr,
    )
    summaries = _summaries(result)
    return render_template(
        "staff/trends/page.html",
        title=_("Trends"),
        form=form,
        trends=result,
        month_label=month_label(result.window.month),
        charts=_charts(result, summaries),
        summaries=summaries,
        period_label=period_label,
        group_label=lambda g: str(GROUP_LABELS[g]),
        one_decimal=one_decimal,
        duration=duration,
        spike_min=SPIKE_MIN_COUNT,
        spike_min_history=SPIKE_MIN_HISTORY,
        was=was,
    )


def month_label(month: Month, pattern: str = "MMMM yyyy") -> str:
    return format_date(month.first_day, pattern)


def short_period_label(period: Month | Quarter) -> str:
    """Mar 2026, or Q4 2025/26: short enough for a chart's axis, never a quarter without its
    year."""
    if isinstance(period, Month):
        return month_label(period, "MMM yyyy")
    return _(
        "Q%(number)d %(year)d/%(next)s",
        number=period.number,
        year=period.year,
        next=str(period.year + 1)[2:],
    )


def period_label(period: Month | Quarter) -> str:
    """March 2026, or Q4 2025/26 (January to March)."""
    if isinstance(period, Month):
        return month_label(period, "MMM yyyy")
    first, _middle, last = period.months
    return _(
        "Q%(number)d %(year)d/%(next)s (%(first)s to %(last)s)",
        number=period.number,
        year=period.year,
        next=str(period.year + 1)[2:],
        first=format_date(first.first_day, "MMM"),
        last=format_date(last.first_day, "MMM"),
    )


def one_decimal(value: float | None) -> str:
    return NO_FIGURE if value is None else format_decimal(value, "0.0")


def duration(minutes: float | None) -> str:
    """Minutes in words: 45 minutes, 2 hours 5 minutes."""
    if minutes is None:
        return NO_FIGURE
    whole = round(minutes)
    hours, rest = divmod(whole, 60)
    if not hours:
        return ngettext("%(num)d minute", "%(num)d minutes", rest)
    text = ngettext("%(num)d hour", "%(num)d hours", hours)
    return f"{text} {ngettext('%(num)d minute', '%(num)d minutes', rest)}" if rest else text


def _theme_chart(chart_id: str, table: ThemeTable, title: str, summary: str) -> Markup:
    return trend_charts.small_multiples(
        chart_id,
        title,
        summary,
        [short_period_label(p) for p in table.periods],
        [(s.label, s.counts, s.previous) for s in table.series],
        _("This year"),
        _("A year before"),
    )


def _charts(result: Trends, summaries: dict[str, str]) -> dict[str, Markup]:
    months = [period_label(a.month) for a in result.alerts]
    return {
        "monthly": _theme_chart(
            "chart-monthly", result.monthly, _("Themes by month"), summaries["monthly"]
        ),
        "quarterly": _theme_chart(
            "chart-quarterly", result.quarterly, _("Themes by quarter"), summaries["quarterly"]
        ),
        "scores": trend_charts.grouped_bars(
            "chart-scores",
            _("Audit scores given, 1 (very bad) to 5 (very good)"),
            summaries["scores"],
            ["1", "2", "3", "4", "5"],
            [(str(GROUP_LABELS[s.group]), s.distribution) for s in result.scores],
            y_label=_("Answers"),
        ),
        "alerts": trend_charts.grouped_bars(
            "chart-alerts",
            _("Safeguarding alerts raised and reviewed"),
            summaries["alerts"],
            months,
            [
                (_("Raised"), [a.times.raised for a in result.alerts]),
                (_("Reviewed"), [a.times.reviewed for a in result.alerts]),
            ],
            y_label=_("Alerts"),
        ),
        "review_times": trend_charts.lines(
            "chart-review-times",
            _("Time within which half and 9 in 10 of the alerts were reviewed, in minutes"),
            summaries["review_times"],
            months,
            [
                (_("Median (half)"), [a.times.median_minutes for a in result.alerts]),
                (_("90th percentile (9 in 10)"), [a.times.p90_minutes for a in result.alerts]),
            ],
            _("Minutes"),
        ),
    }


def _top(table: ThemeTable, column: slice) -> tuple[str, int, int | None] | None:
    """The theme with most items over the columns, with its count and the year before's (None
    where Heard has no data for all of the year before)."""
    totals = [(sum(s.counts[column]), _sum(s.previous[column]), s.label) for s in table.series]
    # On a tie the theme first in the taxonomy is named.
    count, previous, label = max(totals, key=lambda t: t[0], default=(0, None, ""))
    return (label, count, previous) if count else None


def _sum(values: tuple[int | None, ...]) -> int | None:
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def was(previous: int | None) -> str:
    """Under a count: what the same period a year before had, or that Heard has no data."""
    return _("no data") if previous is None else _("was %(n)d", n=previous)


def _summaries(result: Trends) -> dict[str, str]:
    """One sentence per chart, saying what it shows."""
    month = month_label(result.window.month)
    year_top = _top(result.monthly, slice(None))
    quarter = result.quarterly.periods[-1]
    quarter_top = _top(result.quarterly, slice(-1, None))
    return {
        "monthly": _year_summary(year_top, month),
        "quarterly": _quarter_summary(quarter_top, period_label(quarter)),
        "scores": _score_summary(result.scores, month),
        "alerts": _alert_summary(result, month),
        "review_times": _review_summary(result, month),
    }


def _year_summary(top: tuple[str, int, int | None] | None, month: str) -> str:
    if not top:
        return _("No feedback with themes in the 12 months to %(month)s.", month=month)
    theme, count, previous = top
    if previous is None:
        return _(
            "In the 12 months to %(month)s the most common theme was %(theme)s: %(count)d. "
            "Heard has no data for all of the 12 months before, so there is no comparison.",
            month=month,
            theme=theme,
            count=count,
        )
    return _(
        "In the 12 months to %(month)s the most common theme was %(theme)s: %(count)d, "
        "against %(previous)d in the 12 months before.",
        month=month,
        theme=theme,
        count=count,
        previous=previous,
    )


def _quarter_summary(top: tuple[str, int, int | None] | None, quarter: str) -> str:
    if not top:
        return _("No feedback with themes in %(quarter)s.", quarter=quarter)
    theme, count, previous = top
    if previous is None:
        return _(
            "In %(quarter)s the most common theme was %(theme)s: %(count)d. Heard has no data "
            "for the same quarter a year before.",
            quarter=quarter,
            theme=theme,
            count=count,
        )
    return _(
        "In %(quarter)s the most common theme was %(theme)s: %(count)d, against %(previous)d "
        "in the same quarter a year before.",
        quarter=quarter,
        theme=theme,
        count=count,
        previous=previous,
    )


def _score_summary(scores: tuple[ScoreSummary, ...], month: str) -> str:
    parts = [
        ngettext(
            "%(group)s: average %(average)s from %(num)d answer",
            "%(group)s: average %(average)s from %(num)d answers",
            s.count,
            group=str(GROUP_LABELS[s.group]),
            average=one_decimal(s.average),
        )
        for s in scores
        if s.count
    ]
    if not parts:
        return _("No audit scores in the 12 months to %(month)s.", month=month)
    return (
        _("Audit scores in the 12 months to %(month)s.", month=month) + " " + "; ".join(parts) + "."
    )


def _alert_summary(result: Trends, month: str) -> str:
    year = result.alert_year
    return " ".join(
        [
            ngettext(
                "%(num)d safeguarding alert was raised in the 12 months to %(month)s.",
                "%(num)d safeguarding alerts were raised in the 12 months to %(month)s.",
                year.raised,
                month=month,
            ),
            ngettext(
                "%(num)d has not been reviewed yet.",
                "%(num)d have not been reviewed yet.",
                year.unreviewed,
            ),
        ]
    )


def review_sentence(times: ReviewTimes, period: str) -> str:
    """How quickly the alerts of a period were reviewed, saying how many alerts the figures
    rest on and how many were never reviewed."""
    if not times.raised:
        return _("No safeguarding alert was raised in %(period)s.", period=period)
    parts = [
        ngettext(
            "In %(period)s, %(num)d alert was raised: %(reviewed)d reviewed, %(open)d not yet "
            "reviewed.",
            "In %(period)s, %(num)d alerts were raised: %(reviewed)d reviewed, %(open)d not yet "
            "reviewed.",
            times.raised,
            period=period,
            reviewed=times.reviewed,
            open=times.unreviewed,
        )
    ]
    if times.oldest_open_days is not None:
        parts.append(
            ngettext(
                "The longest waiting has been open for %(num)d day.",
                "The longest waiting has been open for %(num)d days.",
                times.oldest_open_days,
            )
        )
    if times.median_minutes is None:
        parts.append(
            _(
                "Fewer than half have been reviewed, so there is no time within which half "
                "were reviewed."
            )
        )
    elif times.p90_minutes is None:
        parts.append(
            _(
                "Half of all %(num)d were reviewed within %(median)s; fewer than 9 in 10 have "
                "been reviewed at all.",
                num=times.raised,
                median=duration(times.median_minutes),
            )
        )
    else:
        parts.append(
            _(
                "Of all %(num)d, half were reviewed within %(median)s and 9 in 10 within %(p90)s.",
                num=times.raised,
                median=duration(times.median_minutes),
                p90=duration(times.p90_minutes),
            )
        )
    return " ".join(parts)


def _review_summary(result: Trends, month: str) -> str:
    return " ".join(
        [
            review_sentence(result.alert_year, _("the 12 months to %(month)s", month=month)),
            review_sentence(result.alerts[-1].times, month),
        ]
    )
