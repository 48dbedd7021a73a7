"""Trained heads over the features, the versioned artefact that holds them, and the classifier.

The artefact is a folder `heard-YYYYMMDD-<data hash>` in classifiers/artefacts/ with
`model.json` (labels, thresholds, metrics, data hash) and `weights.npz` (logistic regression
weights and IDF vectors): plain arrays and JSON, so loading one never runs pickled code.
"""

import json
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from classifiers import Prediction, rules
from classifiers.features import Featurizer, TextFeatures

ARTEFACT_DIR = Path(__file__).resolve().parent / "artefacts"
SAFEGUARDING = "safeguarding"
MAX_EVIDENCE = 20
MAX_EVIDENCE_CHARS = 400
# Head weights are stored at half precision: the artefact stays small enough to commit.
WEIGHT_DTYPE = np.float16


@dataclass(frozen=True)
class LinearHeads:
    """One logistic regression per label over the same feature rows."""

    labels: list[str]
    coef: np.ndarray
    intercept: np.ndarray

    @cached_property
    def _columns(self) -> np.ndarray:
        # Contiguous, so a sparse product does not copy the whole matrix on every call.
        return np.ascontiguousarray(self.coef.T)

    def probabilities(self, rows: sparse.csr_matrix) -> np.ndarray:
        """Probability of each label for each row, shape (rows, labels)."""
        logits = rows @ self._columns + self.intercept
        probabilities: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(logits, -40, 40)))
        return probabilities


@dataclass(frozen=True)
class Artefact:
    """Everything a trained classifier needs besides the frozen encoder."""

    name: str
    themes: LinearHeads
    safeguarding: LinearHeads
    theme_thresholds: dict[str, float]
    safeguarding_threshold: float
    idf: np.ndarray
    meta: dict[str, Any] = field(default_factory=dict)

    def save(self, directory: Path = ARTEFACT_DIR) -> Path:
        """Write the artefact under `directory/<name>/` and return that folder."""
        folder = directory / self.name
        folder.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            folder / "weights.npz",
            theme_coef=self.themes.coef.astype(WEIGHT_DTYPE),
            theme_intercept=self.themes.intercept.astype(np.float32),
            safeguarding_coef=self.safeguarding.coef.astype(WEIGHT_DTYPE),
            safeguarding_intercept=self.safeguarding.intercept.astype(np.float32),
            idf=self.idf.astype(np.float32),
        )
        description = {
            **self.meta,
            "name": self.name,
            "labels": self.themes.labels,
            "theme_thresholds": self.theme_thresholds,
            "safeguarding_threshold": self.safeguarding_threshold,
        }
        (folder / "model.json").write_text(json.dumps(description, indent=2) + "\n")
        return folder

    @classmethod
    def load(cls, folder: Path) -> "Artefact":
        """Read an artefact folder written by save()."""
        description = json.loads((folder / "model.json").read_text())
        with np.load(folder / "weights.npz", allow_pickle=False) as weights:
            arrays = {key: weights[key] for key in weights.files}
        meta_keys = {"name", "labels", "theme_thresholds", "safeguarding_threshold"}
        return cls(
            name=description["name"],
            themes=LinearHeads(
                description["labels"],
                arrays["theme_coef"].astype(np.float32),
                arrays["theme_intercept"],
            ),
            safeguarding=LinearHeads(
                [SAFEGUARDING],
                arrays["safeguarding_coef"].astype(np.float32),
                arrays["safeguarding_intercept"],
            ),
            theme_thresholds=description["theme_thresholds"],
            safeguarding_threshold=float(description["safeguarding_threshold"]),
            idf=arrays["idf"],
            meta={k: v for k, v in description.items() if k not in meta_keys},
        )


def artefact_folder(name: str | None = None, directory: Path = ARTEFACT_DIR) -> Path:
    """The named artefact, or the most recently trained one."""
    if name:
        folder = directory / name
        if not (folder / "model.json").is_file():
            raise FileNotFoundError(f"no classifier artefact named {name!r} in {directory}")
        return folder
    found = [p.parent for p in directory.glob("*/model.json")]
    if not found:
        raise FileNotFoundError(f"no classifier artefact in {directory}; run `heard train`")
    return max(found, key=lambda p: (json.loads((p / "model.json").read_text())["created"], p.name))


