"""The JSON API adapter, without an app: parsing, the schema's rules and the translation."""

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from app.models import ContactRole
from channels.api import (
    CONTACT_ROLES,
    InvalidFeedback,
    MalformedJSON,
    feedback_schema,
    namespaced_external_id,
    parse_json,
    to_inbound_message,
)

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def valid(**changes: object) -> dict[str, object]:
    document: dict[str, object] = {
        "kind": "complaint",
        "text": "Nobody called me back.",
        "external_id": "m-1",
    }
    document.update(changes)
    return {k: v for k, v in document.items() if v is not None}


def errors_of(document: object) -> dict[str, str]:
    with pytest.raises(InvalidFeedback) as caught:
        to_inbound_message(document, "partner", now=NOW)
    return {e.field: e.message for e in caught.value.errors}


def test_a_full_document_becomes_an_inbound_message():
    document = valid(
        received_at="2025-05-31T09:15:00+01:00",
        contact={
            "role": "parent",
            "name": "Sam Example",
            "email": "Sam@EXAMPLE.org",
            "phone": "+44 7700 900123",
            "preferred_channel": "sms",
            "may_contact": True,
        },
        case_reference="FC-1",
        team="North",
        score=2,
    )
    message = to_inbound_message(document, "acme", now=NOW)
    assert message.channel == "api"
    assert message.external_id == "acme:m-1"
    assert message.text == "Nobody called me back."
    # The partner's time is their claim, kept in the payload; Heard dates it on arrival.
    assert message.received_at == NOW
    assert message.raw_payload["received_at"] == "2025-05-31T09:15:00+01:00"
    assert message.raw_payload == document
    assert message.sender == "acme"
    details = message.details
    assert details is not None
    assert (details.kind, details.contact_role, details.name) == (
        "complaint",
        "parent",
        "Sam Example",
    )
    assert details.email == "Sam@example.org"
    assert (details.phone, details.preferred_channel, details.may_contact) == (
        "+44 7700 900123",
        "sms",
        True,
    )
    assert (details.case_reference, details.team, details.score) == ("FC-1", "North", 2)
    assert details.on_behalf_of_child is False
    assert details.child_consent is None


def test_defaults_for_a_minimal_document():
    message = to_inbound_message(valid(), "acme", now=NOW)
    assert message.received_at == NOW
    assert message.details is not None
    assert message.details.contact_role == "other"
    assert message.details.may_contact is False
    assert message.details.score is None


def test_contact_roles_are_the_apps_roles():
    assert set(CONTACT_ROLES) == {role.value for role in ContactRole}


def test_audit_feedback_for_a_child_with_consent():
    document = valid(kind="audit", score=5, on_behalf_of_child=True, child_consent=True)
    details = to_inbound_message(document, "acme", now=NOW).details
    assert details is not None
    assert (details.kind, details.score, details.on_behalf_of_child, details.child_consent) == (
        "audit",
        5,
        True,
        True,
    )


def test_partners_ids_cannot_collide_even_when_too_long_for_the_column():
    assert namespaced_external_id("a", "x") != namespaced_external_id("b", "x")
    long_id = "x" * 255
    stored_a = namespaced_external_id("a", long_id)
    stored_b = namespaced_external_id("b", long_id)
    assert stored_a != stored_b
    assert len(stored_a) <= 255
    assert to_inbound_message(valid(external_id=long_id), "a", now=NOW).external_id == stored_a


