"""The complaints report as files: an XLSX workbook with a sheet per table and a notes sheet,
and a zip of the same tables as CSV files.

Words that came from people (team names, quotes, lessons, actions) go through `safe_cell`, and
in the workbook every text cell is stored as a string, so nothing in a cell runs as a formula.
"""

import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.services.common import safe_cell
from app.services.reports.equality import FEWEST_SHOWN, EqualityTable
from app.services.reports.equality_questions import CHILD
from app.services.reports.tables import CountTable, Report, change_words, percent_change

Cell = str | int | float | date | None
PERCENT_FORMAT = "+0%;-0%;0%"


@dataclass(frozen=True)
class Sheet:
    name: str
    header: tuple[str, ...]
    rows: list[tuple[Cell, ...]]


def file_stem(report: Report) -> str:
    """A file name for the period, without its extension."""
    return f"complaints-report-{report.period.start.isoformat()}-to-{report.period.end.isoformat()}"


def sheets(report: Report) -> list[Sheet]:
    """Every table of the report, in the page's order, then the notes; each count beside the
    same dates one and two years before, with the change in percent on the year before."""
    years = _Years.of(report)
    return [
        _counts("Stages", "Stage", report.stages, years),
        _counts("Teams", "Team (Stage 1)", report.teams, years),
        _counts("Themes", "Theme (Stage 1)", report.themes, years),
        Sheet(
            "Outcomes",
            ("Stage", "Outcome", *years.header),
            [
                (stage.label, *row)
                for stage in report.outcomes
                for row in _count_rows(stage.outcomes, years)
            ],
        ),
        _response_times(report, years),
        _counts("How received", "Channel (Stage 1)", report.channels, years),
        _counts("Who complained", "Complainant (Stage 1)", report.complainants, years),
        _counts("Compliments", "Team", report.compliments.by_team, years),
        Sheet(
            "Compliment quotes",
            ("Team", "Themes", "Month", "Quote (redacted)"),
            [
                (q.team, ", ".join(q.themes), f"{q.month.first_day:%B %Y}", q.text)
                for q in report.compliments.quotes
            ],
        ),
        _counts("Learning", "Learning points and actions", report.learning.summary, years),
        _counts("Learning by team", "Team", report.learning.by_team, years),
        Sheet(
            "Learning points",
            ("Recorded", "Team", "Themes", "Lesson (redacted)", "Action", "Due", "Done"),
            [
                (
                    e.recorded_on,
                    e.team,
                    ", ".join(e.themes),
                    e.lesson,
                    e.action,
                    e.due_on,
                    e.done_on,
                )
                for e in report.learning.entries
            ],
        ),
        *_new_sections(report, years),
        _equality(report, years),
        _counts("Ombudsman", "Decision", report.ombudsman, years),
        Sheet(
            "MP and councillor",
            ("Enquiries", *years.header),
            [
                *_count_rows(report.members.received, years),
                *_count_rows(report.members.replies, years),
                years.averages(
                    "Average working days to reply",
                    report.members.average_current,
                    report.members.average_previous,
                    report.members.average_earlier,
                ),
            ],
        ),
        Sheet(
            "Notes",
            ("Note",),
            [
                (
                    f"Complaints report for {years.this}, beside {years.before}"
                    + (f" and {years.earlier}." if years.earlier else "."),
                ),
                (f"Working days follow the bank holidays of {report.nation}.",),
                *((rule,) for rule in report.notes),
            ],
        ),
    ]


class Change(float):
    """A change in percent as a fraction (0.25 is +25%): a number in the workbook, formatted
    as a signed percentage, and "+25%" in a CSV file."""


NO_DATA = "no data"


