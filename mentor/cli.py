"""The `mentor` command: thin callers of the Mentor API."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table

from mentor.errors import InputError, MentorError
from mentor.text import clean_text  # argv may hold invalid UTF-8 (surrogate escapes)

app = typer.Typer(help="PM Mentor: cited career advice for product managers.", no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
# Answers are Markdown (bullets, tables): rich wraps them to the terminal's width instead of cropping.
answers = Console()


def user_errors(command):
    """Report a MentorError as one sentence on stderr with exit status 1, never a traceback."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except MentorError as exc:
            err.print(f"Error: {exc}", markup=False, highlight=False)
            raise typer.Exit(1) from None
        except Exception as exc:  # a full disk, whichever library hit it, is phrased; anything else is a bug
            from mentor.settings import Settings
            from mentor.store import storage_error

            full = storage_error(exc, Settings().index_dir)
            if full is None:
                raise
            err.print(f"Error: {full}", markup=False, highlight=False)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err.print("Interrupted.")
            raise typer.Exit(130) from None

    return run


def _mentor(**overrides):
    from mentor.core import Mentor
    from mentor.store import writable_index

    mentor = Mentor.from_settings(**{k: v for k, v in overrides.items() if v is not None})
    writable_index(mentor.settings.index_dir)
    return mentor


