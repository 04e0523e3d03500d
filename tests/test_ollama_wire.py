"""The ollama engine's wiring, against a stand-in for Ollama's /api/chat on 127.0.0.1.

No Ollama server is installable here (it is not in the package registries), so this
checks our side of the protocol: the request we send and the streamed reply we read.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from mentor.core import Mentor
from tests.conftest import build_index, with_model_export


class OllamaStandIn(BaseHTTPRequestHandler):
    reply = ""
    requests: list = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        OllamaStandIn.requests.append((self.path, body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.end_headers()
        for word in OllamaStandIn.reply.split(" "):
            line = {"model": body["model"], "message": {"role": "assistant", "content": word + " "}, "done": False}
            self.wfile.write((json.dumps(line) + "\n").encode())
        done = {"model": body["model"], "message": {"role": "assistant", "content": ""}, "done": True,
                "done_reason": "stop"}
        self.wfile.write((json.dumps(done) + "\n").encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def ollama_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), OllamaStandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_ollama_engine_streams_and_is_checked(ollama_url, fake_corpus, tmp_path, monkeypatch, seed_index):
    monkeypatch.setenv("OLLAMA_HOST", ollama_url)
    settings = build_index(with_model_export(seed_index, tmp_path / "idx"), fake_corpus, embedder="auto")
    mentor = Mentor(settings.model_copy(update={"engine": "ollama", "llm_model": "llama3.2"}))
    first = mentor.ask("How many direct reports does a Lead PM have?")  # learn the passage numbers
    n = next(i for i, p in enumerate(first.trace["retrieved"], 1) if "five direct reports" in p["text"])
    OllamaStandIn.reply = f"Lead PMs oversee up to five direct reports [{n}]. They earn $400k [{n}]."
    parts = list(mentor.stream("How many direct reports does a Lead PM have?"))
    answer = parts[-1]
    assert sum(isinstance(p, str) for p in parts) > 3
    assert answer.engine == "ollama"
    assert "up to five direct reports [1]" in answer.answer and "$400k" not in answer.answer
    path, body = OllamaStandIn.requests[-1]
    assert path == "/api/chat" and body["model"] == "llama3.2"
    assert "five direct reports" in body["messages"][-1]["content"]