def safeguarding_scores(heads: LinearHeads, features: TextFeatures) -> tuple[float, int]:
    """The highest safeguarding probability over the whole text and each window, and which
    window scored it (-1 for the whole text)."""
    document = float(heads.probabilities(features.document)[0, 0])
    windows = heads.probabilities(features.windows)[:, 0]
    best = int(np.argmax(windows))
    if windows[best] > document:
        return float(windows[best]), best
    return document, -1


class MiniLMClassifier:
    """Themes and a safeguarding flag: rules OR the model's score at its chosen threshold."""

    def __init__(self, artefact: Artefact, featurizer: Featurizer) -> None:
        self.artefact = artefact
        self.featurizer = featurizer
        self.version = artefact.name

    def predict(self, text: str) -> Prediction:
        """Classify one message. The words decide: which channel it came by does not."""
        return self.predict_many([text])[0]

    def predict_many(self, texts: list[str]) -> list[Prediction]:
        """Classify several messages, embedding them in shared batches: their windows together,
        then the sentences of those the model flags, to point at the evidence."""
        clean = [_valid_unicode(text) for text in texts]
        features = self.featurizer.transform(clean)
        documents = sparse.vstack([f.document for f in features], format="csr")
        theme_scores = self.artefact.themes.probabilities(documents)
        model = [safeguarding_scores(self.artefact.safeguarding, f) for f in features]
        flagged = [i for i, (score, _) in enumerate(model) if self._model_flags(score)]
        sentences = self._best_sentences([(features[i], model[i][1]) for i in flagged])
        best = dict(zip(flagged, sentences, strict=True))
        return [
            self._prediction(text, scores, model_score, best.get(i))
            for i, (text, scores, (model_score, _)) in enumerate(
                zip(clean, theme_scores, model, strict=True)
            )
        ]

    def _model_flags(self, score: float) -> bool:
        return score >= self.artefact.safeguarding_threshold

    def _prediction(
        self, text: str, theme_scores: np.ndarray, model_score: float, best_sentence: str | None
    ) -> Prediction:
        artefact = self.artefact
        themes = [
            label
            for label, score in zip(artefact.themes.labels, theme_scores, strict=True)
            if score >= artefact.theme_thresholds[label]
        ]
        found = rules.check(text)
        model_flag = self._model_flags(model_score)
        evidence = found.evidence
        if model_flag and best_sentence is not None:
            evidence = [*evidence, best_sentence]
        scores = {
            label: round(float(score), 4)
            for label, score in zip(artefact.themes.labels, theme_scores, strict=True)
        }
        scores[SAFEGUARDING] = round(max(model_score, found.score), 4)
        return Prediction(
            model_version=self.version,
            themes=themes,
            safeguarding=found.flagged or model_flag,
            scores=scores,
            evidence=[span[:MAX_EVIDENCE_CHARS] for span in dict.fromkeys(evidence)][:MAX_EVIDENCE],
            safeguarding_types=found.subtypes,
        )

    def _best_sentences(self, flagged: list[tuple[TextFeatures, int]]) -> list[str]:
        """For each flagged text and the window that flagged it (-1 for the whole text), the
        sentence there that the safeguarding head scores highest."""
        if not flagged:
            return []
        groups, rows = self.featurizer.sentences(flagged)
        scores = self.artefact.safeguarding.probabilities(rows)[:, 0]
        bounds = np.cumsum([0, *(len(g) for g in groups)])
        return [
            sentences[int(np.argmax(scores[bounds[n] : bounds[n + 1]]))].strip()
            for n, sentences in enumerate(groups)
        ]


def _valid_unicode(text: str) -> str:
    """Replace lone surrogates, which JSON allows but no tokenizer can encode."""
    return text.encode("utf-8", "replace").decode("utf-8")


def load_classifier(name: str | None = None) -> MiniLMClassifier:
    """Load an artefact (the newest unless named) with the frozen encoder."""
    from classifiers.embedding import Embedder

    artefact = Artefact.load(artefact_folder(name))
    return MiniLMClassifier(artefact, Featurizer(Embedder(), artefact.idf))


def load_configured() -> MiniLMClassifier:
    """The artefact named by the CLASSIFIER_ARTEFACT setting, or the newest."""
    return load_classifier(_configured_artefact())


def _configured_artefact() -> str | None:
    try:
        from flask import current_app

        return current_app.config.get("CLASSIFIER_ARTEFACT") or None
    except RuntimeError:
        return os.environ.get("CLASSIFIER_ARTEFACT") or None
