"""The OpenAPI 3.1 document of the partner API, built around the adapter's own JSON Schema."""

from typing import Any

from apispec import APISpec

from channels.api import feedback_schema

FEEDBACK_PATH = "/api/v1/feedback"

HELP_LINE_SCHEMA = {
    "type": "object",
    "required": ["key", "name", "when"],
    "properties": {
        "key": {"type": "string", "description": "A stable id: emergency, childline, ..."},
        "name": {"type": "string"},
        "phone": {"type": ["string", "null"], "description": "The number as people write it."},
        "tel": {"type": ["string", "null"], "description": "The number to dial (for tel: links)."},
        "url": {"type": ["string", "null"]},
        "when": {"type": "string", "description": "Who it is for, in a sentence."},
    },
}

SAFETY_SCHEMA = {
    "type": "object",
    "required": ["concern", "help"],
    "description": "What to show the person now. `concern` is true when the words suggest "
    "someone may be at risk (Heard's safeguarding rules, run as the feedback arrives); `help` "
    "then lists the help lines that fit, emergency first. Show them to the person at once. "
    "Heard's reviewers are alerted separately.",
    "properties": {
        "concern": {"type": "boolean"},
        "help": {"type": "array", "items": HELP_LINE_SCHEMA},
    },
}

RECEIPT_SCHEMA = {
    "type": "object",
    "required": ["reference", "status", "safety"],
    "properties": {
        "reference": {
            "type": "string",
            "pattern": "^HD-[A-Z0-9]{4}-[A-Z0-9]{4}$",
            "description": "Heard's reference for the feedback; quote it to the person.",
        },
        "status": {
            "type": "string",
            "enum": ["received", "accepted"],
            "description": "`received`: stored. `accepted`: kept safely and stored shortly "
            "(the database was briefly unavailable); the reference is final either way.",
        },
        "message_id": {
            "type": "integer",
            "description": "Heard's id for the stored message (absent while `accepted`).",
        },
        "safety": SAFETY_SCHEMA,
    },
}

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "title", "detail"],
            "properties": {
                "status": {"type": "integer"},
                "title": {"type": "string"},
                "detail": {"type": "string"},
                "fields": {
                    "type": "array",
                    "description": "With 422: every field at fault and what is wrong with it.",
                    "items": {
                        "type": "object",
                        "required": ["field", "message"],
                        "properties": {
                            "field": {
                                "type": "string",
                                "description": 'A JSON pointer into the body, like "/contact/'
                                'email"; "" means the body as a whole.',
                            },
                            "message": {"type": "string"},
                        },
                    },
                },
            },
        }
    },
}

EXAMPLES = {
    "complaint": {
        "summary": "A parent's complaint, with a way to reply",
        "value": {
            "kind": "complaint",
            "text": "Nobody has returned my calls about the court report for three weeks.",
            "external_id": "msg-2025-000123",
            "received_at": "2025-03-01T14:30:00Z",
            "contact": {
                "role": "parent",
                "name": "Sam Example",
                "email": "sam@example.org",
                "preferred_channel": "email",
                "may_contact": True,
            },
            "case_reference": "FC-1234",
        },
    },
    "audit": {
        "summary": "A child's audit score, sent by their advocate",
        "value": {
            "kind": "audit",
            "text": "My worker listened to me.",
            "external_id": "msg-2025-000124",
            "score": 5,
            "on_behalf_of_child": True,
            "child_consent": True,
            "contact": {"role": "advocate"},
        },
    },
}


def _error_response(description: str, example: dict[str, Any] | None = None) -> dict[str, Any]:
    content: dict[str, Any] = {"schema": "Error"}
    if example:
        content["example"] = {"error": example}
    return {"description": description, "content": {"application/json": content}}


def _receipt_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": "Receipt"}}}


def _operation() -> dict[str, Any]:
    return {
        "operationId": "createFeedback",
        "summary": "Send one piece of feedback",
        "description": "Stores the feedback, then checks it for safeguarding concerns. "
        "Idempotent on external_id: a retry returns the first reference.",
        "security": [{"partnerToken": []}],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": "Feedback", "examples": EXAMPLES}},
        },
        "responses": {
            "201": _receipt_response("Stored."),
            "200": _receipt_response("Already stored: a retry of the same external_id."),
            "202": _receipt_response(
                "Accepted: kept on the server's disk while its database is unavailable, and "
                "stored as soon as it is back. Do not retry."
            ),
            "400": _error_response("The body is not readable JSON (or not UTF-8)."),
            "401": {
                **_error_response("No token, or not a token we know."),
                "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
            },
            "409": _error_response("The external_id was already used for different content."),
            "413": _error_response("The body is larger than the server accepts."),
            "415": _error_response("The body is not sent as application/json."),
            "422": _error_response(
                "The JSON is not acceptable feedback; `fields` names each problem.",
                {
                    "status": 422,
                    "title": "Invalid feedback",
                    "detail": "Some fields are missing or not valid.",
                    "fields": [{"field": "/contact/email", "message": "must be an email address"}],
                },
            ),
            "429": {
                **_error_response("Too many requests for this token; wait and retry."),
                "headers": {"Retry-After": {"schema": {"type": "integer"}}},
            },
        },
    }


def openapi_document(base_url: str, max_text_chars: int) -> dict[str, Any]:
    """The OpenAPI 3.1 document: the endpoint, bearer auth, request and response schemas."""
    spec = APISpec(
        title="Heard partner API",
        version="1.0.0",
        openapi_version="3.1.0",
        info={
            "description": "Send feedback about children's social care and family-court "
            "advice services into Heard from a partner app."
        },
        servers=[{"url": base_url}],
    )
    spec.components.security_scheme(
        "partnerToken",
        {
            "type": "http",
            "scheme": "bearer",
            "description": "The partner token Heard issued to you: Authorization: Bearer ...",
        },
    )
    spec.components.schema("Feedback", feedback_schema(max_text_chars))
    spec.components.schema("Receipt", RECEIPT_SCHEMA)
    spec.components.schema("Error", ERROR_SCHEMA)
    spec.path(path=FEEDBACK_PATH, operations={"post": _operation()})
    return spec.to_dict()