@dataclass(frozen=True)
class _Years:
    """The three periods' labels, whether the two earlier ones have data, and how a line of
    three counts and its change is written."""

    this: str
    before: str
    earlier: str | None
    before_known: bool
    earlier_known: bool

    @classmethod
    def of(cls, report: Report) -> "_Years":
        return cls(
            report.period.label,
            report.previous.label,
            report.earlier.label if report.earlier else None,
            report.has_data(report.previous),
            report.earlier is not None and report.has_data(report.earlier),
        )

    @property
    def header(self) -> tuple[str, ...]:
        earlier = (self.earlier,) if self.earlier else ()
        return (self.this, self.before, *earlier, "Change on the year before")

    def line(
        self,
        now: Any,
        before: Any,
        earlier: Any,
        change_of: tuple[float | None, float | None] | None = None,
        suppress: bool = False,
        shown: Any = None,
    ) -> tuple[Cell, ...]:
        """The figures as written, then the change of `change_of` (the figures themselves
        unless given); `shown` writes a figure as published (small numbers hidden)."""
        show: Callable[[Any], Cell] = shown or (lambda value: value)
        cells: list[Cell] = [show(now), show(before) if self.before_known else NO_DATA]
        if self.earlier:
            cells.append(show(earlier) if self.earlier_known else NO_DATA)
        a, b = change_of if change_of is not None else (now, before)
        cells.append(_change(percent_change(a, b, self.before_known, suppress)))
        return tuple(cells)

    def averages(
        self, label: str, now: float | None, before: float | None, earlier: float | None
    ) -> tuple[Cell, ...]:
        return (
            label,
            *self.line(_rounded(now), _rounded(before), _rounded(earlier), (now, before)),
        )


def _change(change: float | str | None) -> Cell:
    if isinstance(change, float):
        return Change(change)
    return change_words(change)


def few(n: int) -> Cell:
    """A monitoring count as published: 1 to 4 as "fewer than 5", so no one is recognised."""
    return "fewer than 5" if 0 < n < FEWEST_SHOWN else n


def _pounds(table: CountTable, years: _Years) -> list[tuple[Cell, ...]]:
    lines = [*table.rows, *([table.total] if table.total else [])]
    return [
        (
            row.label,
            *years.line(
                row.current / 100,
                row.previous / 100,
                row.earlier / 100,
                (row.current, row.previous),
            ),
        )
        for row in lines
    ]


def _new_sections(report: Report, years: _Years) -> list[Sheet]:
    """Timeliness at each stage, Stage 2 requests not taken forward, advocacy, remedies,
    expenditure and the action plan."""
    timeliness = [
        (stage.label, *row)
        for stage in report.timeliness
        for row in [
            *_count_rows(stage.responses, years),
            years.averages(
                "Average working days",
                stage.average_current,
                stage.average_previous,
                stage.average_earlier,
            ),
        ]
    ]
    result = [Sheet("Timeliness", ("Stage", "Response", *years.header), timeliness)]
    if report.not_progressed is not None:
        result.append(_counts("Stage 2 not progressed", "Reason", report.not_progressed, years))
    if report.advocacy is not None:
        result.append(_counts("Advocacy", "Advocacy", report.advocacy.rows, years))
    if report.remedies is not None:
        result.append(_counts("Remedies", "Remedy", report.remedies, years))
    if report.expenditure is not None:
        result.append(
            Sheet(
                "Expenditure",
                ("Spent on (pounds)", *years.header),
                _pounds(report.expenditure, years),
            )
        )
    result.append(
        Sheet(
            "Action plan",
            ("Team", "Action", "Intended outcome", "Lead", "Due", "Done", "Update", "Updated"),
            [
                (
                    e.team,
                    e.action,
                    e.intended_outcome,
                    e.owner,
                    e.due_on,
                    e.done_on,
                    e.update,
                    e.updated_on,
                )
                for e in report.action_plan
            ],
        )
    )
    return result


def _count_rows(table: CountTable, years: _Years) -> list[tuple[Cell, ...]]:
    lines = [*table.rows, *([table.total] if table.total else [])]
    return [(row.label, *years.line(row.current, row.previous, row.earlier)) for row in lines]


def _counts(name: str, what: str, table: CountTable, years: _Years) -> Sheet:
    return Sheet(name, (what, *years.header), _count_rows(table, years))


