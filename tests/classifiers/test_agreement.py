"""The labelling study: blind readings compared with the corpus labels and with each other."""

import json
from pathlib import Path

import pytest

from classifiers.agreement import compare, format_study, majority, read_blind, study


def _write(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def _blind(id_: str, *themes: str) -> dict:
    return {"id": id_, **{t: t in themes for t in ("communication", "bias", "delay")}}


def _message(id_: str, *themes: str) -> dict:
    return {"id": id_, "text": id_, "themes": list(themes), "safeguarding": False}


def test_compare_counts_each_theme_and_gives_kappa():
    first = {"a": frozenset({"delay"}), "b": frozenset({"delay", "bias"}), "c": frozenset()}
    second = {"a": frozenset({"delay"}), "b": frozenset({"communication"}), "c": frozenset()}
    result = compare("x", first, second, ["a", "b", "c"])
    assert (result.counts["delay"].tp, result.counts["delay"].fn) == (1, 1)
    assert result.counts["delay"].f1 == pytest.approx(2 / 3)
    assert result.counts["communication"].fp == 1
    assert result.kappa["delay"] == pytest.approx(0.4)
    assert result.macro_f1 == pytest.approx((0 + 0 + 2 / 3) / 3)


def test_two_labellings_that_never_mark_a_theme_agree_on_it():
    empty = {"a": frozenset(), "b": frozenset()}
    result = compare("x", empty, empty, ["a", "b"])
    assert result.kappa["bias"] == 1.0


def test_majority_keeps_a_theme_two_of_three_gave():
    one = {"a": frozenset({"delay", "bias"})}
    two = {"a": frozenset({"delay"})}
    three = {"a": frozenset({"communication"})}
    assert majority(one, two, three) == {"a": frozenset({"delay"})}


def test_a_bad_blind_line_names_its_file_and_line(tmp_path):
    path = tmp_path / "blind.jsonl"
    _write(path, [_blind("a", "delay"), {"id": "b"}])
    with pytest.raises(ValueError, match=r"blind\.jsonl line 2"):
        read_blind(path)


def test_only_true_marks_a_theme(tmp_path):
    path = tmp_path / "blind.jsonl"
    _write(path, [{"id": "a", "communication": "yes", "bias": 1, "delay": True}])
    assert read_blind(path) == {"a": frozenset({"delay"})}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    _write(tmp_path / "train_01.jsonl", [_message("t1", "delay"), _message("t2", "bias")])
    _write(tmp_path / "test.jsonl", [_message("s1", "communication"), _message("s2")])
    folder = tmp_path / "labelling"
    folder.mkdir()
    _write(folder / "blind_train.jsonl", [_blind("t1", "delay"), _blind("t2")])
    _write(folder / "blind_train_third.jsonl", [_blind("t2")])
    _write(folder / "blind_test_a.jsonl", [_blind("s1", "communication"), _blind("s2")])
    _write(folder / "blind_test_b.jsonl", [_blind("s1"), _blind("s2", "communication")])
    return tmp_path


def test_the_study_compares_every_pair_it_has(data_dir):
    rows = {row.name: row for row in study(data_dir)}
    assert rows["training: corpus labels v. reader 1"].counts["bias"].fn == 1
    assert rows["training, disputed: corpus v. reader 3"].messages == 1
    assert rows["test: corpus labels v. reader A"].counts["communication"].f1 == 1.0
    assert rows["test: reader A v. reader B"].counts["communication"].tp == 0
    table = format_study(list(rows.values()))
    assert table[0].startswith("comparison")
    assert len(table) == len(rows) + 1


def test_a_reader_who_skipped_a_message_is_an_error_not_a_silent_gap(data_dir):
    _write(data_dir / "labelling" / "blind_test_b.jsonl", [_blind("s1")])
    with pytest.raises(KeyError):
        study(data_dir)


def test_heard_agreement_reads_the_committed_study(app):
    result = app.test_cli_runner().invoke(args=["agreement"])
    assert result.exit_code == 0, result.output
    assert "test: reader A v. reader B" in result.output
    assert "400" in result.output