WRONG_VALUES = [
    ({"text": 12}, "/text", "must be a string"),
    ({"text": None}, "/text", "is required"),
    ({"text": ["a"]}, "/text", "must be a string"),
    ({"kind": "hack"}, "/kind", "must be one of: complaint, compliment, comment, audit"),
    ({"kind": 1}, "/kind", "must be a string"),
    ({"external_id": 7}, "/external_id", "must be a string"),
    ({"external_id": ""}, "/external_id", "must not be empty"),
    ({"external_id": "x" * 256}, "/external_id", "must be at most 255 characters"),
    ({"external_id": "a\x00b"}, "/external_id", "must not contain control characters"),
    ({"score": "5"}, "/score", "must be a whole number"),
    ({"score": 0}, "/score", "must be between 1 and 5"),
    ({"score": 6}, "/score", "must be between 1 and 5"),
    ({"score": 4.5}, "/score", "must be a whole number"),
    ({"score": True}, "/score", "must be a whole number"),
    ({"score": 10**100}, "/score", "must be between 1 and 5"),
    ({"contact": []}, "/contact", "must be a JSON object"),
    ({"contact": "me"}, "/contact", "must be a JSON object"),
    ({"contact": {"email": "not-an-email"}}, "/contact/email", "must be an email address"),
    ({"contact": {"email": 5}}, "/contact/email", "must be a string"),
    ({"contact": {"role": "king"}}, "/contact/role", "must be one of: child,"),
    ({"contact": {"name": "a\nb"}}, "/contact/name", "must not contain control characters"),
    ({"contact": {"name": "x" * 201}}, "/contact/name", "must be at most 200 characters"),
    ({"contact": {"phone": "call me"}}, "/contact/phone", "must be a phone number"),
    ({"contact": {"preferred_channel": "pigeon"}}, "/contact/preferred_channel", "must be one"),
    ({"contact": {"may_contact": "yes"}}, "/contact/may_contact", "must be true or false"),
    ({"contact": {"extra": 1}}, "/contact/extra", "is not a field this API accepts"),
    ({"on_behalf_of_child": 1}, "/on_behalf_of_child", "must be true or false"),
    ({"child_consent": "true"}, "/child_consent", "must be true or false"),
    ({"case_reference": {"a": 1}}, "/case_reference", "must be a string"),
    ({"case_reference": "x" * 65}, "/case_reference", "must be at most 64 characters"),
    ({"team": 3}, "/team", "must be a string"),
    ({"received_at": 1717243200}, "/received_at", "must be a string"),
    ({"received_at": "yesterday"}, "/received_at", "must be an RFC 3339 date-time"),
    ({"received_at": "2025-05-31T09:15:00"}, "/received_at", "must include a timezone"),
    ({"received_at": "2025-02-30T09:15:00Z"}, "/received_at", "is not a real date and time"),
    ({"received_at": "2025-06-01T13:00:00Z"}, "/received_at", "must not be in the future"),
    ({"received_at": "0001-01-01T00:00:00+01:00"}, "/received_at", "must be between the year 2000"),
    ({"received_at": "1999-12-31T23:59:59-01:00"}, "/received_at", "must be between the year 2000"),
    ({"received_at": "9999-12-31T23:59:59-23:59"}, "/received_at", "must be between the year 2000"),
    ({"received_at": "2999-12-31T23:59:59-23:59"}, "/received_at", "must not be in the future"),
    ({"is_admin": True}, "/is_admin", "is not a field this API accepts"),
    ({"a/b~c": 1}, "/a~1b~0c", "is not a field this API accepts"),
    ({"kind": "audit"}, "/score", "is required when kind is audit"),
    ({"on_behalf_of_child": True}, "/child_consent", "must be true when on_behalf_of_child"),
    (
        {"on_behalf_of_child": True, "child_consent": False},
        "/child_consent",
        "must be true when on_behalf_of_child",
    ),
]


@pytest.mark.parametrize(("changes", "field", "message"), WRONG_VALUES)
def test_each_wrong_value_is_named_by_its_field(changes, field, message):
    document = valid()
    document.update(changes)
    document = {k: v for k, v in document.items() if v is not None}
    errors = errors_of(document)
    assert field in errors, errors
    assert errors[field].startswith(message)


@pytest.mark.parametrize("missing", ["kind", "text", "external_id"])
def test_each_required_field_is_named_when_missing(missing):
    document = valid()
    del document[missing]
    assert errors_of(document) == {f"/{missing}": "is required"}


def test_every_problem_is_reported_at_once():
    errors = errors_of({"kind": "hack", "text": 5, "extra": 1})
    assert set(errors) == {"/kind", "/text", "/external_id", "/extra"}


@pytest.mark.parametrize("document", [[], ["kind"], "text", 5, None, True])
def test_a_body_that_is_not_an_object_is_refused(document):
    assert errors_of(document) == {"": "the request body must be a JSON object"}


def test_ten_thousand_characters_are_accepted_and_one_more_is_not():
    assert to_inbound_message(valid(text="a" * 10_000), "p", now=NOW).text == "a" * 10_000
    emoji = "😀" * 10_000
    assert to_inbound_message(valid(text=emoji), "p", now=NOW).text == emoji
    errors = errors_of(valid(text="a" * 10_001))
    assert errors == {"/text": "must be at most 10,000 characters"}


def test_the_limit_follows_the_configured_maximum():
    with pytest.raises(InvalidFeedback):
        to_inbound_message(valid(text="abcd"), "p", max_text_chars=3, now=NOW)