def _response_times(report: Report, years: _Years) -> Sheet:
    times = report.response_times
    awaiting = times.awaiting
    return Sheet(
        "Response times",
        ("Stage 1 response", *years.header),
        [
            *_count_rows(times.bands, years),
            years.averages(
                "Average working days",
                times.average_current,
                times.average_previous,
                times.average_earlier,
            ),
            (awaiting.label, *years.line(awaiting.current, awaiting.previous, awaiting.earlier)),
        ],
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _equality(report: Report, years: _Years) -> Sheet:
    rows: list[tuple[Cell, ...]] = []
    for table in report.equality:
        whose = "Child complained about" if table.about == CHILD else "Complainant"
        for row in table.rows:
            rows.append(
                (
                    whose,
                    table.title,
                    row.group,
                    row.label,
                    *years.line(row.count, row.previous, row.earlier, suppress=True, shown=few),
                    None if 0 < row.count < FEWEST_SHOWN else _rounded(row.percent),
                    _rounded(row.population_percent),
                )
            )
        others = (
            ("Prefer not to say", table.prefer_not_to_say, *_pair(table, 0)),
            ("Did not answer", table.skipped + table.no_response, *_pair(table, 1)),
        )
        for label, now, before, earlier in others:
            rows.append(
                (
                    whose,
                    table.title,
                    None,
                    label,
                    *years.line(now, before, earlier, suppress=True, shown=few),
                    None,
                    None,
                )
            )
    return Sheet(
        "Equality",
        (
            "About",
            "Question",
            "Group",
            "Answer",
            *years.header,
            "% of those who answered",
            "% of service users",
        ),
        rows,
    )


def _pair(table: EqualityTable, index: int) -> tuple[int, int]:
    return table.previous[index], table.earlier[index]


def to_xlsx(report: Report) -> bytes:
    """The workbook: one sheet per table, headers in bold, text stored as text."""
    # Imported here, not at the top: a web process that never exports need not carry it.
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    for default_sheet in workbook.worksheets:
        workbook.remove(default_sheet)
    for sheet in sheets(report):
        worksheet = workbook.create_sheet(sheet.name)
        for column, heading in enumerate(sheet.header, start=1):
            _write(worksheet.cell(row=1, column=column), heading).font = Font(bold=True)
        for row_number, row in enumerate(sheet.rows, start=2):
            for column, value in enumerate(row, start=1):
                _write(worksheet.cell(row=row_number, column=column), value)
        worksheet.freeze_panes = "B2"
        worksheet.column_dimensions["A"].width = 40
        for column, heading in enumerate(sheet.header[1:], start=2):
            # Wide enough for a period's label, "1 April 2025 to 31 March 2026".
            width = min(max(12, len(heading) + 2), 40)
            worksheet.column_dimensions[get_column_letter(column)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write(cell: Any, value: Cell) -> Any:
    if isinstance(value, str):
        cell.value = safe_cell(value)
        # openpyxl guesses a formula from a leading "="; a string cell is never evaluated.
        cell.data_type = "s"
    elif isinstance(value, Change):
        cell.value = float(value)
        cell.number_format = PERCENT_FORMAT
    else:
        cell.value = value
    return cell


def to_csv_zip(report: Report) -> bytes:
    """A zip holding one CSV file per table, numbered in the page's order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, sheet in enumerate(sheets(report), start=1):
            slug = sheet.name.lower().replace(" ", "-")
            # With a byte-order mark, spreadsheets read the file as UTF-8 rather than guessing.
            archive.writestr(f"{number:02d}-{slug}.csv", _csv_text(sheet).encode("utf-8-sig"))
    return buffer.getvalue()


def _csv_text(sheet: Sheet) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in (sheet.header, *sheet.rows):
        writer.writerow(_csv_cell(value) for value in row)
    return buffer.getvalue()


def _csv_cell(value: Cell) -> str | int | float:
    if isinstance(value, Change):
        words: str = change_words(float(value))
        return words
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return safe_cell(value)
    return "" if value is None else value
