"""Sessions kept in a cookie that is encrypted, not only signed.

Flask's default cookie is signed but readable by anyone holding the device: a child's
reference, that they wrote to us at all, or a half-finished sign-in would be there in plain
base64. Fernet (from `cryptography`) encrypts and authenticates the same payload, with a
timestamp checked against the session lifetime. Keys come from SECRET_KEY and
SECRET_KEY_FALLBACKS, so rotating the secret works as it does for signed cookies.
"""

import base64
import hashlib
from typing import Any, cast

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import Flask, Request
from flask.sessions import (
    SecureCookieSession,
    SecureCookieSessionInterface,
    session_json_serializer,
)
from itsdangerous import BadSignature

_CONTEXT = b"heard session cookie v1"


def _fernet_key(secret: str | bytes) -> bytes:
    """A Fernet key derived from one secret, for this purpose only."""
    raw = secret.encode() if isinstance(secret, str) else secret
    return base64.urlsafe_b64encode(hashlib.blake2b(raw, key=_CONTEXT, digest_size=32).digest())


class _EncryptingSerializer:
    """What Flask's cookie session needs of a serializer: dumps, and loads with a max age."""

    def __init__(self, secrets: list[str | bytes]) -> None:
        self.fernet = MultiFernet([Fernet(_fernet_key(secret)) for secret in secrets])

    def dumps(self, data: dict[str, Any]) -> str:
        return self.fernet.encrypt(session_json_serializer.dumps(data).encode()).decode()

    def loads(self, token: str, max_age: int | None = None) -> dict[str, Any]:
        try:
            plain = self.fernet.decrypt(token.encode(), ttl=max_age)
        except (InvalidToken, ValueError, TypeError) as error:
            raise BadSignature("session cookie cannot be read") from error
        return session_json_serializer.loads(plain.decode())


# Paths that never have a cookie session: Twilio's and the email provider's webhooks and the
# JSON API authenticate each request themselves (a signature, a bearer token), so a session
# there is only cost, and a cookie there would be a mistake. Flask opens the session before it
# matches the route, so these are paths, not blueprints.
STATELESS_PATHS = ("/sms/", "/api/", "/email/inbound")


class EncryptedCookieSessionInterface(SecureCookieSessionInterface):
    """Flask's cookie session, with the payload encrypted; none at all on STATELESS_PATHS."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """No session for a webhook or the API: Flask's null session, which reads as empty
        (so nobody is signed in) and refuses writes, and is never saved as a cookie."""
        if request.path.startswith(STATELESS_PATHS):
            return self.make_null_session(app)
        return super().open_session(app, request)

    def get_signing_serializer(self, app: Flask) -> _EncryptingSerializer | None:  # type: ignore[override]
        if not app.secret_key:
            return None
        # The current key first: MultiFernet encrypts with the first and decrypts with any.
        return _serializer(app)


def _serializer(app: Flask) -> _EncryptingSerializer:
    # The current key first: MultiFernet encrypts with the first and decrypts with any.
    # SECRET_KEY always has a value: app/config.py falls back to a development key.
    secret = cast(str | bytes, app.secret_key)
    fallbacks = app.config.get("SECRET_KEY_FALLBACKS") or []
    keys = (secret, *fallbacks)
    # Deriving the keys costs more than a small cookie's decryption: built once per set of keys.
    cached = app.extensions.get("heard.session_serializer")
    if cached is None or cached[0] != keys:
        cached = (keys, _EncryptingSerializer(list(keys)))
        app.extensions["heard.session_serializer"] = cached
    return cast(_EncryptingSerializer, cached[1])


def seal(app: Flask, data: dict[str, Any]) -> str:
    """Data encrypted for a hidden form field: only this app can read or change it."""
    return _serializer(app).dumps(data)


def unseal(app: Flask, token: str, max_age: int) -> dict[str, Any] | None:
    """What seal() encrypted, if it is ours and younger than max_age seconds; else None."""
    try:
        data = _serializer(app).loads(token, max_age=max_age)
    except BadSignature:
        return None
    return data if isinstance(data, dict) else None


def init_app(app: Flask) -> None:
    app.session_interface = EncryptedCookieSessionInterface()
