"""transaction_lock(): held until the transaction ends, on PostgreSQL across connections and
on SQLite across the threads of one process."""

import threading

import pytest

from app.extensions import db
from app.services import locks


def _hold(app, key: str, holding: threading.Event, release: threading.Event) -> None:
    with app.app_context():
        with locks.transaction_lock(key):
            holding.set()
            release.wait(10)
            db.session.commit()
        db.session.remove()


def _kept_waiting(app, held: str, asked: str) -> bool:
    """Whether asking for `asked` while another transaction holds `held` waits for its end."""
    holding, release, acquired, go_on = (threading.Event() for _ in range(4))
    go_on.set()
    holder = threading.Thread(target=_hold, args=(app, held, holding, release))
    holder.start()
    assert holding.wait(10)
    asker = threading.Thread(target=_hold, args=(app, asked, acquired, go_on))
    asker.start()
    waited = not acquired.wait(0.5)
    release.set()
    holder.join(10)
    asker.join(10)
    assert acquired.is_set()
    return waited


@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
def test_a_key_is_held_until_the_transaction_ends_and_other_keys_are_free(
    make_app, database, tmp_path
):
    sqlite = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'heard.sqlite'}"}
    app = make_app(**(sqlite if database == "sqlite" else {}))

    assert _kept_waiting(app, "sender:sms:+447700900123", "sender:sms:+447700900123")
    assert not _kept_waiting(app, "sender:sms:+447700900123", "sender:sms:+447700900456")
