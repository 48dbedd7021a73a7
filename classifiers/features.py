"""Feature rows for the heads: sentence embeddings joined with hashed TF-IDF n-grams.

A text becomes one row for the whole message and one row per 256-token window; each row is
[mean embedding | max over its sentences' embeddings | character n-grams | word n-grams].
Character n-grams catch misspellings and text-speak that the encoder's vocabulary splits up.
"""

import re
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer

from classifiers.embedding import DIMENSIONS, Embedded, Embedder

# Bump when the rows change, so artefacts trained on other rows get a different version.
FEATURES_VERSION = "minilm-mean-sentmax-char25-word12-v1"
HASH_FEATURES = 2**16
MAX_SENTENCES = 64
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def hashing_vectorizers() -> tuple[HashingVectorizer, HashingVectorizer]:
    """The character and word n-gram hashers; stateless, so nothing about them is saved."""
    common = {"n_features": HASH_FEATURES, "alternate_sign": False, "norm": None}
    return (
        HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), **common),
        HashingVectorizer(analyzer="word", ngram_range=(1, 2), **common),
    )


def width() -> int:
    """How many columns a feature row has."""
    return 2 * DIMENSIONS + 2 * HASH_FEATURES


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
    """One text's rows: the whole message, each window, and each sentence read."""

    document: sparse.csr_matrix
    windows: sparse.csr_matrix
    sentences: sparse.csr_matrix
    sentence_texts: list[str]
    sentence_window: list[int]


class Featurizer:
    """Builds feature rows from texts with the frozen encoder and the saved IDF weights."""

    def __init__(self, embedder: Embedder, idf_char: np.ndarray, idf_word: np.ndarray) -> None:
        self.embedder = embedder
        self.idf = np.concatenate([idf_char, idf_word]).astype(np.float32)
        self.char_hasher, self.word_hasher = hashing_vectorizers()

    def transform(self, texts: list[str]) -> list[TextFeatures]:
        """Feature rows for every text, embedding all windows and sentences in shared batches."""
        embedded = self.embedder.embed(texts)
        spans = [self._sentences(text, e) for text, e in zip(texts, embedded, strict=True)]
        sentence_vectors = self._embed_sentences(texts, embedded, spans)
        pieces = [
            [text, *(text[w.start : w.end] for w in e.windows), *(text[a:b] for a, b, _ in found)]
            for text, e, found in zip(texts, embedded, spans, strict=True)
        ]
        grams = self.ngrams([piece for group in pieces for piece in group])
        bounds = np.cumsum([0, *(len(group) for group in pieces)])
        return [
            self._rows(e, found, vectors, grams[bounds[i] : bounds[i + 1]], pieces[i])
            for i, (e, found, vectors) in enumerate(
                zip(embedded, spans, sentence_vectors, strict=True)
            )
        ]

    def ngrams(self, texts: list[str]) -> sparse.csr_matrix:
        """Sublinear TF-IDF n-gram columns, each block scaled to unit length."""
        blocks = []
        for hasher, idf in (
            (self.char_hasher, self.idf[:HASH_FEATURES]),
            (self.word_hasher, self.idf[HASH_FEATURES:]),
        ):
            weighted = hasher.transform(texts).astype(np.float32).tocsr()
            weighted.data = (1.0 + np.log(weighted.data)) * idf[weighted.indices]
            norms = np.sqrt(np.asarray(weighted.power(2).sum(axis=1)).ravel())
            weighted.data /= np.repeat(np.maximum(norms, 1e-12), np.diff(weighted.indptr))
            blocks.append(weighted)
        return sparse.hstack(blocks, format="csr")

    def _sentences(self, text: str, embedded: Embedded) -> list[tuple[int, int, int]]:
        """Sentence spans inside the windows that were read, tagged with their window."""
        found = []
        for index, window in enumerate(embedded.windows):
            for start, end in split_sentences(text[window.start : window.end]):
                found.append((window.start + start, window.start + end, index))
        if not found:
            return [(0, len(text), 0)]
        return found if len(found) <= MAX_SENTENCES else _ends(found)

    def _embed_sentences(
        self,
        texts: list[str],
        embedded: list[Embedded],
        spans: list[list[tuple[int, int, int]]],
    ) -> list[np.ndarray]:
        """Sentence vectors; a text that is one sentence reuses its window's vector."""
        separate = [len(found) > 1 for found in spans]
        todo = [
            texts[i][start:end]
            for i, found in enumerate(spans)
            if separate[i]
            for start, end, _ in found
        ]
        vectors = self.embedder.embed_sentences(todo) if todo else np.empty((0, DIMENSIONS))
        out = []
        cursor = 0
        for i, found in enumerate(spans):
            if separate[i]:
                out.append(vectors[cursor : cursor + len(found)])
                cursor += len(found)
            else:
                out.append(np.repeat(embedded[i].vectors[:1], max(len(found), 1), axis=0))
        return out

    def _rows(
        self,
        embedded: Embedded,
        spans: list[tuple[int, int, int]],
        sentence_vectors: np.ndarray,
        grams: sparse.csr_matrix,
        pieces: list[str],
    ) -> TextFeatures:
        """Assemble document, window and sentence rows for one text from its parts."""
        owner = np.array([w for _, _, w in spans])
        dense_document = np.concatenate([embedded.pooled(), sentence_vectors.max(axis=0)])
        dense_windows = np.stack(
            [
                np.concatenate([vector, _max_or(sentence_vectors[owner == i], vector)])
                for i, vector in enumerate(embedded.vectors)
            ]
        )
        dense_sentences = np.concatenate([sentence_vectors, sentence_vectors], axis=1)
        n_windows = len(embedded.windows)
        return TextFeatures(
            document=_join(dense_document[None, :], grams[:1]),
            windows=_join(dense_windows, grams[1 : 1 + n_windows]),
            sentences=_join(dense_sentences, grams[1 + n_windows :]),
            sentence_texts=pieces[1 + n_windows :],
            sentence_window=owner.tolist(),
        )


def _max_or(rows: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    return rows.max(axis=0) if len(rows) else fallback


def _ends(found: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    half = MAX_SENTENCES // 2
    return found[:half] + found[-half:]


def _join(dense: np.ndarray, grams: sparse.csr_matrix) -> sparse.csr_matrix:
    return sparse.hstack([sparse.csr_matrix(dense.astype(np.float32)), grams], format="csr")
