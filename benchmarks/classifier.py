"""Benchmark the classifier: cold start, batched SMS throughput, warm single-message latency, RSS.

Run from the repository root: `.venv/bin/python benchmarks/classifier.py`. Targets (issue 3):
at least 200 SMS-length messages a second batched, p95 <= 25 ms for one message once warm,
cold start <= 5 s, resident memory <= 1 GiB. Not a test: figures depend on the machine's load,
so the load average is printed before and after. Throughput and latency are measured with each
torch thread count in --threads (the service's default is half the cores, HEARD_TORCH_THREADS).
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
    parser.add_argument("--threads", default="1,2", help="torch thread counts to measure with")
    args = parser.parse_args()

    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    runs = [cold_start() for _ in range(3)]
    total, load, first = min(runs)
    print(
        f"cold start: {total:.2f} s to the first prediction (best of 3; load {load:.2f} s, "
        f"first prediction {first:.2f} s) — target <= 5 s"
    )

    import torch

    from classifiers.model import load_classifier

    classifier = load_classifier()
    print(f"model {classifier.version}")
    messages = sms_messages(args.messages)
    for threads in [int(n) for n in args.threads.split(",")]:
        torch.set_num_threads(threads)
        print(f"{threads} torch thread(s), load average now {os.getloadavg()[0]:.2f}:")
        batched(classifier, messages, args.batch)
        single(classifier, messages[: args.singles])

    current, peak = resident_mib()
    print(f"resident memory: {current:.0f} MiB now, {peak:.0f} MiB peak — target <= 1024 MiB")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
