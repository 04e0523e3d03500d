"""Questions that name a company, on a bullet-list ladder of numbered IC levels, with the real model."""

import shutil

import pytest

from mentor.core import Mentor
from mentor.ingest import Ingestor
from mentor.ladders import draft_ladder, save_ladder
from mentor.settings import Settings
from tests.conftest import SEED_CORPUS, with_model_export

pytestmark = pytest.mark.model

HERON = """# Heron product levels

## IC3 · Product Manager

- Runs discovery and delivery for one team
- Presents the team's results at the monthly review
- Reports to a Senior Product Manager or a Group Product Manager

## IC4 · Senior Product Manager

- Owns the roadmap of a product area
- Coaches IC3 product managers on discovery
- Reports to a Group Product Manager

## IC5 · Staff Product Manager

- Writes the strategy for several product areas
- Leads the quarterly business review with finance
- Reports to the VP of Product
"""


@pytest.fixture(scope="module")
def heron(seed_index, tmp_path_factory) -> Mentor:
    root = tmp_path_factory.mktemp("heron")
    corpus = root / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    (corpus / "heron-levels.md").write_text(HERON)
    settings = Settings(index_dir=with_model_export(seed_index, root / "index"), corpus_dir=corpus,
                        embedder="auto", history_url=f"sqlite:///{root / 'h.sqlite3'}")  # the general ladder chosen
    save_ladder(settings, "heron", draft_ladder(corpus / "heron-levels.md", name="heron", corpus_dir=corpus))
    Ingestor(settings).run([corpus])
    return Mentor(settings.model_copy(update={"ladder": "heron"}))


def test_who_a_level_reports_to_comes_first(heron):
    answer = heron.ask("At Heron, who does a Staff PM report to?")
    assert answer.answer.startswith("Reports to the VP of Product"), answer.answer
    assert answer.citations[0].source.endswith("heron-levels.md")


def test_the_level_that_does_it_with_the_sentence_that_says_so(heron):
    answer = heron.ask("in heron's framework, from which level do you own a roadmap?")
    assert answer.answer.startswith("**Senior Product Manager**: Owns the roadmap of a product area"), answer.answer


def test_a_numbered_step_shows_what_the_higher_level_adds(heron):
    answer = heron.ask("what changes from IC4 to IC5?")
    assert "Writes the strategy for several product areas" in answer.answer
    assert all(c.source.endswith(("heron-levels.md", "career-framework.yaml")) for c in answer.citations)
