"""The hand-marked evaluation sets, run in the suite: no personal detail may leak, and fewer
than 2 in 100 ordinary words may be taken out. The figures print with `pytest -s`, or run
`python tests/services/redaction_eval.py`."""

import pytest

from app.services.redaction import redact
from tests.services import redaction_eval

TARGET_OVER_REDACTION = 0.02


@pytest.mark.parametrize("path", [redaction_eval.EVAL_FILE, redaction_eval.HELD_OUT_FILE])
def test_no_personal_detail_leaks_and_few_words_are_lost(path) -> None:
    result = redaction_eval.score(redact, redaction_eval.load(path))
    print(f"\n{path.name}\n{result.report()}")
    assert result.sentences >= 60 and sum(result.details.values()) >= 50
    assert result.leaks == [], result.report()
    assert result.over_redaction < TARGET_OVER_REDACTION, result.report()


def test_every_channel_and_kind_of_detail_is_in_the_sets() -> None:
    sentences = redaction_eval.load() + redaction_eval.load(redaction_eval.HELD_OUT_FILE)
    assert {s.channel for s in sentences} == {"web_child", "web_adult", "sms", "email"}
    labels = {d.label for s in sentences for d in s.details}
    assert labels == set(redaction_eval.LABELS)
    assert len(sentences) >= 200


def test_the_scorer_counts_a_leak_and_an_over_redaction() -> None:
    (sentence,) = redaction_eval.load_lines(["sms\t{name|Kerry} rang about the hope of contact"])
    result = redaction_eval.score(lambda text: text.replace("hope", "[name]"), [sentence])
    assert [leak[1] for leak in result.leaks] == ["Kerry"]
    assert [word for word, _ in result.over_redacted] == ["hope"]
    assert result.ordinary_words == 6
