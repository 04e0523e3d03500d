"""PM Mentor chat. Renders only: every decision is made by mentor.Mentor."""

from __future__ import annotations

import streamlit as st

from mentor.core import Mentor
from mentor.errors import IndexMissingError, MentorError
from mentor.ladder_view import ladder_dot, suggestions
from mentor.safety import safe_markdown
from mentor.store import storage_error

st.set_page_config(page_title="PM Mentor", page_icon="🧭")


@st.cache_resource
def get_mentor(ladder: str | None = None) -> Mentor:
    return Mentor.from_settings(**({"ladder": ladder} if ladder else {}))


def pick_ladder(base: Mentor) -> str:
    """The ladder selector: the general one and each company's; the setting chooses the first shown."""
    from mentor.ladders import GENERAL, list_ladders

    valid = [info for info in list_ladders(base.settings) if info.error is None]
    names = [info.name for info in valid]
    default = base.settings.ladder if base.settings.ladder in names else GENERAL
    labels = {info.name: f"{info.title} ({info.name})" for info in valid}
    return ladder_box.selectbox("Ladder", names, index=names.index(default), format_func=labels.get, key="ladder")


# The ladder is chosen first but shown under the levels it frames.
you_box, ladder_box = st.sidebar.container(), st.sidebar.container()
try:
    mentor = get_mentor(pick_ladder(get_mentor()))
    fw = mentor.framework
except MentorError as exc:
    st.error(str(exc))
    st.stop()
names = [lvl.name for lvl in fw.levels]

try:
    passages = mentor.store.count()
except MentorError as exc:
    st.error(str(exc))
    if isinstance(exc, IndexMissingError):
        st.code("make index   # or: .venv/bin/mentor ingest", language="bash")
    st.stop()

try:
    history = mentor.history
    if "session" not in st.session_state:
        # Each visitor starts a conversation of their own, named in the URL so a reload resumes it:
        # with many users on one app, nobody lands in someone else's latest conversation.
        wanted = st.query_params.get("c")
        st.session_state.session = wanted if wanted and history.exists(wanted) else history.open()
    session = st.session_state.session
    st.query_params["c"] = session
    # The sidebar lists only the conversations this visitor opened: others' are not theirs to read.
    mine = st.session_state.setdefault("mine", [])
    if session not in mine:
        mine.insert(0, session)
    stored_level, stored_target = history.profile(session)
except MentorError as exc:  # the conversation store is away: say so; what it holds is untouched
    st.error(str(exc))
    st.stop()


def level_index(level_id: str | None) -> int:
    return [lvl.id for lvl in fw.levels].index(level_id) + 1 if level_id in fw.by_id else 0


with st.sidebar:
    you_box.header("You")
    level_name = you_box.selectbox("Current level", ["(not set)", *names], index=level_index(stored_level), key=f"level-{session}-{stored_level}")
    target_name = you_box.selectbox("Target level", ["(not set)", *names], index=level_index(stored_target), key=f"target-{session}-{stored_target}")
    level = fw.resolve(level_name) if level_name != "(not set)" else None
    target = fw.resolve(target_name) if target_name != "(not set)" else None
    # A level stored from another ladder stays stored until the user picks one on this ladder.
    known = all(x is None or x in fw.by_id for x in (stored_level, stored_target))
    if known and (level.id if level else None, target.id if target else None) != (stored_level, stored_target):
        history.set_profile(session, level, target)
    st.graphviz_chart(ladder_dot(fw, level, target))

    st.header("Conversations")
    if st.button("New conversation"):
        st.session_state.session = history.open()
        st.rerun()
    for conv in [c for c in history.conversations() if c["id"] in mine][:20]:
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
    documents = f"{info['documents']} document{'' if info['documents'] == 1 else 's'}"
    st.caption(f"Index: {documents}, {passages} passages, last ingest {info['last_ingest']}")
    with st.expander("Documents"):
        from mentor.ladders import documents_with_ladders

        indexed = {source: path for source, (_, _, path) in mentor.ingest_state.files().items()}
        for source, ladder_name in documents_with_ladders(mentor.settings, indexed):
            st.text(f"{source} — ladder: {ladder_name}" if ladder_name else source)

st.title("PM Mentor")


def render_diff() -> None:
    """Level to level on the chosen ladder, competency by competency, each side with its passage id."""
    left, right = st.columns(2)
    order = [lvl.name for lvl in fw.levels]
    a = left.selectbox("From", order, index=order.index(level.name) if level else 0, key=f"diff-a-{fw.name}")
    b = right.selectbox("To", order, index=order.index(target.name) if target else min(1, len(order) - 1),
                        key=f"diff-b-{fw.name}")
    try:
        rows = mentor.ladder_diff(a, b)
    except MentorError as exc:
        st.info(str(exc))
        return
    if not rows:
        st.info(f"The ladder's document says nothing about {a} or {b} on its own.")
    for row in rows:
        st.markdown(f"**{row.competency}**")
        cols = st.columns(2)
        for col, text, chunk_id in ((cols[0], row.a_text, row.a_chunk_id), (cols[1], row.b_text, row.b_chunk_id)):
            col.text(text or "(not stated)")
            if chunk_id:
                col.caption(chunk_id)


if len(fw.levels) > 1:
    with st.expander(f"Compare two levels — {fw.name}"):
        render_diff()


def render_answer(answer, turn_id: int | None) -> None:
    if answer.abstained:
        st.warning(safe_markdown(answer.answer), icon="🤷")
    else:
        st.markdown(safe_markdown(answer.answer))
    for c in answer.citations:
        with st.expander(f"[{c.n}] {safe_markdown(c.section)} — {safe_markdown(c.source)}"):
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
        except Exception as exc:  # a full disk, whichever library hit it, is one sentence; anything else is a bug
            if (full := storage_error(exc, mentor.settings.index_dir)) is None:
                raise
            placeholder.error(str(full))
        if answer is not None:
            placeholder.empty()
            render_answer(answer, None)
            if answer.level and (not level or answer.level != level.name):
                st.info(f"Noted: your level is now {answer.level}.")
            st.rerun()
