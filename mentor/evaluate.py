"""`mentor eval`: retrieval quality against gold sections, beside a naive RAG baseline."""

from __future__ import annotations

import json
from pathlib import Path

from mentor.errors import InputError
from mentor.settings import PROJECT_ROOT

ANSWER_SET = PROJECT_ROOT / "evals" / "dataset.jsonl"


def run_retrieval(mentor, dataset: Path | None = None) -> dict:
    from mentor.documents import read_source
    from mentor.retrieval_eval import RETRIEVAL_SET, evaluate_naive, evaluate_ours, load_set

    path = dataset or RETRIEVAL_SET
    try:
        items = load_set(path)
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(f"The retrieval set {path} cannot be read ({exc}).") from None
    if not items or any("question" not in i or "gold_sections" not in i for i in items):
        raise InputError(f"The retrieval set {path} needs lines with 'question' and 'gold_sections'.")
    ours = evaluate_ours(mentor, items)
    article = read_source(mentor.settings.corpus_dir / "pm-career-path.md")
    naive = evaluate_naive(mentor.embedder, article.text, items)
    return {"dataset": str(path), "ours": ours.as_json(), "naive": naive.as_json()}


def run_cli(dataset, engines, json_out, html_out, baseline, export, retrieval_only, console) -> int:
    from rich.table import Table

    from mentor.core import Mentor

    if not retrieval_only:
        raise InputError("Answer-quality evals are not available yet; run 'mentor eval --retrieval'.")
    if html_out or baseline or export or engines:
        raise InputError("--html, --baseline, --export and --engine belong to answer-quality evals; "
                         "'mentor eval --retrieval' takes --dataset and --json.")
    result = run_retrieval(Mentor.from_settings(), dataset)
    table = Table(title=f"Retrieval ({result['ours']['n']} questions)")
    for col in ("retriever", "hit@1", "hit@3", "MRR"):
        table.add_column(col)
    for row in (result["ours"], result["naive"]):
        table.add_row(row["name"], f"{row['hit@1']:.3f}", f"{row['hit@3']:.3f}", f"{row['mrr']:.3f}")
    console.print(table)
    if json_out:
        json_out.write_text(json.dumps(result, indent=2))
    return 0
