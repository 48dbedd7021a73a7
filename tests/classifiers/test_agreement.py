"""The labelling study: independent readings compared with each other, label by label."""

import json
from pathlib import Path

import pytest

from classifiers.agreement import compare, format_study, read_blind, study
from classifiers.evaluate import Counts


def _write(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def _blind(id_: str, *labels: str) -> dict:
    return {
        "id": id_,
        **{t: t in labels for t in ("communication", "bias", "delay", "safeguarding")},
    }


def _message(id_: str, *themes: str) -> dict:
    return {"id": id_, "text": id_, "themes": list(themes), "safeguarding": False}


def test_compare_counts_each_label_and_gives_kappa():
    first = {"a": frozenset({"delay"}), "b": frozenset({"delay", "bias"}), "c": frozenset()}
    second = {"a": frozenset({"delay"}), "b": frozenset({"communication"}), "c": frozenset()}
    result = compare("x", first, second, ["a", "b", "c"])
    assert (result.counts["delay"].tp, result.counts["delay"].fn) == (1, 1)
    assert result.counts["delay"].f1 == pytest.approx(2 / 3)
    assert result.counts["communication"].fp == 1
    assert result.kappa["delay"] == pytest.approx(0.4)
    assert result.macro_f1 == pytest.approx((0 + 0 + 2 / 3) / 3)


def test_safeguarding_is_compared_but_not_in_the_theme_macro_f1():
    first = {"a": frozenset({"safeguarding"}), "b": frozenset()}
    second = {"a": frozenset(), "b": frozenset({"safeguarding"})}
    result = compare("x", first, second, ["a", "b"])
    assert result.counts["safeguarding"] == Counts(tp=0, fp=1, fn=1)
    assert result.kappa["safeguarding"] == pytest.approx(-1.0)
    assert result.macro_f1 == 0.0


def test_two_labellings_that_never_mark_a_label_agree_on_it():
    empty = {"a": frozenset(), "b": frozenset()}
    result = compare("x", empty, empty, ["a", "b"])
    assert result.kappa["bias"] == 1.0


def test_a_bad_reading_line_names_its_file_and_line(tmp_path):
    path = tmp_path / "reading.jsonl"
    _write(path, [_blind("a", "delay"), {"id": "b"}])
    with pytest.raises(ValueError, match=r"reading\.jsonl line 2"):
        read_blind(path)


def test_only_true_marks_a_label(tmp_path):
    path = tmp_path / "reading.jsonl"
    _write(
        path,
        [{"id": "a", "communication": "yes", "bias": 1, "delay": True, "safeguarding": True}],
    )
    assert read_blind(path) == {"a": frozenset({"delay", "safeguarding"})}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    _write(tmp_path / "test.jsonl", [_message("s1", "communication"), _message("s2")])
    folder = tmp_path / "labelling"
    folder.mkdir()
    _write(folder / "corpus_reader_a.jsonl", [_blind("t1", "delay"), _blind("s1"), _blind("s2")])
    _write(folder / "corpus_reader_b.jsonl", [_blind("t1"), _blind("s1"), _blind("s2", "bias")])
    _write(folder / "new_writer.jsonl", [_blind("w1", "safeguarding")])
    _write(folder / "new_reader_r.jsonl", [_blind("w1", "safeguarding")])
    _write(folder / "calibration_reader_a.jsonl", [_blind("k1", "delay")])
    _write(folder / "calibration_reader_b.jsonl", [_blind("k1", "delay")])
    _write(folder / "calibration_writer.jsonl", [_blind("k1")])
    return tmp_path


def test_the_study_compares_every_pair_of_readings(data_dir):
    rows = {row.name.strip(): row for row in study(data_dir)}
    assert rows["train+test: reader A v. reader B"].messages == 3
    assert rows["training files only"].counts["delay"].tp == 0
    assert rows["training files only"].messages == 1
    assert rows["test split only"].counts["bias"].fp == 1
    assert rows["new messages: writer v. reader R"].counts["safeguarding"].tp == 1
    assert rows["calibration: reader A v. reader B"].counts["delay"].f1 == 1.0
    assert rows["calibration: writer v. reader A"].counts["delay"].fp == 1
    table = format_study(list(rows.values()))
    assert "language model" in table[0]
    assert len(table) == len(rows) + 4


def test_a_reader_who_skipped_a_message_is_an_error_not_a_silent_gap(data_dir):
    _write(data_dir / "labelling" / "corpus_reader_b.jsonl", [_blind("t1")])
    with pytest.raises(KeyError):
        study(data_dir)


def test_heard_agreement_reads_the_committed_study(app):
    result = app.test_cli_runner().invoke(args=["agreement"])
    assert result.exit_code == 0, result.output
    assert "train+test: reader A v. reader B" in result.output
    assert "2868" in result.output
    assert "calibration: writer v. reader B" in result.output
