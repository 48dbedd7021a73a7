"""Flask extensions, created unbound here and bound to an app in create_app()."""

from typing import TYPE_CHECKING

from flask import Flask, current_app, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from redis import Redis
from rq import Queue

from app.database import Base

db = SQLAlchemy(model_class=Base)
# The models' base class. db.Model is made when the extension is, so a type checker cannot see
# it as a class: it is shown Base instead, which db.Model extends.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def _client_key() -> str:
    """Rate-limit key: the client's address, as the trusted proxies report it (ProxyFix with
    TRUSTED_PROXIES). A browser string is not part of it: anyone can change theirs."""
    return get_remote_address()


limiter = Limiter(key_func=_client_key, default_limits=[])


def skip_limiter_on(app: Flask, paths: tuple[str, ...]) -> None:
    """Not even ask Flask-Limiter about requests under these paths: for blueprints exempt
    from every limit (limiter.exempt), where working that out cost about 0.1 ms a request.
    Flask-Limiter's own check still runs, unchanged, for every other request."""
    hooks = app.before_request_funcs.get(None, [])
    found = [n for n, hook in enumerate(hooks) if getattr(hook, "__self__", None) is limiter]
    if not found:
        return
    check = hooks[found[0]]

    def check_unless_exempt_path() -> None:
        if not request.path.startswith(paths):
            check()

    hooks[found[0]] = check_unless_exempt_path


class Queues:
    """The app's RQ queues, or none when REDIS_URL is unset (jobs then run in-process)."""

    def init_app(self, app: Flask) -> None:
        url = app.config.get("REDIS_URL")
        connection = (
            Redis.from_url(url, socket_connect_timeout=1, socket_timeout=3) if url else None
        )
        app.extensions["heard.queues"] = connection

    @property
    def connection(self) -> Redis | None:
        return current_app.extensions["heard.queues"]

    def get(self, name: str) -> Queue:
        connection = self.connection
        if connection is None:
            raise RuntimeError("REDIS_URL is not set: there are no RQ queues")
        return Queue(name, connection=connection)


queues = Queues()
