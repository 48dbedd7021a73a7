"""`heard train --include-corrections`: staff corrections reach the trainer as examples, each
replacing a corpus example with the same text, and none from the test split or calibration set."""

import json
from pathlib import Path

import pytest

import classifiers.train as training
from app.services.classification import corrections
from classifiers.corpus import Example, load_calibration, load_test, load_training
from tests.factories import StaffUserFactory
from tests.services.classification.test_corrections import item_with


def _example(id: str, text: str, themes: tuple[str, ...] = (), flag: bool = False) -> Example:
    return Example(id, "sms", "complaint", text, themes, flag, ())


def test_an_extra_example_replaces_a_corpus_example_with_the_same_text():
    corpus = [_example("c1", "No reply for weeks", ("delay",)), _example("c2", "Thank you")]
    extra = [_example("x1", "  No reply\nfor weeks ", ("communication",))]
    merged = training.with_extra(corpus, extra)
    assert [e.id for e in merged] == ["c2", "x1"]
    assert training.with_extra(corpus, []) == corpus


class _Stop(Exception):
    """Raised where training would start its real work, once the texts are known."""


def test_train_fits_on_the_corpus_with_the_extra_examples(monkeypatch, tmp_path):
    corpus = [_example("c1", "No reply for weeks", ("delay",)), _example("c2", "Thank you")]
    seen: list[list[str]] = []

    def capture(texts: list[str]) -> None:
        seen.append(texts)
        raise _Stop

    monkeypatch.setattr(training, "load_training", lambda data_dir: corpus)
    monkeypatch.setattr(training, "load_calibration", lambda data_dir: [])
    monkeypatch.setattr(training, "inverse_document_frequencies", capture)
    extra = [_example("x1", "No reply for weeks", ("communication",))]
    with pytest.raises(_Stop):
        training.train(data_dir=tmp_path, output=tmp_path, progress=False, extra=extra)
    assert seen == [["Thank you", "No reply for weeks"]]


@pytest.fixture
def trainer(monkeypatch):
    """Stands in for the real training (minutes of embedding): records the examples it is
    handed and writes the description `heard train` reads back."""
    handed: list[list[Example]] = []

    def fake_train(output: Path, target_recall: float, extra: list[Example]) -> Path:
        handed.append(list(extra))
        folder = output / "heard-test"
        folder.mkdir(parents=True, exist_ok=True)
        figures = {
            "macro_f1_communication_bias_delay": 1.0,
            "safeguarding": {"recall": 1.0, "precision": 1.0},
        }
        description = {
            "calibration": {
                "examples": 2,
                "folds": 5,
                "out_of_fold": figures,
                "at_final_thresholds": figures,
            },
            "safeguarding_threshold": 0.5,
        }
        (folder / "model.json").write_text(json.dumps(description))
        return folder

    monkeypatch.setattr(training, "train", fake_train)
    return handed


def test_corrections_are_handed_to_training_and_counted(app, trainer, tmp_path):
    corpus_text = load_training()[0].text
    replacing = item_with(["bias"], text=corpus_text)
    new = item_with(["bias"], text="The social worker never rings back and the report is late")
    in_test = item_with(["bias"], text=load_test()[0].text)
    in_calibration = item_with(["bias"], text=load_calibration()[0].text)
    officer = StaffUserFactory()
    for item in (replacing, new, in_test, in_calibration):
        corrections.correct_themes(item, officer, ["delay", "communication"])

    result = app.test_cli_runner().invoke(
        args=["train", "--include-corrections", "--output", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    (handed,) = trainer
    assert {e.text for e in handed} == {corpus_text, new.messages[0].text}
    assert all(e.themes == ("communication", "delay") for e in handed)
    assert all(e.safeguarding is False for e in handed)
    assert "2 added as training examples, 1 of them replacing a corpus example" in result.output
    assert "left out, text in the test split or calibration set: 2" in result.output


def test_without_the_option_no_corrections_are_read(app, trainer, tmp_path):
    corrections.correct_themes(item_with(["bias"]), StaffUserFactory(), ["delay"])
    result = app.test_cli_runner().invoke(args=["train", "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert trainer == [[]]
    assert "Corrections" not in result.output
