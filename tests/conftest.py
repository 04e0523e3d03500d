"""Shared fixtures: every test writes under its own index folder; a fake chat model and a
fake embedder are registered exactly like the real ones."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from mentor.engines import ENGINES, register  # noqa: E402
from mentor.settings import PROJECT_ROOT, Settings  # noqa: E402

SEED_CORPUS = PROJECT_ROOT / "corpus"


@pytest.fixture(autouse=True)
def isolated_state(tmp_path, monkeypatch):
    """No test touches the project's own index/ or a developer's .env."""
    monkeypatch.setenv("MENTOR_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.delenv("MENTOR_ENGINE", raising=False)
    monkeypatch.delenv("MENTOR_CHROMA_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    yield


class FakeChat:
    """A queue of canned replies, streamed word by word like a real chat model."""

    replies: list[str] = []
    prompts: list = []

    @classmethod
    def enqueue(cls, *replies: str) -> None:
        cls.replies.extend(replies)


@pytest.fixture
def fake_chat():
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    from mentor.engines.llm import ChatEngine

    FakeChat.replies = []
    FakeChat.prompts = []

    class Recording(GenericFakeChatModel):
        def _stream(self, messages, *args, **kwargs):
            FakeChat.prompts.append(messages)
            yield from super()._stream(messages, *args, **kwargs)

    def replies():  # read the queue lazily, so a test can enqueue between questions
        while FakeChat.replies:
            yield AIMessage(FakeChat.replies.pop(0))

    @register("fake")
    def _fake(mentor):
        return ChatEngine("fake", lambda: Recording(messages=replies()), "fake")

    yield FakeChat
    ENGINES.pop("fake", None)


def build_index(index_dir: Path, corpus: Path, embedder: str = "fake", framework: Path | None = None) -> Settings:
    from mentor.ingest import Ingestor

    settings = Settings(index_dir=index_dir, corpus_dir=corpus, embedder=embedder,
                        framework_file=framework)
    Ingestor(settings).run([corpus])
    return settings


def company_mentor(seed_index: Settings, root: Path, filename: str, text: str, name: str, chosen: bool = True):
    """The seed corpus plus one company's ladder document, its drafted ladder saved, indexed with the real
    model; a Mentor with that ladder chosen, or the general one."""
    from mentor.core import Mentor
    from mentor.ingest import Ingestor
    from mentor.ladders import draft_ladder, save_ladder

    corpus = root / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    (corpus / filename).write_text(text)
    settings = Settings(index_dir=with_model_export(seed_index, root / "index"), corpus_dir=corpus, embedder="auto",
                        ladder=name if chosen else None, history_url=f"sqlite:///{root / 'conversations.sqlite3'}")
    save_ladder(settings, name, draft_ladder(corpus / filename, name=name, corpus_dir=corpus))
    Ingestor(settings).run([corpus])
    return Mentor(settings)


def with_model_export(seed_index: Settings, index_dir: Path) -> Path:
    """A new index folder holding the seed index's exported model: the real model without a new export."""
    shutil.copytree(seed_index.index_dir / "onnx", index_dir / "onnx", dirs_exist_ok=True)
    return index_dir


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> Settings:
    """The seed corpus indexed once with the real packaged model (ONNX export included)."""
    index_dir = tmp_path_factory.mktemp("seed-index")
    return build_index(index_dir, SEED_CORPUS, embedder="auto")


@pytest.fixture
def seed_mentor(seed_index, tmp_path):
    from mentor.core import Mentor

    # Conversations per test; the index is shared and read-only.
    return Mentor(seed_index.model_copy(update={"history_url": f"sqlite:///{tmp_path / 'conv.sqlite3'}"}))


@pytest.fixture
def fake_corpus(tmp_path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    return corpus
