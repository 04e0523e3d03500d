"""Smoke tests: the benchmark and the retrieval eval run and report every field (no timing asserts)."""

import json

import pytest
from typer.testing import CliRunner

from mentor.cli import app

pytestmark = pytest.mark.model
runner = CliRunner()


def test_bench_reports_every_field(seed_index, monkeypatch, tmp_path):
    from mentor import bench

    monkeypatch.setenv("MENTOR_INDEX_DIR", str(seed_index.index_dir))
    monkeypatch.setenv("MENTOR_HISTORY_URL", f"sqlite:///{tmp_path / 'c.sqlite3'}")
    result = bench.run(queries=3, cold_runs=1)
    assert result["passages"] > 20
    for key in ("search", "ask_grounded_warm"):
        assert set(result[key]) == {"p50_ms", "p95_ms", "n"} and result[key]["n"] == 3
    assert result["cold_start_first_answer"]["median_s"] > 0
    assert result["peak_rss_mb"] > 0


def test_eval_retrieval_cli_writes_json(seed_index, monkeypatch, tmp_path):
    monkeypatch.setenv("MENTOR_INDEX_DIR", str(seed_index.index_dir))
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["eval", "--retrieval", "--json", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["ours"]["hit@3"] >= 0.95 and data["naive"]["n"] == data["ours"]["n"]


def test_eval_with_a_bad_dataset_is_one_sentence(seed_index, monkeypatch, tmp_path):
    monkeypatch.setenv("MENTOR_INDEX_DIR", str(seed_index.index_dir))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "question": "hi"}\n')
    result = runner.invoke(app, ["eval", "--dataset", str(bad)])
    assert result.exit_code == 1 and "needs id, question and expect" in result.output
    assert "Traceback" not in result.output
