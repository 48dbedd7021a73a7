"""Authenticating POST /email/inbound: an HMAC-SHA256 over the timestamp and the raw body.

The provider (or the relay in front of it) signs `timestamp + "." + body` with the shared
secret and sends `X-Heard-Timestamp` (Unix seconds) and `X-Heard-Signature` (hex, optionally
prefixed "sha256="). A signature older or newer than the window is refused, so a captured
request cannot be replayed later; inside the window, Message-ID dedupe makes a replay harmless.
"""

import hashlib
import hmac

TIMESTAMP_HEADER = "X-Heard-Timestamp"
SIGNATURE_HEADER = "X-Heard-Signature"


class SignatureMissing(ValueError):
    """No usable timestamp or signature headers: the caller has not authenticated (401)."""


class SignatureRejected(ValueError):
    """A signature that is wrong or outside the window: authenticated and refused (403)."""


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The hex signature of a body at a timestamp."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def check_headers(timestamp: str | None, signature: str | None, now: float, window: int) -> None:
    """What can be checked before reading the body: both headers there, the timestamp Unix
    seconds within the replay window. Raise SignatureMissing or SignatureRejected otherwise,
    so an unsigned or stale post is refused without the server waiting for its body."""
    if not timestamp or not signature:
        raise SignatureMissing("send X-Heard-Timestamp and X-Heard-Signature")
    timestamp = timestamp.strip()
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        raise SignatureMissing("X-Heard-Timestamp must be Unix seconds")
    if abs(now - int(timestamp)) > window:
        raise SignatureRejected("the timestamp is outside the replay window")


def verify(
    secret: str, timestamp: str | None, signature: str | None, body: bytes, now: float, window: int
) -> None:
    """Raise SignatureMissing or SignatureRejected unless the body is signed and fresh."""
    check_headers(timestamp, signature, now, window)
    assert timestamp is not None and signature is not None
    timestamp = timestamp.strip()
    supplied = signature.strip().removeprefix("sha256=").lower()
    expected = sign(secret, timestamp, body)
    if not hmac.compare_digest(supplied.encode("ascii", "replace"), expected.encode()):
        raise SignatureRejected("the signature does not match")
