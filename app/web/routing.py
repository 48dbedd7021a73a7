"""How the app reads addresses: ids in URLs, and the client's address behind proxies."""

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from app.services.common import MAX_ID


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a whole number from 1 to MAX_ID, or the route does not
    match (404), so no view sees an id the database would refuse."""

    def __init__(
        self,
        url_map: object,
        fixed_digits: int = 0,
        min: int = 1,
        max: int = MAX_ID,
        signed: bool = False,
    ) -> None:
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)  # type: ignore[arg-type]


def init_app(app: Flask) -> None:
    """Set the id converter (before any route is added) and, behind proxies, trust their
    X-Forwarded-For and X-Forwarded-Proto, as many hops as TRUSTED_PROXIES says."""
    app.url_map.converters["int"] = IdConverter
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
