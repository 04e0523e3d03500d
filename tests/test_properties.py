"""Bad input, tried systematically: any text yields a result or one clear error, never a crash."""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentor.documents import UnreadableFile, chunk_source, read_source
from mentor.errors import FrameworkError, InputError, MentorError
from mentor.framework import load_framework
from mentor.settings import PROJECT_ROOT

FRAMEWORK = load_framework(PROJECT_ROOT / "corpus" / "career-framework.yaml")
FEW = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Any character at all: controls, lone surrogates, private use, right-to-left marks.
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=300)
MARKDOWNISH = st.lists(st.one_of(
    st.sampled_from(["# ", "## ", "### ", "\n", "\n\n", "- ", "1. ", "| a | b |\n|---|---|\n| c | d |\n", "---\n",
                     "```\n", "**", "Senior PM ", "Director ", "five direct reports. ", "<b>", "\x00", "\ufeff"]),
    st.text(max_size=40)), max_size=40).map("".join)


def one_sentence(exc: Exception) -> bool:
    message = str(exc)
    return bool(message) and "\n" not in message and "Traceback" not in message


# ---- chunking ------------------------------------------------------------------------------

@FEW
@given(MARKDOWNISH)
def test_chunking_any_markdown(text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.md"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            doc = read_source(path)
        except UnreadableFile as exc:  # empty or undecodable: named and skipped
            assert one_sentence(exc)
            return
        chunks = chunk_source(doc, FRAMEWORK)
    ids = [c.id for c in chunks]
    assert len(ids) == len(set(ids))
    for c in chunks:
        assert c.page_content.strip()
        assert c.metadata["source"] == doc.source


@FEW
@given(st.binary(max_size=400))
def test_reading_any_bytes(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.md"
        path.write_bytes(data)
        try:
            doc = read_source(path)
        except UnreadableFile as exc:
            assert one_sentence(exc)
            return
        assert isinstance(doc.text, str)
        chunk_source(doc, FRAMEWORK)


# ---- framework loading ---------------------------------------------------------------------

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 9), st.text(max_size=12))
LEVEL = st.fixed_dictionaries({}, optional={"id": SCALARS, "name": SCALARS, "track": st.sampled_from(["ic", "m", "x"]),
                                            "rank": SCALARS, "section": SCALARS, "aliases": st.lists(SCALARS, max_size=3)})
FRAMEWORK_DOC = st.fixed_dictionaries({}, optional={
    "name": SCALARS, "tracks": st.one_of(SCALARS, st.just({"ic": "IC", "m": "Manager"})),
    "levels": st.one_of(SCALARS, st.lists(st.one_of(LEVEL, SCALARS), max_size=4)),
    "transitions": st.lists(st.fixed_dictionaries({"from": SCALARS, "to": SCALARS, "section": SCALARS}), max_size=3),
})


@FEW
@given(st.one_of(FRAMEWORK_DOC, SCALARS, st.lists(SCALARS)))
def test_any_framework_document_loads_or_is_one_sentence(doc):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fw.yaml"
        path.write_text(yaml.safe_dump(doc), encoding="utf-8")
        try:
            fw = load_framework(path)
        except FrameworkError as exc:
            assert one_sentence(exc), str(exc)
            return
    assert fw.levels  # a loaded framework can always answer "which levels?"
    for lvl in fw.levels:
        assert fw.resolve(lvl.name) is lvl


