"""A real browser against the real app: Debian chromium + Playwright, app on 127.0.0.1."""

import shutil
from pathlib import Path

import pytest

from mentor.bench_ui import ask_in_browser, chromium_page, measure, serve_app
from tests.conftest import SEED_CORPUS, build_index

pytestmark = [pytest.mark.browser, pytest.mark.model]

XSS_DOC = """# Team wiki

## Director notes

Directors here write a yearly strategy memo. <img src=x onerror="window.__xss=1"> <script>window.__xss=2</script>
"""


@pytest.fixture(scope="module")
def app_index(tmp_path_factory):
    if not (shutil.which("chromium") or Path("/usr/bin/chromium").exists()):
        pytest.skip("chromium is not installed (apt-get install chromium)")
    root = tmp_path_factory.mktemp("browser")
    corpus = root / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    (corpus / "wiki.md").write_text(XSS_DOC)
    return build_index(root / "index", corpus, embedder="auto", framework=corpus / "career-framework.yaml")


def test_senior_pm_asks_how_to_become_director(app_index, tmp_path):
    env = {"MENTOR_INDEX_DIR": str(app_index.index_dir), "MENTOR_CORPUS_DIR": str(app_index.corpus_dir),
           "MENTOR_FRAMEWORK_FILE": str(app_index.framework_path)}
    shots = Path("screenshots").resolve()
    shots.mkdir(exist_ok=True)
    with serve_app(env) as url, chromium_page() as page:
        page.goto(url)
        page.get_by_test_id("stChatInputTextArea").wait_for(timeout=60000)
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_test_id("stSelectbox").first.click()
        page.get_by_role("option", name="Senior Product Manager").click()
        page.wait_for_timeout(1500)
        seconds = ask_in_browser(page, "How do I become a Director?")
        page.get_by_text("As a Senior Product Manager, your route").first.wait_for()
        assert page.get_by_text("hiring well", exact=False).count() >= 1
        assert page.locator('[data-testid="stExpander"]').count() >= 1
        ladder = sidebar.get_by_test_id("stGraphVizChart").locator("svg")  # the ladder picture
        assert "Senior Product Manager" in ladder.first.inner_html()

        ask_in_browser(page, "What is the yearly strategy memo?")
        # The answer quotes the document, tags and all, as text (the question alone would match "memo").
        page.get_by_text("Directors here write a yearly strategy memo", exact=False).first.wait_for(timeout=30000)
        page.get_by_text('onerror="window.__xss=1"', exact=False).first.wait_for(timeout=30000)
        page.wait_for_timeout(500)
        assert page.evaluate("window.__xss") is None
        path = shots / "senior-pm-to-director.png"
        page.screenshot(path=str(path), full_page=True)
    print(f"\nscreenshot: {path}\nanswer shown {seconds:.2f}s after Enter")


def test_answer_latency_in_the_browser(app_index):
    """Measured, not asserted: the figure the benchmark quotes."""
    env = {"MENTOR_INDEX_DIR": str(app_index.index_dir), "MENTOR_CORPUS_DIR": str(app_index.corpus_dir),
           "MENTOR_FRAMEWORK_FILE": str(app_index.framework_path)}
    with serve_app(env) as url:
        result = measure(url, ["How do I become a Director?", "What does a Lead PM do?", "Is a GPM a Director?"], rounds=3)
    print(f"\nbrowser: {result}")
    assert result["n"] == 3
