# ruff: noqa: RUF001 -- curly apostrophes are how phones type them.
"""Welsh disclosures the rules must flag, with their mutations, and everyday Welsh they must not.

Sentences are written as children and parents text and type: spoken forms (isio, moyn, dw i),
curly and straight apostrophes, and no capital letters.
"""

import pytest

from classifiers import rules

DISCLOSURES = [
    # Hitting, with the nasal (fy nharo), soft (ei daro) and aspirate (ei tharo) mutations.
    ("Mae dad yn fy nharo i", "physical_abuse"),
    ("mae e wedi fy nharo eto neithiwr", "physical_abuse"),
    ("Mae fy llystad yn ei daro fo pan mae o wedi meddwi", "physical_abuse"),
    ("mae’n ei tharo hi o flaen y plant", "physical_abuse"),
    ("Mae Dad yn taro fi pan mae o’n flin", "physical_abuse"),
    ("mae mam yn curo fi efo’r belt", "physical_abuse"),
    ("mae o’n fy nghuro i bob penwythnos", "physical_abuse"),
    ("Mae’n rhoi clustan i mi os dw i’n siarad", "physical_abuse"),
    ("ges i gweir gan fy ewythr", "physical_abuse"),
    ("mae fy mrawd mawr yn fy nghicio i", "physical_abuse"),
    # Hurting.
    ("mae mam yn fy mrifo i", "physical_abuse"),
    ("mae ei chariad hi yn ei frifo fe", "physical_abuse"),
    ("Mae’r dyn newydd yn brifo fi", "physical_abuse"),
    ("Mae’n cam-drin fi a fy chwaer", "physical_abuse"),
    # Touching.
    ("mae fy ewythr yn fy nghyffwrdd i lle dw i ddim yn hoffi", "sexual_abuse"),
    ("Mae’n twtsio fi pan does neb arall yn y tŷ", "sexual_abuse"),
    ("mae e’n cyffwrdd â fi yn y nos", "sexual_abuse"),
    # Self-harm and wanting to die.
    ("Dw i’n torri fy hun yn y nos", "self_harm"),
    ("dw i wedi bod yn hunan-niweidio ers misoedd", "self_harm"),
    ("dwi isio marw", "self_harm"),
    ("Rwy eisiau marw weithiau", "self_harm"),
    ("dw i’n moyn marw", "self_harm"),
    ("dw i’n meddwl am ladd fy hun", "self_harm"),
    ("Dw i ddim isio byw ddim mwy", "self_harm"),
    ("Does dim pwynt i fi fyw", "self_harm"),
    ("Dw i eisiau rhoi diwedd ar fy mywyd", "self_harm"),
    ("byddai pawb yn well heb fi", "self_harm"),
    # Not safe at home.
    ("dw i ddim yn saff adre", "unsafe_home"),
    ("Dw i ddim yn teimlo’n saff gartref", "unsafe_home"),
    ("Dydw i ddim yn ddiogel yn y tŷ", "unsafe_home"),
    ("Mae gen i ofn mynd adref", "unsafe_home"),
    ("mae gen i ofn dad", "unsafe_home"),
    ("Dw i ddim isio mynd adre heno", "unsafe_home"),
    ("maen nhw’n cloi fi yn fy stafell", "unsafe_home"),
]


@pytest.mark.parametrize(("text", "subtype"), DISCLOSURES)
def test_welsh_disclosures_flag(text: str, subtype: str) -> None:
    result = rules.check(text)
    assert subtype in result.subtypes, (text, result.evidence)
    assert {m.family for m in result.matches} == {"welsh"}


EVERYDAY = [
    "Diolch am bopeth, roedd hi’n wych",
    "Mae hi’n bwrw glaw eto",
    "Mae hi’n bwrw hi lawr heddiw",
    "Daro, dw i wedi anghofio’r llythyr",
    "Wnes i daro heibio’r swyddfa ddoe",
    "Wnewch chi daro golwg ar y ffurflen?",
    "Mae’n taro fi’n od nad oes neb wedi ffonio",
    "Curodd y gweithiwr ar y drws am naw",
    "Wnaeth fy mrawd guro fi yn y gêm FIFA",
    "Roedd eich llythyr wedi fy nghyffwrdd yn fawr",
    "Mae eich caredigrwydd wedi cyffwrdd fy nghalon",
    "Mae’r aros yma yn fy lladd i",
    "Wnes i frifo fy nghoes yn chwarae pêl-droed",
    "Dw i isio byw efo mam",
    "Mae’r swyddfa’n cloi yn gynnar ar ddydd Gwener",
    "Mae’r adroddiad yn hwyr eto ac does neb yn ateb y ffôn",
    "Roedd y gweithiwr cymdeithasol yn garedig iawn ac fe wrandawodd arna i",
    "Dw i’n hapus yn fy nghartref maeth newydd",
]


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_welsh_is_not_flagged(text: str) -> None:
    result = rules.check(text)
    assert not result.flagged, (text, result.evidence)


def test_a_disclosure_beside_an_idiom_still_flags() -> None:
    result = rules.check("Mae hi’n bwrw glaw a mae dad yn fy nharo i")
    assert result.evidence == ["fy nharo"]
