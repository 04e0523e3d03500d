"""Server mode: the same code paths against a real `chroma run` on 127.0.0.1."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mentor.bench_ui import free_port, wait_for_http
from mentor.core import Mentor
from mentor.ingest import Ingestor
from mentor.settings import Settings
from tests.conftest import with_model_export

pytestmark = pytest.mark.server


@pytest.fixture
def chroma_url(tmp_path):
    chroma = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    if not Path(chroma).exists():
        pytest.skip("the chroma command is not installed")
    port = free_port()
    proc = subprocess.Popen([chroma, "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    if not wait_for_http(f"{url}/api/v2/heartbeat", proc, 60):
        proc.kill()
        pytest.fail("chroma run did not start")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_ingest_search_and_ask_through_a_chroma_server(chroma_url, fake_corpus, tmp_path, seed_index):
    settings = Settings(index_dir=with_model_export(seed_index, tmp_path / "state"), corpus_dir=fake_corpus,
                        chroma_url=chroma_url)
    report = Ingestor(settings).run([fake_corpus])
    assert report.added == 1
    assert not settings.chroma_dir.exists()  # nothing embedded locally: the passages live on the server
    again = Ingestor(settings).run([fake_corpus])
    assert again.unchanged == 1
    mentor = Mentor(settings)
    assert mentor.store.count() == report.passages
    answer = mentor.ask("How many direct reports does a Lead PM have?")
    assert "five direct reports" in answer.answer


def test_unreachable_chroma_server_is_one_sentence(tmp_path):
    from mentor.errors import ConfigError

    settings = Settings(index_dir=tmp_path / "state", embedder="fake", chroma_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(ConfigError, match="not reachable"):
        Mentor(settings).search("director")
