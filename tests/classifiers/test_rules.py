"""The safeguarding rules: many ways of saying it flag; idioms do not; evidence is exact."""

import pytest

from classifiers import rules
from classifiers.corpus import Example, load_training

DISCLOSURES = [
    ("i want to kms", "self_harm"),
    ("honestly might just kms tbh", "self_harm"),
    ("sometimes i think about how to unalive myself", "self_harm"),
    ("i want to un-alive", "self_harm"),
    ("i self harm when they argue", "self_harm"),
    ("been selfharming again", "self_harm"),
    ("started cutting again since court", "self_harm"),
    ("im cuttin my arms", "self_harm"),
    ("i keep thinking about suicide", "self_harm"),
    ("thinkin of sucide", "self_harm"),
    ("everyone would be better off without me", "self_harm"),
    ("i just want to go to sleep and not wake up", "self_harm"),
    ("i dont want to be here anymore", "self_harm"),
    ("I\u2019ve been hurting myself", "self_harm"),
    ("she's been making herself sick after meals", "self_harm"),
    ("my dad hits me when he's drunk", "physical_abuse"),
    ("dad hits me with his belt", "physical_abuse"),
    ("he hurts me", "physical_abuse"),
    ("my brother chokes me", "physical_abuse"),
    ("she came back with bruises on her arm", "physical_abuse"),
    ("mum's boyfriend punched my little brother", "physical_abuse"),
    ("my uncle touched me", "sexual_abuse"),
    ("he touches her at night", "sexual_abuse"),
    ("he made me touch him", "sexual_abuse"),
    ("daddy's friend hurts my willy", "sexual_abuse"),
    ("he comes into my room at night", "sexual_abuse"),
    ("my dad doesnt feed us", "neglect"),
    ("there's no food in the house again", "neglect"),
    ("mum leaves us home alone all weekend", "neglect"),
    ("im always hungry at school", "neglect"),
    ("i get locked in my room", "unsafe_home"),
    ("they locked me in my room", "unsafe_home"),
    ("im scared of mums boyfriend", "unsafe_home"),
    ("I don't feel safe at dads", "unsafe_home"),
    ("i hide under the bed when he comes home", "unsafe_home"),
    ("my brother is doing county lines", "exploitation"),
    ("the olders make me hold stuff for them", "exploitation"),
    ("he sends me money for pics", "exploitation"),
    ("he said not to tell anyone about our chats", "exploitation"),
    ("a guy on xbox offered me v bucks if i video chat with my top off", "exploitation"),
    ("he's 24 and she's 13", "exploitation"),
    ("my partner hits me and takes my wages", "domestic_abuse"),
    ("my wife pushed me down the stairs", "domestic_abuse"),
    ("he checks my phone and won't let me see my friends", "domestic_abuse"),
    ("my ex threatened to kill me", "domestic_abuse"),
    ("she threw a kettle at me", "domestic_abuse"),
    ("he keeps turning up at my house", "domestic_abuse"),
    ("my step mum calls me names and says no one wants me", "emotional_abuse"),
    ("dad says if i tell anyone i'll never see mum again", "emotional_abuse"),
]

