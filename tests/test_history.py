"""The conversation store behind `--session` and the UI: export and feedback."""

import pytest

from mentor.core import Mentor
from mentor.errors import InputError
from tests.conftest import build_index


def test_export_and_feedback(tmp_path, fake_corpus):
    m = Mentor(build_index(tmp_path / "idx", fake_corpus))
    a = m.ask("How many direct reports does a Lead PM have?", session="x")
    md = m.history.export_markdown("x")
    assert "five direct reports" in md and a.citations[0].section in md
    turn = m.history.turns("x")[0]
    m.history.set_feedback(turn["id"], 1)
    assert m.history.turns("x")[0]["feedback"] == 1
    with pytest.raises(InputError):
        m.history.set_feedback(turn["id"], 5)
    m.history.delete("x")
    assert m.history.turns("x") == []
