"""The corpus files themselves: well-formed records, unique ids, and no training text that is a
near-duplicate of a text the model is measured or calibrated on."""

import re

import numpy as np
import pytest
from scipy import sparse

from classifiers import rules
from classifiers.corpus import CHANNELS, Example, load_calibration, load_test, load_training
from classifiers.train import theme_labels

KINDS = {"complaint", "compliment", "comment", "audit"}
SHINGLE = 5
# Bare scores and one-line thanks ("4", "5 thank u x", "3 she was alright") recur across any
# sample of audit answers; they carry no wording to leak, so they are not compared.
MIN_WORDS = 6
# Jaccard similarity of character 5-gram sets. Different messages about the same situation
# ("do I need to bring the kids to the meeting?") reach about 0.5; a re-spelt copy of one
# message ("1 - she sided with him from day 1" and "1. She sided with him from day one") 0.87.
NEAR = 0.6


def normalise(text: str) -> str:
    """Lower case words only: case, punctuation, emoji and spacing do not make a text another."""
    return " ".join(re.findall(r"\w+", text.lower()))


def shingles(text: str) -> set[str]:
    """The character 5-grams of a normalised text."""
    text = normalise(text)
    return {text[i : i + SHINGLE] for i in range(len(text) - SHINGLE + 1)}


def near_duplicates(
    first: list[Example], second: list[Example], threshold: float = NEAR
) -> list[tuple[str, str, float]]:
    """Pairs (first id, second id, similarity) of texts of at least MIN_WORDS words whose
    character 5-gram sets have a Jaccard similarity of at least `threshold`."""
    long_first, long_second = (
        [e for e in examples if len(normalise(e.text).split()) >= MIN_WORDS]
        for examples in (first, second)
    )
    vocabulary: dict[str, int] = {}
    rows = [
        [vocabulary.setdefault(g, len(vocabulary)) for g in shingles(e.text)]
        for e in long_first + long_second
    ]
    indptr = np.cumsum([0, *(len(r) for r in rows)])
    grams = sparse.csr_matrix(
        (np.ones(indptr[-1]), [i for r in rows for i in r], indptr),
        shape=(len(rows), len(vocabulary)),
    )
    a, b = grams[: len(long_first)], grams[len(long_first) :]
    shared = (a @ b.T).tocoo()
    sizes = np.diff(indptr)
    union = sizes[shared.row] + sizes[len(long_first) + shared.col] - shared.data
    return [
        (long_first[i].id, long_second[j].id, round(float(s), 3))
        for i, j, s in zip(shared.row, shared.col, shared.data / union, strict=True)
        if s >= threshold
    ]


@pytest.fixture(scope="module")
def corpus() -> dict[str, list[Example]]:
    return {"training": load_training(), "test": load_test(), "calibration": load_calibration()}


def test_every_record_is_well_formed(corpus):
    themes, subtypes = set(theme_labels()), set(rules.LEXICON)
    for name, examples in corpus.items():
        for e in examples:
            assert e.channel in CHANNELS and e.kind in KINDS, (name, e.id)
            assert set(e.themes) <= themes, (name, e.id, e.themes)
            assert set(e.safeguarding_types) <= subtypes, (name, e.id, e.safeguarding_types)
            assert e.safeguarding == bool(e.safeguarding_types), (name, e.id)


def test_ids_are_unique_across_training_test_and_calibration(corpus):
    ids = [e.id for examples in corpus.values() for e in examples]
    assert len(ids) == len(set(ids))


def test_no_training_text_is_a_near_duplicate_of_a_test_or_calibration_text(corpus):
    held_out = corpus["test"] + corpus["calibration"]
    assert near_duplicates(corpus["training"], held_out) == []


def test_the_test_split_and_calibration_set_share_no_near_duplicate(corpus):
    assert near_duplicates(corpus["test"], corpus["calibration"]) == []


def _example(id_: str, text: str) -> Example:
    return Example(id_, "sms", "audit", text, (), False, ())


def test_a_respelt_copy_is_a_near_duplicate_and_a_similar_message_is_not():
    original = [_example("t", "1 - she sided with him from day 1, never asked me anything")]
    copies = [
        _example("copy", "1. She sided with him from day one. Never asked me anything!"),
        _example("other", "she sided with my ex from the start and never rang me back once"),
        _example("short", "5 thank u"),
    ]
    found = near_duplicates(original, copies)
    assert [(a, b) for a, b, _ in found] == [("t", "copy")]
