"""The JSON API adapter: parse a partner's JSON, check it against one JSON Schema, translate it.

The schema below is the single source of truth: the endpoint enforces it and the OpenAPI
document publishes it. The two rules a schema cannot state (a time not in the future, valid
Unicode) are checked after it; the first is in the schema's descriptions.
"""

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email
from jsonschema import Draft202012Validator, FormatChecker, ValidationError

from channels import language
from channels.base import FeedbackDetails, InboundMessage, clean_text

CHANNEL = "api"
DEFAULT_MAX_TEXT_CHARS = 10_000
KINDS = ("complaint", "compliment", "comment", "audit")
CONTACT_ROLES = (
    "child",
    "young_person",
    "parent",
    "carer",
    "grandparent",
    "relative",
    "care_leaver",
    "advocate",
    "professional",
    "mp",
    "other",
)
PREFERRED_CHANNELS = ("sms", "email", "phone", "post")
# Far deeper than any valid document (which nests two levels), far shallower than the
# recursion limit that validating or printing a nested value would otherwise run into.
MAX_DEPTH = 16
MAX_REPORTED_ERRORS = 50
# Clocks drift; a partner's clock a little ahead of ours is not an error.
CLOCK_SKEW = timedelta(minutes=5)
EXTERNAL_ID_COLUMN_CHARS = 255

NO_CONTROLS = r"^[^\u0000-\u001F\u007F]*$"
PHONE = r"^[0-9+() -]+$"
SOME_WORDS = r"[^\s\u0000-\u001F\u007F]"
# Also keeps times within what datetime can shift to UTC.
FROM_2000 = r"^2[0-9]{3}-"
_PATTERN_MESSAGES = {
    NO_CONTROLS: "must not contain control characters (such as NUL, tab or a line break)",
    PHONE: "must be a phone number: digits, spaces, +, brackets and dashes only",
    SOME_WORDS: "must contain some words, not only spaces or control characters",
    FROM_2000: "must be between the year 2000 and now",
}
_RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?"
    r"(?P<offset>[Zz]|[+-][0-9]{2}:[0-9]{2})?"
)
# Messages for the two rules that depend on another field; keyed by the field they land on.
_CONDITIONAL_MESSAGES = {
    "score": "is required when kind is audit",
    "child_consent": "must be true when on_behalf_of_child is true: "
    "send feedback for a child only with their agreement",
}
_TYPE_MESSAGES = {
    "string": "must be a string",
    "integer": "must be a whole number",
    "boolean": "must be true or false",
    "object": "must be a JSON object",
}


@dataclass(frozen=True)
class FieldError:
    field: str  # a JSON pointer (RFC 6901) into the request body; "" is the body itself
    message: str


class MalformedJSON(ValueError):
    """The body is not a JSON document we can read at all."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidFeedback(ValueError):
    """The body is JSON but not acceptable feedback; `errors` names each field at fault."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(f"{len(errors)} invalid field(s)")
        self.errors = errors


def _line(max_chars: int, description: str) -> dict[str, Any]:
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": max_chars,
        "pattern": NO_CONTROLS,
        "description": description,
    }


