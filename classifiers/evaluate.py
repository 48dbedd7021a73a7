"""Evaluation on the held-out test split: per-label scores, safeguarding recall with a Wilson
interval, figures per channel, and every safeguarding miss and false alarm."""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from classifiers import Prediction, rules
from classifiers.corpus import CHANNELS, Example

KEY_THEMES = ("communication", "bias", "delay")
Z_95 = 1.959964
BATCH = 32
SNIPPET_CHARS = 300


class BatchClassifier(Protocol):
    def predict_many(
        self, texts: list[str], channels: list[str | None] | None = None
    ) -> list[Prediction]: ...


@dataclass(frozen=True)
class Counts:
    """True positives, false positives and false negatives for one label."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """Share of flagged that were right."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """Share of true ones that were flagged."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @classmethod
    def tally(cls, pairs: Iterable[tuple[bool, bool]]) -> "Counts":
        """Counts over (truth, predicted) pairs."""
        counts = cls()
        for truth, predicted in pairs:
            counts = _count(counts, truth, predicted)
        return counts


def key_macro_f1(themes: Mapping[str, Counts]) -> float:
    """Macro-F1 over communication, bias and delay."""
    return sum(themes[t].f1 for t in KEY_THEMES) / len(KEY_THEMES)


@dataclass
class Report:
    """Everything `heard evaluate` prints."""

    model_version: str
    examples: int
    themes: dict[str, Counts]
    safeguarding: Counts
    rules_only: Counts
    per_channel: dict[str, dict[str, Counts]]
    misses: list[Example] = field(default_factory=list)
    false_alarms: list[tuple[Example, Prediction]] = field(default_factory=list)

    @property
    def key_macro_f1(self) -> float:
        """Macro-F1 over communication, bias and delay."""
        return key_macro_f1(self.themes)


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for a proportion (95% by default)."""
    if trials == 0:
        return 0.0, 1.0
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def _count(counts: Counts, truth: bool, predicted: bool) -> Counts:
    return Counts(
        tp=counts.tp + (truth and predicted),
        fp=counts.fp + (predicted and not truth),
        fn=counts.fn + (truth and not predicted),
    )


def evaluate(
    classifier: BatchClassifier, examples: Sequence[Example], labels: Sequence[str]
) -> Report:
    """Classify every example with the service's classifier and score the predictions."""
    predictions: list[Prediction] = []
    for start in range(0, len(examples), BATCH):
        batch = examples[start : start + BATCH]
        predictions.extend(
            classifier.predict_many([e.text for e in batch], [e.channel for e in batch])
        )
    report = Report(
        model_version=predictions[0].model_version if predictions else "",
        examples=len(examples),
        themes={label: Counts() for label in labels},
        safeguarding=Counts(),
        rules_only=Counts(),
        per_channel={
            c: {name: Counts() for name in ("safeguarding", *KEY_THEMES)} for c in CHANNELS
        },
    )
    for example, prediction in zip(examples, predictions, strict=True):
        _score_one(report, example, prediction, rules.check(example.text).flagged)
    return report


def _score_one(report: Report, example: Example, prediction: Prediction, by_rule: bool) -> None:
    for label in report.themes:
        report.themes[label] = _count(
            report.themes[label], label in example.themes, label in prediction.themes
        )
    truth, flagged = example.safeguarding, prediction.safeguarding
    report.safeguarding = _count(report.safeguarding, truth, flagged)
    report.rules_only = _count(report.rules_only, truth, by_rule)
    channel = report.per_channel.setdefault(
        example.channel, {name: Counts() for name in ("safeguarding", *KEY_THEMES)}
    )
    channel["safeguarding"] = _count(channel["safeguarding"], truth, flagged)
    for theme in KEY_THEMES:
        channel[theme] = _count(channel[theme], theme in example.themes, theme in prediction.themes)
    if truth and not flagged:
        report.misses.append(example)
    if flagged and not truth:
        report.false_alarms.append((example, prediction))


def format_report(report: Report) -> list[str]:
    """The report as lines of plain text."""
    low, high = wilson_interval(
        report.safeguarding.tp, report.safeguarding.tp + report.safeguarding.fn
    )
    sg = report.safeguarding
    lines = [
        f"Model {report.model_version} on {report.examples} test messages",
        "",
        f"{'label':<20} {'precision':>9} {'recall':>7} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}",
    ]
    for label, counts in [*report.themes.items(), ("SAFEGUARDING", sg)]:
        lines.append(_row(label, counts))
    lines += [
        "",
        f"Macro-F1 over communication, bias, delay: {report.key_macro_f1:.3f} (target >= 0.80)",
        f"Safeguarding recall {sg.recall:.3f} (95% Wilson interval {low:.3f}-{high:.3f}; "
        f"target >= 0.97), precision {sg.precision:.3f} (target >= 0.70)",
        f"Rules alone: recall {report.rules_only.recall:.3f}, "
        f"precision {report.rules_only.precision:.3f}",
        "",
        "Per channel:",
    ]
    for channel, counts in report.per_channel.items():
        c = counts["safeguarding"]
        macro = sum(counts[t].f1 for t in KEY_THEMES) / len(KEY_THEMES)
        lines.append(
            f"  {channel:<10} safeguarding recall {c.recall:.3f} precision {c.precision:.3f} "
            f"({c.tp + c.fn} positive); macro-F1 communication/bias/delay {macro:.3f}"
        )
    lines += ["", f"Safeguarding misses ({len(report.misses)}):"]
    lines += [f"  {e.id} [{e.channel}] {' '.join(e.text.split())}" for e in report.misses]
    lines += ["", f"Safeguarding false alarms ({len(report.false_alarms)}):"]
    lines += [
        f"  {e.id} [{e.channel}] {_snippet(e.text)}\n      evidence: {p.evidence}"
        for e, p in report.false_alarms
    ]
    return lines


def _row(label: str, counts: Counts) -> str:
    return (
        f"{label:<20} {counts.precision:>9.3f} {counts.recall:>7.3f} {counts.f1:>6.3f} "
        f"{counts.tp:>4} {counts.fp:>4} {counts.fn:>4}"
    )


def _snippet(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SNIPPET_CHARS else flat[:SNIPPET_CHARS] + "…"