@app.command()
@user_errors
def ingest(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Files or folders (default: the corpus folder).")] = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Drop the index and start clean.")] = False,
):
    """Index documents incrementally (.md, .txt, .html, .rst, .pdf, .docx, .json, .yaml, .csv): unchanged files are skipped,
    changed ones replaced, deleted ones removed."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from mentor.ingest import Ingestor
    from mentor.settings import Settings
    from mentor.store import writable_index

    settings = Settings()
    writable_index(settings.index_dir)
    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True) as bar:
        task = bar.add_task("embedding passages", total=None)

        log_line = _progress_lines(every_s=5.0) if not err.is_terminal else None

        def progress(phase: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)
            if log_line:  # no bar off a terminal (a log, CI): a plain line every few seconds instead
                log_line(phase, done, total)

        report = Ingestor(settings).run(list(paths or []), rebuild=rebuild, progress=progress)
    for line in report.skipped:
        err.print(f"Skipped {line}", markup=False, highlight=False)
    for line in report.notes:
        err.print(line, markup=False, highlight=False)
    out.print(report.summary(), markup=False, highlight=False)
    if not (report.added or report.updated or report.unchanged or report.removed):
        err.print("Error: nothing usable was read: no file could be indexed (see the skipped files above).",
                  markup=False, highlight=False)
        raise typer.Exit(1)


def _progress_lines(every_s: float):
    """A progress printer for logs: one line per `every_s` seconds, and the last one."""
    import time

    started = last = time.monotonic()

    def log_line(phase: str, done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= every_s or done == total:
            last = now
            share = f" ({100 * done // total}%)" if total else ""
            err.print(f"{phase}: {done}/{total} passages{share}, {now - started:.0f}s", markup=False, highlight=False)

    return log_line


@app.command()
@user_errors
def search(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    k: Annotated[int, typer.Option("-k", help="How many passages.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ladder: Annotated[Optional[str], typer.Option(help="The ladder to use (see 'mentor ladder list'); default: MENTOR_LADDER.")] = None,
):
    """Ranked passages with the score of each retriever; no answer."""
    passages = _mentor(ladder=ladder).search(clean_text(query), k=k)
    if as_json:
        print(json.dumps([p.as_json() for p in passages], ensure_ascii=False, indent=2))
        return
    table = Table(show_lines=True)
    for col in ("#", "passage", "score", "dense", "bm25"):
        table.add_column(col, overflow="fold")
    for p in passages:
        table.add_row(str(p.rank), f"[bold]{p.section}[/bold] ({p.chunk_id})\n{p.text[:300]}",
                      f"{p.score:.4f}", f"{p.scores['dense']:.3f}", f"{p.scores['bm25']:.2f}")
    out.print(table)


@app.command()
@user_errors
def ask(
    question: Annotated[str, typer.Argument(help="Your question.")],
    level: Annotated[Optional[str], typer.Option(help="Your current level (any alias).")] = None,
    target: Annotated[Optional[str], typer.Option(help="The level you aim for.")] = None,
    session: Annotated[Optional[str], typer.Option(help="Continue a stored conversation.")] = None,
    engine: Annotated[Optional[str], typer.Option(help="grounded, openai, ollama or llamacpp.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="Show what was retrieved and checked.")] = False,
    ladder: Annotated[Optional[str], typer.Option(help="The ladder to use (see 'mentor ladder list'); default: MENTOR_LADDER.")] = None,
):
    """One answer, with citations."""
    mentor = _mentor(engine=engine, ladder=ladder)
    answer = mentor.ask(clean_text(question), level=level, target=target, session=session)
    if as_json:
        # notes (a fallback and why, sentences left out) are additive to the JSON contract
        print(json.dumps({**answer.model_dump(), "notes": answer.notes}, ensure_ascii=False, indent=2))
        return
    _print_answer(answer)
    if explain and answer.trace:
        out.print_json(data=answer.trace)


def _print_answer(answer) -> None:
    from mentor.safety import safe_markdown

    answers.print(Markdown(safe_markdown(answer.answer), hyperlinks=False))
    if answer.citations:
        out.print()
        for c in answer.citations:
            answers.print(f"[{c.n}] {c.section} ({c.source})", markup=False, highlight=False, style="dim")


@app.command()
@user_errors
def chat(
    level: Annotated[Optional[str], typer.Option(help="Your current level (any alias).")] = None,
    target: Annotated[Optional[str], typer.Option(help="The level you aim for.")] = None,
    engine: Annotated[Optional[str], typer.Option(help="grounded, openai, ollama or llamacpp.")] = None,
    session: Annotated[Optional[str], typer.Option(help="Continue a stored conversation.")] = None,
    ladder: Annotated[Optional[str], typer.Option(help="The ladder to use (see 'mentor ladder list'); default: MENTOR_LADDER.")] = None,
):
    """A conversation in the terminal (empty line or Ctrl-D ends it)."""
    mentor = _mentor(engine=engine, ladder=ladder)
    session_id = mentor.open_session(session, level=level, target=target)
    out.print(f"[dim]Conversation {session_id}. Empty line to stop.[/dim]")
    while True:
        try:
            question = clean_text(input("you> ")).strip()
        except EOFError:
            break
        if not question:
            break
        try:
            answer = None
            for part in mentor.stream(question, session=session_id):
                if isinstance(part, str):
                    continue
                answer = part
            if answer is not None:
                _print_answer(answer)
        except InputError as exc:
            err.print(f"Error: {exc}", markup=False)


@app.command(name="eval")
@user_errors
def eval_(
    dataset: Annotated[Optional[Path], typer.Option(help="JSONL dataset (default evals/dataset.jsonl).")] = None,
    engine: Annotated[Optional[list[str]], typer.Option(help="Engine(s) to evaluate; repeat to compare.")] = None,
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Write the results as JSON.")] = None,
    html_out: Annotated[Optional[Path], typer.Option("--html", help="Write a self-contained HTML report.")] = None,
    baseline: Annotated[Optional[Path], typer.Option(help="Fail on a regression against this result.")] = None,
    export: Annotated[Optional[Path], typer.Option(help="Write question/answer/contexts/ground truth JSONL.")] = None,
    retrieval: Annotated[bool, typer.Option("--retrieval", help="Only the retrieval set, with the naive baseline.")] = False,
    judge: Annotated[bool, typer.Option("--judge", help="Add judged metrics with the configured LLM.")] = False,
    split: Annotated[Optional[str], typer.Option(help="Only the dev or the test split (default: both, side by side).")] = None,
    fit: Annotated[bool, typer.Option("--fit", help="Fit the abstention thresholds on the dev split and print them.")] = False,
):
    """Answer-quality evals: offline metrics per split, category and phrasing; reports; a regression gate on the test split."""
    from mentor.evaluate import ANSWER_SET, fit_abstention, load_eval_set, run_cli

    if fit:
        thresholds, f1 = fit_abstention(load_eval_set(dataset or ANSWER_SET, "dev"))
        out.print(f"Abstention thresholds fitted on dev: {thresholds} (F1 {f1:.3f}).", markup=False, highlight=False)
        raise typer.Exit(0)

    code = run_cli(dataset=dataset, engines=engine or [], json_out=json_out, html_out=html_out,
                   baseline=baseline, export=export, retrieval_only=retrieval, console=out, judge=judge,
                   split=split)
    raise typer.Exit(code)


@app.command()
@user_errors
def ui(port: Annotated[int, typer.Option(help="Port to serve on.")] = 8501,
       host: Annotated[str, typer.Option(help="Address to bind.")] = "localhost"):
    """Start the Streamlit chat."""
    import subprocess

    from mentor.settings import PROJECT_ROOT

    app_file = PROJECT_ROOT / "ui" / "app.py"
    raise typer.Exit(subprocess.call([sys.executable, "-m", "streamlit", "run", str(app_file),
                                      "--server.port", str(port), "--server.address", host,
                                      "--server.headless", "true", "--browser.gatherUsageStats", "false",
                                      "--client.toolbarMode", "viewer"]))  # no Deploy button in the product


@app.command()
@user_errors
def bench(
    sizes: Annotated[str, typer.Option(help="Generated corpora besides the seed: 1k, 10k, 100k (comma-separated), or none.")] = "1k,10k",
    queries: Annotated[int, typer.Option(help="Queries per latency measurement.")] = 50,
    ui: Annotated[bool, typer.Option("--ui", help="Also time answers in a real browser (needs chromium).")] = False,
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Write the results as JSON.")] = None,
    chroma_url: Annotated[Optional[str], typer.Option("--chroma-url", help="Also measure through this Chroma server.")] = None,
    concurrency: Annotated[Optional[str], typer.Option(help="Instead: answers/s and p95 with N users at once, e.g. 1,4,16 (--queries per user).")] = None,
):
    """The performance benchmark: ingest, search, ask, anchors, cold start, memory."""
    from mentor.bench import run_cli, run_concurrency_cli

    if concurrency:
        run_concurrency_cli(sizes, concurrency, queries, json_out, console=out)
        return
    run_cli(sizes=sizes, queries=queries, json_out=json_out, console=out, ui=ui, chroma_url=chroma_url)


history_app = typer.Typer(help="Stored conversations: list, show, delete, export.", no_args_is_help=True)
app.add_typer(history_app, name="history")


@history_app.command("list")
@user_errors
def history_list(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False):
    """Every stored conversation, the most recent first."""
    rows = _mentor().history.conversations()
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table()
    for col in ("id", "title", "level", "target", "turns", "last activity"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r["id"], r["title"], r["level"] or "", r["target"] or "", str(r["turns"]), r["updated_at"][:16])
    out.print(table if rows else "No stored conversations.", markup=False, highlight=False)


@history_app.command("show")
@user_errors
def history_show(conversation: Annotated[str, typer.Argument(help="The conversation id (see 'mentor history list').")]):
    """One conversation: its level, target and every question and answer."""
    from mentor.safety import safe_markdown

    out.print(Markdown(safe_markdown(_mentor().history.export_markdown(conversation)), hyperlinks=False))


@history_app.command("delete")
@user_errors
def history_delete(conversation: Annotated[str, typer.Argument(help="The conversation id.")]):
    """Delete one conversation and its feedback for good."""
    if not _mentor().history.delete(conversation):
        raise InputError(f"There is no conversation '{conversation}'.")
    out.print(f"Deleted conversation {conversation}.", markup=False, highlight=False)


@history_app.command("export")
@user_errors
def history_export(
    conversation: Annotated[str, typer.Argument(help="The conversation id.")],
    fmt: Annotated[str, typer.Option("--format", help="md or json.")] = "md",
):
    """One conversation as Markdown or JSON on stdout."""
    history = _mentor().history
    if fmt == "json":
        print(json.dumps(history.export(conversation), ensure_ascii=False, indent=2))
    elif fmt == "md":
        from mentor.safety import safe_markdown

        print(safe_markdown(history.export_markdown(conversation)))  # a file others will render
    else:
        raise InputError(f"--format is md or json, not '{fmt}'.")


ladder_app = typer.Typer(help="Career ladders: the general one and your company's.", no_args_is_help=True)
app.add_typer(ladder_app, name="ladder")


@ladder_app.command("draft")
@user_errors
def ladder_draft(
    file: Annotated[Path, typer.Argument(help="A company's ladder document (.md, .html, .txt, .rst, .pdf, .docx, .json, .yaml, .csv).")],
    name: Annotated[Optional[str], typer.Option(help="The ladder's name, e.g. acme (default: the file's name).")] = None,
    save: Annotated[bool, typer.Option("--save", help="Validate and save it under the corpus's ladders/ folder.")] = False,
    force: Annotated[bool, typer.Option("--force", help="With --save: replace a saved ladder of that name.")] = False,
):
    """Propose a ladder (levels, tracks, aliases, transitions) detected in a document, to review and save."""
    from mentor.documents import UnreadableFile, slug
    from mentor.ladders import draft_ladder, ladder_yaml, save_ladder
    from mentor.settings import Settings

    if not file.is_file():
        raise InputError(f"No such file: {file}.")
    settings = Settings()
    try:
        ladder = draft_ladder(file, name, settings.corpus_dir)
    except UnreadableFile as exc:
        raise InputError(str(exc)) from None
    print(ladder_yaml(ladder), end="")
    if save:
        target = save_ladder(settings, name or slug(file.stem), ladder, overwrite=force)
        err.print(f"Saved ladder to {target}; ingest its document and choose it with --ladder {target.stem}.",
                  markup=False, highlight=False)


@ladder_app.command("list")
@user_errors
def ladder_list(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False):
    """Every ladder: the general one and each company's, with its document."""
    from dataclasses import asdict

    from mentor.ladders import list_ladders
    from mentor.settings import Settings

    settings = Settings()
    rows = list_ladders(settings)
    if as_json:
        print(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2))
        return
    table = Table()
    for col in ("ladder", "name", "levels", "document", "file"):
        table.add_column(col, overflow="fold")
    for r in rows:
        chosen = " (chosen)" if r.name == (settings.ladder or "general") else ""
        table.add_row(r.name + chosen, "invalid: see below" if r.error else r.title, str(r.levels),
                      r.document or "", r.path)
    out.print(table)
    for r in rows:
        if r.error:
            err.print(f"Error: {r.error}", markup=False, highlight=False)
    if any(r.error for r in rows):
        raise typer.Exit(1)


