"""`heard train`, `heard evaluate` and `heard classify`: the classifier from the command line."""

import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import click
from flask import current_app, has_app_context
from flask.cli import with_appcontext

import classifiers
from app.config import classifier_settings
from classifiers import Prediction
from classifiers.corpus import Example

CHANNELS = ("web_child", "web_adult", "sms", "email")
CLASSIFY_BATCH = 32
MAX_LINE_BYTES = 16 * 1024 * 1024
log = logging.getLogger(__name__)


@click.command()
@click.option(
    "--target-recall",
    default=None,
    type=click.FloatRange(0.5, 1.0),
    help="Safeguarding recall the threshold must reach on the calibration set "
    "[default: TARGET_RECALL in classifiers/train.py, 0.98].",
)
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the artefact (default classifiers/artefacts/).",
)
@click.option(
    "--include-corrections",
    is_flag=True,
    help="Also train on staff corrections in the database (one example per corrected item); "
    "each replaces any corpus example with the same text.",
)
@with_appcontext
def train(target_recall: float | None, output: Path | None, include_corrections: bool) -> None:
    """Train the classifier on classifiers/data/train_*.jsonl, choose its thresholds on
    calibration.jsonl and write a new artefact."""
    # Imported here: scikit-learn would otherwise slow every `heard` command's start.
    from classifiers.model import ARTEFACT_DIR
    from classifiers.train import TARGET_RECALL
    from classifiers.train import train as run_training

    extra = _correction_examples() if include_corrections else []
    folder = run_training(
        output=output or ARTEFACT_DIR, target_recall=target_recall or TARGET_RECALL, extra=extra
    )
    description = json.loads((folder / "model.json").read_text())
    calibration = description["calibration"]
    click.echo(f"Wrote {folder}")
    click.echo(f"Calibration set, {calibration['examples']} messages:")
    for name, figures in (
        (f"out of fold ({calibration['folds']} folds)", calibration["out_of_fold"]),
        ("at the final thresholds", calibration["at_final_thresholds"]),
    ):
        flag = figures["safeguarding"]
        click.echo(
            f"  {name}: macro-F1 communication/bias/delay "
            f"{figures['macro_f1_communication_bias_delay']:.3f}; safeguarding recall "
            f"{flag['recall']:.3f}, precision {flag['precision']:.3f}"
        )
    click.echo(f"Safeguarding model threshold {description['safeguarding_threshold']:.3f}")


def _correction_examples() -> list[Example]:
    """Staff corrections as examples, less any in the test split or the calibration set,
    saying what was added."""
    from app.services.classification.correction_examples import outside, training_examples
    from classifiers.corpus import load_calibration, load_test, load_training
    from classifiers.train import with_extra

    found = training_examples()
    usable = outside(found.examples, load_test() + load_calibration())
    corpus = load_training()
    replaced = len(corpus) + len(usable) - len(with_extra(corpus, usable))
    click.echo(
        f"Corrections from the database: {len(usable)} added as training examples, "
        f"{replaced} of them replacing a corpus example with the same text"
    )
    if len(usable) < len(found.examples):
        left_out = len(found.examples) - len(usable)
        click.echo(f"  left out, text in the test split or calibration set: {left_out}")
    if found.awaiting_review:
        click.echo(f"  left out, an alert awaits a reviewer: {found.awaiting_review}")
    return usable


@click.command()
@click.option("--artefact", default=None, help="Artefact name (default: as configured, or newest).")
@with_appcontext
def evaluate(artefact: str | None) -> None:
    """Score a trained classifier on the held-out test split and the calibration set."""
    from classifiers.corpus import load_calibration, load_test
    from classifiers.evaluate import evaluate as run_evaluation
    from classifiers.evaluate import format_reports
    from classifiers.model import load_classifier

    try:
        sets = {"test split": load_test(), "calibration": load_calibration()}
        classifier = load_classifier(artefact or current_app.config["CLASSIFIER_ARTEFACT"])
    except (FileNotFoundError, ValueError) as error:
        raise click.ClickException(str(error)) from error
    labels = classifier.artefact.themes.labels
    reports = [
        run_evaluation(classifier, examples, labels, name) for name, examples in sets.items()
    ]
    for line in format_reports(reports, _calibration_notes(classifier.artefact.meta)):
        click.echo(line)


