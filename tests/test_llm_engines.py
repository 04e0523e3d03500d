"""LLM engines: a fake chat model registered like the real ones, then the real checks."""

import re

import pytest

from mentor.core import Mentor
from tests.conftest import build_index

pytestmark = pytest.mark.model


@pytest.fixture
def mentor(fake_chat, seed_index, tmp_path):
    """The seed index with the real model (the grounded steps before the engine run on meaning)."""
    return Mentor(seed_index.model_copy(update={"engine": "fake",
                                                "history_url": f"sqlite:///{tmp_path / 'conv.sqlite3'}"}))


def numbers(answer):
    return {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}


def passage_number(mentor, question, text):
    """Which [n] the pipeline gives the passage holding `text` for this question."""
    for part in mentor.stream(question):
        pass
    for i, p in enumerate(part.trace["retrieved"], start=1):
        if text in p["text"]:
            return i
    raise AssertionError(text)


def test_streams_pieces_then_checked_answer(mentor, fake_chat):
    q = "How many direct reports does a Lead PM have?"
    fake_chat.enqueue("warm-up")
    n = passage_number(mentor, q, "five direct reports")
    fake_chat.enqueue(f"Lead PMs typically oversee up to five direct reports [{n}].")
    parts = list(mentor.stream(q))
    pieces = [p for p in parts if isinstance(p, str)]
    assert len(pieces) > 3  # streamed, not one block
    answer = parts[-1]
    assert answer.engine == "fake"
    assert "up to five direct reports [1]" in answer.answer
    assert answer.citations[0].section == "Lead Product Manager › Duties and Responsibilities"
    assert "five direct reports" in answer.citations[0].quote


@pytest.mark.parametrize("style", ["[{n}]", "(source {n})", "[Source {n}]"])
def test_marker_styles(mentor, fake_chat, style):
    q = "How many direct reports does a Lead PM have?"
    fake_chat.enqueue("warm-up")
    n = passage_number(mentor, q, "five direct reports")
    fake_chat.enqueue("They oversee up to five direct reports " + style.format(n=n) + ". Bogus claim [12].")
    a = mentor.ask(q)
    assert numbers(a) == {1} and len(a.citations) == 1
    assert "[12]" not in a.answer and "Bogus" not in a.answer
    assert "grounded answer instead" not in a.answer


def test_no_markers_at_all_gets_cited_or_removed(mentor, fake_chat):
    fake_chat.enqueue("Typically, they oversee up to five direct reports. Lead PMs earn $250k a year.")
    a = mentor.ask("How many direct reports does a Lead PM have?")
    assert "five direct reports [1]" in a.answer
    assert "grounded answer instead" not in a.answer
    assert "$250k" not in a.answer
    assert "not supported by the sources was left out" in a.answer


def test_unsupported_answer_falls_back_to_grounded(mentor, fake_chat):
    fake_chat.enqueue("Directors usually earn twice as much as Lead PMs [1]. Ask your recruiter [2].")
    a = mentor.ask("How do I get from Lead PM to Director?")
    assert "so this is the grounded answer instead" in a.answer
    assert "hiring well" in a.answer and a.citations
    assert "twice" not in a.answer


def test_prompt_carries_passages_ladder_and_level(mentor, fake_chat):
    fake_chat.enqueue("ok")
    mentor.ask("How do I get to Director?", level="Senior PM")
    prompt = fake_chat.prompts[-1][-1].content
    assert "currently Senior Product Manager" in prompt
    assert "Route: Senior Product Manager → Lead Product Manager → Director/Group Product Manager" in prompt
    assert "[1] (" in prompt


def test_unreachable_llm_says_so_and_still_answers(seed_index, tmp_path, monkeypatch):
    m = Mentor(seed_index.model_copy(update={"engine": "openai", "llm_model": "x",
                                             "history_url": f"sqlite:///{tmp_path / 'conv.sqlite3'}",
                                           "llm_base_url": "http://127.0.0.1:9/v1", "llm_timeout": 2}))
    a = m.ask("How many direct reports does a Lead PM have?")
    assert "could not answer" in a.answer and "grounded answer instead" in a.answer
    assert "five direct reports" in a.answer


def test_unconfigured_llm_is_one_clear_error(fake_corpus, tmp_path, monkeypatch):
    from mentor.errors import ConfigError

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    settings = build_index(tmp_path / "idx", fake_corpus, embedder="fake")
    with pytest.raises(ConfigError, match="needs MENTOR_LLM_MODEL"):
        Mentor(settings.model_copy(update={"engine": "openai"})).ask("hi")