# UK slang, text-speak and indirect wordings: violence, coercive control, indirect self-harm,
# exploitation told as a job or a friendship, and a risk staff dismissed.
SLANG_AND_INDIRECT = [
    ("my stepdad leathered me for being late", "physical_abuse"),
    ("mum lamped him in the car park", "physical_abuse"),
    ("her boyfriend knocks her about", "physical_abuse"),
    ("got a proper kicking off my brother", "physical_abuse"),
    ("i got battered by my dad again", "physical_abuse"),
    ("she shoved me into the door", "physical_abuse"),
    ("he stamped on my fingers", "physical_abuse"),
    ("theres welts on his back", "physical_abuse"),
    ("she smashed a mug over his head", "physical_abuse"),
    ("he pinned her against the fridge", "physical_abuse"),
    ("my carer tells me im a waste of space", "emotional_abuse"),
    ("she says she wishes i was never born", "emotional_abuse"),
    ("they keep saying they'll send me back into care", "emotional_abuse"),
    ("no leccy and nothing in the fridge for days", "neglect"),
    ("havent eaten since friday", "neglect"),
    ("im looking after my little sisters on my own every night", "neglect"),
    ("mum passed out again on the kitchen floor", "neglect"),
    ("he's always chekin my fone", "domestic_abuse"),
    ("she looks through my messages every night", "domestic_abuse"),
    ("he keeps the bank cards and I have to ask permission to buy food", "domestic_abuse"),
    ("I'm not allowed to see my family or go out", "domestic_abuse"),
    ("found a tracker under my car", "domestic_abuse"),
    ("what's the point any more", "self_harm"),
    ("had enough of everything, there's no way out", "self_harm"),
    ("i keep thinking about ending it", "self_harm"),
    ("i just want to sleep forever", "self_harm"),
    ("sometimes i want to walk into traffic", "self_harm"),
    ("i scratch my wrists when it gets bad", "self_harm"),
    ("they'd all be better off if I just wasn't here", "self_harm"),
    ("I won't be around to see the hearing", "self_harm"),
    ("he's found me a job delivering round other towns", "exploitation"),
    ("my online bf wants to meet irl", "exploitation"),
    ("i met a lad on roblox who says he loves me", "exploitation"),
    ("he says he will send my pics to my mates", "exploitation"),
    ("she is being taken abroad to marry a man twice her age", "exploitation"),
    ("i put a chair against my door at night in this placement", "unsafe_home"),
    ("please dont make me go back there", "unsafe_home"),
    ("the worker said i was making it up", "risk_ignored"),
    ("they told me it was not a social care matter", "risk_ignored"),
    ("the report left out everything I said about the knife", "risk_ignored"),
]


@pytest.mark.parametrize(("text", "subtype"), SLANG_AND_INDIRECT)
def test_slang_and_indirect_disclosures_flag_with_their_sub_type(text, subtype):
    result = rules.check(text)
    assert subtype in result.subtypes, (text, result.evidence)


@pytest.mark.parametrize(("text", "subtype"), DISCLOSURES)
def test_disclosures_flag_with_their_sub_type(text, subtype):
    result = rules.check(text)
    assert result.flagged, text
    assert subtype in result.subtypes


@pytest.mark.parametrize(
    "text",
    [
        "he doesnt hit me anymore",
        "my friend says her dad hits her",
        "I'm not saying she hurts them, but they come back with bruises",
        "my ex claims he never hit the kids, but they say he did",
    ],
)
def test_negated_and_third_party_mentions_still_flag_but_score_lower(text):
    result = rules.check(text)
    assert result.flagged
    assert result.score < rules.DIRECT_SCORE


@pytest.mark.parametrize(
    "text",
    [
        "this wait is killing me",
        "this court thing is literally killing me lol",
        "I could murder a coffee after that hearing",
        "dying for a cuppa after four hours outside court",
        "the phrase 'abuse of process' in their letter",
        "hit me up on whatsapp if that's easier",
        "it really hit me when the judge said it",
        "im so bored of this waiting i could scream",
        "my head is literally exploding with all these forms",
        "the centre is 12 kms from my house",
        "thanks for cutting through the jargon, and no cutting corners",
        "I want to die of embarrassment",
        "my son is scared of his dads dog",
        "the report went missing again",
        "Thank you, the officer was lovely and listened to my daughter.",
        "my brother always beats me at fifa",
        "the worker kept looking at his phone while I talked",
        "whats the point in asking them, they never reply",
        "the dog bit him at the park but he is fine",
        "paid cash for the trip, can you confirm",
        "older kids at school get to go first",
        "the safeguarding officer said it was not a safeguarding issue",
        "",
        "😀😀😀",
    ],
)
def test_idioms_and_everyday_messages_do_not_fire(text):
    assert not rules.check(text).flagged, rules.check(text).evidence


def test_an_idiom_does_not_hide_a_disclosure_next_to_it():
    result = rules.check("this wait is killing me. and dad hits me when he's been drinking")
    assert result.flagged
    assert result.evidence == ["hits me"]


