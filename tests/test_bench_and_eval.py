"""Smoke tests: the benchmark and the retrieval eval run and report every field (no timing asserts)."""

import json

import pytest
from typer.testing import CliRunner

from mentor.cli import app

pytestmark = pytest.mark.model
runner = CliRunner()


def test_bench_reports_every_field(seed_index, monkeypatch, tmp_path):
    """A tiny run (the seed and 120 generated passages): every field, no timing assertions."""
    from mentor import bench

    monkeypatch.setitem(bench.SIZES, "tiny", 120)
    settings = seed_index.model_copy(update={"index_dir": tmp_path / "bench-index"})
    import shutil

    shutil.copytree(seed_index.index_dir, settings.index_dir)
    monkeypatch.setenv("MENTOR_INDEX_DIR", str(settings.index_dir))
    result = bench.run(["tiny"], queries=3, settings=settings)
    assert result["encode_passages_per_s"] > 0
    for name in ("seed", "tiny"):
        r = result["runs"][name]
        for key in ("search", "ask_grounded_warm", "exact_numpy_search", "chroma_dense_search", "naive_langchain_k4"):
            assert set(r[key]) == {"p50_ms", "p95_ms", "n"} and r[key]["n"] == 3
        assert 0 <= r["recall@10_vs_exact"] <= 1
        assert r["cold_start_s"] > 0 and r["peak_rss_mb"] > 0 and r["index_mb"] > 0
        assert r["imported_torch"] is False  # queries go through ONNX Runtime
    tiny = result["runs"]["tiny"]
    assert tiny["passages"] >= 120 and tiny["ingest_passages_per_s"] > 0 and tiny["ingest_vs_encode"] > 0
    assert set(result["runs"]["seed"]["seed_hit@3"]) == {"ours", "naive"}
    again = bench.run(["tiny"], queries=1, settings=settings)  # the generated corpus is cached
    assert again["runs"]["tiny"]["ingest_s"] == tiny["ingest_s"]


def test_onnx_vectors_match_sentence_transformers(seed_index):
    import numpy as np

    from mentor.embeddings import SentenceTransformerEmbeddings
    from mentor.onnx_embeddings import OnnxEmbeddings
    from mentor.retrieval_eval import load_set

    qs = [i["question"] for i in load_set()]
    onnx = OnnxEmbeddings.cached(seed_index.embedding_model, seed_index.index_dir / "onnx")
    assert onnx is not None
    a = np.asarray(onnx.embed_documents(qs))
    b = np.asarray(SentenceTransformerEmbeddings(seed_index.embedding_model).embed_documents(qs))
    assert float((a * b).sum(axis=1).min()) >= 0.999


def test_bench_rejects_unknown_sizes():
    from mentor import bench
    from mentor.errors import InputError

    with pytest.raises(InputError, match="Unknown size 5m"):
        bench.parse_sizes("1k,5m")


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
