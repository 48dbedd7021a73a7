"""Feedback references: short, unguessable, easy to read aloud or copy from a phone."""

import secrets

# No 0/O, 1/I/L or 5/S pairs a child could mix up when reading it back.
ALPHABET = "ABCDEFGHJKMNPQRTUVWXYZ2346789"


def new_reference() -> str:
    """A reference like HD-7KQM-P2XW (about 40 bits of randomness)."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"HD-{chars[:4]}-{chars[4:]}"


def normalise_reference(value: str) -> str:
    """Accept a reference as people type it: any case, spaces or missing dashes."""
    compact = "".join(ch for ch in value.upper() if ch.isalnum())
    if compact.startswith("HD") and len(compact) == 10:
        return f"HD-{compact[2:6]}-{compact[6:]}"
    return value.strip().upper()