@ladder_app.command("diff")
@user_errors
def ladder_diff(
    a: Annotated[str, typer.Argument(help="The level you are at (any alias).")],
    b: Annotated[str, typer.Argument(help="The level you compare with.")],
    ladder: Annotated[Optional[str], typer.Option(help="The ladder (default: MENTOR_LADDER, else the general one).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON rows.")] = False,
):
    """What changes from level A to level B, competency by competency, each side cited."""
    mentor = _mentor(ladder=ladder)
    rows = mentor.ladder_diff(a, b)
    if as_json:
        print(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=2))
        return
    la, lb = mentor.framework.resolve(a), mentor.framework.resolve(b)
    if not rows:
        raise InputError(f"The ladder's document has no passages about {la.name} or {lb.name}.")
    table = Table(show_lines=True, title=f"{la.name} → {lb.name} ({mentor.framework.name})")
    for col in ("competency", la.name, lb.name):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r.competency, _cited(r.a_text, r.a_chunk_id), _cited(r.b_text, r.b_chunk_id))
    out.print(table)


def _cited(text: str, chunk_id: str) -> str:
    from rich.markup import escape

    return f"{escape(text)}\n[dim]\\[{escape(chunk_id)}][/dim]" if chunk_id else "[dim](not stated)[/dim]"


if __name__ == "__main__":
    app()
