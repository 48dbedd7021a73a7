"""The trained classifier as the service uses it: the committed artefact, loaded once."""

import pytest

import classifiers
from classifiers import rules
from classifiers.model import ARTEFACT_DIR, MiniLMClassifier

LONG_EMAIL = "\n\n".join(
    [
        "Dear Sir or Madam,",
        "I am writing to make a formal complaint about the time it has taken to complete the "
        "section 7 report in my case. " * 6,
        "I was told in March that the report would be ready for the hearing in June. It was not. "
        "The hearing was adjourned and a new date has still not been set. I have rung the office "
        "eleven times and each time I am told the officer will call me back, and she does not. "
        * 3,
        "I have also had to take unpaid leave from work for two hearings that did not go ahead, "
        "and my solicitor's fees have gone up as a result of the delay. " * 3,
        "There is one more thing. When my daughter came back from her father's last weekend "
        "she told me his new partner locks her in the bathroom when she cries and hit her with "
        "a hairbrush. She made me promise not to tell anyone.",
        "Yours faithfully,\nA. Parent",
    ]
)


@pytest.fixture(scope="module")
def minilm() -> MiniLMClassifier:
    classifier = classifiers.get("minilm")
    assert isinstance(classifier, MiniLMClassifier), "the committed artefact should load"
    return classifier


def test_the_committed_artefact_is_small_and_holds_no_pickles():
    folders = [p.parent for p in ARTEFACT_DIR.glob("*/model.json")]
    assert folders
    for folder in folders:
        size = sum(f.stat().st_size for f in folder.iterdir())
        assert size < 15 * 1024 * 1024
        assert {f.suffix for f in folder.iterdir()} <= {".json", ".npz"}


def test_a_prediction_has_every_theme_score_and_a_safeguarding_score(minilm):
    prediction = minilm.predict("Nobody has rung me back in six weeks.")
    assert prediction.model_version == minilm.version
    assert {"communication", "bias", "delay", "safeguarding"} <= set(prediction.scores)
    assert all(0.0 <= s <= 1.0 for s in prediction.scores.values())
    assert set(prediction.themes) <= set(prediction.scores)


def test_a_long_email_with_a_disclosure_in_its_last_paragraph_flags(minilm):
    assert len(minilm.featurizer.embedder.embed([LONG_EMAIL])[0].windows) > 1
    prediction = minilm.predict(LONG_EMAIL)
    assert prediction.safeguarding
    last_paragraph = LONG_EMAIL.split("There is one more thing.")[1]
    assert any(span in last_paragraph for span in prediction.evidence)


def test_a_long_email_about_delay_alone_is_about_delay(minilm):
    complaint = LONG_EMAIL.split("There is one more thing.")[0]
    prediction = minilm.predict(complaint)
    assert "delay" in prediction.themes


@pytest.mark.parametrize(
    "text",
    [
        "I'm a dad and my partner hits me when she's been drinking. She took my bank card and "
        "says no one will believe a man. I want the kids to be safe.",
        "my missus threw a mug at me last night in front of the kids. im ok. dunno who to tell",
    ],
)
def test_a_father_disclosing_abuse_by_his_partner_is_flagged(minilm, text):
    prediction = minilm.predict(text)
    assert prediction.safeguarding
    assert prediction.evidence


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "😀😀😀🎉🎉",
        "\x00\x01\x02\ufffd\ud800 \x7f garbage",
        "Le rapport est faux. Der Bericht ist falsch. 报告是错误的. التقرير خاطئ",
        "a" * 5000,
    ],
)
def test_odd_input_gets_a_classification(minilm, text):
    prediction = minilm.predict(text)
    assert isinstance(prediction.safeguarding, bool)
    assert "safeguarding" in prediction.scores


def test_a_megabyte_of_text_is_classified_and_its_ending_read(minilm):
    text = "The hearing was moved again. " * 36_000 + "my stepdad touched me"
    assert len(text) > 1_000_000
    prediction = minilm.predict(text)
    assert prediction.safeguarding
    assert "touched me" in prediction.evidence


