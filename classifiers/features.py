"""Feature rows for the heads: sentence embeddings joined with hashed TF-IDF n-grams.

A text becomes one row for the whole message and one row per 256-token window; each row is
[embedding | character n-grams | word n-grams]. Character n-grams catch misspellings and
text-speak that the encoder's vocabulary splits up. Every row costs one encoder pass over its
window; when the model flags a text, its sentences are scored to point at the evidence with
embeddings pooled from that same pass.

The n-grams are hashed with CRC-32 here rather than with scikit-learn's HashingVectorizer, so a
classifying process never imports scikit-learn (over a second of every cold start).
"""

import itertools
import re
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from classifiers.embedding import DIMENSIONS, Embedded, Embedder

# Bump when the rows change, so artefacts trained on other rows get a different version.
FEATURES_VERSION = "minilm-mean-x0.5-crc-char25-word12-v2"
HASH_FEATURES = 2**16
MAX_SENTENCES = 64
# The embedding block is scaled down against the two unit-length n-gram blocks: on held-out
# folds of the training set half weight gave the themes a better macro-F1 than equal weight.
EMBEDDING_WEIGHT = 0.5
# n-grams of a longer text come from its first and last halves of this many characters, as
# the encoder reads a very long text from both ends; the rules still read every character.
MAX_NGRAM_CHARS = 60_000
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"(?u)\b\w\w+\b")


def width() -> int:
    """How many columns a feature row has."""
    return DIMENSIONS + 2 * HASH_FEATURES


def char_ngrams(text: str) -> list[str]:
    """Character 2- to 5-grams inside word boundaries, words padded with a space each side."""
    grams = []
    for word in text.lower().split():
        padded = f" {word} "
        size = len(padded)
        for n in range(2, 6):
            if size <= n:
                grams.append(padded)
                break
            grams.extend(padded[i : i + n] for i in range(size - n + 1))
    return grams


def word_ngrams(text: str) -> list[str]:
    """Words of two or more characters, and each pair of neighbouring words."""
    words = _WORD.findall(text.lower())
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def hashed_counts(texts: Iterable[str]) -> sparse.csr_matrix:
    """Raw counts of each text's character and word n-grams in their hashed columns: character
    n-grams in the first HASH_FEATURES columns, word n-grams in the next."""
    indptr: list[int] = [0]
    indices: list[int] = []
    data: list[int] = []
    for text in texts:
        if len(text) > MAX_NGRAM_CHARS:
            half = MAX_NGRAM_CHARS // 2
            text = f"{text[:half]}\n{text[-half:]}"
        counts = Counter(zlib.crc32(g.encode()) % HASH_FEATURES for g in char_ngrams(text))
        counts.update(
            HASH_FEATURES + zlib.crc32(g.encode()) % HASH_FEATURES for g in word_ngrams(text)
        )
        indices.extend(counts.keys())
        data.extend(counts.values())
        indptr.append(len(indices))
    return sparse.csr_matrix(
        (np.array(data, dtype=np.float32), np.array(indices, dtype=np.int32), np.array(indptr)),
        shape=(len(indptr) - 1, 2 * HASH_FEATURES),
    )


def inverse_document_frequencies(texts: list[str]) -> np.ndarray:
    """Smoothed IDF of every hashed column, as scikit-learn computes it."""
    df = np.bincount(hashed_counts(texts).indices, minlength=2 * HASH_FEATURES)
    return (np.log((1 + len(texts)) / (1 + df)) + 1.0).astype(np.float32)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences and lines in a text, blank ones left out."""
    spans, start = [], 0
    for boundary in [*_SENTENCE_END.finditer(text), None]:
        end = boundary.start() if boundary else len(text)
        piece = text[start:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append((start + lead, start + len(piece.rstrip())))
        start = boundary.end() if boundary else len(text)
    return spans


@dataclass(frozen=True)
class TextFeatures:
    """One text's rows: the whole message, and each window the encoder read."""

    text: str
    document: sparse.csr_matrix
    windows: sparse.csr_matrix
    embedded: Embedded