def test_evidence_is_the_exact_substring_matched():
    text = "Hi. My Dad HITS ME with a belt. Regards"
    result = rules.check(text)
    for match in result.matches:
        assert text[match.start : match.end] == match.span
    assert "HITS ME" in result.evidence


def test_curly_and_missing_apostrophes_are_the_same():
    for text in ("I don\u2019t feel safe", "I don't feel safe", "i dont feel safe"):
        assert rules.check(text).flagged, text


def test_a_disclosure_at_the_end_of_a_megabyte_is_found():
    text = "Lorem ipsum dolor sit amet. " * 40_000 + "my stepdad touched me"
    result = rules.check(text)
    assert "sexual_abuse" in result.subtypes


# One family per part of the policy (DOMAIN.md, issue 14); every example is written here, none
# is taken from the test split or the calibration set.
POLICY_FAMILIES = [
    (
        "past_harm",
        "thank you for helping us get away from my ex, who made our life hell",
        "domestic_abuse",
    ),
    ("past_harm", "5/5, she believed me about what my uncle did", "unsafe_home"),
    (
        "past_harm",
        "I never told anyone what my stepdad did to me until I met Ms Khan",
        "unsafe_home",
    ),
    ("past_harm", "thanks for everything. when he used to hit me nobody asked", "physical_abuse"),
    (
        "past_harm",
        "he put me in hospital two years ago and the report calls it a row",
        "physical_abuse",
    ),
    ("past_harm", "we are finally safe now, thank you", "unsafe_home"),
    (
        "threats",
        "case closed last month but he has been waiting outside the school again",
        "domestic_abuse",
    ),
    (
        "threats",
        "since you closed the file the threats from him have started up again",
        "domestic_abuse",
    ),
    ("threats", "he texts saying he's coming to get the kids when he's out", "domestic_abuse"),
    (
        "survivor_safety",
        "he still looks for us, so please keep our address from him",
        "domestic_abuse",
    ),
    ("survivor_safety", "if he ever finds us I don't know what he'll do", "domestic_abuse"),
    (
        "survivor_safety",
        "pls send it to my sisters, hes been going through my post",
        "domestic_abuse",
    ),
    ("neglect_signs", "the baby has had no milk since yesterday and no nappies left", "neglect"),
    ("neglect_signs", "the kids have been living on cereal since the gas went off", "neglect"),
    ("neglect_signs", "shes not been taken to the dentist in three years", "neglect"),
    ("young_carers", "I'm 13 and I look after my mum cos she's ill", "neglect"),
    ("young_carers", "he's 11 and does all his mum's meds and the shopping", "neglect"),
    ("young_carers", "thanks for the young carers club, its my only break", "neglect"),
]


@pytest.mark.parametrize(("family", "text", "subtype"), POLICY_FAMILIES)
def test_each_policy_family_flags_what_it_is_for(family, text, subtype):
    result = rules.check(text)
    assert any(m.family == family and m.subtype == subtype for m in result.matches), (
        text,
        [(m.family, m.subtype, m.span) for m in result.matches],
    )


WELSH = [
    ("Mae dad yn fy nharo i", "physical_abuse"),
    ("mae o'n ei tharo hi bob nos", "physical_abuse"),
    ("mae e'n taro fi pan mae e wedi meddwi", "physical_abuse"),
    ("mae mam yn fy mrifo i", "physical_abuse"),
    ("mae ei chariad yn ei frifo fe", "physical_abuse"),
    ("mae fy ewythr yn fy nghyffwrdd i", "sexual_abuse"),
    ("dw i isio marw", "self_harm"),
    ("dwi eisiau marw weithiau", "self_harm"),
    ("dw i'n meddwl am ladd fy hun", "self_harm"),
    ("dw i wedi bod yn hunan-niweidio", "self_harm"),
    ("dw i ddim yn saff adre", "unsafe_home"),
    ("mae gen i ofn mynd adre", "unsafe_home"),
]


