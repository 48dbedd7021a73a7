"""The complaints report as files: an XLSX workbook with a sheet per table and a notes sheet,
and a zip of the same tables as CSV files.

Words that came from people (team names, quotes, lessons, actions) go through `safe_cell`, and
in the workbook every text cell is stored as a string, so nothing in a cell runs as a formula.
"""

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from app.services.common import safe_cell
from app.services.reports.equality import FEWEST_SHOWN
from app.services.reports.tables import CountTable, Report

Cell = str | int | float | date | None


@dataclass(frozen=True)
class Sheet:
    name: str
    header: tuple[str, ...]
    rows: list[tuple[Cell, ...]]


def file_stem(report: Report) -> str:
    """A file name for the period, without its extension."""
    return f"complaints-report-{report.period.start.isoformat()}-to-{report.period.end.isoformat()}"


def sheets(report: Report) -> list[Sheet]:
    """Every table of the report, in the page's order, then the notes."""
    this, before = report.period.label, report.previous.label
    return [
        _counts("Stages", "Stage", report.stages, this, before),
        _counts("Teams", "Team (Stage 1)", report.teams, this, before),
        _counts("Themes", "Theme (Stage 1)", report.themes, this, before),
        Sheet(
            "Outcomes",
            ("Stage", "Outcome", this, before),
            [
                (stage.label, *row)
                for stage in report.outcomes
                for row in _count_rows(stage.outcomes)
            ],
        ),
        _response_times(report, this, before),
        _counts("How received", "Channel (Stage 1)", report.channels, this, before),
        _counts("Who complained", "Complainant (Stage 1)", report.complainants, this, before),
        _counts("Compliments", "Team", report.compliments.by_team, this, before),
        Sheet(
            "Compliment quotes",
            ("Team", "Themes", "Month", "Quote (redacted)"),
            [
                (q.team, ", ".join(q.themes), f"{q.month.first_day:%B %Y}", q.text)
                for q in report.compliments.quotes
            ],
        ),
        _counts("Learning", "Learning points and actions", report.learning.summary, this, before),
        _counts("Learning by team", "Team", report.learning.by_team, this, before),
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
        *_new_sections(report, this, before),
        _equality(report),
        _counts("Ombudsman", "Decision", report.ombudsman, this, before),
        Sheet(
            "MP and councillor",
            ("Enquiries", this, before),
            [*_count_rows(report.members.received), *_count_rows(report.members.replies)],
        ),
        Sheet(
            "Notes",
            ("Note",),
            [
                (f"Complaints report for {this}, beside {before}.",),
                (f"Working days follow the bank holidays of {report.nation}.",),
                *((rule,) for rule in report.notes),
            ],
        ),
    ]


def few(n: int) -> Cell:
    """A monitoring count as published: 1 to 4 as "fewer than 5", so no one is recognised."""
    return "fewer than 5" if 0 < n < FEWEST_SHOWN else n


def _pounds(table: CountTable) -> list[tuple[Cell, ...]]:
    lines = [*table.rows, *([table.total] if table.total else [])]
    return [(row.label, row.current / 100, row.previous / 100) for row in lines]


def _new_sections(report: Report, this: str, before: str) -> list[Sheet]:
    """Timeliness at each stage, Stage 2 requests not taken forward, advocacy, remedies,
    expenditure and the action plan."""
    timeliness = [
        (stage.label, *row)
        for stage in report.timeliness
        for row in [
            *_count_rows(stage.responses),
            (
                "Average working days",
                _rounded(stage.average_current),
                _rounded(stage.average_previous),
            ),
        ]
    ]
    result = [Sheet("Timeliness", ("Stage", "Response", this, before), timeliness)]
    if report.not_progressed is not None:
        result.append(
            _counts("Stage 2 not progressed", "Reason", report.not_progressed, this, before)
        )
    if report.advocacy is not None:
        result.append(_counts("Advocacy", "Advocacy", report.advocacy.rows, this, before))
    if report.remedies is not None:
        result.append(_counts("Remedies", "Remedy", report.remedies, this, before))
    if report.expenditure is not None:
        result.append(
            Sheet("Expenditure", ("Spent on (pounds)", this, before), _pounds(report.expenditure))
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


def _count_rows(table: CountTable) -> list[tuple[Cell, ...]]:
    rows: list[tuple[Cell, ...]] = [(row.label, row.current, row.previous) for row in table.rows]
    if table.total is not None:
        rows.append((table.total.label, table.total.current, table.total.previous))
    return rows


def _counts(name: str, what: str, table: CountTable, this: str, before: str) -> Sheet:
    return Sheet(name, (what, this, before), _count_rows(table))


def _response_times(report: Report, this: str, before: str) -> Sheet:
    times = report.response_times
    return Sheet(
        "Response times",
        ("Stage 1 response", this, before),
        [
            *_count_rows(times.bands),
            (
                "Average working days",
                _rounded(times.average_current),
                _rounded(times.average_previous),
            ),
            (times.awaiting.label, times.awaiting.current, times.awaiting.previous),
        ],
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _equality(report: Report) -> Sheet:
    rows: list[tuple[Cell, ...]] = []
    for table in report.equality:
        for row in table.rows:
            rows.append(
                (
                    table.title,
                    row.group,
                    row.label,
                    few(row.count),
                    None if 0 < row.count < FEWEST_SHOWN else _rounded(row.percent),
                    _rounded(row.population_percent),
                )
            )
        rows += [
            (table.title, None, "Prefer not to say", few(table.prefer_not_to_say), None, None),
            (table.title, None, "Skipped this question", few(table.skipped), None, None),
            (table.title, None, "Answered no questions", few(table.no_response), None, None),
        ]
    return Sheet(
        "Equality",
        (
            "Question",
            "Group",
            "Answer",
            f"Complainants ({report.period.label})",
            "% of those who answered",
            "% of service users",
        ),
        rows,
    )


def to_xlsx(report: Report) -> bytes:
    """The workbook: one sheet per table, headers in bold, text stored as text."""
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
        worksheet.column_dimensions["A"].width = 40
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write(cell: Any, value: Cell) -> Any:
    if isinstance(value, str):
        cell.value = safe_cell(value)
        # openpyxl guesses a formula from a leading "="; a string cell is never evaluated.
        cell.data_type = "s"
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
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return safe_cell(value)
    return "" if value is None else value
