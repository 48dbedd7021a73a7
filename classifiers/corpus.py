"""The labelled corpus in classifiers/data/: training files, the held-out test split, the
calibration set the thresholds are chosen on, and a hash of what a model was trained on."""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

DATA_DIR = Path(__file__).resolve().parent / "data"
TEST_FILE = "test.jsonl"
CALIBRATION_FILE = "calibration.jsonl"
CHANNELS = ("web_child", "web_adult", "sms", "email")
T = TypeVar("T")


@dataclass(frozen=True)
class Example:
    """One labelled message."""

    id: str
    channel: str
    kind: str
    text: str
    themes: tuple[str, ...]
    safeguarding: bool
    safeguarding_types: tuple[str, ...]


def read_rows(path: Path, build: Callable[[dict[str, Any]], T]) -> list[T]:
    """Each non-blank JSON line of a file built into a record; a line that is not JSON or
    lacks a field is an error naming the file and line."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(build(json.loads(line)))
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path.name} line {number}: {error}") from error
    return rows


def _example(row: dict[str, Any]) -> Example:
    return Example(
        id=str(row["id"]),
        channel=row.get("channel") or "",
        kind=row.get("kind") or "",
        text=row["text"],
        themes=tuple(row.get("themes") or ()),
        safeguarding=bool(row["safeguarding"]),
        safeguarding_types=tuple(row.get("safeguarding_types") or ()),
    )


def _read(path: Path) -> list[Example]:
    return read_rows(path, _example)


def training_files(data_dir: Path = DATA_DIR) -> list[Path]:
    """Every train_*.jsonl file, in name order; the test split and calibration set are never
    among them."""
    return sorted(data_dir.glob("train_*.jsonl"))


def load_training(data_dir: Path = DATA_DIR) -> list[Example]:
    """All training examples, deduplicated on id (the first file to use an id wins)."""
    seen: dict[str, Example] = {}
    for path in training_files(data_dir):
        for example in _read(path):
            seen.setdefault(example.id, example)
    return list(seen.values())


def load_test(data_dir: Path = DATA_DIR) -> list[Example]:
    """The held-out test split, for evaluation only."""
    return _read(data_dir / TEST_FILE)


def load_calibration(data_dir: Path = DATA_DIR) -> list[Example]:
    """The calibration set: a labelled sample in the live mix of channels and kinds, on which
    the thresholds are chosen and which `heard evaluate` reports beside the test split. Never
    trained on."""
    return _read(data_dir / CALIBRATION_FILE)


def data_hash(examples: list[Example]) -> str:
    """A short, order-independent fingerprint of the examples a model was trained on."""
    digest = hashlib.sha256()
    for example in sorted(examples, key=lambda e: e.id):
        digest.update(json.dumps(example.__dict__, sort_keys=True).encode())
    return digest.hexdigest()[:10]
