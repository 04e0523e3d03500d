"""A PostgreSQL conversation store through server faults: restarted mid-conversation, then down."""

import pytest

from mentor.core import Mentor
from mentor.history import StoreUnavailableError
from tests.conftest import build_index
from tests.postgres_server import own_cluster  # noqa: F401 (fixture)


def test_restart_mid_conversation_then_a_server_that_stays_down(tmp_path, fake_corpus, own_cluster):  # noqa: F811
    settings = build_index(tmp_path / "idx", fake_corpus).model_copy(update={"history_url": own_cluster.url})
    mentor = Mentor(settings)
    mentor.ask("I'm a senior PM and I want to be a director.", session="s")

    own_cluster.stop()
    own_cluster.start()  # every pooled connection is now dead: pre-ping replaces it
    follow = mentor.ask("How do I get there?", session="s")
    assert follow.level == "Senior Product Manager" and len(mentor.history.turns("s")) == 2

    own_cluster.stop()
    with pytest.raises(StoreUnavailableError) as down:
        mentor.ask("And after that?", session="s")
    message = str(down.value)
    assert "MENTOR_HISTORY_URL" in message and f"127.0.0.1:{own_cluster.port}" in message
    assert "nothing stored before was lost" in message and "\n" not in message

    own_cluster.start()
    turns = mentor.history.turns("s")
    assert [t["question"] for t in turns] == ["I'm a senior PM and I want to be a director.", "How do I get there?"]
    assert mentor.history.profile("s")[0] is not None
