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


def verify(
    secret: str, timestamp: str | None, signature: str | None, body: bytes, now: float, window: int
) -> None:
    """Raise SignatureMissing or SignatureRejected unless the body is signed and fresh."""
    if not timestamp or not signature:
        raise SignatureMissing("send X-Heard-Timestamp and X-Heard-Signature")
    timestamp = timestamp.strip()
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        raise SignatureMissing("X-Heard-Timestamp must be Unix seconds")
    supplied = signature.strip().removeprefix("sha256=").lower()
    expected = sign(secret, timestamp, body)
    # Compare before the window check, so timing says nothing about which test failed.
    matches = hmac.compare_digest(supplied.encode("ascii", "replace"), expected.encode())
    if not matches:
        raise SignatureRejected("the signature does not match")
    if abs(now - int(timestamp)) > window:
        raise SignatureRejected("the timestamp is outside the replay window")
