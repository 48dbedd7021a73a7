"""Benchmark the classifier: cold start, batched SMS throughput, warm single-message latency, RSS.

Run from the repository root: `.venv/bin/python benchmarks/classifier.py`. Targets (issue 3):
at least 200 SMS-length messages a second batched, p95 <= 25 ms for one message once warm,
cold start <= 5 s, resident memory <= 1 GiB. Issue 22: classification >= 0.9 of the bare
encoder's throughput on the same messages, measured in the same run; a 5,000-word email in
<= 1 s; `heard classify` starting in about the time the encoder alone takes. Not a test:
figures depend on the machine's load, so the load average is printed before and after.
Throughput and latency are measured with each torch thread count in --threads (the service's
default is half the cores, HEARD_TORCH_THREADS).
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OPENINGS = [
    "hi its me again",
    "still no call back from the officer",
    "thanks for today",
    "u said the report wd be ready fri",
    "my son doesnt want to go to his dads this wknd",
    "can some1 ring me pls",
    "the hearing got moved again",
    "the officer was really kind to my daughter",
]
MIDDLES = [
    "its been 3 wks",
    "nobody has told me anything",
    "she listened to the kids properly",
    "the letter had my old address on it",
    "i feel like no one believes me cos im the dad",
    "i dont understand what happens next",
    "the report says things i never said",
    "can i change the time of the call",
]
ENDINGS = ["", " thx", " pls", " x", " 🙏", " ffs", " ta", " ??"]

COLD_START = """
import time
start = time.perf_counter()
from classifiers.model import load_classifier
classifier = load_classifier()
loaded = time.perf_counter()
classifier.predict("still no call back from the officer. its been 3 wks")
done = time.perf_counter()
print(f"{loaded - start:.2f} {done - loaded:.2f}")
"""


ENCODER_START = """
import time
start = time.perf_counter()
from classifiers.embedding import Embedder
Embedder().embed(["still no call back from the officer. its been 3 wks"])
print(f"{time.perf_counter() - start:.2f}")
"""

# `heard classify` as installed (the console script's entry point), and the same command
# through the app's own group, which builds the whole app first (as `heard classify` did).
HEARD_CLASSIFY = "from app.cli import main; main()"
APP_CLASSIFY = (
    "from app import create_app; app = create_app(); app.app_context().push(); "
    "app.cli.main(args=['classify'])"
)
ONE_LINE = '{"id": 1, "text": "still no call back from the officer. its been 3 wks"}\n'

DISCLOSURE = "when its just me and mums boyfriend he makes me sit on his knee and it feels wrong"


def sms_messages(count: int, seed: int = 3) -> list[str]:
    """Synthetic SMS-length messages (about 40-160 characters), not drawn from the corpus."""
    rng = random.Random(seed)
    return [
        f"{rng.choice(OPENINGS)}. {rng.choice(MIDDLES)}{rng.choice(ENDINGS)}" for _ in range(count)
    ]


def cold_start() -> tuple[float, float, float]:
    """Seconds from a fresh interpreter to the first prediction: total, load, first predict."""
    began = time.perf_counter()
    output = subprocess.run(
        [sys.executable, "-c", COLD_START], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return time.perf_counter() - began, float(output[0]), float(output[1])


def start_times(rounds: int = 3) -> None:
    """Seconds from a fresh interpreter to the first answer: `heard classify` (no app), the
    same command with the app built first, and the bare encoder (load, embed one text),
    alternating, best of `rounds` each."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    timings: dict[str, list[float]] = {"heard classify": [], "with the app built": [], "enc": []}
    for _ in range(rounds):
        for name, code, stdin in (
            ("heard classify", HEARD_CLASSIFY, ONE_LINE),
            ("with the app built", APP_CLASSIFY, ONE_LINE),
            ("enc", ENCODER_START, ""),
        ):
            began = time.perf_counter()
            argv = [sys.executable, "-c", code, *(["classify"] if stdin else [])]
            subprocess.run(
                argv, cwd=ROOT, input=stdin, capture_output=True, text=True, check=True, env=env
            )
            timings[name].append(time.perf_counter() - began)
    heard, app, encoder = (min(values) for values in timings.values())
    print(
        f"start to first answer (best of {rounds}): heard classify {heard:.2f} s, with the app "
        f"built {app:.2f} s; bare encoder (load, embed one text) {encoder:.2f} s; "
        f"heard classify / encoder {heard / encoder:.2f}"
    )


def long_email(words: int = 5000, seed: int = 11) -> str:
    """A long email of SMS-like sentences in paragraphs, about `words` words."""
    rng = random.Random(seed)
    paragraphs, count = [], 0
    while count < words:
        paragraph = " ".join(f"{s.capitalize()}." for s in sms_messages(6, rng.randrange(10**6)))
        paragraphs.append(paragraph)
        count += len(paragraph.split())
    return "\n\n".join(paragraphs)