def feedback_schema(max_text_chars: int = DEFAULT_MAX_TEXT_CHARS) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12, as OpenAPI 3.1 uses) of a feedback request body."""
    return {
        "title": "Feedback",
        "type": "object",
        "additionalProperties": False,
        "required": ["kind", "text", "external_id"],
        "properties": {
            "kind": {"type": "string", "enum": list(KINDS), "description": "What it is."},
            "text": {
                "type": "string",
                "minLength": 1,
                "maxLength": max_text_chars,
                "pattern": SOME_WORDS,
                "description": "The feedback, exactly as the person wrote it, in characters "
                "(Unicode code points). Control characters other than tab and line breaks "
                "are removed, so it must have something besides spaces and controls.",
            },
            "external_id": _line(
                EXTERNAL_ID_COLUMN_CHARS,
                "Your own unique id for this message. Sending the same id again (a retry) "
                "stores nothing new and answers 200 with the first reference; reusing an id "
                "for different content answers 409.",
            ),
            "received_at": {
                "type": "string",
                "format": "date-time",
                "pattern": FROM_2000,
                "description": "When the person sent it (RFC 3339, with a timezone offset), as "
                "you record it. Kept with the message as your claim; Heard dates the feedback "
                "when it receives the request. Not in the future (beyond a few minutes of clock "
                "difference), not before 2000.",
            },
            "contact": {
                "type": "object",
                "additionalProperties": False,
                "description": "Who sent it, and whether and how they want to hear back.",
                "properties": {
                    "role": {"type": "string", "enum": list(CONTACT_ROLES)},
                    "name": _line(200, "Their name."),
                    "email": {
                        "type": "string",
                        "format": "email",
                        "maxLength": 320,
                        "pattern": NO_CONTROLS,
                        "description": "An address that could receive mail: special-use "
                        "domains such as .test, .local or .invalid are refused.",
                    },
                    "phone": {"type": "string", "minLength": 5, "maxLength": 32, "pattern": PHONE},
                    "preferred_channel": {"type": "string", "enum": list(PREFERRED_CHANNELS)},
                    "may_contact": {
                        "type": "boolean",
                        "description": "They agree to be contacted about this feedback.",
                    },
                },
            },
            "on_behalf_of_child": {
                "type": "boolean",
                "description": "An adult (an advocate, say) is sending this for a child.",
            },
            "child_consent": {
                "type": "boolean",
                "description": "The child agreed; required, and true, with on_behalf_of_child.",
            },
            "case_reference": _line(64, "Your or the service's case reference."),
            "team": _line(120, "The name of the Heard team the feedback is about."),
            "score": {
                "type": "integer",
                "minimum": 1,
                "maximum": 5,
                "description": "Audit score from 1 (poor) to 5 (excellent); required for audit.",
            },
        },
        "allOf": [
            {
                "if": {"properties": {"kind": {"const": "audit"}}, "required": ["kind"]},
                "then": {"required": ["score"]},
            },
            {
                "if": {
                    "properties": {"on_behalf_of_child": {"const": True}},
                    "required": ["on_behalf_of_child"],
                },
                "then": {
                    "properties": {"child_consent": {"const": True}},
                    "required": ["child_consent"],
                },
            },
        ],
    }


_formats = FormatChecker(formats=())


@_formats.checks("email", raises=EmailNotValidError)
def _is_email(value: object) -> bool:
    if isinstance(value, str):
        validate_email(value, check_deliverability=False)
    return True


@_formats.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if isinstance(value, str):
        _parse_date_time(value)
    return True


def _parse_date_time(value: str) -> datetime:
    match = _RFC3339.fullmatch(value)
    if match is None:
        raise ValueError("must be an RFC 3339 date-time, like 2025-03-01T14:30:00Z")
    if match["offset"] is None:
        raise ValueError("must include a timezone offset, like Z or +01:00")
    try:
        return datetime.fromisoformat(value.upper())
    except ValueError:
        raise ValueError("is not a real date and time") from None


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Parsers disagree on which duplicate wins, so a duplicate could mean two things.
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise MalformedJSON(f"The JSON has the key {json.dumps(key)} twice in one object.")
        document[key] = value
    return document


def _reject_constant(name: str) -> None:
    raise MalformedJSON(f"{name} is not a JSON number.")


def parse_json(body: bytes) -> Any:
    """Decode a body as strict JSON (UTF-8, no duplicate keys, no NaN) or raise MalformedJSON."""
    if not body.strip():
        raise MalformedJSON("The body is empty: send the feedback as a JSON object.")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise MalformedJSON(
            f"The body is not valid UTF-8: the byte at offset {error.start} cannot be decoded."
        ) from None
    try:
        document = json.loads(
            text, object_pairs_hook=_reject_duplicate_keys, parse_constant=_reject_constant
        )
    except json.JSONDecodeError as error:
        raise MalformedJSON(
            f"The body is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
        ) from None
    except RecursionError:
        raise MalformedJSON(_too_deep()) from None
    except MalformedJSON:
        raise
    except ValueError:
        # The only other ValueError json raises: an integer longer than Python will convert.
        raise MalformedJSON("The JSON has a number too long to read.") from None
    if _deeper_than(document, MAX_DEPTH):
        raise MalformedJSON(_too_deep())
    return document


def _too_deep() -> str:
    return f"The JSON is nested too deeply (more than {MAX_DEPTH} levels)."


def _deeper_than(document: Any, limit: int) -> bool:
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = list(value.values())
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def to_inbound_message(
    document: Any,
    partner: str,
    *,
    max_text_chars: int = DEFAULT_MAX_TEXT_CHARS,
    now: datetime | None = None,
) -> InboundMessage:
    """Check a parsed request body from `partner` and translate it, or raise InvalidFeedback."""
    now = now or datetime.now(UTC)
    validator = Draft202012Validator(feedback_schema(max_text_chars), format_checker=_formats)
    errors = _field_errors(validator.iter_errors(document))
    if not errors:
        errors = _rule_errors(document, now)
    if errors:
        raise InvalidFeedback(errors)
    return _translate(document, partner, now)


def _translate(document: dict[str, Any], partner: str, now: datetime) -> InboundMessage:
    contact = document.get("contact", {})
    email = contact.get("email")
    details = FeedbackDetails(
        kind=document["kind"],
        contact_role=contact.get("role", "other"),
        name=contact.get("name"),
        phone=contact.get("phone"),
        phone_raw=contact.get("phone"),
        email=validate_email(email, check_deliverability=False).normalized if email else None,
        preferred_channel=contact.get("preferred_channel"),
        may_contact=contact.get("may_contact", False),
        team=document.get("team"),
        on_behalf_of_child=document.get("on_behalf_of_child", False),
        child_consent=document.get("child_consent"),
        case_reference=document.get("case_reference"),
        score=int(document["score"]) if "score" in document else None,
    )
    return InboundMessage(
        channel=CHANNEL,
        external_id=namespaced_external_id(partner, document["external_id"]),
        text=clean_text(document["text"]),
        # The partner's received_at is their claim, kept in the payload; the item is dated when
        # Heard received it, so a wrong or old date cannot bury it or move its deadlines.
        received_at=now,
        # PostgreSQL keeps "\u0000" in a json column but fails every query that reads it out;
        # the schema refuses control characters everywhere except the text.
        raw_payload={**document, "text": document["text"].replace("\x00", "")},
        sender=partner,
        details=details,
        language=language.detect(document["text"]),
    )


def namespaced_external_id(partner: str, external_id: str) -> str:
    """The stored id: the partner's id prefixed with the partner, so partners cannot collide."""
    namespaced = f"{partner}:{external_id}"
    if len(namespaced) <= EXTERNAL_ID_COLUMN_CHARS:
        return namespaced
    # Too long for the column with the prefix: a digest is still unique per partner and id.
    return "sha256:" + hashlib.sha256(namespaced.encode("utf-8")).hexdigest()


