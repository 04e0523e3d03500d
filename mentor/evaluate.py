"""`mentor eval`: answer quality on a JSONL dataset, offline metrics first, an LLM judge optional.

Dataset lines (evals/dataset.jsonl; see evals/README.md):
  id, category, question, expect ("answer" | "abstain"), optional level / target / turns,
  required (list of groups of acceptable phrasings), forbidden (regexes), gold_sections,
  poison (true: run against a separate index that also holds evals/poisoned/).

Beside the dataset, ``paraphrases.jsonl`` gives each item formal, casual and misspelt
rewordings (scored as items of the same group) and ``conversations.jsonl`` adds
multi-turn items. Every group falls in the dev or the test split by a hash of its
id, fixed once: thresholds and examples are fitted on dev; the gate runs on test.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import statistics
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from mentor.errors import InputError
from mentor.settings import PROJECT_ROOT, Settings

ANSWER_SET = PROJECT_ROOT / "evals" / "dataset.jsonl"
POISON_DIR = PROJECT_ROOT / "evals" / "poisoned"
BASELINE = PROJECT_ROOT / "evals" / "baseline-grounded.json"
TOLERANCE = 0.02  # a metric may move this much against the baseline before it counts as a regression
# Higher is better for all of these but the last two.
GATED = ("fact_coverage", "citation_precision", "citation_recall", "abstention_f1", "hit@3", "context_recall",
         "followup_correct", "forbidden_rate")
LOWER_IS_BETTER = {"forbidden_rate"}
TEST_SHARE = 0.4  # share of groups in the test split
EXTRA_SETS = ("conversations.jsonl", "scope.jsonl", "ladders.jsonl")
# Company ladders the ladder items are asked against (a file name in an item's "ladder" field).
LADDER_FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "ladders"


def split_of(group: str) -> str:
    """'test' or 'dev', stable for a group id whatever else the files hold."""
    bucket = int(hashlib.sha256(group.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "test" if bucket < TEST_SHARE else "dev"


def load_eval_set(path: Path = ANSWER_SET, split: str | None = None) -> list[dict]:
    """The dataset with its paraphrases and conversations (files beside it), each item labelled with
    its group, style and split; ``split`` keeps one split only."""
    items = load_dataset(path)
    by_id = {i["id"]: i for i in items}
    for i in items:
        i.setdefault("group", i["id"])
        i.setdefault("style", "original")
    paraphrases = path.with_name("paraphrases.jsonl")
    if paraphrases.exists():
        for p in load_dataset_lines(paraphrases):
            base = by_id.get(p["group"])
            if base is not None:
                item = {**base, "id": f"{p['group']}~{p['style']}", "question": p["question"], "style": p["style"]}
                if "turns" in p:
                    item["turns"] = p["turns"]
                items.append(item)
    for extra in EXTRA_SETS if path.name == ANSWER_SET.name else ():  # conversations, scope, company ladders
        if path.with_name(extra).exists():
            for c in load_dataset(path.with_name(extra)):
                c.setdefault("group", c["id"])
                c.setdefault("style", "plain")
                items.append(c)
    for i in items:
        i["split"] = split_of(i["group"])
    return [i for i in items if split is None or i["split"] == split]


def load_dataset_lines(path: Path) -> list[dict]:
    from mentor.text import load_jsonl

    try:
        return load_jsonl(path)
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(f"{path} cannot be read as JSON lines ({exc}).") from None


@dataclass
class ItemResult:
    item: dict
    answer: dict
    retrieved_sections: list[str]
    contexts: list[str]
    facts: list[bool]
    forbidden_hits: list[str]
    sentence_support: list[bool] = field(default_factory=list)
    citation_precise: list[bool] = field(default_factory=list)
    latency_ms: float = 0.0
    judged: dict | None = None
    support: dict = field(default_factory=dict)  # the abstention step's measurements

    @property
    def passed(self) -> bool:
        abstain_ok = self.answer["abstained"] == (self.item["expect"] == "abstain")
        return abstain_ok and all(self.facts) and not self.forbidden_hits and all(self.sentence_support)

    def as_json(self) -> dict:
        return {"id": self.item["id"], "category": self.item["category"], "question": self.item["question"],
                "group": self.item.get("group"), "style": self.item.get("style"), "split": self.item.get("split"),
                "passed": self.passed, "answer": self.answer["answer"], "abstained": self.answer["abstained"],
                "expect": self.item["expect"], "citations": self.answer["citations"], "facts": self.facts,
                "required": self.item.get("required", []),
                "forbidden_hits": self.forbidden_hits, "retrieved_sections": self.retrieved_sections,
                "latency_ms": round(self.latency_ms, 2), **({"judged": self.judged} if self.judged else {})}


def load_dataset(path: Path = ANSWER_SET) -> list[dict]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"The dataset {path} cannot be read ({exc.strerror or exc}).") from None
    items = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            raise InputError(f"Line {n} of {path} is not valid JSON.") from None
        missing = {"id", "question", "expect"} - set(item)
        if missing or item["expect"] not in ("answer", "abstain"):
            raise InputError(f"Line {n} of {path} needs id, question and expect ('answer' or 'abstain').")
        item.setdefault("category", "uncategorized")
        items.append(item)
    if not items:
        raise InputError(f"The dataset {path} has no items.")
    return items


# ---- scoring one answer ---------------------------------------------------------

def fact_hits(answer: str, required: list[list[str]]) -> list[bool]:
    text = _fold(answer)
    return [any(_fold(p) in text for p in group) for group in required]


def forbidden_hits(answer: str, forbidden: list[str]) -> list[str]:
    return [p for p in forbidden if re.search(p, answer, re.IGNORECASE)]


def _fold(text: str) -> str:
    return " ".join(text.replace("’", "'").lower().split())


def citation_scores(verifier, answer: dict, passages: dict[int, object]) -> tuple[list[bool], list[bool]]:
    """ALCE-style: a sentence is recalled if its citations support it; a citation is precise if it
    supports the sentence on its own. Structure lines and notes (italics) are not claims."""
    from mentor.text import plain as _plain
    from mentor.text import split_sentences
    from mentor.verify import _STRUCTURE

    recalled, precise = [], []
    claims = []
    for line in answer["answer"].splitlines():
        if not line.strip() or _STRUCTURE.match(line):
            continue
        if line.lstrip().startswith("|"):  # a table: each cited cell is a claim; labels are not
            claims += [cell for cell in line.strip().strip("|").split("|") if re.search(r"\[\d+\]", cell)]
        else:
            claims.append(re.sub(r"^\s*(?:[-*+]\s+|\d+[.)]\s+)", "", line))
    for claim in claims:
        for sentence in split_sentences(claim.strip()):
            plain = _plain(sentence)
            if not re.search(r"\w", plain):
                continue
            cited = [int(n) for n in re.findall(r"\[(\d+)\]", sentence)]
            ok = [verifier.support(plain, passages[n])[0] for n in cited if n in passages]
            recalled.append(any(ok))
            precise.extend(ok)
    return recalled, precise


# ---- running ---------------------------------------------------------------------

def _citation_passages(answer) -> dict[int, object]:
    """The whole passage behind each citation (as retrieved), not only its quote."""
    from mentor.retrieve import Passage

    retrieved = {p["chunk_id"]: p for p in (answer.trace or {}).get("retrieved", [])}
    out = {}
    for c in answer.citations:
        p = retrieved.get(c.chunk_id)
        out[c.n] = Passage(c.chunk_id, p["text"] if p else c.quote, c.source, c.section, {})
    return out


def run_items(mentor, items: list[dict], progress=None, judge=None) -> list[ItemResult]:
    results = []
    for i, item in enumerate(items):
        session = f"eval-{item['id']}-{i}"
        mentor.history.delete(session)
        level, target = _known(mentor, item.get("level")), _known(mentor, item.get("target"))
        for turn in item.get("turns", []):
            mentor.ask(turn, level=level, target=target, session=session)
        answer = mentor.ask(item["question"], level=level, target=target, session=session)
        retrieved = answer.trace["retrieved"] if answer.trace else []
        recalled, precise = citation_scores(mentor.verifier, answer.model_dump(), _citation_passages(answer))
        result = ItemResult(
            item=item, answer=answer.model_dump(),
            retrieved_sections=[p["section"] for p in retrieved if p.get("rank")],
            contexts=[p["text"] for p in retrieved],
            facts=fact_hits(answer.answer, item.get("required", [])),
            forbidden_hits=forbidden_hits(answer.answer, item.get("forbidden", [])),
            sentence_support=recalled, citation_precise=precise, latency_ms=answer.timings_ms.get("total", 0.0),
            support=(answer.trace or {}).get("support", {}).get("features", {}),
        )
        if judge is not None and not answer.abstained:
            result.judged = judge(item["question"], answer.answer, result.contexts)
        results.append(result)
        mentor.history.delete(session)
        if progress:
            progress(i + 1, len(items))
    return results


def _known(mentor, name: str | None) -> str | None:
    """An item's level when the ladder has it; a level the ladder lacks is the question's to mention."""
    try:
        return name if name and mentor.level(name) else None
    except InputError:
        return None


def metrics(results: list[ItemResult]) -> dict:
    """Every offline metric over a group of results (None where nothing in the group measures it)."""
    def mean(values):
        values = list(values)
        return round(sum(values) / len(values), 4) if values else None

    with_gold = [r for r in results if r.item.get("gold_sections")]
    ranks = []
    for r in with_gold:
        gold = set(r.item["gold_sections"])
        ranks.append(next((k for k, s in enumerate(r.retrieved_sections, 1) if s in gold), None))
    tp = sum(1 for r in results if r.answer["abstained"] and r.item["expect"] == "abstain")
    fp = sum(1 for r in results if r.answer["abstained"] and r.item["expect"] != "abstain")
    fn = sum(1 for r in results if not r.answer["abstained"] and r.item["expect"] == "abstain")
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = (2 * precision * recall / (precision + recall) if precision and recall else 0.0) \
        if precision is not None and recall is not None else None
    company = [r for r in results if r.item.get("ladder") and r.item["expect"] == "answer"]
    latencies = sorted(r.latency_ms for r in results)
    follow = [r for r in results if r.item.get("turns")]
    judged = [r.judged for r in results if r.judged]
    out = {
        "items": len(results),
        "passed": round(sum(r.passed for r in results) / len(results), 4) if results else None,
        "hit@1": mean(k == 1 for k in ranks), "hit@3": mean(k is not None and k <= 3 for k in ranks),
        "mrr": mean(1 / k if k else 0.0 for k in ranks),
        "context_recall": mean(len(set(r.item["gold_sections"]) & set(_all_sections(r))) / len(set(r.item["gold_sections"]))
                               for r in with_gold),
        "citation_recall": mean(s for r in results for s in r.sentence_support),
        "citation_precision": mean(c for r in results for c in r.citation_precise),
        "fact_coverage": mean(f for r in results for f in r.facts),
        "forbidden_rate": mean(bool(r.forbidden_hits) for r in results),
        "abstention_precision": None if precision is None else round(precision, 4),
        "abstention_recall": None if recall is None else round(recall, 4),
        "abstention_f1": None if f1 is None else round(f1, 4),
        "followup_correct": mean(all(r.facts) and not r.forbidden_hits for r in follow),
        # Company ladders: right and citing the company's own document; the right cell among the top three.
        "company_right_cited": mean(all(r.facts) and not r.answer["abstained"] and any(
            Path(c["source"]).name == Path(r.item["ladder"]).name for c in r.answer["citations"]) for r in company),
        "cell@3": mean(_cell_hit(r) for r in company if r.item.get("gold_levels") or r.item.get("gold_competency")),
        "latency_p50_ms": round(statistics.median(latencies), 2) if latencies else None,
        "latency_p95_ms": round(latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))], 2) if latencies else None,
    }
    if judged:
        out["judged_faithfulness"] = mean(j["faithfulness"] for j in judged if j.get("faithfulness") is not None)
        out["judged_answer_relevance"] = mean(j["answer_relevance"] for j in judged if j.get("answer_relevance") is not None)
    return out


def _cell_hit(r: ItemResult) -> bool:
    """A passage among the top three names the gold level (as the document writes it) and competency."""
    levels = [x.lower() for x in r.item.get("gold_levels") or []]
    competency = (r.item.get("gold_competency") or "").lower()
    for section in r.retrieved_sections[:3]:
        s = section.lower()
        if (not levels or any(level in s for level in levels)) and (not competency or competency in s):
            return True
    return False


def _all_sections(r: ItemResult) -> list[str]:
    return [c["section"] for c in r.answer["citations"]] + r.retrieved_sections


def summarize(results: list[ItemResult]) -> dict:
    def grouped(key: str) -> dict[str, list[ItemResult]]:
        out: dict[str, list[ItemResult]] = defaultdict(list)
        for r in results:
            out[r.item.get(key, "—")].append(r)
        return out

    groups = grouped("group")
    return {"overall": metrics(results),
            "splits": {s: metrics(rs) for s, rs in sorted(grouped("split").items())},
            "by_category": {c: metrics(rs) for c, rs in sorted(grouped("category").items())},
            "by_style": {s: metrics(rs) for s, rs in sorted(grouped("style").items())},
            "groups": {"scored": len(groups), "all_passed": sum(all(r.passed for r in rs) for rs in groups.values())},
            "failures": [r.as_json() for r in results if not r.passed]}


def evaluate_engine(engine: str, items: list[dict], settings: Settings | None = None, progress=None, judge=None) -> dict:
    """Run the dataset with one engine; poisoned items against a separate index with the poisoned documents."""
    from mentor.core import Mentor
    from mentor.ingest import Ingestor

    settings = settings or Settings()
    clean = [i for i in items if not i.get("poison") and not i.get("ladder")]
    poisoned = [i for i in items if i.get("poison")]
    with tempfile.TemporaryDirectory(prefix="mentor-eval-") as tmp:
        history_url = f"sqlite:///{Path(tmp) / 'eval-conversations.sqlite3'}"
        base = settings.model_copy(update={"engine": engine, "history_url": history_url})
        results = run_items(Mentor(base), clean, progress, judge)
        for fixture in dict.fromkeys(i["ladder"] for i in items if i.get("ladder")):
            asked = [i for i in items if i.get("ladder") == fixture]
            done = len(results)
            results += run_items(Mentor(_ladder_settings(base, settings, Path(tmp), fixture)), asked,
                                 (lambda i, n, d=done: progress(d + i, d + n)) if progress else None, judge)
        if poisoned:
            poison_dir = Path(tmp) / "poisoned-index"
            onnx = settings.index_dir / "onnx"
            if onnx.exists():  # reuse the exported model instead of exporting again
                shutil.copytree(onnx, poison_dir / "onnx")
            poison_settings = base.model_copy(update={"index_dir": poison_dir})
            Ingestor(poison_settings).run([settings.corpus_dir, POISON_DIR])
            done = len(results)
            results += run_items(Mentor(poison_settings), poisoned,
                                 (lambda i, n: progress(done + i, done + n)) if progress else None, judge)
    order = {i["id"]: n for n, i in enumerate(items)}
    results.sort(key=lambda r: order[r.item["id"]])
    return {"engine": engine, **summarize(results), "results": [r.as_json() for r in results]}


def _ladder_settings(base: Settings, settings: Settings, tmp: Path, fixture: str) -> Settings:
    """An index of the corpus plus one company ladder document, its drafted ladder saved and chosen."""
    from mentor.ingest import Ingestor
    from mentor.ladders import draft_ladder, save_ladder

    source = LADDER_FIXTURES / fixture
    if not source.exists():
        raise InputError(f"The ladder document {fixture} is not in {LADDER_FIXTURES}.")
    name = re.sub(r"[^a-z0-9]+", "-", Path(fixture).stem.lower()).strip("-")
    root = tmp / f"ladder-{name}"
    corpus = root / "corpus"
    shutil.copytree(settings.corpus_dir, corpus, ignore=shutil.ignore_patterns("ladders"))
    shutil.copy(source, corpus / source.name)
    if (settings.index_dir / "onnx").exists():  # reuse the exported model instead of exporting again
        shutil.copytree(settings.index_dir / "onnx", root / "index" / "onnx")
    ladder_settings = base.model_copy(update={"index_dir": root / "index", "corpus_dir": corpus, "ladder": name})
    save_ladder(ladder_settings, name, draft_ladder(corpus / source.name, name=name, corpus_dir=corpus))
    Ingestor(ladder_settings).run([corpus])
    return ladder_settings


def fit_abstention(items: list[dict], settings: Settings | None = None):
    """Thresholds for the abstention step fitted on these items (the dev split): (thresholds, F1)."""
    from mentor import abstain
    from mentor.core import Mentor

    settings = settings or Settings()
    clean = [i for i in items if not i.get("poison") and not i.get("ladder")]
    with tempfile.TemporaryDirectory(prefix="mentor-fit-") as tmp:
        base = settings.model_copy(update={"history_url": f"sqlite:///{Path(tmp) / 'fit.sqlite3'}"})
        results = run_items(Mentor(base), clean)
        for fixture in dict.fromkeys(i["ladder"] for i in items if i.get("ladder")):
            asked = [i for i in items if i.get("ladder") == fixture]
            results += run_items(Mentor(_ladder_settings(base, settings, Path(tmp), fixture)), asked)
    return abstain.fit([(r.support, r.item["expect"] == "abstain") for r in results if r.support])


def regressions(current: dict, baseline: dict, tolerance: float = TOLERANCE) -> list[str]:
    """Test-split metrics that got worse than the baseline by more than the tolerance."""
    found = []
    both_split = "test" in current.get("splits", {}) and "test" in baseline.get("splits", {})
    now_metrics = current["splits"]["test"] if both_split else current["overall"]
    then_metrics = baseline["splits"]["test"] if both_split else baseline["overall"]
    for name in GATED:
        now, then = now_metrics.get(name), then_metrics.get(name)
        if now is None or then is None:
            continue
        worse = now - then if name in LOWER_IS_BETTER else then - now
        if worse > tolerance:
            found.append(f"{name}: {then} → {now}")
    return found


def export_rows(report: dict) -> list[dict]:
    """One row per item, with the field names RAGAS (user_input, ...) and DeepEval (input, ...) load."""
    rows = []
    for r in report["results"]:
        reference = "; ".join(g[0] for g in r["required"]) or ("(abstain)" if r["expect"] == "abstain" else "")
        contexts = [c["quote"] for c in r["citations"]]
        rows.append({"user_input": r["question"], "response": r["answer"], "retrieved_contexts": contexts,
                     "reference": reference, "input": r["question"], "actual_output": r["answer"],
                     "retrieval_context": contexts, "expected_output": reference, "id": r["id"],
                     "category": r["category"]})
    return rows


# ---- the command -----------------------------------------------------------------

def run_cli(dataset, engines, json_out, html_out, baseline, export, retrieval_only, console, judge=False,
            split: str | None = None) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress

    from mentor.core import Mentor

    if retrieval_only:
        return _retrieval_cli(dataset, json_out, console)
    items = load_eval_set(dataset or ANSWER_SET, split)
    engines = engines or [Settings().engine]
    judge_fn = make_judge(Settings()) if judge else None
    reports = []
    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  console=console, transient=True) as bar:
        for engine in engines:
            Mentor.from_settings(engine=engine).engine  # an unknown engine fails before the long run
            task = bar.add_task(f"eval {engine}", total=len(items))
            reports.append(evaluate_engine(engine, items, judge=judge_fn,
                                           progress=lambda i, n, t=task: bar.update(t, completed=i)))
    _print_table(reports, console)
    if json_out:
        payload = reports[0] if len(reports) == 1 else {"engines": reports}
        json_out.write_text(json.dumps(payload, indent=2, ensure_ascii=False))
    if html_out:
        from mentor.report import render_html

        html_out.write_text(render_html(reports), encoding="utf-8")
    if export:
        with export.open("w", encoding="utf-8") as f:
            for row in export_rows(reports[0]):
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    if baseline:
        try:
            base = json.loads(Path(baseline).read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise InputError(f"The baseline {baseline} cannot be read ({exc}).") from None
        worse = regressions(reports[0], base)
        if worse:
            console.print(f"[red]Regression against {baseline} (tolerance {TOLERANCE}):[/red] " + "; ".join(worse))
            return 1
        console.print(f"No regression against {baseline} (tolerance {TOLERANCE}).")
    return 0


def _print_table(reports: list[dict], console) -> None:
    from rich.table import Table

    names = ["passed", "fact_coverage", "citation_precision", "citation_recall", "abstention_f1", "forbidden_rate",
             "hit@3", "mrr", "context_recall", "followup_correct", "company_right_cited", "cell@3",
             "latency_p50_ms", "latency_p95_ms",
             "judged_faithfulness", "judged_answer_relevance"]
    table = Table(title="Answer quality, dev and test splits side by side (offline metrics; judged ones labelled)")
    table.add_column("metric")
    columns = [(report, split) for report in reports for split in (*report.get("splits", {}), "overall")]
    for report, split in columns:
        table.add_column(f"{report['engine']} {split}")
    names = ["items", *names]
    for name in names:
        values = [(report["overall"] if split == "overall" else report["splits"][split]).get(name)
                  for report, split in columns]
        if any(v is not None for v in values):
            table.add_row(name, *("—" if v is None else str(v) for v in values))
    console.print(table)
    cats = Table(title="By category: facts / passed")
    cats.add_column("category")
    for report in reports:
        cats.add_column(report["engine"])
    for cat in reports[0]["by_category"]:
        cats.add_row(cat, *(f"{r['by_category'][cat]['fact_coverage']} / {r['by_category'][cat]['passed']}" for r in reports))
    console.print(cats)
    styles = Table(title="By phrasing style: facts / passed")
    styles.add_column("style")
    for report in reports:
        styles.add_column(report["engine"])
    for style in reports[0].get("by_style", {}):
        styles.add_row(style, *(f"{r['by_style'][style]['fact_coverage']} / {r['by_style'][style]['passed']}"
                                for r in reports))
    console.print(styles)
    g = reports[0].get("groups")
    if g:
        console.print(f"Paraphrase groups scored: {g['scored']}; every phrasing passed in {g['all_passed']}.")
    failing = [f["id"] for f in reports[0]["failures"]]
    if failing:
        console.print(f"Failing ({reports[0]['engine']}): {', '.join(failing)}")


def make_judge(settings: Settings):
    """RAGAS-style judged metrics with the configured LLM: faithfulness (share of the answer's statements
    the contexts support, per the LLM) and answer relevance (mean cosine between the question and
    questions the LLM writes back from the answer)."""
    from mentor.core import Mentor

    mentor = Mentor(settings)
    engine = mentor.engine
    if engine.name == "grounded":
        raise InputError("--judge needs an LLM engine (set MENTOR_ENGINE and MENTOR_LLM_MODEL).")
    return LLMJudge(engine.model, mentor.embedder)


class LLMJudge:
    def __init__(self, chat_model, embedder):
        self.chat = chat_model
        self.embedder = embedder

    def _ask(self, prompt: str) -> str:
        reply = self.chat.invoke([("human", prompt)])
        return reply.content if isinstance(reply.content, str) else str(reply.content)

    def __call__(self, question: str, answer: str, contexts: list[str]) -> dict:
        import numpy as np

        context = "\n\n".join(contexts)[:6000]
        verdicts = self._ask(
            "Split the ANSWER into short statements. For each, say whether the CONTEXT supports it.\n"
            "Reply with one line per statement: 'yes' or 'no', then a colon, then the statement.\n\n"
            f"CONTEXT:\n{context}\n\nANSWER:\n{answer}")
        marks = [line.split(":", 1)[0].strip().lower() for line in verdicts.splitlines() if ":" in line]
        marks = [m for m in marks if m in ("yes", "no")]
        faithfulness = round(marks.count("yes") / len(marks), 4) if marks else None
        questions = [q.strip("- ").strip() for q in self._ask(
            f"Write three questions that this answer answers, one per line.\n\nANSWER:\n{answer}").splitlines() if q.strip()][:3]
        relevance = None
        if questions:
            q = np.asarray(self.embedder.embed_query(question))
            gen = np.asarray(self.embedder.embed_documents(questions))
            sims = gen @ q / (np.linalg.norm(gen, axis=1) * np.linalg.norm(q) + 1e-12)
            relevance = round(float(sims.mean()), 4)
        return {"faithfulness": faithfulness, "answer_relevance": relevance, "label": "judged"}


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


def _retrieval_cli(dataset, json_out, console) -> int:
    from rich.table import Table

    from mentor.core import Mentor

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
