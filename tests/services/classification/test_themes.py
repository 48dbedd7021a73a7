"""Themes on an item: the list staff see and the rows reports count are written together."""

from sqlalchemy import select

from app.extensions import db
from app.models import FeedbackTheme
from app.services.classification.themes import add_item_themes, set_item_themes
from tests.factories import FeedbackItemFactory


def _rows() -> set[tuple[int, str]]:
    return set(db.session.execute(select(FeedbackTheme.feedback_item_id, FeedbackTheme.theme)))


def test_setting_themes_replaces_the_list_and_the_rows(app):
    item = FeedbackItemFactory()
    set_item_themes(item, ["delay", "bias", "delay"])
    db.session.commit()
    assert item.themes == ["bias", "delay"]
    assert _rows() == {(item.id, "bias"), (item.id, "delay")}

    set_item_themes(item, ["communication", "delay"])
    db.session.commit()
    assert item.themes == ["communication", "delay"]
    assert _rows() == {(item.id, "communication"), (item.id, "delay")}


def test_adding_themes_keeps_those_already_there(app):
    item = FeedbackItemFactory()
    set_item_themes(item, ["delay"])
    add_item_themes(item, ["bias", "delay"])
    db.session.commit()
    assert item.themes == ["bias", "delay"]
    assert _rows() == {(item.id, "bias"), (item.id, "delay")}
