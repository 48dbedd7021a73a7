"""Evaluation arithmetic, threshold choice and the artefact format, without the encoder."""

import numpy as np
import pytest

from classifiers.corpus import Example
from classifiers.evaluate import Counts, evaluate, format_reports, wilson_interval
from classifiers.model import Artefact, LinearHeads, artefact_folder
from classifiers.train import (
    Scored,
    Thresholds,
    best_f1_threshold,
    choose_thresholds,
    metrics,
    out_of_fold,
    predict,
    recall_threshold,
)


def test_wilson_interval_matches_known_values():
    low, high = wilson_interval(97, 100)
    assert low == pytest.approx(0.9154, abs=1e-3)
    assert high == pytest.approx(0.9897, abs=1e-3)
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_counts_give_precision_recall_and_f1():
    counts = Counts(tp=8, fp=2, fn=8)
    assert counts.precision == 0.8
    assert counts.recall == 0.5
    assert counts.f1 == pytest.approx(2 * 0.8 * 0.5 / 1.3)


def test_the_safeguarding_threshold_is_the_highest_that_keeps_recall():
    truth = np.array([True, True, True, True, False, False])
    scores = np.array([0.9, 0.8, 0.3, 0.05, 0.4, 0.1])
    rules = np.array([False, False, False, True, False, False])
    assert recall_threshold(truth, scores, rules, target=1.0) == pytest.approx((0.3 + 0.1) / 2)
    assert best_f1_threshold(truth, scores) == pytest.approx(0.05)
    assert best_f1_threshold(truth, scores) <= scores[truth].min()


class _Fixed:
    def predict_many(self, texts):
        from classifiers import Prediction

        return [
            Prediction("fixed-1", ["delay"] if "wait" in t else [], "hits" in t, {}, ["hits"])
            for t in texts
        ]


def _example(
    id_: str, text: str, themes: tuple[str, ...], flag: bool, kind: str = "complaint"
) -> Example:
    return Example(id_, "sms", kind, text, themes, flag, ("physical_abuse",) if flag else ())


EXAMPLES = [
    _example("a", "dad hits me", (), True),
    _example("b", "i hide under the bed", (), True, "compliment"),
    _example("c", "the wait, and he hits the ball", ("delay",), False, "audit"),
]


def test_the_report_lists_misses_and_false_alarms_with_ids():
    report = evaluate(_Fixed(), EXAMPLES, ["communication", "bias", "delay"])
    assert report.safeguarding == Counts(tp=1, fp=1, fn=1)
    assert [e.id for e in report.misses] == ["b"]
    text = "\n".join(format_reports([report]))
    assert "b [sms compliment] i hide under the bed" in text
    assert "c [sms audit]" in text
    assert "Wilson" in text


def test_figures_are_kept_per_kind_and_per_channel():
    report = evaluate(_Fixed(), EXAMPLES, ["communication", "bias", "delay"])
    assert report.per_kind["compliment"].counts["safeguarding"] == Counts(fn=1)
    assert report.per_kind["audit"].counts["delay"] == Counts(tp=1)
    assert report.per_kind["comment"].messages == 0
    assert report.per_channel["sms"].messages == 3
    assert report.recall_lower_bound == pytest.approx(wilson_interval(1, 2)[0])


def test_two_sets_are_printed_side_by_side_with_their_misses():
    labels = ["communication", "bias", "delay"]
    test = evaluate(_Fixed(), EXAMPLES, labels, "test split")
    calibration = evaluate(_Fixed(), EXAMPLES[:1], labels, "calibration")
    lines = format_reports([test, calibration], ["a note"])
    assert "test split (3)" in lines[2] and "calibration (1)" in lines[2]
    assert any(line.startswith("macro-F1") for line in lines)
    assert any(line.startswith("  compliment") and line.count("|") == 2 for line in lines)
    assert "a note" in lines
    assert "Safeguarding misses, test split (1):" in lines
    assert "Safeguarding misses, calibration (0):" in lines


KEY = ["communication", "bias", "delay"]


def _scored() -> Scored:
    flags = np.array([True, True, True, False, False, False, True, False, False, False])
    scores = np.array([0.9, 0.8, 0.6, 0.7, 0.2, 0.1, 0.3, 0.05, 0.4, 0.15])
    themes = np.array([[f, f, f] for f in ~flags])
    return Scored(
        themes=themes,
        theme_scores=np.where(themes, 0.8, 0.3) + np.linspace(0, 0.1, 10)[:, None],
        flags=flags,
        scores=scores,
        rule_flags=np.zeros(10, dtype=bool),
    )


def test_thresholds_are_chosen_on_one_set_and_decide_it():
    scored = _scored()
    thresholds = choose_thresholds(scored, KEY, target_recall=1.0)
    assert thresholds.safeguarding == pytest.approx((0.3 + 0.2) / 2)
    assert 0.4 < thresholds.themes["delay"] <= 0.9
    decided = predict(scored, KEY, thresholds)
    figures = metrics(scored, decided, KEY)
    assert figures["safeguarding"]["recall"] == 1.0
    assert figures["safeguarding"]["missed"] == 0
    assert figures["themes"]["delay"]["f1"] == 1.0
    assert figures["macro_f1_communication_bias_delay"] == 1.0


def test_out_of_fold_decisions_use_thresholds_chosen_without_the_row():
    scored = _scored()
    decided = out_of_fold(scored, KEY, target_recall=1.0, folds=2)
    assert decided.flagged.shape == scored.flags.shape
    everywhere = predict(scored, KEY, Thresholds(dict.fromkeys(KEY, 0.0), 0.0))
    assert everywhere.flagged.all() and everywhere.themes.all()
    assert metrics(scored, decided, KEY)["safeguarding"]["positives"] == 4


def test_an_artefact_round_trips_through_npz_and_json(tmp_path):
    width = 7
    artefact = Artefact(
        name="heard-20260101-abc",
        themes=LinearHeads(["delay", "bias"], np.ones((2, width), np.float32), np.zeros(2)),
        safeguarding=LinearHeads(["safeguarding"], np.full((1, width), 0.5), np.array([-1.0])),
        theme_thresholds={"delay": 0.4, "bias": 0.6},
        safeguarding_threshold=0.3,
        idf=np.arange(width, dtype=np.float32),
        meta={"created": "2026-01-01T00:00:00+00:00", "data_hash": "abc"},
    )
    artefact.save(tmp_path)
    loaded = Artefact.load(artefact_folder(directory=tmp_path))
    assert loaded.name == artefact.name
    assert loaded.themes.labels == ["delay", "bias"]
    assert loaded.theme_thresholds == artefact.theme_thresholds
    np.testing.assert_allclose(loaded.safeguarding.coef, artefact.safeguarding.coef)
    assert loaded.meta["data_hash"] == "abc"
    np.testing.assert_array_equal(loaded.idf, artefact.idf)


def test_a_missing_artefact_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="heard train"):
        artefact_folder(directory=tmp_path)
    with pytest.raises(FileNotFoundError, match="nope"):
        artefact_folder("nope", directory=tmp_path)
