"""`heard classify`: JSON Lines in, one JSON object per line out, as DESIGN.md's contract says."""

import json

import pytest
from flask import Flask

from app import create_app
from tests.conftest import base_config

FIELDS = {"id", "themes", "safeguarding", "scores", "evidence"}


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app(base_config(CLASSIFIER="minilm"))


def classify(app: Flask, data: bytes | str) -> list[dict]:
    result = app.test_cli_runner().invoke(args=["classify"], input=data)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def jsonl(*objects: object) -> str:
    return "".join(json.dumps(o) + "\n" for o in objects)


def test_each_message_gets_one_json_object_with_the_contract_fields(app):
    out = classify(
        app,
        jsonl(
            {"id": "a1", "text": "Nobody called me back and the report is three months late."},
            {"id": 2, "text": "my dad hits me", "channel": "web_child"},
            {"id": None, "text": "Thank you, she really listened.", "channel": "web_adult"},
        ),
    )
    assert [o["id"] for o in out] == ["a1", 2, None]
    for obj in out:
        assert set(obj) == FIELDS
        assert isinstance(obj["themes"], list)
        assert isinstance(obj["safeguarding"], bool)
        assert isinstance(obj["evidence"], list)
        assert {"communication", "bias", "delay"} <= set(obj["scores"])
        assert all(0.0 <= p <= 1.0 for p in obj["scores"].values())
    assert out[1]["safeguarding"] is True
    assert "hits me" in out[1]["evidence"]
    assert out[0]["safeguarding"] is False


def test_bad_lines_get_an_error_each_and_the_rest_are_classified(app):
    data = (
        b"this is not json\n"
        + jsonl({"id": 1, "text": "fine thanks"}).encode()
        + b'{"id": 2}\n'
        + b'{"id": 3, "text": 42}\n'
        + b"\xff\xfe\x00\x80 binary \x9c\n"
        + b"[1, 2, 3]\n"
        + b'{"id": 4, "text": "hello", "channel": "carrier pigeon"}\n'
        + b"\n"
        + jsonl({"id": 5, "text": "when is my hearing"}).encode()
    )
    out = classify(app, data)
    assert len(out) == 8
    errors = [o for o in out if "error" in o]
    assert [(o.get("id"), o.get("line")) for o in errors] == [
        (None, 1),
        (2, 3),
        (3, 4),
        (None, 5),
        (None, 6),
        (4, 7),
    ]
    assert [o["id"] for o in out if "error" not in o] == [1, 5]


def test_hostile_texts_are_classified(app):
    texts = {
        "empty": "",
        "megabyte": "x" * (1024 * 1024),
        "garbage": "\x00\x01\x02\u0080\ufffd\U0010ffff",
        "emoji": "😡😡😡💔",
        "mixed": "Je suis triste. Ich bin traurig. 我很伤心. أنا حزين",
    }
    out = classify(app, jsonl(*({"id": k, "text": v} for k, v in texts.items())))
    assert [o["id"] for o in out] == list(texts)
    assert all(set(o) == FIELDS for o in out)


def test_a_lone_surrogate_in_the_json_is_classified_not_fatal(app):
    out = classify(app, '{"id": "s", "text": "hello \\ud800 there"}\n')
    assert set(out[0]) == FIELDS


def test_an_unknown_classifier_is_a_clear_error():
    app = create_app(base_config(CLASSIFIER="no-such-model"))
    result = app.test_cli_runner().invoke(args=["classify"], input="")
    assert result.exit_code != 0
    assert "no classifier named 'no-such-model'" in result.output


def test_heard_classify_starts_without_building_the_app():
    from click.testing import CliRunner

    import tests.keyword_classifier  # noqa: F401  (registers test-keyword)
    from app.cli import cli_group

    def no_app():
        raise AssertionError("`heard classify` built the app")

    runner = CliRunner()
    result = runner.invoke(
        cli_group(create_app=no_app),
        ["classify"],
        input=jsonl({"id": 1, "text": "my dad hits me"}, {"id": 2, "text": "please ring me"}),
        env={"CLASSIFIER": "test-keyword"},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(o["id"], o["safeguarding"]) for o in out] == [(1, True), (2, False)]
    # The app's other commands still need it, and ask for it.
    assert runner.invoke(cli_group(create_app=no_app), ["demo"]).exit_code != 0
