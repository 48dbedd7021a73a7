"""The SMS conversation rules that need no webhook: keywords and bare scores."""

import pytest

from app.services.intake import sms_conversations
from app.services.outbound import surveys
from app.services.safeguarding import crisis


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("STOP", "STOP"),
        (" stop ", "STOP"),
        ("Stop.", "STOP"),
        ("unsubscribe", "UNSUBSCRIBE"),
        ("start", "START"),
        ("yes", "YES"),
        ("Help!", "HELP"),
        ("info", "INFO"),
        ("please stop calling my mum", None),
        ("stopped", None),
        ("", None),
    ],
)
def test_a_keyword_is_a_whole_text_of_one_twilio_keyword(text, word):
    assert sms_conversations.keyword(text) == word


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("4", 4),
        ("5 she was gr8", 5),
        (" 1. terrible", 1),
        ("3/5", 3),
        ("10", None),
        ("0", None),
        ("6", None),
        ("4pm on tuesday", None),
        ("she was gr8 5", None),
        ("", None),
    ],
)
def test_a_bare_score_is_a_lone_1_to_5_at_the_start(text, score):
    assert sms_conversations.bare_score(text) == score


def test_replies_fit_in_three_texts_and_the_safety_reply_gives_the_lines(app):
    every_line = crisis.restore(True, ["domestic_abuse", "self_harm"], crisis.Audience.ADULT)
    safety = crisis.sms_text(every_line, "HD-ABCD-EFGH")
    for reply in [
        sms_conversations.help_text(),
        safety,
        surveys.survey_text(),
        sms_conversations.acknowledgement("HD-1"),
    ]:
        assert len(reply) <= 459  # three SMS segments at most
    assert "0800 1111" in safety and "999" in safety
    assert "0808 2000 247" in safety and "116 123" in safety