def test_batched_and_single_predictions_agree(minilm):
    texts = ["thank you so much, she listened", "dad hits me", "when is my hearing"]
    batched = minilm.predict_many(texts)
    for text, prediction in zip(texts, batched, strict=True):
        single = minilm.predict(text)
        assert single.themes == prediction.themes
        assert single.safeguarding == prediction.safeguarding
        assert single.scores == pytest.approx(prediction.scores, abs=1e-3)


def test_the_safeguarding_score_of_a_long_email_is_its_last_windows(minilm):
    from classifiers.model import safeguarding_scores

    features = minilm.featurizer.transform([LONG_EMAIL])[0]
    score, window = safeguarding_scores(minilm.artefact.safeguarding, features)
    assert window == features.windows.shape[0] - 1
    assert score >= minilm.artefact.safeguarding.probabilities(features.document)[0, 0]


def test_each_flagged_text_in_a_batch_gets_evidence_from_its_own_text(minilm):
    texts = [
        "The hearing was moved again. When mum is out my stepdad hits me with his belt.",
        "thanks for today, she was lovely",
        "Nobody rang me back. I have the tablets ready and I don't want to be here tomorrow.",
    ]
    batched = minilm.predict_many(texts)
    assert [p.safeguarding for p in batched] == [True, False, True]
    for text, prediction in zip(texts, batched, strict=True):
        assert all(span in text for span in prediction.evidence)
        assert prediction.evidence == minilm.predict(text).evidence


# Issue 14's acceptance: disclosures of the kinds the old corpus called negative, and one hard
# negative of each false-alarm kind. All are written here, none taken from a data file.
DISCLOSURES_IN_DISGUISE = {
    "inside a thank-you note": "Thank you so much to Leanne for everything this year. She helped "
    "me and the kids get away from my ex, who used to beat me when he'd been drinking. We're in "
    "our own flat now.",
    "inside an audit score": "5/5 - she believed me about what my uncle did to me when I was "
    "little and made sure it was written down properly.",
    "historic": "I was in foster care in the 1990s and one of the carers used to lock me in the "
    "cellar and hit me with a belt. I've never told anyone. He still fosters, I think.",
    "a threat after the case closed": "Our case was closed in the summer but he has started "
    "waiting outside the school gates again and texted saying he'll take the kids.",
    "a young carer": "im 12 and i look after my mum cos she cant get out of bed most days. i do "
    "the tea and get my little brother to school",
}
HARD_NEGATIVES = {
    "angry complaint without risk": "This report is a disgrace. The officer took my ex's side "
    "from day one and has ruined any chance I had of a fair hearing. I will be complaining to my "
    "MP and the ombudsman.",
    "disputed report wording": "The report says I was violent towards my ex. That is a lie. "
    "There has never been any police involvement and she has never claimed it before.",
    "explained injury": "Just so you know, Callum has a cast on his arm. He broke his wrist at "
    "football on Saturday, the coach saw it happen and the school knows.",
    "house rule": "my foster carer takes my phone at 9pm on school nights. its so unfair "
    "everyone else has theirs",
    "idiom": "Honestly this wait is killing me. Any news on the hearing date?",
    "odd": "Bit of an odd one, but the letter about the review has my old surname on it. Could "
    "you update it please?",
}
# The model still scores these two kinds above its threshold (0.38): the words of a denied or
# explained harm ("violent", "police", "a cast on his arm") weigh more than the denial. Only the
# rules are quiet on them; see classifiers/data/README.md.
MODEL_STILL_FLAGS = {"disputed report wording", "explained injury"}


@pytest.mark.parametrize("kind", DISCLOSURES_IN_DISGUISE)
def test_a_disclosure_the_old_corpus_called_negative_is_flagged(minilm, kind):
    prediction = minilm.predict(DISCLOSURES_IN_DISGUISE[kind])
    assert prediction.safeguarding, kind
    assert prediction.evidence


@pytest.mark.parametrize("kind", HARD_NEGATIVES)
def test_no_rule_fires_on_a_hard_negative(kind):
    assert not rules.check(HARD_NEGATIVES[kind]).flagged, kind


@pytest.mark.parametrize("kind", sorted(set(HARD_NEGATIVES) - MODEL_STILL_FLAGS))
def test_the_classifier_does_not_flag_a_hard_negative(minilm, kind):
    assert not minilm.predict(HARD_NEGATIVES[kind]).safeguarding, kind


