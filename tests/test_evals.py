"""Eval metrics on hand-made cases with known answers, the baseline gate, and the HTML report."""

import json

import pytest
from typer.testing import CliRunner

from mentor import evaluate
from mentor.cli import app
from mentor.evaluate import ItemResult, citation_scores, fact_hits, forbidden_hits, metrics, regressions
from mentor.retrieve import Passage
from mentor.verify import Verifier


def result(expect="answer", abstained=False, facts=(True,), forbidden=(), gold=("A",), retrieved=("A",),
           support=(True,), precise=(True,), turns=(), latency=10.0, category="c"):
    item = {"id": "x", "category": category, "question": "q", "expect": expect, "gold_sections": list(gold),
            "turns": list(turns), "required": [["f"]] * len(facts)}
    answer = {"answer": "a", "abstained": abstained, "citations": []}
    return ItemResult(item, answer, list(retrieved), [], list(facts), list(forbidden), list(support), list(precise), latency)


def test_fact_and_forbidden_matching():
    assert fact_hits("They oversee up to FIVE direct reports.", [["five", "5"], ["ten"]]) == [True, False]
    assert fact_hits("It’s noteworthy", [["it's noteworthy"]]) == [True]
    assert forbidden_hits("A PM earns $120k", [r"\$\s?\d", "bonus"]) == [r"\$\s?\d"]


def test_retrieval_metrics():
    m = metrics([result(gold=["A"], retrieved=["A", "B"]), result(gold=["A"], retrieved=["B", "C", "A"]),
                 result(gold=["A"], retrieved=["B", "C", "D", "A"])])
    assert m["hit@1"] == round(1 / 3, 4) and m["hit@3"] == round(2 / 3, 4)
    assert m["mrr"] == round((1 + 1 / 3 + 1 / 4) / 3, 4)


def test_abstention_metrics():
    m = metrics([result(expect="abstain", abstained=True), result(expect="abstain", abstained=False),
                 result(expect="answer", abstained=True), result(expect="answer", abstained=False)])
    assert (m["abstention_precision"], m["abstention_recall"], m["abstention_f1"]) == (0.5, 0.5, 0.5)
    assert metrics([result()])["abstention_f1"] is None


def test_citation_fact_forbidden_and_followup_rates():
    m = metrics([result(support=[True, False], precise=[True, True, False], facts=[True, False], turns=["t"]),
                 result(forbidden=["x"], turns=["t"])])
    assert m["citation_recall"] == round(2 / 3, 4)
    assert m["citation_precision"] == 0.75
    assert m["fact_coverage"] == round(2 / 3, 4)
    assert m["forbidden_rate"] == 0.5
    assert m["followup_correct"] == 0.0


def test_alce_citation_scores_on_known_sentences():
    lead = Passage("l", "Typically, they oversee up to five direct reports.", "d", "Lead Product Manager", {})
    head = Passage("h", "The Head of Product is an advisor to the CEO.", "d", "Head of Product", {})
    answer = {"answer": "**Label**\n\nLead PMs oversee up to five direct reports [1][2]. Lead PMs earn a lot [1]."}
    recalled, precise = citation_scores(Verifier(), answer, {1: lead, 2: head})
    assert recalled == [True, False]
    assert precise == [True, False, False]


def test_regression_gate():
    base = {"overall": {"fact_coverage": 0.95, "forbidden_rate": 0.0, "hit@3": 0.96}}
    same = {"overall": {"fact_coverage": 0.94, "forbidden_rate": 0.0, "hit@3": 0.96}}
    worse = {"overall": {"fact_coverage": 0.80, "forbidden_rate": 0.05, "hit@3": 0.96}}
    assert regressions(same, base) == []
    assert regressions(worse, base) == ["fact_coverage: 0.95 → 0.8", "forbidden_rate: 0.0 → 0.05"]


@pytest.mark.model
def test_grounded_eval_holds_the_baseline_on_the_test_split(seed_index):
    items = evaluate.load_eval_set(split="test")
    assert len(items) >= 150 and {i["style"] for i in items} >= {"formal", "casual", "misspelt"}
    report = evaluate.evaluate_engine("grounded", items, seed_index)
    o = report["splits"]["test"]
    print("\neval (test split):", {k: o[k] for k in ("fact_coverage", "citation_precision", "abstention_f1",
                                                     "forbidden_rate", "company_right_cited", "cell@3")})
    baseline = json.loads(evaluate.BASELINE.read_text())
    assert regressions(report, baseline) == []
    # Floors well under today's figures: the baseline gate above is the fine-grained one.
    assert o["fact_coverage"] >= 0.80 and o["citation_precision"] >= 0.95 and o["forbidden_rate"] == 0.0
    assert o["abstention_f1"] >= 0.65


