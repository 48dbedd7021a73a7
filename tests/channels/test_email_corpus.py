"""Real emails from other projects' test suites (see email_corpus/README.md): every one parses,
none is stored twice, and the writer's words reach the stored text."""

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from channels.email import NOT_FEEDBACK, parse_email, to_inbound_message
from channels.email_original import open_original
from tests.channels.test_email import NOW

CORPUS = Path(__file__).parent / "email_corpus"
EMAILS = sorted(p.relative_to(CORPUS).as_posix() for p in CORPUS.glob("*/*.eml"))


def expected() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = json.loads((CORPUS / "expected.json").read_text())
    return data


def _words(text: str) -> str:
    return " ".join(text.split())


def test_the_corpus_is_large_enough_and_annotated():
    assert len(EMAILS) >= 150
    annotated = expected()
    assert set(annotated) <= set(EMAILS)
    assert sum(1 for e in annotated.values() if e.get("words")) >= 120


@pytest.mark.parametrize("name", EMAILS)
def test_every_real_email_parses_and_its_words_reach_the_text(name):
    parsed = parse_email((CORPUS / name).read_bytes())
    inbound = to_inbound_message(parsed, NOW)
    # Everything stored must be valid text for PostgreSQL: no NUL, no lone surrogates.
    for value in (inbound.text, parsed.full_text, parsed.subject, *parsed.headers.values()):
        assert "\x00" not in value
        value.encode("utf-8")
    want = expected().get(name, {})
    for phrase in want.get("words", []):
        assert _words(phrase) in _words(parsed.text), phrase
    # Quoted history the annotation names must not be taken for the writer's words.
    for phrase in want.get("absent", []):
        assert _words(phrase) not in _words(parsed.text), phrase
        assert _words(phrase) in _words(parsed.full_text), phrase
    assert parsed.automated == want.get("automated")
    assert parsed.is_feedback == (parsed.automated not in NOT_FEEDBACK)
    # Staff can always open the original: every header and part, whatever was extracted.
    original = open_original((CORPUS / name).read_bytes())
    assert original.parts or original.headers
    for part in original.parts:
        (part.text or "").encode("utf-8")


def test_the_whole_corpus_is_stored_once_however_often_it_arrives(app):
    from app.extensions import db
    from app.models import Message
    from app.services.intake.email_conversations import receive_email

    for name in EMAILS:
        receive_email((CORPUS / name).read_bytes())
    stored = db.session.execute(select(func.count(Message.id))).scalar_one()
    for name in EMAILS:
        raw = (CORPUS / name).read_bytes()
        # The same bytes again, and as an IMAP server that rewrites line endings stores them.
        assert not receive_email(raw).created, name
        assert not receive_email(raw.replace(b"\r\n", b"\n")).created, name
    assert db.session.execute(select(func.count(Message.id))).scalar_one() == stored
