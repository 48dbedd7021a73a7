"""How far independent readers agree with the corpus's theme labels, and with each other.

The blind labellings in data/labelling/ were made by readers who saw only a message and the
theme guide, never the corpus's labels or the model: one reading of every training message, a
third reading of the training messages where that reading and the corpus disagreed, and two
readings of the test split. How far one careful reading agrees with another bounds what a model
scored against these labels can show; `heard agreement` prints it.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

from classifiers.corpus import DATA_DIR, load_test, load_training, read_rows
from classifiers.evaluate import KEY_THEMES, Counts, key_macro_f1

LABELLING = "labelling"
Labels = Mapping[str, frozenset[str]]


@dataclass(frozen=True)
class Agreement:
    """Two labellings of the same messages, compared theme by theme."""

    name: str
    messages: int
    counts: dict[str, Counts]
    kappa: dict[str, float]

    @property
    def macro_f1(self) -> float:
        """Mean F1 over the key themes, one labelling taken as the truth (F1 is symmetric)."""
        return key_macro_f1(self.counts)


def read_blind(path: Path) -> dict[str, frozenset[str]]:
    """A blind labelling: message id to the key themes the reader marked."""
    rows = read_rows(
        path, lambda row: (str(row["id"]), frozenset(t for t in KEY_THEMES if row[t] is True))
    )
    return dict(rows)


def compare(name: str, first: Labels, second: Labels, ids: Sequence[str]) -> Agreement:
    """Agreement of two labellings over the given message ids (each must be in both)."""
    counts, kappa = {}, {}
    for theme in KEY_THEMES:
        a = [theme in first[i] for i in ids]
        b = [theme in second[i] for i in ids]
        counts[theme] = Counts.tally(zip(a, b, strict=True))
        kappa[theme] = float(cohen_kappa_score(a, b)) if len(set(a) | set(b)) > 1 else 1.0
    return Agreement(name, len(ids), counts, kappa)


def majority(*labellings: Labels) -> dict[str, frozenset[str]]:
    """Each message's themes that more than half of the labellings gave it."""
    ids = set.intersection(*(set(labels) for labels in labellings))
    need = len(labellings) // 2 + 1
    return {
        i: frozenset(t for t in KEY_THEMES if sum(t in labels[i] for labels in labellings) >= need)
        for i in ids
    }


def study(data_dir: Path = DATA_DIR) -> list[Agreement]:
    """Every comparison the labelling folder supports."""
    folder = data_dir / LABELLING
    corpus = {e.id: frozenset(e.themes) & set(KEY_THEMES) for e in load_training(data_dir)}
    test = {e.id: frozenset(e.themes) & set(KEY_THEMES) for e in load_test(data_dir)}
    reader = read_blind(folder / "blind_train.jsonl")
    third = read_blind(folder / "blind_train_third.jsonl")
    test_a = read_blind(folder / "blind_test_a.jsonl")
    test_b = read_blind(folder / "blind_test_b.jsonl")
    disputed = sorted(third)
    test_ids = sorted(test)
    return [
        compare("training: corpus labels v. reader 1", corpus, reader, sorted(corpus)),
        compare("training, disputed: corpus v. reader 3", corpus, third, disputed),
        compare("training, disputed: reader 1 v. reader 3", reader, third, disputed),
        compare("test: corpus labels v. reader A", test, test_a, test_ids),
        compare("test: corpus labels v. reader B", test, test_b, test_ids),
        compare("test: reader A v. reader B", test_a, test_b, test_ids),
        compare(
            "test: corpus labels v. majority of corpus, A, B",
            test,
            majority(test, test_a, test_b),
            test_ids,
        ),
    ]


def format_study(rows: Sequence[Agreement]) -> list[str]:
    """The comparisons as a table: F1 and Cohen's kappa per key theme, and their macro-F1."""
    head = "  ".join(f"{t} F1 / k".rjust(22) for t in KEY_THEMES)
    lines = [f"{'comparison':<48} {'n':>5}  {head}  macro-F1"]
    for row in rows:
        cells = "  ".join(
            f"{row.counts[t].f1:.3f} / {row.kappa[t]:.2f}".rjust(22) for t in KEY_THEMES
        )
        lines.append(f"{row.name:<48} {row.messages:>5}  {cells}  {row.macro_f1:.3f}")
    return lines