def long_emails(classifier, precisions: list[bool], rounds: int = 4) -> None:
    """Seconds to classify one 5,000-word email in each encoder precision, alternating (the
    load moves faster than a block of runs), and whether a disclosure the rules do not catch
    is flagged at its start, middle and end."""
    embedder = classifier.featurizer.embedder
    email = long_email()
    paragraphs = email.split("\n\n")
    classifier.predict(email)
    timings: dict[bool, list[float]] = {bfloat16: [] for bfloat16 in precisions}
    for _ in range(rounds):
        for bfloat16 in precisions:
            embedder.bfloat16 = bfloat16
            began = time.perf_counter()
            classifier.predict(email)
            timings[bfloat16].append(time.perf_counter() - began)
    tokens = len(embedder.tokenizer.encode(email).ids)
    print(f"  5,000-word email ({len(email.split())} words, {tokens} tokens), target <= 1 s:")
    for bfloat16 in precisions:
        embedder.bfloat16 = bfloat16
        flagged = []
        for at in (0, len(paragraphs) // 2, len(paragraphs)):
            text = "\n\n".join([*paragraphs[:at], DISCLOSURE, *paragraphs[at:]])
            flagged.append(classifier.predict(text).safeguarding)
        values = timings[bfloat16]
        print(
            f"    {'bfloat16' if bfloat16 else 'float32'}: median "
            f"{statistics.median(values):.2f} s, best {min(values):.2f} s of {rounds}; "
            f"a disclosure at its start, middle, end flagged: {flagged}"
        )


def encoder_floor(classifier, messages: list[str], batch: int, pairs: int = 3) -> None:
    """Classification against the bare encoder (classifiers/embedding.py's Embedder.embed) on
    the same messages in the same batches, alternating, best of `pairs` each."""
    embedder = classifier.featurizer.embedder
    rates: dict[str, list[float]] = {"classifier": [], "encoder": []}
    for _ in range(pairs):
        for name, run in (("classifier", classifier.predict_many), ("encoder", embedder.embed)):
            began = time.perf_counter()
            for start in range(0, len(messages), batch):
                run(messages[start : start + batch])
            rates[name].append(len(messages) / (time.perf_counter() - began))
    ours, floor = max(rates["classifier"]), max(rates["encoder"])
    print(
        f"    classifier {ours:.0f} messages/s against the bare encoder {floor:.0f}/s on the same "
        f"messages (best of {pairs} alternating): {ours / floor:.2f}x — target >= 0.9x"
    )


def resident_mib() -> tuple[float, float]:
    """Current and peak resident memory of this process, in MiB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def batched(classifier, messages: list[str], batch: int) -> None:
    """Messages per second through predict_many, in batches as `heard classify` sends them."""
    classifier.predict_many(messages[:batch])
    began, cpu_began = time.perf_counter(), time.process_time()
    for start in range(0, len(messages), batch):
        classifier.predict_many(messages[start : start + batch])
    rate = len(messages) / (time.perf_counter() - began)
    cpu_rate = len(messages) / (time.process_time() - cpu_began)
    print(
        f"  batched: {rate:.0f} SMS-length messages/s (batches of {batch}, "
        f"{len(messages)} messages; {cpu_rate:.0f} per CPU-second) — target >= 200/s"
    )


def single(classifier, messages: list[str]) -> None:
    """Latency of predict on one message at a time, as the worker calls it."""
    timings, cpu_timings = [], []
    for text in messages:
        began, cpu_began = time.perf_counter(), time.process_time()
        classifier.predict(text)
        timings.append((time.perf_counter() - began) * 1000)
        cpu_timings.append((time.process_time() - cpu_began) * 1000)
    p95 = statistics.quantiles(timings, n=100)[94]
    print(
        f"  single message once warm: p50 {statistics.median(timings):.1f} ms, "
        f"p95 {p95:.1f} ms (CPU time p95 {statistics.quantiles(cpu_timings, n=100)[94]:.1f} ms)"
        " — target p95 <= 25 ms"
    )


def main() -> None:
    """Run every measurement and print the figures with their targets."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--singles", type=int, default=300)
    parser.add_argument("--floor-messages", type=int, default=1000)
    parser.add_argument("--threads", default="1,2", help="torch thread counts to measure with")
    args = parser.parse_args()

    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    start_times()
    runs = [cold_start() for _ in range(3)]
    total, load, first = min(runs)
    print(
        f"cold start: {total:.2f} s to the first prediction (best of 3; load {load:.2f} s, "
        f"first prediction {first:.2f} s) — target <= 5 s"
    )

    import torch

    from classifiers.embedding import bfloat16_default
    from classifiers.model import load_classifier

    classifier = load_classifier()
    print(f"model {classifier.version}")
    messages = sms_messages(args.messages)
    for threads in [int(n) for n in args.threads.split(",")]:
        torch.set_num_threads(threads)
        print(f"{threads} torch thread(s), load average now {os.getloadavg()[0]:.2f}:")
        batched(classifier, messages, args.batch)
        single(classifier, messages[: args.singles])
        embedder = classifier.featurizer.embedder
        # The floor and the long email in each precision this CPU offers, in the same run.
        precisions = [True, False] if embedder.bfloat16 else [False]
        for bfloat16 in precisions:
            embedder.bfloat16 = bfloat16
            print(f"  encoder in {'bfloat16' if bfloat16 else 'float32'}:")
            encoder_floor(classifier, messages[: args.floor_messages], args.batch)
        long_emails(classifier, precisions)
        embedder.bfloat16 = bfloat16_default()

    current, peak = resident_mib()
    print(f"resident memory: {current:.0f} MiB now, {peak:.0f} MiB peak — target <= 1024 MiB")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
