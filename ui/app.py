"""PM Mentor chat. Renders only: every decision is made by mentor.Mentor."""

from __future__ import annotations

import streamlit as st

from mentor.core import Mentor
from mentor.errors import MentorError
from mentor.ladder_view import ladder_dot, suggestions
from mentor.safety import safe_markdown

st.set_page_config(page_title="PM Mentor", page_icon="🧭")


@st.cache_resource
def get_mentor() -> Mentor:
    return Mentor.from_settings()


mentor = get_mentor()
fw = mentor.framework
names = [lvl.name for lvl in fw.levels]

try:
    passages = mentor.store.count()
except MentorError as exc:
    st.error(str(exc))
    st.code("make index   # or: .venv/bin/mentor ingest", language="bash")
    st.stop()

history = mentor.history
if "session" not in st.session_state:
    existing = history.conversations()
    st.session_state.session = existing[0]["id"] if existing else history.open()
session = st.session_state.session
stored_level, stored_target = history.profile(session)


def level_index(level_id: str | None) -> int:
    return [lvl.id for lvl in fw.levels].index(level_id) + 1 if level_id in fw.by_id else 0


with st.sidebar:
    st.header("You")
    level_name = st.selectbox("Current level", ["(not set)", *names], index=level_index(stored_level), key=f"level-{session}-{stored_level}")
    target_name = st.selectbox("Target level", ["(not set)", *names], index=level_index(stored_target), key=f"target-{session}-{stored_target}")
    level = fw.resolve(level_name) if level_name != "(not set)" else None
    target = fw.resolve(target_name) if target_name != "(not set)" else None
    if (level.id if level else None, target.id if target else None) != (stored_level, stored_target):
        history.set_profile(session, level, target)
    st.graphviz_chart(ladder_dot(fw, level, target))

    st.header("Conversations")
    if st.button("New conversation"):
        st.session_state.session = history.open()
        st.rerun()
    for conv in history.conversations()[:20]:
        label = ("▶ " if conv["id"] == session else "") + (conv["title"] or conv["id"])[:40]
        if st.button(label, key=f"conv-{conv['id']}"):
            st.session_state.session = conv["id"]
            st.rerun()
    turns = history.turns(session)
    st.download_button("Export as Markdown", safe_markdown(history.export_markdown(session)) if turns else "",
                       file_name=f"pm-mentor-{session}.md", disabled=not turns)
    if st.button("Delete this conversation"):
        history.delete(session)
        del st.session_state["session"]
        st.rerun()

    st.header("Status")
    try:
        engine = mentor.engine
        up = engine.reachable()
        st.caption(f"Engine: {engine.name} — {engine.status()} — {'reachable' if up else 'not reachable'}")
        if not up:
            st.warning("The LLM is not reachable; answers come from the grounded engine until it is back.")
    except MentorError as exc:
        st.error(str(exc))
    info = mentor.index_info()
    st.caption(f"Index: {info['documents']} documents, {passages} passages, last ingest {info['last_ingest']}")

st.title("PM Mentor")


def render_answer(answer, turn_id: int | None) -> None:
    if answer.abstained:
        st.warning(safe_markdown(answer.answer), icon="🤷")
    else:
        st.markdown(safe_markdown(answer.answer))
    for c in answer.citations:
        with st.expander(safe_markdown(f"[{c.n}] {c.section} — {c.source}")):
            st.text(c.quote)
    if turn_id is not None:
        up, down, _ = st.columns([2, 2, 6])
        if up.button("Helpful", icon=":material/thumb_up:", key=f"up-{turn_id}"):
            history.set_feedback(turn_id, 1)
            st.toast("Thanks: feedback saved.")
        if down.button("Not helpful", icon=":material/thumb_down:", key=f"down-{turn_id}"):
            history.set_feedback(turn_id, -1)
            st.toast("Thanks: feedback saved.")


for turn in turns:
    with st.chat_message("user"):
        st.text(turn["question"])
    with st.chat_message("assistant"):
        render_answer(turn["answer"], turn["id"])

chips = suggestions(fw, level, target)
picked = None
cols = st.columns(len(chips))
for col, chip in zip(cols, chips):
    if col.button(chip, key=f"chip-{chip}"):
        picked = chip

if question := (st.chat_input("Ask about your PM career") or picked):
    with st.chat_message("user"):
        st.text(question)
    with st.chat_message("assistant"):
        placeholder = st.empty()
        text = ""
        answer = None
        try:
            for part in mentor.stream(question, level=level.name if level else None,
                                      target=target.name if target else None, session=session):
                if isinstance(part, str):
                    text += part
                    placeholder.markdown(safe_markdown(text) + " ▌")
                else:
                    answer = part
        except MentorError as exc:
            placeholder.error(str(exc))
        if answer is not None:
            placeholder.empty()
            render_answer(answer, None)
            if answer.level and (not level or answer.level != level.name):
                st.info(f"Noted: your level is now {answer.level}.")
            st.rerun()
