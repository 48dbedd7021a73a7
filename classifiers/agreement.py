"""How far independent readings of the corpus agree, label by label (issue 14's labelling study).

Every label in the corpus comes from readings kept in data/labelling/: two blind readers of each
training and test message, the writer and a blind reader of each newly written message, and two
blind readers and the writer of each calibration message, with a third reading settling every
disagreement. How far one careful reading agrees with another bounds what a model scored against
these labels can show; `heard agreement` prints it.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

from classifiers.corpus import DATA_DIR, load_test, read_rows
from classifiers.evaluate import KEY_THEMES, Counts, key_macro_f1

LABELLING = "labelling"
SAFEGUARDING = "safeguarding"
LABELS = (*KEY_THEMES, SAFEGUARDING)
Labels = Mapping[str, frozenset[str]]


@dataclass(frozen=True)
class Agreement:
    """Two labellings of the same messages, compared label by label."""

    name: str
    messages: int
    counts: dict[str, Counts]
    kappa: dict[str, float]

    @property
    def macro_f1(self) -> float:
        """Mean F1 over the key themes, one labelling taken as the truth (F1 is symmetric)."""
        return key_macro_f1(self.counts)


def read_blind(path: Path) -> dict[str, frozenset[str]]:
    """A reading: message id to the labels the reader marked true."""
    rows = read_rows(
        path,
        lambda row: (str(row["id"]), frozenset(label for label in LABELS if row[label] is True)),
    )
    return dict(rows)


def compare(name: str, first: Labels, second: Labels, ids: Sequence[str]) -> Agreement:
    """Agreement of two labellings over the given message ids (each must be in both)."""
    counts, kappa = {}, {}
    for label in LABELS:
        a = [label in first[i] for i in ids]
        b = [label in second[i] for i in ids]
        counts[label] = Counts.tally(zip(a, b, strict=True))
        kappa[label] = float(cohen_kappa_score(a, b)) if len(set(a) | set(b)) > 1 else 1.0
    return Agreement(name, len(ids), counts, kappa)


def study(data_dir: Path = DATA_DIR) -> list[Agreement]:
    """Every pair of independent readings the labelling folder holds. A reader against the
    adjudicated labels is left out: those labels are that reader's wherever the readers agreed."""
    folder = data_dir / LABELLING
    a, b = (read_blind(folder / f"corpus_reader_{r}.jsonl") for r in "ab")
    new_writer = read_blind(folder / "new_writer.jsonl")
    new_reader = read_blind(folder / "new_reader_r.jsonl")
    cal_a, cal_b = (read_blind(folder / f"calibration_reader_{r}.jsonl") for r in "ab")
    cal_writer = read_blind(folder / "calibration_writer.jsonl")
    test = sorted(e.id for e in load_test(data_dir))
    training = sorted(set(a) - set(test))
    cal = sorted(cal_a)
    return [
        compare("train+test: reader A v. reader B", a, b, sorted(a)),
        compare("  training files only", a, b, training),
        compare("  test split only", a, b, test),
        compare("new messages: writer v. reader R", new_writer, new_reader, sorted(new_writer)),
        compare("calibration: reader A v. reader B", cal_a, cal_b, cal),
        compare("calibration: writer v. reader A", cal_writer, cal_a, cal),
        compare("calibration: writer v. reader B", cal_writer, cal_b, cal),
    ]


def format_study(rows: Sequence[Agreement]) -> list[str]:
    """The comparisons as a table: F1 and Cohen's kappa per label, and the themes' macro-F1."""
    head = "  ".join(f"{label} F1 / k".rjust(21) for label in LABELS)
    lines = [
        "Readers and writers were independent instances of a language model, each given only the",
        "guides in data/labelling/: agreement between them is not a figure for human readers.",
        "",
        f"{'comparison':<40} {'n':>5}  {head}  macro-F1",
    ]
    for row in rows:
        cells = "  ".join(
            f"{row.counts[label].f1:.3f} / {row.kappa[label]:.3f}".rjust(21) for label in LABELS
        )
        lines.append(f"{row.name:<40} {row.messages:>5}  {cells}  {row.macro_f1:.3f}")
    return lines
