"""How the app reads addresses: ids in URLs, and the client's address behind proxies."""

import ipaddress

from flask import Flask, request
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


def client_ip() -> str | None:
    """The client's address (after ProxyFix), as the audit log records it."""
    return request.remote_addr


def network_of(address: str | None) -> str:
    """The client's network for the operator's log, not the address: an IPv4 /24 or an IPv6
    /48 is enough to see an attack coming from one place, and does not single out a person."""
    if not address:
        return "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))
