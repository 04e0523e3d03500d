"""The Streamlit app, headless (AppTest), on the seed index with the grounded engine."""

import pytest
from streamlit.testing.v1 import AppTest

from mentor.settings import PROJECT_ROOT

pytestmark = pytest.mark.model
APP = str(PROJECT_ROOT / "ui" / "app.py")


@pytest.fixture
def app(seed_index, monkeypatch, tmp_path):
    monkeypatch.setenv("MENTOR_INDEX_DIR", str(seed_index.index_dir))
    monkeypatch.setenv("MENTOR_HISTORY_URL", f"sqlite:///{tmp_path / 'ui.sqlite3'}")
    import streamlit as st

    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def test_chat_turn_shows_answer_with_sources(app):
    app.sidebar.selectbox[0].select("Senior Product Manager").run()
    app.chat_input[0].set_value("How do I become a Director?").run()
    assert not app.exception
    text = " ".join(m.value for m in app.markdown)
    assert "Lead Product Manager" in text
    assert any(e.label.startswith("[1]") for e in app.expander)


def test_stated_level_updates_the_sidebar(app):
    app.chat_input[0].set_value("I'm a senior PM at a startup").run()
    assert not app.exception
    assert app.sidebar.selectbox[0].value == "Senior Product Manager"


def test_abstention_renders_as_warning(app):
    app.chat_input[0].set_value("What salary does a Senior PM make?").run()
    assert any("My sources give no salary figures" in w.value for w in app.warning)


def test_missing_index_says_how_to_build(monkeypatch, tmp_path):
    monkeypatch.setenv("MENTOR_INDEX_DIR", str(tmp_path / "empty"))
    import streamlit as st

    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert "mentor ingest" in at.error[0].value


def test_feedback_button_is_stored(app):
    from mentor.history import History

    app.chat_input[0].set_value("What does a Lead PM do?").run()
    helpful = [b for b in app.button if b.label == "Helpful"]
    helpful[0].click().run()
    assert not app.exception
    import os

    history = History(os.environ["MENTOR_HISTORY_URL"])
    conv = history.conversations()[0]
    assert history.turns(conv["id"])[0]["feedback"] == 1


def test_export_holds_answer_and_sources(app):
    app.chat_input[0].set_value("How many direct reports does a Lead PM have?").run()
    exported = [d for d in app.get("download_button")]
    assert exported
    import os

    from mentor.history import History

    history = History(os.environ["MENTOR_HISTORY_URL"])
    md = history.export_markdown(history.conversations()[0]["id"])
    assert "five direct reports" in md and "Lead Product Manager › Duties and Responsibilities" in md


def test_fake_llm_engine_streams_in_the_app(seed_index, monkeypatch, tmp_path, fake_chat):
    monkeypatch.setenv("MENTOR_INDEX_DIR", str(seed_index.index_dir))
    monkeypatch.setenv("MENTOR_HISTORY_URL", f"sqlite:///{tmp_path / 'ui.sqlite3'}")
    monkeypatch.setenv("MENTOR_ENGINE", "fake")
    import streamlit as st

    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    fake_chat.enqueue("A Lead PM typically oversees up to five direct reports [1]. They also earn $1M [1].")
    at.chat_input[0].set_value("How many direct reports does a Lead PM have?").run()
    assert not at.exception
    assert fake_chat.prompts, "the fake model was not called"
    text = " ".join(m.value for m in at.markdown)
    assert "five direct reports" in text and "$1M" not in text
    assert "grounded answer instead" not in text  # the fake model's own sentence, checked and kept
    assert any("fake" in c.value for c in at.sidebar.caption)


def test_conversation_store_down_is_a_clear_message(seed_index, monkeypatch):
    """A PostgreSQL that is not there: one sentence in the page, no traceback."""
    from mentor.bench_ui import free_port

    monkeypatch.setenv("MENTOR_INDEX_DIR", str(seed_index.index_dir))
    monkeypatch.setenv("MENTOR_HISTORY_URL", f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/mentor")
    import streamlit as st

    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    if not at.exception and at.chat_input:
        at.chat_input[0].set_value("How do I become a Director?").run()
    assert not at.exception
    messages = " ".join(e.value for e in at.error)
    assert "MENTOR_HISTORY_URL" in messages or "conversation store" in messages.lower(), messages


def test_a_visitor_sees_only_their_own_conversations(app, monkeypatch):
    app.chat_input[0].set_value("What does a Principal PM do?").run()
    others = AppTest.from_file(APP, default_timeout=60)  # a second visitor on the same app and store
    others.run()
    others.chat_input[0].set_value("What does a Head of Product do?").run()
    assert not others.exception

    def listed(at):
        return [b.label.lstrip("▶ ") for b in at.sidebar.button if b.key and b.key.startswith("conv-")]

    assert listed(others) == ["What does a Head of Product do?"]
    app.run()
    assert listed(app) == ["What does a Principal PM do?"]
