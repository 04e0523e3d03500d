"""`mentor bench`: how fast the mentor is on this machine, measured in one run.

Medians and 95th percentiles over repeated calls, never single timings; the
cold start is a fresh process, so it includes imports and model loading.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from mentor.errors import InputError
from mentor.retrieval_eval import load_set

COLD_START_SCRIPT = (
    "import time; t=time.perf_counter(); from mentor.core import Mentor; "
    "a=Mentor.from_settings().ask('How do I get to Director?', level='Senior PM'); "
    "assert a.citations; print(time.perf_counter()-t)"
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def timed(fn, items, repeat: int) -> dict:
    samples = []
    for i in range(repeat):
        item = items[i % len(items)]
        t = time.perf_counter()
        fn(item)
        samples.append((time.perf_counter() - t) * 1000)
    return {"p50_ms": round(statistics.median(samples), 2), "p95_ms": round(percentile(samples, 0.95), 2),
            "n": len(samples)}


def peak_rss_mb() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def cold_start_seconds(runs: int = 3) -> dict:
    samples = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", COLD_START_SCRIPT], capture_output=True, text=True,
                             env={**os.environ}, timeout=300)
        if out.returncode != 0:
            raise InputError(f"The cold-start run failed: {out.stderr.strip().splitlines()[-1:]}")
        samples.append(float(out.stdout.strip().splitlines()[-1]))
    return {"median_s": round(statistics.median(samples), 3), "runs": samples}


def run(queries: int = 50, cold_runs: int = 3) -> dict:
    from mentor.core import Mentor

    mentor = Mentor.from_settings()
    questions = [item["question"] for item in load_set()]
    mentor.ask(questions[0], level="Senior PM")  # warm: models loaded, caches filled
    result = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "passages": mentor.store.count(),
        "search": timed(lambda q: mentor.search(q, k=6), questions, queries),
        "ask_grounded_warm": timed(lambda q: mentor.ask(q, level="Senior PM"), questions, queries),
        "cold_start_first_answer": cold_start_seconds(cold_runs),
        "peak_rss_mb": peak_rss_mb(),
    }
    return result


def run_cli(sizes: str, queries: int, json_out: Path | None, console) -> None:
    from rich.table import Table

    if queries <= 0:
        raise InputError("--queries must be a positive number.")
    if sizes not in ("none", "seed", ""):
        console.print("[yellow]Generated corpora are not measured yet; measuring the seed index only.[/yellow]")
    result = run(queries=queries)
    table = Table(title=f"PM Mentor bench (seed index, {result['passages']} passages, {result['machine']['cpus']} CPUs)")
    for col in ("measure", "p50", "p95"):
        table.add_column(col)
    table.add_row("search", f"{result['search']['p50_ms']} ms", f"{result['search']['p95_ms']} ms")
    table.add_row("grounded ask (warm)", f"{result['ask_grounded_warm']['p50_ms']} ms",
                  f"{result['ask_grounded_warm']['p95_ms']} ms")
    table.add_row("cold start to first answer", f"{result['cold_start_first_answer']['median_s']} s", "")
    table.add_row("peak resident memory", f"{result['peak_rss_mb']} MB", "")
    console.print(table)
    if json_out:
        json_out.write_text(json.dumps(result, indent=2))