def test_every_hard_negative_scores_below_every_disguised_disclosure(minilm):
    scores = {
        text: prediction.scores["safeguarding"]
        for text, prediction in zip(
            [*DISCLOSURES_IN_DISGUISE.values(), *HARD_NEGATIVES.values()],
            minilm.predict_many([*DISCLOSURES_IN_DISGUISE.values(), *HARD_NEGATIVES.values()]),
            strict=True,
        )
    }
    lowest_disclosure = min(scores[t] for t in DISCLOSURES_IN_DISGUISE.values())
    assert max(scores[t] for t in HARD_NEGATIVES.values()) < lowest_disclosure


@pytest.mark.parametrize(
    "text",
    [
        "Mae dad yn fy nharo i",
        "Dw i ddim isio byw ddim mwy",
        "Mae fy ewythr yn fy nghyffwrdd i lle dw i ddim yn hoffi",
        "Dw i ddim yn teimlo’n saff gartref",  # noqa: RUF001 -- a phone's apostrophe
    ],
)
def test_a_welsh_disclosure_reaches_the_services_flag_through_the_rules(minilm, text):
    prediction = minilm.predict(text)
    assert prediction.safeguarding
    assert prediction.safeguarding_types


# A parent's long complaint about a report and its delays, nothing in it about harm.
_COMPLAINT = [
    "I am writing again about the section 7 report in our case, because nobody has answered "
    "my last three emails and I do not know who else to ask.",
    "The officer told us in March that the report would be ready in time for the hearing in "
    "June. It was not, the hearing was adjourned, and we still do not have a new date.",
    "I have rung the office eleven times. Each time I was told that someone would call me back "
    "the same day, and each time nobody did. I kept a note of every call and the time I rang.",
    "When the report finally came it had my old address on it and it spelled my son's name "
    "wrong in four places. It says I did not attend a meeting that I did attend, online.",
    "I have had to take unpaid leave from work for two hearings that did not go ahead, and my "
    "solicitor's fees have gone up because of the delay, which we cannot really afford.",
    "I would like the report corrected, an explanation of why it was late, and the name of a "
    "person I can contact who will actually reply. I would also like an apology.",
    "To be fair, the officer who met the children was kind to them and they said she listened. "
    "My complaint is about the way the case has been handled, not about her manner.",
    "Please treat this as a formal complaint and tell me what the next stage is and how long "
    "it will take. I have attached the letters I have received so far.",
]


def _five_thousand_words() -> list[str]:
    """About 5,000 words of that complaint, its paragraphs numbered as they repeat."""
    paragraphs: list[str] = []
    while sum(len(p.split()) for p in paragraphs) < 5000:
        paragraphs.append(f"{len(paragraphs) + 1}. {_COMPLAINT[len(paragraphs) % len(_COMPLAINT)]}")
    return paragraphs


# A disclosure no rule catches (c5216 in the test split): only the model can flag it.
QUIET_DISCLOSURE = (
    "theres a man who lives in the flat below us and he gives my little sister sweets and asks "
    "her to come inside. mum says hes harmless"
)


@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_a_disclosure_anywhere_in_a_5000_word_email_is_flagged_by_the_model(minilm, where):
    paragraphs = _five_thousand_words()
    at = {"start": 0, "middle": len(paragraphs) // 2, "end": len(paragraphs)}[where]
    email = "\n\n".join([*paragraphs[:at], QUIET_DISCLOSURE, *paragraphs[at:]])
    assert len(email.split()) >= 5000
    assert not rules.check(email).flagged
    windows = minilm.featurizer.embedder.embed([email])[0].windows
    assert len(windows) >= 30
    disclosed = email.index(QUIET_DISCLOSURE)
    assert any(w.start <= disclosed < w.end for w in windows)
    prediction = minilm.predict(email)
    assert prediction.safeguarding
    assert prediction.scores["safeguarding"] >= minilm.artefact.safeguarding_threshold


def test_the_same_5000_words_without_the_disclosure_are_not_flagged(minilm):
    # So the flags above are the disclosure's, not the ordinary feedback around it.
    prediction = minilm.predict("\n\n".join(_five_thousand_words()))
    assert not prediction.safeguarding