def test_error_messages_never_echo_the_value():
    secret = "my address is 1 Secret Lane " * 400
    errors = errors_of(valid(text=secret, kind=secret, score=secret))
    assert all("Secret" not in message for message in errors.values())


def test_text_keeps_markup_and_every_script_but_loses_nul():
    text = "<script>alert(1)</script> Diolch yn fawr 👩🏽‍⚖️ שלום مرحبا\r\nline\x00two"
    message = to_inbound_message(valid(text=text), "p", now=NOW)
    assert message.text == "<script>alert(1)</script> Diolch yn fawr 👩🏽‍⚖️ שלום مرحبا\nlinetwo"
    assert "\x00" not in json.dumps(message.raw_payload)
    assert message.raw_payload["text"] == text.replace("\x00", "")


@pytest.mark.parametrize("text", ["   ", "\x00\x00", "\x01\n\t "])
def test_text_with_no_words_is_refused(text):
    assert errors_of(valid(text=text)) == {
        "/text": "must contain some words, not only spaces or control characters"
    }


def test_an_unpaired_surrogate_is_refused_by_field():
    document = parse_json(b'{"kind": "comment", "text": "a\\ud800b", "external_id": "x"}')
    assert errors_of(document) == {"/text": "is not valid Unicode: it has an unpaired surrogate"}
    paired = parse_json(b'{"kind": "comment", "text": "\\ud83d\\ude00", "external_id": "x"}')
    assert to_inbound_message(paired, "p", now=NOW).text == "😀"


def test_a_time_slightly_ahead_of_ours_is_accepted():
    message = to_inbound_message(valid(received_at="2025-06-01T12:04:00Z"), "p", now=NOW)
    assert message.received_at == NOW
    assert message.raw_payload["received_at"] == "2025-06-01T12:04:00Z"


def test_the_schema_is_valid_json_schema_2020_12():
    Draft202012Validator.check_schema(feedback_schema())


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b"", "The body is empty"),
        (b"  \n", "The body is empty"),
        (b'{"text": "caf\xe9"}', "The body is not valid UTF-8: the byte at offset 13"),
        (b"\xff\xfe{\x00}\x00", "The body is not valid UTF-8"),
        (b'{"kind": "comment",}', "The body is not valid JSON: Expecting property name"),
        (b"{'kind': 'comment'}", "The body is not valid JSON"),
        (b'\xef\xbb\xbf{"kind": "comment"}', "The body is not valid JSON: Unexpected UTF-8 BOM"),
        (b'{"kind": "a", "kind": "b"}', 'The JSON has the key "kind" twice'),
        (b'{"score": NaN}', "NaN is not a JSON number"),
        (b'{"score": -Infinity}', "-Infinity is not a JSON number"),
        (b'{"score": ' + b"9" * 5000 + b"}", "The JSON has a number too long to read"),
        (b"[" * 10_000 + b"]" * 10_000, "The JSON is nested too deeply"),
        (b'{"a":' * 10_000 + b"1" + b"}" * 10_000, "The JSON is nested too deeply"),
        (b"[" * 17 + b"]" * 17, "The JSON is nested too deeply"),
    ],
)
def test_unreadable_bodies_are_refused_with_a_reason(body, detail):
    with pytest.raises(MalformedJSON) as caught:
        parse_json(body)
    assert caught.value.detail.startswith(detail)


def test_moderate_nesting_parses_and_is_refused_by_the_schema_instead():
    document = parse_json(b'{"contact": ' + b"[" * 15 + b"]" * 15 + b"}")
    assert errors_of(document)["/contact"] == "must be a JSON object"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children),
    max_leaves=12,
)
field_values = st.fixed_dictionaries(
    {},
    optional={
        name: json_values | st.sampled_from(["complaint", "audit", "parent", "sms", "1"])
        for name in [*feedback_schema()["properties"], "unknown"]
    },
)


@settings(max_examples=300, deadline=None)
@given(document=json_values | field_values)
def test_any_json_is_either_translated_or_refused_by_field(document):
    try:
        message = to_inbound_message(document, "p", now=NOW)
    except InvalidFeedback as error:
        assert error.errors
        assert all(e.field == "" or e.field.startswith("/") for e in error.errors)
    else:
        assert "\x00" not in message.text


@settings(max_examples=300, deadline=None)
@given(body=st.binary(max_size=200))
def test_any_bytes_are_either_parsed_or_refused(body):
    try:
        parse_json(body)
    except MalformedJSON as error:
        assert error.detail