def test_splits_are_stable_and_keep_groups_together():
    items = evaluate.load_eval_set()
    by_group = {}
    for i in items:
        by_group.setdefault(i["group"], set()).add(i["split"])
    assert all(len(s) == 1 for s in by_group.values())
    share = sum(s == {"test"} for s in by_group.values()) / len(by_group)
    assert 0.3 <= share <= 0.5
    assert evaluate.split_of("t-apm-pm") == evaluate.split_of("t-apm-pm")


@pytest.mark.model
def test_cli_gate_fails_on_a_worse_run_and_writes_reports(seed_index, monkeypatch, tmp_path):
    import shutil
    from pathlib import Path

    from mentor.bench_ui import chromium_page

    monkeypatch.setenv("MENTOR_INDEX_DIR", str(seed_index.index_dir))
    small = tmp_path / "small.jsonl"
    lines = [json.loads(x) for x in evaluate.ANSWER_SET.read_text().splitlines()[:6]]
    lines[0]["required"] = [["a phrase the mentor never says"]]  # a deliberately worse run
    small.write_text("\n".join(json.dumps(x) for x in lines))
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"overall": {"fact_coverage": 1.0}}))
    html, out, export = tmp_path / "r.html", tmp_path / "r.json", tmp_path / "ragas.jsonl"
    r = CliRunner().invoke(app, ["eval", "--dataset", str(small), "--baseline", str(baseline), "--html", str(html),
                                 "--json", str(out), "--export", str(export)])
    assert r.exit_code == 1 and "Regression against" in r.output and "fact_coverage" in r.output
    report = json.loads(out.read_text())
    assert report["failures"][0]["id"] == lines[0]["id"]
    rows = [json.loads(x) for x in export.read_text().splitlines()]
    assert len(rows) == 6 and {"user_input", "response", "retrieved_contexts", "reference", "input",
                               "actual_output", "retrieval_context", "expected_output"} <= set(rows[0])

    if not (shutil.which("chromium") or Path("/usr/bin/chromium").exists()):
        pytest.skip("chromium is not installed (apt-get install chromium)")
    with chromium_page() as page:
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(html.as_uri())
        assert page.locator("h1").inner_text() == "PM Mentor eval"
        assert page.locator("svg").count() >= 4
        assert page.locator("details.fail").count() >= 1
        assert errors == []


def test_llm_judge_on_canned_replies():
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    from mentor.embeddings import FakeEmbeddings
    from mentor.evaluate import LLMJudge

    chat = GenericFakeChatModel(messages=iter([
        AIMessage("yes: Lead PMs have up to five reports\nno: They earn a lot"),
        AIMessage("How many reports does a Lead PM have?\nWhat does a Lead PM manage?\nWho reports to a Lead PM?"),
    ]))
    judged = LLMJudge(chat, FakeEmbeddings())("How many direct reports does a Lead PM have?", "answer", ["context"])
    assert judged["faithfulness"] == 0.5 and judged["label"] == "judged"
    assert 0 < judged["answer_relevance"] <= 1


def test_engines_side_by_side_in_one_report(fake_chat, fake_corpus, tmp_path, monkeypatch):
    from tests.conftest import build_index

    settings = build_index(tmp_path / "idx", fake_corpus)
    monkeypatch.setenv("MENTOR_INDEX_DIR", str(settings.index_dir))
    monkeypatch.setenv("MENTOR_CORPUS_DIR", str(fake_corpus))
    monkeypatch.setenv("MENTOR_EMBEDDER", "fake")
    small = tmp_path / "two.jsonl"
    small.write_text("\n".join(json.dumps(x) for x in [
        {"id": "a", "category": "factual", "question": "How many direct reports does a Lead PM have?",
         "expect": "answer", "required": [["five"]]},
        {"id": "b", "category": "out-of-scope", "question": "What's the weather in Paris?", "expect": "abstain"},
    ]))
    fake_chat.enqueue("Lead PMs have up to five direct reports [1].")
    out, html = tmp_path / "both.json", tmp_path / "both.html"
    r = CliRunner().invoke(app, ["eval", "--dataset", str(small), "--engine", "grounded", "--engine", "fake",
                                 "--json", str(out), "--html", str(html)])
    assert r.exit_code == 0, r.output
    report = json.loads(out.read_text())
    assert [e["engine"] for e in report["engines"]] == ["grounded", "fake"]
    for e in report["engines"]:
        assert e["overall"]["items"] == 2 and e["by_category"]["out-of-scope"]["abstention_recall"] == 1.0
    assert html.read_text().count("<th>") >= 3
