"""Scoring redaction against the hand-marked evaluation set in data/redaction_eval.txt.

Scored from the output text alone, so any version of `redact()` can be measured (run this file
as a script with `--module path/to/redaction.py` to score another copy). A marked detail has
leaked when one of its words survives in the output more often than the sentence's ordinary
words account for; words that name no one ("Road", "Primary", "School", "St") may stay. An
ordinary word is over-redacted when fewer copies of it survive than the sentence had.
"""

import argparse
import importlib.util
import re
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
EVAL_FILE = DATA / "redaction_eval.txt"
# Written after the rules were first changed, to see how they do on text not fitted to.
HELD_OUT_FILE = DATA / "redaction_eval_held_out.txt"
LABELS = ("name", "phone", "email", "address", "dob", "school", "case")
MARK_RE = re.compile(r"\{(" + "|".join(LABELS) + r")\|([^{}]+)\}")
TOKEN_RE = re.compile(r"[^\W_]+")
# Any placeholder a version of redact() writes: [name], [phone], [date of birth], ...
PLACEHOLDER_RE = re.compile(r"\[[a-z ]+\]")
# Words inside a marked detail that identify no one on their own.
GENERIC = frozenset(
    [
        "road",
        "street",
        "lane",
        "avenue",
        "close",
        "drive",
        "way",
        "grove",
        "flat",
        "st",
        "saint",
        "school",
        "primary",
        "academy",
        "high",
        "college",
        "community",
        "juniors",
        "junior",
        "infants",
        "nursery",
        "catholic",
        "rc",
        "girls",
        "boys",
        "of",
        "the",
        "our",
        "lady",
        "and",
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "mx",
        "date",
        "birth",
    ]
)


@dataclass(frozen=True)
class Detail:
    label: str
    text: str


@dataclass(frozen=True)
class Sentence:
    channel: str
    text: str
    details: tuple[Detail, ...]
    ordinary: Counter[str]


@dataclass
class Score:
    details: Counter[str] = field(default_factory=Counter)
    leaks: list[tuple[str, str, str]] = field(default_factory=list)
    ordinary_words: int = 0
    over_redacted: list[tuple[str, str]] = field(default_factory=list)
    sentences: int = 0

    def recall(self, label: str | None = None) -> float:
        total = self.details[label] if label else sum(self.details.values())
        leaked = sum(1 for leak in self.leaks if label in (None, leak[0]))
        return 1 - leaked / total if total else 1.0

    @property
    def over_redaction(self) -> float:
        return len(self.over_redacted) / self.ordinary_words if self.ordinary_words else 0.0

    def report(self) -> str:
        lines = [
            f"{self.sentences} sentences, {sum(self.details.values())} personal details, "
            f"{self.ordinary_words} ordinary words",
            f"recall {self.recall():.1%} ({len(self.leaks)} leaked); "
            f"over-redaction {self.over_redaction:.2%} ({len(self.over_redacted)} words)",
        ]
        for label in LABELS:
            leaked = sum(1 for leak in self.leaks if leak[0] == label)
            lines.append(f"  {label}: {self.details[label] - leaked}/{self.details[label]}")
        lines += [f"  LEAK {label} {text!r} in {output!r}" for label, text, output in self.leaks]
        lines += [f"  OVER {word!r} in {output!r}" for word, output in self.over_redacted]
        return "\n".join(lines)


def load(path: Path = EVAL_FILE) -> list[Sentence]:
    return load_lines(path.read_text(encoding="utf-8").splitlines())


def load_lines(lines: list[str]) -> list[Sentence]:
    sentences = []
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        channel, marked = line.split("\t", 1)
        marked = marked.replace("\\n", "\n")
        details = tuple(Detail(m.group(1), m.group(2)) for m in MARK_RE.finditer(marked))
        plain = MARK_RE.sub(lambda m: m.group(2), marked)
        ordinary = Counter(TOKEN_RE.findall(MARK_RE.sub(" ", marked)))
        sentences.append(Sentence(channel, plain, details, ordinary))
    return sentences


def score(redact: Callable[[str], str], sentences: list[Sentence] | None = None) -> Score:
    result = Score()
    for sentence in sentences if sentences is not None else load():
        result.sentences += 1
        output = redact(sentence.text)
        left = Counter(TOKEN_RE.findall(PLACEHOLDER_RE.sub(" ", output)))
        for detail in sentence.details:
            result.details[detail.label] += 1
            words = [
                w
                for w in TOKEN_RE.findall(detail.text)
                if w.casefold() not in GENERIC and (len(w) > 1 or w.isdigit())
            ]
            if any(left[w] > sentence.ordinary[w] for w in words):
                result.leaks.append((detail.label, detail.text, output))
        for word, n in sentence.ordinary.items():
            result.ordinary_words += n
            lost = n - min(n, left[word])
            result.over_redacted += [(word, output)] * lost
    return result


def _load_redact(path: str) -> Callable[[str], str]:
    spec = importlib.util.spec_from_file_location("redaction_under_test", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.redact  # type: ignore[no-any-return]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--module", help="a redaction.py to score instead of Heard's own")
    parser.add_argument("--quiet", action="store_true", help="figures only")
    args = parser.parse_args()
    if args.module:
        redact = _load_redact(args.module)
    else:
        from app.services.redaction import redact
    for path in (EVAL_FILE, HELD_OUT_FILE):
        text = score(redact, load(path)).report()
        print(path.name)
        print("\n".join(text.splitlines()[:9]) if args.quiet else text)
    sys.exit(0)
