"""Trained heads over the features, the versioned artefact that holds them, and the classifier.

The artefact is a folder `heard-YYYYMMDD-<data hash>` in classifiers/artefacts/ with
`model.json` (labels, thresholds, metrics, data hash) and `weights.npz` (logistic regression
weights and IDF vectors): plain arrays and JSON, so loading one never runs pickled code.
"""

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import sparse

from classifiers import Prediction, rules
from classifiers.features import Featurizer, TextFeatures

ARTEFACT_DIR = Path(__file__).resolve().parent / "artefacts"
SAFEGUARDING = "safeguarding"
MAX_EVIDENCE = 20
MAX_EVIDENCE_CHARS = 400


@dataclass(frozen=True)
class LinearHeads:
    """One logistic regression per label over the same feature rows."""

    labels: list[str]
    coef: np.ndarray
    intercept: np.ndarray

    def probabilities(self, rows: sparse.csr_matrix) -> np.ndarray:
        """Probability of each label for each row, shape (rows, labels)."""
        logits = rows @ self.coef.T + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(logits, -40, 40)))


@dataclass(frozen=True)
class Artefact:
    """Everything a trained classifier needs besides the frozen encoder."""

    name: str
    themes: LinearHeads
    safeguarding: LinearHeads
    theme_thresholds: dict[str, float]
    safeguarding_threshold: float
    idf: np.ndarray
    meta: dict = field(default_factory=dict)

    def save(self, directory: Path = ARTEFACT_DIR) -> Path:
        """Write the artefact under `directory/<name>/` and return that folder."""
        folder = directory / self.name
        folder.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            folder / "weights.npz",
            theme_coef=self.themes.coef.astype(np.float16),
            theme_intercept=self.themes.intercept.astype(np.float32),
            safeguarding_coef=self.safeguarding.coef.astype(np.float16),
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

    def predict(self, text: str, channel: str | None = None) -> Prediction:
        """Classify one message."""
        return self.predict_many([text], [channel])[0]

    def predict_many(
        self, texts: list[str], channels: list[str | None] | None = None
    ) -> list[Prediction]:
        """Classify several messages, embedding them in shared batches."""
        clean = [_valid_unicode(text) for text in texts]
        return [
            self._prediction(text, features)
            for text, features in zip(clean, self.featurizer.transform(clean), strict=True)
        ]

    def _prediction(self, text: str, features: TextFeatures) -> Prediction:
        artefact = self.artefact
        theme_scores = artefact.themes.probabilities(features.document)[0]
        themes = [
            label
            for label, score in zip(artefact.themes.labels, theme_scores, strict=True)
            if score >= artefact.theme_thresholds[label]
        ]
        found = rules.check(text)
        model_score, window = safeguarding_scores(artefact.safeguarding, features)
        model_flag = model_score >= artefact.safeguarding_threshold
        evidence = found.evidence
        if model_flag:
            evidence = [*evidence, self._best_sentence(features, window)]
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

    def _best_sentence(self, features: TextFeatures, window: int) -> str:
        """The sentence the safeguarding head scores highest within the window that flagged."""
        sentences, rows = self.featurizer.sentences(features, window)
        scores = self.artefact.safeguarding.probabilities(rows)[:, 0]
        return sentences[int(np.argmax(scores))].strip()


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
