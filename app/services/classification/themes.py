"""The themes: the taxonomy's names for them, and the themes on a feedback item (one function
writes them, so the list staff see and the rows the reports count never disagree)."""

import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from app.models import FeedbackItem, FeedbackTheme

TAXONOMY = Path(__file__).resolve().parents[3] / "classifiers" / "taxonomy.json"


@cache
def taxonomy_themes() -> dict[str, str]:
    """The taxonomy's theme ids and names, in taxonomy order; safeguarding is not a theme."""
    return {theme["id"]: theme["name"] for theme in json.loads(TAXONOMY.read_text())["themes"]}


def set_item_themes(item: FeedbackItem, themes: Iterable[str]) -> None:
    """Give an item exactly these themes (the caller commits)."""
    wanted = sorted(set(themes))
    item.themes = wanted
    have = {row.theme: row for row in item.theme_rows}
    for theme, row in have.items():
        if theme not in wanted:
            item.theme_rows.remove(row)
    item.theme_rows.extend(FeedbackTheme(theme=theme) for theme in wanted if theme not in have)


def add_item_themes(item: FeedbackItem, themes: Iterable[str]) -> None:
    """Add themes to those an item already has, as a new message in its thread is read."""
    set_item_themes(item, [*(item.themes or []), *themes])
