# ruff: noqa: RUF001 -- phones type curly apostrophes.
"""Telling a Welsh text from an English one, and saying nothing when the text does not tell."""

import pytest

from channels.language import ENGLISH, WELSH, detect


@pytest.mark.parametrize(
    "text",
    [
        "Mae dad yn fy nharo i",
        "Helo, dw i isio siarad efo rhywun am fy ngweithiwr cymdeithasol",
        "Mae’r adroddiad yn hwyr eto a does neb yn ateb y ffôn",
        "diolch yn fawr",
        "Diolch!",
        "Dw i’n hapus",
        "Dydy fy ngweithiwr ddim wedi ffonio ers mis",
    ],
)
def test_welsh_is_welsh(text):
    assert detect(text) == WELSH


@pytest.mark.parametrize(
    "text",
    [
        "My worker never calls me back",
        "I am not happy with the report",
        "5 she was gr8",
        "I don't know what is happening with my son's case",
    ],
)
def test_english_is_english(text):
    assert detect(text) == ENGLISH


@pytest.mark.parametrize("text", ["4", "STOP", "HELP", "Ok", "Sion Jones", "", "😀", "07700 900"])
def test_a_text_that_does_not_say_has_no_language(text):
    assert detect(text) is None