def _calibration_notes(meta: dict[str, Any]) -> list[str]:
    """What the calibration column means, with the artefact's out-of-fold figures on it."""
    held = meta.get("calibration", {}).get("out_of_fold")
    if not held:
        return []
    flag = held["safeguarding"]
    return [
        "",
        "The thresholds were chosen on the whole calibration set, so its column flatters the "
        "model. Out of fold",
        f"(each fold at thresholds chosen on the others): macro-F1 "
        f"{held['macro_f1_communication_bias_delay']:.3f}, safeguarding recall "
        f"{flag['recall']:.3f} ({flag['positives'] - flag['missed']}/{flag['positives']}), "
        f"precision {flag['precision']:.3f}.",
    ]


@click.command()
def classify() -> None:
    """Read JSON Lines ({"id", "text", "channel"?}) on stdin; write one result per line.

    The optional channel is checked, as the contract says, but does not change the result:
    the classifier reads the words only, so a disclosure is flagged however it arrived."""
    # `heard classify` builds no app: the setting comes from the environment, as the app
    # reads it; in an app context, the app's.
    name = current_app.config["CLASSIFIER"] if has_app_context() else classifier_settings()[0]
    _classify_stdin(name)


@click.command("classify")
@with_appcontext
def classify_in_app() -> None:
    """`classify` in the app's own command group (app.cli), with the app's setting."""
    _classify_stdin(current_app.config["CLASSIFIER"])


def _classify_stdin(name: str) -> None:
    """Classify JSON Lines from stdin with the named classifier."""
    try:
        classifier = classifiers.get(name)
    except FileNotFoundError as error:
        raise click.ClickException(str(error)) from error
    if classifier is None:
        raise click.ClickException(f"no classifier named {name!r} is installed")
    out = sys.stdout
    pending: list[dict[str, Any]] = []
    for number, request in _requests(sys.stdin.buffer):
        if "error" in request:
            _flush(classifier, pending, out)
            _write(out, {"id": request.get("id"), "line": number, "error": request["error"]})
            continue
        pending.append(request)
        if len(pending) >= CLASSIFY_BATCH:
            _flush(classifier, pending, out)
    _flush(classifier, pending, out)


def _requests(stream: IO[bytes]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each non-blank input line as a request, or as {"error": reason} when it is not one."""
    for number, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        yield number, _parse(raw)


def _parse(raw: bytes) -> dict[str, Any]:
    """Validate one line against the contract."""
    if len(raw) > MAX_LINE_BYTES:
        return {"error": f"line longer than {MAX_LINE_BYTES} bytes"}
    try:
        obj = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return {"error": "not valid JSON"}
    if not isinstance(obj, dict):
        return {"error": "not a JSON object"}
    if "text" not in obj:
        return {"id": obj.get("id"), "error": "missing text"}
    if not isinstance(obj["text"], str):
        return {"id": obj.get("id"), "error": "text must be a string"}
    channel = obj.get("channel")
    if channel is not None and channel not in CHANNELS:
        return {"id": obj.get("id"), "error": f"channel must be one of {', '.join(CHANNELS)}"}
    return {"id": obj.get("id"), "text": obj["text"], "channel": channel}


def _flush(classifier: classifiers.Classifier, pending: list[dict[str, Any]], out: IO[str]) -> None:
    """Classify the waiting requests together and write their results in input order."""
    if not pending:
        return
    for request, result in zip(pending, _predict(classifier, pending), strict=True):
        if isinstance(result, Prediction):
            _write(out, _result(request["id"], result))
        else:
            _write(out, {"id": request["id"], "error": result})
    pending.clear()
    out.flush()


def _predict(
    classifier: classifiers.Classifier, requests: list[dict[str, Any]]
) -> list[Prediction | str]:
    """Predictions in one batch when the classifier can; one by one if the batch fails."""
    texts = [r["text"] for r in requests]
    predict_many = getattr(classifier, "predict_many", None)
    if predict_many is not None:
        try:
            return list(predict_many(texts))
        except Exception:
            log.exception("batch classification failed; retrying one by one")
    results: list[Prediction | str] = []
    for text in texts:
        try:
            results.append(classifier.predict(text))
        except Exception:
            log.exception("classification failed")
            results.append("classification failed")
    return results


def _result(message_id: Any, prediction: Prediction) -> dict[str, Any]:
    return {
        "id": message_id,
        "themes": prediction.themes,
        "safeguarding": prediction.safeguarding,
        "scores": prediction.scores,
        "evidence": prediction.evidence,
    }


def _write(out: IO[str], obj: dict[str, Any]) -> None:
    out.write(json.dumps(obj) + "\n")


@click.command()
def agreement() -> None:
    """How far the independent readings behind the corpus labels agree (data/labelling/)."""
    from classifiers.agreement import format_study, study

    try:
        rows = study()
    except (FileNotFoundError, ValueError, KeyError) as error:
        raise click.ClickException(str(error)) from error
    for line in format_study(rows):
        click.echo(line)