def _rule_errors(document: dict[str, Any], now: datetime) -> list[FieldError]:
    errors = [
        FieldError(pointer, "is not valid Unicode: it has an unpaired surrogate")
        for pointer, value in _strings(document)
        if _has_lone_surrogate(value)
    ]
    received_at = document.get("received_at")
    if received_at and _parse_date_time(received_at) > now + CLOCK_SKEW:
        errors.append(FieldError("/received_at", "must not be in the future"))
    return errors


def _strings(document: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for key, value in document.items():
        if isinstance(value, str):
            yield f"/{key}", value
        elif isinstance(value, dict):
            yield from ((f"/{key}/{k}", v) for k, v in value.items() if isinstance(v, str))


def _has_lone_surrogate(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _field_errors(errors: Iterator[ValidationError]) -> list[FieldError]:
    found: dict[str, str] = {}
    for error in errors:
        for field_error in _explain(error):
            found.setdefault(field_error.field, field_error.message)
        if len(found) >= MAX_REPORTED_ERRORS:
            break
    return [FieldError(field, message) for field, message in sorted(found.items())]


def _explain(error: ValidationError) -> list[FieldError]:
    """Plain messages built from the failing keyword; never from the value, which may be huge
    or personal."""
    pointer = _pointer(error.absolute_path)
    conditional = "then" in error.absolute_schema_path
    # jsonschema types these as possibly unset; on an error that validation raised they are set.
    keyword: Any = error.validator
    expected: Any = error.validator_value
    instance: Any = error.instance
    schema: Any = error.schema
    if keyword == "required":
        return [
            FieldError(
                f"{pointer}/{_escape(name)}",
                _CONDITIONAL_MESSAGES[name] if conditional else "is required",
            )
            for name in expected
            if isinstance(instance, dict) and name not in instance
        ]
    if keyword == "additionalProperties":
        known = schema.get("properties", {})
        return [
            FieldError(f"{pointer}/{_escape(name)}", "is not a field this API accepts")
            for name in instance
            if name not in known
        ]
    if keyword == "const" and conditional:
        return [FieldError(pointer, _CONDITIONAL_MESSAGES[pointer.rsplit("/", 1)[-1]])]
    return [FieldError(pointer, _message(error, keyword, expected))]


def _message(error: ValidationError, keyword: Any, expected: Any) -> str:
    if keyword == "type":
        if error.absolute_path:
            return _TYPE_MESSAGES.get(expected, f"must be of type {expected}")
        return "the request body must be a JSON object"
    if keyword == "enum":
        return "must be one of: " + ", ".join(map(str, expected))
    if keyword == "minLength":
        return "must not be empty" if expected == 1 else f"must be at least {expected} characters"
    if keyword == "maxLength":
        return f"must be at most {expected:,} characters"
    if keyword in {"minimum", "maximum"}:
        schema: Any = error.schema
        return f"must be between {schema['minimum']} and {schema['maximum']}"
    if keyword == "pattern":
        return _PATTERN_MESSAGES.get(expected, "is not in the expected form")
    if keyword == "format":
        cause = str(error.cause) if error.cause else ""
        if expected == "email":
            return f"must be an email address: {cause}"
        return cause or f"must be a valid {expected}"
    return "is not valid"


def _pointer(path: Any) -> str:
    return "".join(f"/{_escape(str(part))}" for part in path)


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")