@pytest.mark.parametrize(("text", "subtype"), WELSH)
def test_welsh_disclosures_flag_with_their_mutations(text, subtype):
    result = rules.check(text)
    assert subtype in result.subtypes, (text, result.evidence)
    assert all(m.family == "welsh" for m in result.matches)


@pytest.mark.parametrize(
    "text",
    [
        "Diolch am bopeth, roedd hi'n wych",
        "Mae hi'n bwrw glaw eto",
        "Daro, dw i wedi anghofio'r llythyr",
        "Wnes i daro heibio'r swyddfa ddoe",
        "Mae'r aros yma yn fy lladd i",
        "Wnes i frifo fy nghoes yn chwarae pel-droed",
        "Dw i isio byw efo mam",
    ],
)
def test_everyday_welsh_does_not_fire(text):
    assert not rules.check(text).flagged, rules.check(text).evidence


@pytest.mark.parametrize(
    "text",
    ["Bit of an odd one, the letter has my old address", "the waiting room smells odd", "ODD"],
)
def test_odd_is_not_an_overdose(text):
    assert not rules.check(text).flagged, rules.check(text).evidence


@pytest.mark.parametrize(
    "text", ["she od'd on her meds last year", "he OD\u2019d again", "she oded"]
)
def test_an_overdose_abbreviation_still_flags(text):
    assert "self_harm" in rules.check(text).subtypes


# One of each false-alarm kind the owner's held-out set showed, written here.
HARD_NEGATIVES = [
    "You have destroyed my family with this biased report. I will take this to my MP.",
    "the report says I was violent - that is a lie and the police never even came",
    "My ex told the officer I hit the kids. I have never laid a finger on them.",
    "I was accused of neglect in the report because the flat had no carpets",
    "he broke his wrist at football, the school knows and so does the GP",
    "Kayden has a bruise on his shin from rugby on Saturday, the coach saw it",
    "my foster carer takes my phone at 9pm which is so unfair",
    "my mum will kill me if I'm late again",
    "this wait is killing me",
    "Bit of an odd one - the letter for the review has my maiden name on it",
    "The safeguarding checks came back clear and the C1A is with my solicitor",
]


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_the_policy_families_and_allow_list_keep_hard_negatives_quiet(text):
    assert not rules.check(text).flagged, rules.check(text).evidence


def test_no_policy_family_fires_on_the_corpus_hard_negatives():
    written = [e for e in load_training() if e.id.startswith("wf") and not e.safeguarding]
    assert len(written) == 180
    fired = {
        e.id: [(m.family, m.span) for m in rules.check(e.text).matches if m.family != rules.BASE]
        for e in written
        + [Example("own", "sms", "comment", t, (), False, ()) for t in HARD_NEGATIVES]
    }
    assert {k: v for k, v in fired.items() if v} == {}


@pytest.mark.parametrize(
    "text",
    [
        "the report says I hit her, but he hits the kids when he's drunk",
        "she has a bruise on her arm, she says she fell off her bike but she's scared of him",
        "he said the bruises were from football but he always says that",
    ],
)
def test_a_denial_or_an_explanation_does_not_hide_a_disclosure_beside_it(text):
    assert rules.check(text).flagged


def test_the_lowercased_fast_path_finds_exactly_what_ignorecase_finds(monkeypatch):
    """ASCII text is matched lowercased against patterns without IGNORECASE: the same hits, at
    the same places, with the text as written, over the whole training corpus (upper-cased
    too) and the disclosures above."""
    assert rules._compiled_lower() is not None
    texts = [example.text for example in load_training() if example.text.isascii()]
    texts += [text.upper() for text in texts[:2000]] + [text for text, _ in DISCLOSURES]
    texts += ["I WANT TO KMS", "My Dad HITS me", "Self-Harm", "SUICIDE"]
    fast = [rules.check(text) for text in texts]
    assert sum(1 for result in fast if result.flagged) > 100
    monkeypatch.setattr(rules, "_compiled_lower", lambda: None)
    slow = [rules.check(text) for text in texts]
    assert fast == slow
    assert rules.check("My Dad HITS me").matches[0].span == "HITS me"