@FEW
@given(st.binary(max_size=300))
def test_any_framework_bytes_load_or_are_one_sentence(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fw.yaml"
        path.write_bytes(data)
        with pytest.raises(FrameworkError) as caught:
            load_framework(path)  # random bytes are never a valid framework
        assert one_sentence(caught.value)


# ---- level recognition ---------------------------------------------------------------------

ALIASES = [(alias, lvl) for lvl in FRAMEWORK.levels for alias in FRAMEWORK.aliases_of(lvl)]


@FEW
@given(st.sampled_from(ALIASES), st.sampled_from([str.lower, str.upper, str.title, lambda s: f"  {s} "]),
       ANY_TEXT, ANY_TEXT)
def test_every_alias_is_recognised_in_any_surroundings(pair, case, before, after):
    alias, level = pair
    assert FRAMEWORK.resolve(case(alias)) == level
    text = f"{before} I am a {case(alias)}. {after}"
    mentions = FRAMEWORK.find_levels(text)
    assert level in [m.level for m in mentions]
    for m in mentions:
        assert 0 <= m.start < m.end <= len(text)


@FEW
@given(ANY_TEXT)
def test_resolving_any_text_is_a_level_or_one_sentence(text):
    try:
        FRAMEWORK.resolve(text)
    except InputError as exc:
        assert one_sentence(exc)


# ---- question handling ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def mentor(tmp_path_factory):
    from mentor.core import Mentor
    from tests.conftest import SEED_CORPUS, build_index

    root = tmp_path_factory.mktemp("props")
    settings_ = build_index(root / "index", SEED_CORPUS, embedder="fake")
    return Mentor(settings_.model_copy(update={"history_url": f"sqlite:///{root / 'conv.sqlite3'}"}))


QUESTIONS = st.one_of(ANY_TEXT, MARKDOWNISH, st.builds(lambda a, b: f"{a} How do I become a Director? {b}",
                                                       ANY_TEXT, ANY_TEXT))


@FEW
@given(question=QUESTIONS, level=st.one_of(st.none(), st.sampled_from(["Sr PM", "GPM", "nonsense level"])))
def test_any_question_yields_an_answer_or_one_clear_error(mentor, question, level):
    try:
        answer = mentor.ask(question, level=level, session="props")
    except MentorError as exc:
        assert one_sentence(exc), str(exc)
        return
    assert answer.answer.strip()
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert markers == {c.n for c in answer.citations}
    # what was stored is clean: no control characters or lone surrogates
    stored = mentor.history.turns("props")[-1]
    for text in (stored["question"], stored["answer"].answer):
        assert text.encode("utf-8")  # no lone surrogates
        assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in text)


# ---- the CLI: bad frameworks and bad bytes are one sentence and a non-zero exit ------------

BAD_FRAMEWORKS = {
    "no levels": "name: x\ntracks: {ic: IC}\nlevels: []\n",
    "a level without id": "name: x\ntracks: {ic: IC}\nlevels:\n  - {name: PM, track: ic, rank: 1, section: PM}\n",
    "a transition to an unknown level": (
        "name: x\ntracks: {ic: IC}\nlevels:\n  - {id: pm, name: PM, track: ic, rank: 1, section: PM}\n"
        "transitions:\n  - {from: pm, to: ceo, section: Up}\n"),
}


def run_cli(args: list, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mentor.cli", *args], capture_output=True,
                          env={**os.environ, "MENTOR_EMBEDDER": "fake", **env}, timeout=120)


@pytest.mark.parametrize("case", list(BAD_FRAMEWORKS))
def test_bad_framework_is_one_sentence_and_non_zero_exit(case, tmp_path):
    framework = tmp_path / "fw.yaml"
    framework.write_text(BAD_FRAMEWORKS[case])
    result = run_cli(["ask", "How do I become a Director?"], MENTOR_FRAMEWORK_FILE=str(framework),
                     MENTOR_INDEX_DIR=str(tmp_path / "idx"))
    lines = [x for x in result.stderr.decode().splitlines() if x.strip()]
    assert result.returncode != 0
    assert len(lines) == 1 and lines[0].startswith("Error: The career framework file"), result.stderr.decode()


def test_invalid_utf8_in_argv_is_cleaned(tmp_path):
    from tests.conftest import SEED_CORPUS, build_index

    index = build_index(tmp_path / "idx", SEED_CORPUS, embedder="fake")
    env = {"MENTOR_INDEX_DIR": str(index.index_dir), "MENTOR_CORPUS_DIR": str(SEED_CORPUS)}
    for args in ([b"ask", b"what does a director do\xff\xfe?"], [b"search", b"dir\xffector\x01", b"-k", b"2"],
                 [b"ask", b"\xff\xfe\x01", b"--json"]):
        result = run_cli(args, **env)
        err = result.stderr.decode(errors="replace")
        assert "Traceback" not in err, err
        assert result.returncode == 0 or (result.returncode == 1 and len(err.strip().splitlines()) == 1), err
