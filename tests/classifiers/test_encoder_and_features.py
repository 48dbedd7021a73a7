"""Our own small BERT encoder and n-gram hashing against the libraries they stand in for."""

import itertools

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from classifiers.embedding import Embedder, model_path, native_bfloat16
from classifiers.features import (
    HASH_FEATURES,
    char_ngrams,
    hashed_counts,
    inverse_document_frequencies,
    word_ngrams,
)

TEXTS = [
    "still no call back from the officer. its been 3 wks",
    "my mum hits me when she drinks 😢 pls dont tell her",
    "Dear Sir/Madam,\n\nI am writing to make a formal complaint about the delay. " * 40,
    "",
    "😀🎉",
    "Le rapport est faux. 报告是错误的",
]


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    # In float32, to compare with transformers exactly; bfloat16 is compared with this below.
    return Embedder(threads=1, bfloat16=False)


def test_the_encoder_matches_transformers_bert_with_mean_pooling(embedder):
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    path = model_path()
    tokenizer = transformers.AutoTokenizer.from_pretrained(path, local_files_only=True)
    reference = transformers.AutoModel.from_pretrained(path, local_files_only=True).eval()
    short = [t for t in TEXTS if len(t) < 500]
    batch = tokenizer(short, padding=True, return_tensors="pt")
    with torch.inference_mode():
        hidden = reference(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    expected = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=1).numpy()
    ours = np.stack([e.vectors[0] for e in embedder.embed(short)])
    np.testing.assert_allclose(ours, expected, atol=1e-5)


def test_bfloat16_embeddings_agree_with_float32(embedder):
    if not native_bfloat16():
        pytest.skip("this CPU has no native bfloat16: the encoder runs in float32")
    embedder.bfloat16 = True
    try:
        fast = embedder.embed(TEXTS)
        alone = embedder.embed([TEXTS[1]])[0]
    finally:
        embedder.bfloat16 = False
    for exact, approximate in zip(embedder.embed(TEXTS), fast, strict=True):
        assert exact.windows == approximate.windows
        cosines = (exact.vectors * approximate.vectors).sum(axis=1)
        assert cosines.min() > 0.9995
        assert approximate.vectors.dtype == np.float32
    np.testing.assert_allclose(alone.vectors, fast[1].vectors, atol=2e-3)


def test_the_tokenizer_gives_the_transformers_ids(embedder):
    transformers = pytest.importorskip("transformers")
    tokenizer = transformers.AutoTokenizer.from_pretrained(model_path(), local_files_only=True)
    for text in TEXTS:
        expected = tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"]
        assert embedder.tokenizer.encode(text, add_special_tokens=False).ids == expected


def test_a_text_embeds_the_same_alone_and_in_a_batch(embedder):
    together = embedder.embed(TEXTS)
    for text, batched in zip(TEXTS, together, strict=True):
        alone = embedder.embed([text])[0]
        assert alone.windows == batched.windows
        np.testing.assert_allclose(alone.vectors, batched.vectors, atol=1e-5)


def test_a_long_text_is_read_in_overlapping_windows_that_cover_it(embedder):
    text = TEXTS[2]
    windows = embedder.embed([text])[0].windows
    assert len(windows) > 1
    assert windows[0].start == 0
    assert windows[-1].end == len(text.rstrip())
    assert all(b.start < a.end for a, b in itertools.pairwise(windows))


@pytest.mark.parametrize("text", [*TEXTS[:3], "a I x", "don't  STOP\tme-now!!"])
def test_ngrams_are_scikit_learns(text):
    chars = CountVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=True)
    words = CountVectorizer(analyzer="word", ngram_range=(1, 2), lowercase=True)
    assert sorted(char_ngrams(text)) == sorted(chars.build_analyzer()(text))
    assert sorted(word_ngrams(text)) == sorted(words.build_analyzer()(text))


def test_hashed_counts_keep_character_and_word_ngrams_apart():
    counts = hashed_counts(["ab ab", ""])
    assert counts.shape == (2, 2 * HASH_FEATURES)
    row = counts[0]
    chars = row[:, :HASH_FEATURES].sum()
    words = row[:, HASH_FEATURES:].sum()
    assert chars == len(char_ngrams("ab ab"))
    assert words == len(word_ngrams("ab ab")) == 3
    assert counts[1].nnz == 0


def test_idf_is_smoothed_and_counts_documents_not_occurrences():
    idf = inverse_document_frequencies(["hello hello hello", "goodbye"])
    column = hashed_counts(["hello"]).indices[-1]
    assert column >= HASH_FEATURES
    assert idf[column] == pytest.approx(np.log(3 / 2) + 1)
    assert idf.max() == pytest.approx(np.log(3 / 1) + 1)
