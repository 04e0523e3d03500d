"""`mentor bench`: how fast the mentor is, measured in one run beside what bounds it.

For the seed index and generated corpora (1k, 10k, 100k passages of article-like
text, built once and cached under index/bench/): ingest throughput against the
embedding model's own encode rate, index size, search and grounded-ask latency
(warm, p50/p95), exact numpy search over the same vectors (the floor) and the
index's recall@10 against it, a naive LangChain retriever (dense only, k=4),
cold start to the first answer, and the peak memory of the serving process.

Each size is served by a fresh child process, so its cold start and memory are
its own. Medians and 95th percentiles over repeated calls, never single timings.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from mentor.errors import InputError
from mentor.settings import PROJECT_ROOT, Settings

SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000}
PASSAGES_PER_FILE = 100
QUESTIONS = PROJECT_ROOT / "evals" / "retrieval.jsonl"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def timed(fn, items, repeat: int) -> dict:
    samples = []
    for i in range(repeat):
        t = time.perf_counter()
        fn(items[i % len(items)])
        samples.append((time.perf_counter() - t) * 1000)
    return {"p50_ms": round(statistics.median(samples), 2), "p95_ms": round(percentile(samples, 0.95), 2),
            "n": len(samples)}


# A few questions of each kind the mentor answers, for a latency row per kind (warm, one process).
BY_TYPE = {
    "path": ["I'm a Senior PM. How do I become a Director?", "how do i get from apm to senior pm",
             "What does it take to move up to Head of Product?"],
    "compare": ["Is an APM the same as a PM?", "principal pm vs lead pm, whats the difference"],
    "duties": ["What does a Group PM do?", "what's expected of a principal product manager"],
    "fact": ["How many direct reports does a Lead PM have?", "Which teams does the Head of Product lead?"],
    "abstain": ["What does a Senior PM earn in London?", "What is the interview loop at Google like?"],
}


def questions() -> list[str]:
    return [json.loads(line)["question"] for line in QUESTIONS.read_text().splitlines() if line.strip()]


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: ru_maxrss survives exec, so a child
    started from a large parent would report the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def dir_size_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20, 1)


# ---- generated corpora ------------------------------------------------------------

def article_sentences() -> list[str]:
    from mentor.documents import read_source

    text = read_source(PROJECT_ROOT / "corpus" / "pm-career-path.md").text
    body = "\n".join(line for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", body) if len(s.split()) >= 6]


def generate_corpus(folder: Path, passages: int, seed: int = 7) -> None:
    """Article-like Markdown: each section one passage of 3-6 article sentences (about 100 words)."""
    rng = random.Random(seed)
    sentences = article_sentences()
    folder.mkdir(parents=True, exist_ok=True)
    for f in range((passages + PASSAGES_PER_FILE - 1) // PASSAGES_PER_FILE):
        lines = [f"# Generated notes {f}", ""]
        for s in range(min(PASSAGES_PER_FILE, passages - f * PASSAGES_PER_FILE)):
            lines += [f"## Topic {f}-{s}", "", " ".join(rng.sample(sentences, rng.randint(3, 6))), ""]
        (folder / f"notes-{f:05d}.md").write_text("\n".join(lines))


def build_size(name: str, base: Settings, progress=None) -> tuple[Settings, dict]:
    """The generated index for one size, built once; its build figures are cached beside it."""
    from mentor.ingest import Ingestor

    root = base.index_dir / "bench" / name
    stats_file = root / "build.json"
    settings = base.model_copy(update={"index_dir": root / "index", "corpus_dir": root / "corpus",
                                       "framework_file": base.framework_path})
    if stats_file.exists():
        return settings, json.loads(stats_file.read_text())
    shutil.rmtree(root, ignore_errors=True)
    generate_corpus(root / "corpus", SIZES[name])
    onnx = base.index_dir / "onnx"
    if onnx.exists():
        shutil.copytree(onnx, settings.index_dir / "onnx")
    started = time.perf_counter()
    report = Ingestor(settings).run([settings.corpus_dir], progress=progress)
    seconds = time.perf_counter() - started
    stats = {"passages": report.passages, "ingest_s": round(seconds, 1),
             "ingest_passages_per_s": round(report.passages / seconds, 1),
             "index_mb": dir_size_mb(settings.index_dir)}
    stats_file.write_text(json.dumps(stats))
    return settings, stats


def encode_rate(settings: Settings, sample: int = 512) -> float:
    """The embedding model alone, on passages like the ones ingested: the ceiling for ingest."""
    from mentor.documents import searchable_text
    from mentor.ingest import Ingestor
    from langchain_core.documents import Document

    rng = random.Random(3)
    sentences = article_sentences()
    texts = [searchable_text(Document(page_content=" ".join(rng.sample(sentences, rng.randint(3, 6))),
                                      metadata={"section": f"Topic {i}"})) for i in range(sample)]
    embedder = Ingestor(settings).embedder
    embedder.embed_documents(texts[:32])  # warm
    t = time.perf_counter()
    embedder.embed_documents(texts)
    return round(sample / (time.perf_counter() - t), 1)


# ---- the serving process -----------------------------------------------------------

def serve_measure(index_dir: Path, queries: int, seed: bool) -> dict:
    """Runs in a fresh child process: cold start, warm latencies, anchors, peak memory."""
    import numpy as np

    started = time.perf_counter()
    from mentor.core import Mentor

    mentor = Mentor.from_settings(index_dir=index_dir)
    first = mentor.ask("How do I get to Director?", level="Senior PM")
    assert first.citations
    cold = time.perf_counter() - started
    qs = questions()
    out = {"cold_start_s": round(cold, 3), "passages": mentor.store.count()}
    out["search"] = timed(lambda q: mentor.search(q, k=6), qs, queries)
    out["ask_grounded_warm"] = timed(lambda q: mentor.ask(q, level="Senior PM"), qs, queries)
    out["ask_by_type"] = {kind: timed(mentor.ask, items, queries) for kind, items in BY_TYPE.items()}

    # The serving process's own peak, before the anchors below load every vector into memory.
    out["peak_rss_mb"] = peak_rss_mb()

    # Exact search with numpy over the very vectors Chroma holds: the floor, and the truth for recall.
    col = mentor.store.collection()
    ids, pages = [], []
    for offset in range(0, col.count(), 5000):
        got = col.get(include=["embeddings"], limit=5000, offset=offset)
        ids += got["ids"]
        pages.append(np.asarray(got["embeddings"], dtype=np.float32))
    matrix = np.vstack(pages)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    vectors = [np.asarray(mentor.embedder.embed_query(q), dtype=np.float32) for q in qs]
    k = min(10, len(ids))

    def exact(v):
        scores = matrix @ v
        top = np.argpartition(-scores, k - 1)[:k]
        return {ids[i] for i in top}

    out["exact_numpy_search"] = timed(exact, vectors, queries)
    out["chroma_dense_search"] = timed(lambda v: mentor.store.query(v.tolist(), k), vectors, queries)
    recall = [len({i for i, _ in mentor.store.query(v.tolist(), k)} & exact(v)) / k for v in vectors]
    out["recall@10_vs_exact"] = round(float(np.mean(recall)), 4)

    from langchain_chroma import Chroma

    naive = Chroma(client=mentor.store.client, collection_name=mentor.settings.collection,
                   embedding_function=mentor.embedder)
    out["naive_langchain_k4"] = timed(lambda q: naive.similarity_search(q, k=4), qs, queries)
    if seed:
        from mentor.evaluate import run_retrieval

        r = run_retrieval(mentor)
        out["seed_hit@3"] = {"ours": r["ours"]["hit@3"], "naive": r["naive"]["hit@3"]}
    out["imported_torch"] = "torch" in sys.modules
    return out


def _child(index_dir: Path, queries: int, seed: bool, env: dict | None = None) -> dict:
    code = ("import json,sys; from pathlib import Path; from mentor.bench import serve_measure; "
            f"print(json.dumps(serve_measure(Path({str(index_dir)!r}), {queries}, {seed})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=3600,
                         env={**os.environ, "MENTOR_INDEX_DIR": str(index_dir), **(env or {})})
    if out.returncode != 0:
        tail = (out.stderr.strip().splitlines() or ["no output"])[-1]
        raise InputError(f"The benchmark's serving process failed: {tail}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def copy_to_server(local: Settings, chroma_url: str, name: str) -> Settings:
    """The same index on a Chroma server: passages, sentence vectors and ingest state copied as they
    are (no re-embedding), so both sides answer from identical data."""
    from mentor.sentences import SentenceIndex
    from mentor.state import SqliteIngestState, open_state
    from mentor.store import PassageStore

    remote = local.model_copy(update={"chroma_url": chroma_url, "collection": f"bench-{name}",
                                      "index_dir": local.index_dir.parent / "server-cache"})
    src, dst = PassageStore(local), PassageStore(remote)
    for store in (dst, SentenceIndex(dst)):
        store.drop()
    pairs = [(src.collection(), dst.collection(create=True)),
             (SentenceIndex(src).collection(), SentenceIndex(dst).collection())]
    for source, target in pairs:
        for offset in range(0, source.count(), 2000):
            page = source.get(include=["embeddings", "documents", "metadatas"], limit=2000, offset=offset)
            target.upsert(ids=page["ids"], embeddings=page["embeddings"], documents=page["documents"],
                          metadatas=page["metadatas"])
    state, shared = SqliteIngestState(local.state_path), open_state(remote, dst)
    shared.clear()
    for source, (sha, ids, path) in state.files().items():
        shared.record(source, sha, ids, path)
    for key in ("embedder", "framework", "generation", "last_ingest"):
        if state.get(key) is not None:
            shared.set(key, state.get(key))
    return remote


def _server_run(local: Settings, chroma_url: str, name: str, queries: int, seed: bool) -> dict:
    remote = copy_to_server(local, chroma_url, name)
    env = {"MENTOR_CHROMA_URL": chroma_url, "MENTOR_COLLECTION": remote.collection}  # all else as embedded
    onnx = local.index_dir / "onnx"
    if onnx.exists() and not (remote.index_dir / "onnx").exists():
        shutil.copytree(onnx, remote.index_dir / "onnx")
    out = _child(remote.index_dir, queries, seed=seed, env=env)
    out["index_mb"] = "server"
    return out


def run(sizes: list[str], queries: int = 50, progress=None, settings: Settings | None = None,
        chroma_url: str | None = None) -> dict:
    settings = settings or Settings()
    from mentor.ingest import Ingestor

    seed_report = Ingestor(settings).run([settings.corpus_dir])  # the seed index, current
    rate = encode_rate(settings)
    result = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
              "encode_passages_per_s": rate, "runs": {}}
    seed = _child(settings.index_dir, queries, seed=True)
    seed["index_mb"] = dir_size_mb(settings.chroma_dir)
    seed["ingest"] = seed_report.summary()
    result["runs"]["seed"] = seed
    if chroma_url:  # the same index through the server, beside the embedded store
        result["runs"]["seed (server)"] = _server_run(settings, chroma_url, "seed", queries, seed=True)
    for name in sizes:
        size_settings, stats = build_size(name, settings, progress)
        run_ = _child(size_settings.index_dir, queries, seed=False)
        run_.update(stats)
        run_["ingest_vs_encode"] = round(stats["ingest_passages_per_s"] / rate, 3)
        result["runs"][name] = run_
        if chroma_url:
            result["runs"][f"{name} (server)"] = _server_run(size_settings, chroma_url, name, queries, seed=False)
    return result


def parse_sizes(text: str) -> list[str]:
    names = [s.strip().lower() for s in text.split(",") if s.strip()]
    names = [n for n in names if n not in ("seed", "none")]
    unknown = [n for n in names if n not in SIZES]
    if unknown:
        raise InputError(f"Unknown size {', '.join(unknown)}; choose from seed, {', '.join(SIZES)}.")
    return names


def run_cli(sizes: str, queries: int, json_out: Path | None, console, ui: bool = False,
            chroma_url: str | None = None) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
    from rich.table import Table

    if queries <= 0:
        raise InputError("--queries must be a positive number.")
    names = parse_sizes(sizes)
    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("building generated corpora", total=None)
        result = run(names, queries, progress=lambda phase, done, total: bar.update(task, completed=done, total=total),
                     chroma_url=chroma_url)
    if ui:
        import tempfile

        from mentor.bench_ui import measure, serve_app

        # A throwaway conversation store: the measurement must not add to the user's conversations.
        with tempfile.TemporaryDirectory(prefix="mentor-bench-ui-") as tmp, \
                serve_app({"MENTOR_HISTORY_URL": f"sqlite:///{Path(tmp) / 'conversations.sqlite3'}"}) as url:
            result["browser_answer"] = measure(url, questions()[:10], rounds=10)
    table = Table(title=f"PM Mentor bench ({result['machine']['cpus']} CPUs); the model alone encodes "
                        f"{result['encode_passages_per_s']} passages/s")
    table.add_column("measure")
    runs = result["runs"]
    for name in runs:
        table.add_column(name, justify="right")
    rows = [
        ("passages", lambda r: str(r["passages"])),
        ("ingest passages/s (× encode rate)",
         lambda r: f"{r['ingest_passages_per_s']} ({r['ingest_vs_encode']})" if "ingest_vs_encode" in r else "—"),
        ("index size MB", lambda r: str(r["index_mb"])),
        ("search p50 / p95 ms", lambda r: f"{r['search']['p50_ms']} / {r['search']['p95_ms']}"),
        ("dense (HNSW) p50 ms", lambda r: str(r["chroma_dense_search"]["p50_ms"])),
        ("exact numpy p50 ms", lambda r: str(r["exact_numpy_search"]["p50_ms"])),
        ("recall@10 vs exact", lambda r: str(r["recall@10_vs_exact"])),
        ("naive LangChain k=4 p50 ms", lambda r: str(r["naive_langchain_k4"]["p50_ms"])),
        ("grounded ask p50 / p95 ms", lambda r: f"{r['ask_grounded_warm']['p50_ms']} / {r['ask_grounded_warm']['p95_ms']}"),
        ("cold start to first answer s", lambda r: str(r["cold_start_s"])),
        ("peak memory MB", lambda r: str(r["peak_rss_mb"])),
    ]
    rows += [(f"  {kind} questions p50 / p95 ms",
              lambda r, kind=kind: f"{r['ask_by_type'][kind]['p50_ms']} / {r['ask_by_type'][kind]['p95_ms']}")
             for kind in BY_TYPE]
    for label, cell in rows:
        table.add_row(label, *(cell(r) if "ask_by_type" in r or "questions" not in label else "—" for r in runs.values()))
    console.print(table)
    seed = result["runs"]["seed"]
    console.print(f"Seed retrieval hit@3: ours {seed['seed_hit@3']['ours']}, naive {seed['seed_hit@3']['naive']}. "
                  f"Query path imported torch: {seed['imported_torch']}.")
    if "browser_answer" in result:
        b = result["browser_answer"]
        console.print(f"Browser: answer on screen {b['p50_s']} s after Enter (p50, max {b['max_s']} s, n={b['n']}).")
    if json_out:
        json_out.write_text(json.dumps(result, indent=2))


# ---- many users at once -------------------------------------------------------------

def parse_levels(text: str) -> list[int]:
    try:
        levels = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise InputError(f"--concurrency takes thread counts like 1,4,16, not '{text}'.") from None
    if not levels or min(levels) < 1:
        raise InputError("--concurrency takes positive thread counts, like 1,4,16.")
    return levels


def concurrency_measure(index_dir: Path, levels: list[int], per_thread: int) -> dict:
    """Runs in a fresh child process: one shared Mentor (as the app shares one), N threads, each its own
    conversation; answers per second over the wall time, and p50/p95 of single answers."""
    import tempfile
    from concurrent.futures import ThreadPoolExecutor

    from mentor.core import Mentor

    qs = questions()
    with tempfile.TemporaryDirectory(prefix="mentor-bench-users-") as tmp:  # conversations are throwaway
        mentor = Mentor.from_settings(index_dir=index_dir, history_url=f"sqlite:///{Path(tmp) / 'c.sqlite3'}")
        mentor.ask(qs[0], session="warm")
        out = {"passages": mentor.store.count(), "levels": {}}
        for n in levels:
            def user(u: int, n: int = n) -> list[float]:
                samples = []
                for i in range(per_thread):
                    t = time.perf_counter()
                    mentor.ask(qs[(u * per_thread + i) % len(qs)], session=f"bench-{n}-{u}")
                    samples.append((time.perf_counter() - t) * 1000)
                return samples

            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=n) as pool:
                samples = [s for user_samples in pool.map(user, range(n)) for s in user_samples]
            wall = time.perf_counter() - started
            cuts = statistics.quantiles(samples, n=20, method="inclusive")
            out["levels"][n] = {"answers": len(samples), "answers_per_s": round(len(samples) / wall, 1),
                                "p50_ms": round(statistics.median(samples), 1), "p95_ms": round(cuts[18], 1)}
    return out


def _concurrency_child(index_dir: Path, levels: list[int], per_thread: int) -> dict:
    code = ("import json; from pathlib import Path; from mentor.bench import concurrency_measure; "
            f"print(json.dumps(concurrency_measure(Path({str(index_dir)!r}), {levels!r}, {per_thread})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=3600,
                         env={**os.environ, "MENTOR_INDEX_DIR": str(index_dir)})
    if out.returncode != 0:
        tail = (out.stderr.strip().splitlines() or ["no output"])[-1]
        raise InputError(f"The benchmark's serving process failed: {tail}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_concurrency_cli(sizes: str, levels_text: str, per_thread: int, json_out: Path | None, console) -> None:
    """`mentor bench --concurrency 1,4,16`: the seed and each size, served to N users at once."""
    from mentor.ingest import Ingestor
    from rich.table import Table

    levels, names = parse_levels(levels_text), parse_sizes(sizes)
    settings = Settings()
    Ingestor(settings).run([settings.corpus_dir])  # the seed index, current
    runs = {"seed": _concurrency_child(settings.index_dir, levels, per_thread)}
    for name in names:
        size_settings, _ = build_size(name, settings)
        runs[name] = _concurrency_child(size_settings.index_dir, levels, per_thread)
    table = Table(title=f"Grounded answers, N users at once, one shared Mentor ({os.cpu_count()} CPUs, "
                        f"{per_thread} questions per user)")
    for col in ("index", "passages", "users", "answers/s", "p50 ms", "p95 ms"):
        table.add_column(col, justify="right" if col != "index" else "left")
    for name, run_ in runs.items():
        for n, r in run_["levels"].items():
            table.add_row(name, f"{run_['passages']:,}", str(n), str(r["answers_per_s"]), str(r["p50_ms"]),
                          str(r["p95_ms"]))
    console.print(table)
    if json_out:
        json_out.write_text(json.dumps({"concurrency": runs}, indent=2))
