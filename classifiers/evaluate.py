"""Evaluation on the held-out test split and the calibration set, side by side: per-label
scores, safeguarding recall with a Wilson interval, figures per kind of message and per channel,
and every safeguarding miss and false alarm."""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from classifiers import Prediction, rules
from classifiers.corpus import CHANNELS, Example

KEY_THEMES = ("communication", "bias", "delay")
KINDS = ("complaint", "compliment", "comment", "audit")
GROUP_LABELS = ("safeguarding", *KEY_THEMES)
Z_95 = 1.959964
BATCH = 32
SNIPPET_CHARS = 300
TARGET_MACRO_F1 = 0.80
TARGET_RECALL = 0.97
TARGET_PRECISION = 0.70


class BatchClassifier(Protocol):
    def predict_many(self, texts: list[str]) -> list[Prediction]: ...


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

    @property
    def positives(self) -> int:
        """How many were truly positive."""
        return self.tp + self.fn

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
class Group:
    """The messages of one kind or channel, and the counts of the headline labels on them."""

    messages: int = 0
    counts: dict[str, Counts] = field(
        default_factory=lambda: {label: Counts() for label in GROUP_LABELS}
    )


@dataclass
class Report:
    """Everything `heard evaluate` prints about one labelled set."""

    name: str
    model_version: str
    examples: int
    themes: dict[str, Counts]
    safeguarding: Counts
    rules_only: Counts
    per_kind: dict[str, Group] = field(default_factory=lambda: {k: Group() for k in KINDS})
    per_channel: dict[str, Group] = field(default_factory=lambda: {c: Group() for c in CHANNELS})
    misses: list[Example] = field(default_factory=list)
    false_alarms: list[tuple[Example, Prediction]] = field(default_factory=list)

    @property
    def key_macro_f1(self) -> float:
        """Macro-F1 over communication, bias and delay."""
        return key_macro_f1(self.themes)

    @property
    def recall_lower_bound(self) -> float:
        """The Wilson 95% lower bound of safeguarding recall."""
        return wilson_interval(self.safeguarding.tp, self.safeguarding.positives)[0]


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
    classifier: BatchClassifier,
    examples: Sequence[Example],
    labels: Sequence[str],
    name: str = "test split",
) -> Report:
    """Classify every example with the service's classifier and score the predictions."""
    predictions: list[Prediction] = []
    for start in range(0, len(examples), BATCH):
        batch = examples[start : start + BATCH]
        predictions.extend(classifier.predict_many([e.text for e in batch]))
    report = Report(
        name=name,
        model_version=predictions[0].model_version if predictions else "",
        examples=len(examples),
        themes={label: Counts() for label in labels},
        safeguarding=Counts(),
        rules_only=Counts(),
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
    for groups, key in ((report.per_kind, example.kind), (report.per_channel, example.channel)):
        group = groups.setdefault(key, Group())
        group.messages += 1
        counts = group.counts
        counts["safeguarding"] = _count(counts["safeguarding"], truth, flagged)
        for theme in KEY_THEMES:
            counts[theme] = _count(
                counts[theme], theme in example.themes, theme in prediction.themes
            )
    if truth and not flagged:
        report.misses.append(example)
    if flagged and not truth:
        report.false_alarms.append((example, prediction))


def format_reports(reports: Sequence[Report], notes: Sequence[str] = ()) -> list[str]:
    """Reports on several sets as plain-text columns side by side, then each set's misses and
    false alarms; `notes` are printed under the figures."""
    title = f"Model {reports[0].model_version}" if reports else "No reports"
    head = "".join(f" | {f'{r.name} ({r.examples})':^26}" for r in reports)
    lines = [
        title,
        "",
        f"{'':<20}{head}",
        f"{'label':<20}" + " | precision recall     F1" * len(reports),
    ]
    labels = list(reports[0].themes) if reports else []
    for label in [*labels, "SAFEGUARDING"]:
        cells = [r.safeguarding if label == "SAFEGUARDING" else r.themes[label] for r in reports]
        lines.append(
            f"{label:<20}"
            + "".join(f" | {c.precision:>9.3f} {c.recall:>6.3f} {c.f1:>6.3f}" for c in cells)
        )
    lines += [
        "",
        _line("macro-F1 comm/bias/delay", [f"{r.key_macro_f1:.3f}" for r in reports], "≥ 0.80"),
        _line(
            "safeguarding recall",
            [
                f"{r.safeguarding.recall:.3f} ({r.safeguarding.tp}/{r.safeguarding.positives})"
                for r in reports
            ],
            "≥ 0.97",
        ),
        _line("  Wilson 95% lower", [f"{r.recall_lower_bound:.3f}" for r in reports], ""),
        _line(
            "safeguarding precision",
            [f"{r.safeguarding.precision:.3f}" for r in reports],
            "≥ 0.70",
        ),
        _line(
            "rules alone: R / P",
            [f"{r.rules_only.recall:.3f} / {r.rules_only.precision:.3f}" for r in reports],
            "",
        ),
        _line("targets met", [_verdict(r) for r in reports], ""),
        *notes,
        "",
        "Per kind: messages, safeguarding recall (caught/positive) and precision, macro-F1",
        *_group_lines(reports, "per_kind"),
        "",
        "Per channel: the same",
        *_group_lines(reports, "per_channel"),
    ]
    for report in reports:
        lines += ["", f"Safeguarding misses, {report.name} ({len(report.misses)}):"]
        lines += [
            f"  {e.id} [{e.channel} {e.kind}] {' '.join(e.text.split())}" for e in report.misses
        ]
    for report in reports:
        lines += ["", f"Safeguarding false alarms, {report.name} ({len(report.false_alarms)}):"]
        lines += [
            f"  {e.id} [{e.channel} {e.kind}] {_snippet(e.text)}\n      evidence: {p.evidence}"
            for e, p in report.false_alarms
        ]
    return lines


def _line(name: str, cells: list[str], target: str) -> str:
    return f"{name:<26}" + "".join(f"{cell:<24}" for cell in cells) + target


def _verdict(report: Report) -> str:
    met = (
        report.key_macro_f1 >= TARGET_MACRO_F1
        and report.safeguarding.recall >= TARGET_RECALL
        and report.safeguarding.precision >= TARGET_PRECISION
    )
    return "all" if met else "NOT all"


def _group_lines(reports: Sequence[Report], attribute: str) -> list[str]:
    keys = list(dict.fromkeys(k for r in reports for k in getattr(r, attribute)))
    lines = []
    for key in keys:
        cells = []
        for report in reports:
            group = getattr(report, attribute).get(key, Group())
            flag = group.counts["safeguarding"]
            cells.append(
                f"{group.messages:>4}  {flag.recall:.3f} ({flag.tp:>3}/{flag.positives:<3}) "
                f"{flag.precision:.3f}  {key_macro_f1(group.counts):.3f}"
            )
        lines.append(f"  {key:<12}" + "".join(f" | {cell}" for cell in cells))
    return lines


def _snippet(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SNIPPET_CHARS else flat[:SNIPPET_CHARS] + "…"