class Featurizer:
    """Builds feature rows from texts with the frozen encoder and the saved IDF weights."""

    def __init__(self, embedder: Embedder, idf: np.ndarray) -> None:
        self.embedder = embedder
        self.idf = idf.astype(np.float32)

    def transform(self, texts: list[str]) -> list[TextFeatures]:
        """Feature rows for every text, embedding all windows in shared batches."""
        embedded = self.embedder.embed(texts)
        # A text read in one window is its own window: its n-grams are counted once.
        pieces = [
            [text] if len(e.windows) == 1 else [text, *(text[w.start : w.end] for w in e.windows)]
            for text, e in zip(texts, embedded, strict=True)
        ]
        vectors = [
            row
            for e, group in zip(embedded, pieces, strict=True)
            for row in (e.pooled()[None, :], *(() if len(group) == 1 else (e.vectors,)))
        ]
        # One matrix for the whole batch, sliced per text: building it text by text cost
        # more than the n-grams themselves.
        rows = _join(np.concatenate(vectors), self.ngrams([p for group in pieces for p in group]))
        bounds = np.cumsum([0, *(len(group) for group in pieces)])
        out = []
        for i, (text, e) in enumerate(zip(texts, embedded, strict=True)):
            first, end = bounds[i], bounds[i + 1]
            document = rows[first : first + 1]
            windows = document if end - first == 1 else rows[first + 1 : end]
            out.append(TextFeatures(text=text, document=document, windows=windows, embedded=e))
        return out

    def ngrams(self, texts: list[str]) -> sparse.csr_matrix:
        """Sublinear TF-IDF n-gram columns, the character and word blocks each of unit length."""
        weighted = hashed_counts(texts)
        weighted.data = (1.0 + np.log(weighted.data)) * self.idf[weighted.indices]
        word = weighted.indices >= HASH_FEATURES
        squares = weighted.data**2
        rows = np.repeat(np.arange(weighted.shape[0]), np.diff(weighted.indptr))
        norms = np.zeros((weighted.shape[0], 2), dtype=np.float32)
        np.add.at(norms, (rows, word.astype(int)), squares)
        weighted.data /= np.maximum(np.sqrt(norms[rows, word.astype(int)]), 1e-12)
        return weighted

    def sentences(
        self, flagged: list[tuple[TextFeatures, int]]
    ) -> tuple[list[list[str]], sparse.csr_matrix]:
        """The sentences of each text's given window (or, for -1, of every window read) and
        their rows, for pointing at the evidence. A sentence's embedding is pooled from its
        window's token states, so this needs no further pass of the encoder."""
        groups = [_sentences_in(features, window) for features, window in flagged]
        texts = [features.text for features, _ in flagged]
        every = [text[a:b] for text, group in zip(texts, groups, strict=True) for a, b, _ in group]
        vectors = np.stack(
            [
                features.embedded.span_vector(w, a, b)
                for (features, _), group in zip(flagged, groups, strict=True)
                for a, b, w in group
            ]
        )
        rows = _join(vectors, self.ngrams(every))
        bounds = np.cumsum([0, *(len(group) for group in groups)])
        return [every[bounds[n] : bounds[n + 1]] for n in range(len(groups))], rows


def _sentences_in(features: TextFeatures, window: int) -> list[tuple[int, int, int]]:
    """Character spans of the sentences in one window (or every window, for -1), each with the
    window it was read in; a sentence read twice, in the overlap of two windows, once."""
    embedded = features.embedded
    chosen = range(len(embedded.windows)) if window < 0 else [window]
    found: dict[tuple[int, int], int] = {}
    for w in chosen:
        span = embedded.windows[w]
        for start, end in split_sentences(features.text[span.start : span.end]):
            found.setdefault((span.start + start, span.start + end), w)
    spans = [(a, b, w) for (a, b), w in found.items()] or [(0, len(features.text), 0)]
    if len(spans) > MAX_SENTENCES:
        spans = spans[: MAX_SENTENCES // 2] + spans[-MAX_SENTENCES // 2 :]
    return spans


def _join(dense: np.ndarray, grams: sparse.csr_matrix) -> sparse.csr_matrix:
    scaled = (dense * EMBEDDING_WEIGHT).astype(np.float32)
    joined: sparse.csr_matrix = sparse.hstack([sparse.csr_matrix(scaled), grams], format="csr")
    return joined
