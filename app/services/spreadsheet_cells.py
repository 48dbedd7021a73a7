"""Cells that are safe to open in a spreadsheet, for every export that holds people's words.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and, in some, a tab or carriage
return before one) as a formula, so text from feedback could fetch a link or run a command on
the reader's machine. Such text is given a leading quote and stays text.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A value as a cell a spreadsheet shows as text: one that would start a formula gets a
    leading quote."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
