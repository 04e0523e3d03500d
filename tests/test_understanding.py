"""Reading questions phrased as people type them: misspelt titles, casual filler, follow-ups that point back.

The phrasings here were written for these tests, not taken from the intent examples or the eval set.
"""

import re

import pytest

from mentor.framework import load_framework
from mentor.settings import PROJECT_ROOT
from mentor.understand import (INTENTS, Memory, Speller, bare_titles, canonicalize, name_the_top, resolve_ordinals,
                               resolve_references)

FW = load_framework(PROJECT_ROOT / "corpus" / "career-framework.yaml")
ENGLISH = frozenset({"same", "kind", "earn", "team", "principle", "become", "what", "the", "manager"})


@pytest.fixture
def speller():
    return Speller(FW, {"director", "responsibility", "strategy", "salary"}, ENGLISH)


@pytest.mark.parametrize("typed, level_id", [
    ("whats the jump to principle pm like", "principal-pm"),
    ("how do i become a prinicpal pm", "principal-pm"),
    ("seinor product managr duties?", "senior-pm"),
    ("snr pm here, what now", "senior-pm"),
    ("how do dirctors spend their week", "director"),
    ("is an asociate pm a real job", "apm"),
    ("grp pm vs head of prodcut", "director"),
])
def test_misspelt_and_abbreviated_levels_are_found(speller, typed, level_id):
    fixed, _ = speller.fix(typed)
    assert level_id in {m.level.id for m in FW.find_levels(fixed)}


def test_real_words_are_never_fixed_into_other_words(speller):
    fixed, corrections = speller.fix("what kind of team would I earn the same as")
    assert fixed == "what kind of team would I earn the same as" and corrections == []


def test_a_four_letter_word_with_a_letter_missing_is_the_five_letter_word():
    speller = Speller(FW, set(), ("which", "after", "above", "rite", "write"))
    fixed, corrections = speller.fix("and whch comes rite aftr abve it")
    assert fixed == "and which comes rite after above it", corrections  # "rite" is a word: left alone
    assert speller.fix("thn wxyz")[0] == "thn wxyz"  # three letters, or no five-letter word one letter away


def _memory(*ids, goal=None):
    return Memory(last_levels=[FW.by_id[i] for i in ids], last_goal=FW.by_id[goal] if goal else None)


@pytest.mark.parametrize("follow_up, memory, expected", [
    ("what does the manager one actually do", _memory("principal-pm", "lead-pm"), "Lead Product Manager"),
    ("and the ic one?", _memory("principal-pm", "lead-pm"), "Principal Product Manager"),
    ("what about the other track", _memory(goal="principal-pm"), "Lead Product Manager"),
    ("how many people report to them", _memory(goal="lead-pm"), "Lead Product Manager"),
    ("is that role on the manager side", _memory(goal="director"), "Director/Group Product Manager"),
    ("what's the one above that", _memory(goal="director"), "the level above Director/Group Product Manager"),
])
def test_follow_ups_resolve_to_the_level_they_point_at(follow_up, memory, expected):
    assert expected in resolve_references(follow_up, memory, FW)


def test_nothing_to_point_at_leaves_the_text_alone():
    assert resolve_references("what do they do", Memory(), FW) == "what do they do"


@pytest.mark.model
@pytest.mark.parametrize("question, intent", [
    ("yo whats the gap between an apm and a regular pm", "compare"),
    ("what would my week look like as a gpm", "duties"),
    ("any idea what director level folks get paid", "figure"),
    ("hey there!", "greeting"),
    ("so how would i climb from pm up to senior", "path"),
    ("im a principal pm btw", "statement"),
    ("who do heads of product usually advise", "factual"),
])
def test_intent_of_unseen_phrasings(seed_mentor, question, intent):
    assert seed_mentor.reader.read(question).intent == intent


def test_my_level_means_the_users_own():
    memory = Memory(level=FW.by_id["lead-pm"], last_levels=[FW.by_id["principal-pm"]])
    assert resolve_references("so what's after my current role?", memory, FW) == "so what's after Lead Product Manager?"


def test_a_track_named_without_pointing_back_is_not_a_reference():
    memory = _memory("senior-pm")
    assert resolve_references("which is the highest individual contributor level", memory, FW) == \
        "which is the highest individual contributor level"
    assert "Senior Product Manager" in resolve_references("and that ic track?", memory, FW)


def test_an_inflected_word_the_sources_use_is_known():
    from mentor.abstain import unknown_words

    vocabulary = {"hiring", "promotion", "people", "teams"}
    assert unknown_words("how are people hired and promoted across teams", vocabulary, set()) == ["across"]
    assert "mba" in unknown_words("do I need an MBA", vocabulary, set())


def test_the_level_a_reply_answers_is_its_first_sentence_naming_one():
    from mentor.pipeline import named_in

    body = ("The top of it is Head of Product [1]. The manager track: Lead Product Manager → "
            "Director/Group Product Manager → Head of Product [1].\n\n**More**")
    assert [lvl.id for lvl in named_in(FW, body)] == ["head-of-product"]


@pytest.mark.model
@pytest.mark.parametrize("question, intent", [
    ("from what level do you get your own budget", "which_level"),
    ("which grade is expected to coach other pms", "which_level"),
    ("how senior do i need to be to run a team of pms", "which_level"),
    ("what level do product people usually start at", "which_level"),
    ("which grade first has to own a quarterly budget", "which_level"),
    ("which level is the lowest one", "ladder"),
])
def test_questions_that_ask_for_a_level(seed_mentor, question, intent):
    assert seed_mentor.reader.read(question).intent == intent


@pytest.mark.model
@pytest.mark.parametrize("question", ["highest level on the IC track?",
                                      "what's the top rung if i stay an individual contributor?"])
def test_the_top_of_a_named_track_comes_first(seed_mentor, question):
    answer = seed_mentor.ask(question)
    assert answer.answer.startswith("The top of the individual contributor track is Principal Product Manager"), \
        answer.answer


@pytest.mark.parametrize("typed, expected", [
    ("whats the jump to director if im a lead", "if im a Lead Product Manager"),
    ("i am a head and want advice", "i am a Head of Product and"),
    ("im a lead pm", "im a lead pm"),  # already a level's name
    ("im a bit lost here", "im a bit lost here"),  # not a title word
    ("and what comes after senior if i like building", "after Senior Product Manager if"),
    ("moving from lead to director", "from Lead Product Manager to director"),
    ("right, so the head one is the top", "the Head of Product one is"),
    ("the big one", "the big one"),  # not a title word
])
def test_a_bare_title_word_after_im_a_is_that_level(typed, expected):
    from mentor.understand import bare_titles

    assert expected in bare_titles(typed, FW)


@pytest.mark.model
def test_promoted_from_a_level_with_no_destination_is_the_next_step(seed_mentor):
    u = seed_mentor.reader.read("got any advice on moving up from principal pm?")
    assert u.intent in ("next", "path") and (u.intent == "next" or u.goal is not None), (u.intent, u.goal)
    answer = seed_mentor.ask("what should i focus on to get promoted from senior pm")
    assert answer.answer.startswith("From Senior Product Manager, the next step up is"), answer.answer


@pytest.mark.model
@pytest.mark.parametrize("question, intent", [
    ("so how many levels does this whole ladder have", "ladder"),
    ("how many seniority tiers r there for product ppl", "ladder"),
    ("how many steps is it from associate pm up to principal pm", "path"),
    ("how many grades lie between a senior pm and a head of product", "path"),
])
def test_a_count_of_the_ladders_parts_is_answered_by_the_ladder(seed_mentor, question, intent):
    u = seed_mentor.reader.read(question)
    assert u.intent == intent, (question, u.intent)
    answer = seed_mentor.ask(question)
    assert not answer.abstained, answer.answer  # a count of levels is no salary figure the sources lack
    assert re.search(r"\b\d+ (?:levels|steps)\b", answer.answer.split("\n")[0]), answer.answer


@pytest.mark.model
def test_until_i_am_a_level_is_where_the_user_is_heading(seed_mentor):
    u = seed_mentor.reader.read("what do i need to learn before i'm a lead pm? currently a pm")
    assert u.goal is not None and u.goal.id == FW.resolve("Lead Product Manager").id
    assert u.stated_level is not None and u.stated_level.id == FW.resolve("Product Manager").id


@pytest.mark.model
def test_the_level_below_one_named_is_what_is_asked_about(seed_mentor):
    u = seed_mentor.reader.read("which role comes just under a lead pm?")
    assert u.below is not None and u.below.id == FW.resolve("Lead Product Manager").id
    assert [lvl.id for lvl in u.mentioned] == [FW.resolve("Senior Product Manager").id] and u.intent == "duties"
    answer = seed_mentor.ask("so what role sits underneath the head of product")
    assert answer.answer.startswith("_The level below Head of Product is Director/Group Product Manager._"), answer.answer
    assert not answer.abstained


@pytest.mark.model
def test_they_after_asking_for_the_level_below_means_that_level(seed_mentor):
    session = seed_mentor.open_session()
    seed_mentor.ask("what does a principal pm do", session=session)
    seed_mentor.ask("ok and who's right below that?", session=session)
    u = seed_mentor.reader.read("what are they responsible for", seed_mentor.history.memory(session, FW))
    assert [lvl.id for lvl in u.mentioned] == [FW.resolve("Senior Product Manager").id], u.standalone


@pytest.mark.model
def test_get_that_after_a_next_step_answer_is_the_way_to_that_level(seed_mentor):
    session = seed_mentor.open_session()
    seed_mentor.ask("i'm an associate pm", session=session)
    seed_mentor.ask("what is one rung up from me", session=session)
    answer = seed_mentor.ask("cool, what would it take to reach that?", session=session)
    assert answer.answer.startswith("As an Associate Product Manager, your route to Product Manager"), answer.answer


def test_that_track_is_the_track_the_last_message_named():
    from mentor.understand import tracks_said

    memory = Memory(last_question="thinking about moving into people managment next year")
    assert resolve_references("where does that path start?", memory, FW) == "where does the manager track start?"
    memory = Memory(last_question="i think i'll stay an IC for good")
    assert resolve_references("whats the top of this track", memory, FW).endswith("the individual contributor track")
    assert tracks_said("should i stay IC or go into management?", FW) == ["ic", "manager"]  # both: no guess
    assert resolve_references("how long is that path", Memory(last_question="should i stay IC or manage?"), FW) \
        == "how long is that path"


def test_above_me_and_my_track_are_the_users_own_level_and_track():
    lead = Memory(level=FW.resolve("Lead Product Manager"))
    assert resolve_references("so is anything past me?", lead, FW) == "so is anything past Lead Product Manager?"
    assert resolve_references("how high does my track go", lead, FW) == "how high does the manager track go"
    assert resolve_references("how high does my track go", Memory(), FW) == "how high does my track go"


@pytest.mark.model
def test_the_top_of_a_track_is_said_as_such(seed_mentor):
    answer = seed_mentor.ask("and what's the step after a head of product")
    assert answer.answer.startswith("_Head of Product is the top of the manager track"), answer.answer


@pytest.mark.parametrize("follow_up, memory, expected", [
    ("anything after mine?", Memory(level=FW.resolve("Product Manager")), "anything after Product Manager?"),
    ("and past that on the people manager side?", _memory(goal="senior-pm"),
     "the level above Senior Product Manager on the people manager side"),
    ("what does that person spend their week on", _memory(goal="head-of-product"), "Head of Product"),
    ("and the other one?", Memory(last_levels=[FW.by_id["director"]], last_goal=FW.by_id["director"],
                                  earlier_levels=[FW.by_id["principal-pm"], FW.by_id["director"]]),
     "Principal Product Manager"),
])
def test_more_ways_of_pointing_back(follow_up, memory, expected):
    assert expected in resolve_references(follow_up, memory, FW)


@pytest.mark.model
def test_the_level_an_answer_chose_is_what_the_other_one_is_not(seed_mentor):
    session = seed_mentor.open_session()
    seed_mentor.ask("principal pm or lead pm, how do they differ", session=session)
    chose = seed_mentor.ask("so which one has people reporting to them?", session=session)
    assert chose.answer.startswith("**Lead Product Manager**"), chose.answer
    u = seed_mentor.reader.read("right, and what is the other one like", seed_mentor.history.memory(session, FW))
    assert u.mentioned == [FW.by_id["principal-pm"]], u.standalone


@pytest.mark.model
def test_a_step_on_a_named_track_is_that_tracks_step(seed_mentor):
    answer = seed_mentor.ask("whats after senior pm if i go the people manager way")
    assert answer.answer.startswith("From Senior Product Manager, the next step up is Lead Product Manager"), \
        answer.answer
    assert "Principal Product Manager on" not in answer.answer


@pytest.mark.model
def test_moving_into_a_track_is_the_route_to_its_first_level(seed_mentor):
    answer = seed_mentor.ask("could a senior pm cross over to management?")
    assert "route to Lead Product Manager" in answer.answer.split("\n")[0], answer.answer
    assert not answer.abstained


@pytest.mark.model
def test_the_top_of_a_named_track_is_the_level_remembered(seed_mentor):
    session = seed_mentor.open_session()
    seed_mentor.ask("who sits at the very top of the manager track?", session=session)
    memory = seed_mentor.history.memory(session, FW)
    assert memory.last_levels == [FW.by_id["head-of-product"]], memory.last_levels


@pytest.mark.model
def test_not_wanting_to_manage_rules_the_manager_step_out(seed_mentor):
    answer = seed_mentor.ask("senior pm here, managing a team is really not for me - where do i go next?")
    assert answer.answer.startswith("As a Senior Product Manager, your next step up is Principal Product Manager"), \
        answer.answer
    assert "Lead Product Manager on" not in answer.answer


@pytest.mark.model
def test_that_jump_is_the_step_to_the_level_aimed_at(seed_mentor):
    session = seed_mentor.open_session()
    seed_mentor.ask("currently a pm", session=session)
    seed_mentor.ask("my goal is senior pm by next year", session=session)
    u = seed_mentor.reader.read("how do i prep for this promotion", seed_mentor.history.memory(session, FW))
    assert u.goal == FW.by_id["senior-pm"], u.standalone


@pytest.mark.model
def test_the_first_level_where_something_happens_is_a_level_question(seed_mentor):
    assert seed_mentor.reader.read("whats the earliest rung where you have people reporting to you").intent \
        == "which_level"
    # A sentence saying a level does *not* have direct reports places nothing there.
    answer = seed_mentor.ask("from which rung on do PMs have direct reports")
    assert answer.answer.startswith("**Lead Product Manager**"), answer.answer


@pytest.mark.model
def test_a_title_no_source_knows_is_said_plainly(seed_mentor):
    answer = seed_mentor.ask("how does an svp of product differ from a director")
    assert answer.abstained
    assert answer.answer.startswith("_Product Management career ladder has no SVP of Product level"), answer.answer


@pytest.mark.model
def test_a_thank_you_is_acknowledged_not_searched(seed_mentor):
    answer = seed_mentor.ask("perfect, appreciate it!!")
    assert answer.answer.startswith("Glad that helps.") and not answer.abstained, answer.answer
    assert not seed_mentor.ask("ok thanks, and what does a gpm do?").answer.startswith("Glad")


def test_the_two_are_the_last_two_levels_named():
    memory = Memory(last_levels=[FW.by_id["director"]], earlier_levels=[FW.by_id["apm"]], last_goal=FW.by_id["director"])
    assert resolve_references("how do both of them spend their week", memory, FW) == \
        "how do Associate Product Manager and Director/Group Product Manager spend their week"


@pytest.mark.model
def test_a_difference_between_two_levels_is_a_comparison_whatever_else_it_asks(seed_mentor):
    u = seed_mentor.reader.read("whats the difference in daily responsibilities between a gpm and a head of product")
    assert u.intent == "compare"


@pytest.mark.model
@pytest.mark.parametrize("question", ["how do i reach director on the manager track?",
                                      "im a pm on the ic track, whats next",
                                      "so is principal on the ic path?"])
def test_a_track_named_beside_one_level_reads_in_every_kind_of_question(seed_mentor, question):
    answer = seed_mentor.ask(question)
    assert answer.citations and not answer.abstained, answer.answer


@pytest.mark.model
@pytest.mark.parametrize("question", ["what is the senior pm level like", "describe the principal product manager role"])
def test_one_level_named_without_the_ladders_shape_asks_what_the_level_does(seed_mentor, question):
    u = seed_mentor.reader.read(question)
    assert u.intent == "duties", (u.intent, u.intent_scores)


@pytest.mark.model
@pytest.mark.parametrize(("question", "place"), [("is principal pm the top of the ic track?", "individual contributor"),
                                                 ("where does a lead pm sit", "manager track")])
def test_one_level_named_with_the_ladders_shape_is_placed_on_the_ladder(seed_mentor, question, place):
    answer = seed_mentor.ask(question)
    assert place in answer.answer.split("\n")[0], answer.answer


@pytest.mark.model
def test_a_count_beside_a_level_always_has_a_reading(seed_mentor):
    # Counting words allow only the ladder; a level named beside them must not take that away.
    u = seed_mentor.reader.read("how many promotions does a senior pm usually get")
    assert u.intent in INTENTS


def test_a_verb_before_pms_is_not_read_as_a_title():
    speller = Speller(FW, {"manage", "director"}, ENGLISH)
    assert speller.fix("when do you first manage PMs")[0] == "when do you first manage PMs"
    assert speller.fix("how do i become a princple pm")[0] == "how do i become a principal pm"


def _talk(mentor, *turns):
    session = mentor.open_session()
    return [mentor.ask(turn, session=session) for turn in turns]


@pytest.mark.model
def test_a_wish_not_to_manage_is_the_next_step_off_the_managing_track(seed_mentor):
    *_, wish = _talk(seed_mentor, "i work as a product manager", "tbh managing a team sounds awful, i'd rather not manage anyone")
    assert wish.answer.startswith("As a Product Manager, your next step up is Senior Product Manager"), wish.answer
    *_, wish = _talk(seed_mentor, "im a senior pm", "i never want direct reports")
    assert "Principal Product Manager" in wish.answer.split("\n")[0] and "Lead" not in wish.answer.split("\n")[0]


@pytest.mark.model
def test_a_wish_to_manage_is_the_route_onto_the_managing_track_or_across_to_it(seed_mentor):
    *_, up = _talk(seed_mentor, "i'm an apm", "long term i'd love to manage a team")
    assert "Lead Product Manager" in up.answer.split("\n")[0] and not up.abstained, up.answer
    *_, across = _talk(seed_mentor, "principal pm here", "been thinking about becoming a people manager")
    assert not across.abstained and "manage" in across.answer, across.answer  # Lead PM is beside, not above


@pytest.mark.model
def test_the_one_above_for_me_is_the_step_just_named(seed_mentor):
    *_, above = _talk(seed_mentor, "im a pm", "what's my next step", "and what's the next level actually like day to day?")
    assert above.trace["understanding"]["mentioned"] == ["Senior Product Manager"], above.trace["understanding"]


@pytest.mark.model
def test_where_the_other_track_starts_is_its_entry_level(seed_mentor):
    *_, start = _talk(seed_mentor, "I'm a Senior PM", "where does the other path begin and what's the job like?")
    assert start.trace["understanding"]["mentioned"] == ["Lead Product Manager"], start.trace["understanding"]


@pytest.mark.model
def test_the_job_said_as_a_discipline_leaves_they_to_the_level_talked_about(seed_mentor):
    *_, turn = _talk(seed_mentor, "what's a director responsible for", "do they look after design as well or only pms?")
    assert turn.trace["understanding"]["mentioned"] == ["Director/Group Product Manager"], turn.trace["understanding"]


def test_a_company_name_is_never_spelling_fixed():
    speller = Speller(FW, {"term", "director"}, ENGLISH)
    assert speller.fix("what does a pm do at tern")[0] == "what does a pm do at term"  # unknown: a typo
    assert speller.fix("what does a pm do at tern", keep=frozenset({"tern"}))[0] == "what does a pm do at tern"


@pytest.mark.model
@pytest.mark.parametrize("fragment", ["like who exactly?", "which ones", "examples?"])
def test_a_fragment_asks_the_last_question_further(seed_mentor, fragment):
    *_, turn = _talk(seed_mentor, "who does a lead pm work with day to day", fragment)
    u = turn.trace["understanding"]
    assert u["mentioned"] == ["Lead Product Manager"] and fragment.rstrip("?") in u["standalone"], u
    assert not turn.abstained, turn.answer


def test_the_first_and_the_second_one_are_the_two_levels_last_named():
    memory = Memory(last_levels=[FW.by_id["senior-pm"]], last_goal=FW.by_id["principal-pm"])
    assert resolve_ordinals("what separates the former from the latter", memory, FW) == \
        "what separates Senior Product Manager from Principal Product Manager"
    assert resolve_ordinals("how would i go from the first one to the second one?", memory, FW) == \
        "how would i go from Senior Product Manager to Principal Product Manager?"
    assert resolve_ordinals("what's the first level?", memory, FW) == "what's the first level?"  # the ladder's, not a pair's


def test_the_top_job_is_the_ladders_highest_level():
    assert name_the_top("what gets you the very top product role", FW) == "what gets you Head of Product"
    assert name_the_top("who holds the top role on the ic track", FW) == "who holds the top role on the ic track"


@pytest.mark.model
def test_which_one_after_two_levels_picks_one_of_them_by_what_their_texts_say(seed_mentor):
    *_, turn = _talk(seed_mentor, "tell me about lead pms", "and directors?", "which one hires and coaches a team of PMs?")
    assert turn.trace["understanding"]["intent"] == "which_level", turn.trace["understanding"]
    assert turn.answer.startswith(("**Lead Product Manager**", "**Director/Group Product Manager**")), turn.answer
    rank = seed_mentor.reader.read("which one ranks higher, a principal pm or a group pm?")
    assert rank.intent == "compare", rank.intent_scores


@pytest.mark.model
def test_a_bare_follow_up_asks_the_last_question_of_another_level(seed_mentor):
    *_, turn = _talk(seed_mentor, "how many direct reports does a lead pm usually have", "okay and for a director?")
    u = turn.trace["understanding"]
    assert "direct reports" in u["standalone"] and u["mentioned"] == ["Director/Group Product Manager"], u
    *_, turn = _talk(seed_mentor, "what does an apm work on", "and the role just above?")
    assert turn.trace["understanding"]["mentioned"] != ["Associate Product Manager"], turn.trace["understanding"]


@pytest.mark.model
def test_who_does_something_asks_which_level_does_it(seed_mentor):
    assert seed_mentor.reader.read("so who actually sets the strategy for the whole product org?").intent == "which_level"
    assert seed_mentor.reader.read("who is in charge of hiring product managers").intent == "which_level"
    assert seed_mentor.reader.read("who does a senior pm report to").intent != "which_level"


@pytest.mark.model
def test_where_the_user_works_does_not_sway_what_they_ask(seed_mentor):
    u = seed_mentor.reader.read("i'm a senior pm at a logistics scaleup in rotterdam, what comes after my level")
    assert u.intent in ("next", "path"), u.intent_scores
    answer = seed_mentor.ask("I am a Lead PM at a bank in Lisbon. What do I need to grow into a director?")
    assert not answer.abstained and "Lisbon" not in answer.answer.split("\n")[0], answer.answer


@pytest.mark.model
def test_not_wanting_to_be_a_people_manager_keeps_the_next_step_on_the_ic_track(seed_mentor):
    answer = seed_mentor.ask("I'm a product manager and I really do not want to become a people manager, what next?")
    assert "Senior Product Manager" in answer.answer.split("\n")[0], answer.answer
    answer = seed_mentor.ask("senior pm here, i don't plan on ever managing people. what's my next level?")
    first = answer.answer.split("\n")[0]
    assert "Principal Product Manager" in first and "Lead" not in first, answer.answer


@pytest.mark.model
def test_is_that_points_back_at_the_level_talked_about(seed_mentor):
    *_, turn = _talk(seed_mentor, "what does a group pm do", "is that basically a senior manager job?")
    assert turn.trace["understanding"]["mentioned"][:1] == ["Director/Group Product Manager"], turn.trace["understanding"]


def test_a_misspelt_title_where_a_title_must_stand_is_that_title():
    assert bare_titles("going from senior pm to principel", FW) == "going from senior pm to Principal Product Manager"
    assert bare_titles("i want to lead a team", FW) == "i want to lead a team"


@pytest.mark.model
def test_the_job_in_the_plural_is_never_where_the_user_is_going(seed_mentor):
    u = seed_mentor.reader.read("principal pm here, someday i'd like to be the boss of other pms - where would i start?")
    assert u.goal is None or u.goal.id != "pm", u.trace()
    answer = seed_mentor.ask("pm here and i'd love to lead a team of pms one day, how do i get there?")
    assert "Lead Product Manager" in answer.answer.split("\n")[0], answer.answer


@pytest.mark.model
def test_a_follow_up_about_the_users_own_situation_is_about_their_step(seed_mentor):
    *_, turn = _talk(seed_mentor, "im a senior pm", "honestly i think principal is the right next move for me",
                     "what would my boss want to see before backing that?")
    u = turn.trace["understanding"]
    assert "Senior Product Manager" in u["standalone"] and "Principal Product Manager" in u["standalone"], u
    assert not turn.abstained, turn.answer


@pytest.mark.model
def test_a_figure_is_only_asked_for_in_words_of_number_size_time_or_pay(seed_mentor):
    assert seed_mentor.reader.read("what is the delivery expectation for a senior pm?").intent != "figure"
    assert seed_mentor.reader.read("how large is a director's org usually").intent == "figure"


def test_a_code_and_a_title_side_by_side_name_one_level():
    assert canonicalize("what does a GPM - Group Product Manager own", FW) == \
        "what does a Director/Group Product Manager own"
    assert canonicalize("a GPM or a Director?", FW) == "a Director/Group Product Manager or a Director/Group Product Manager?"


@pytest.mark.model
def test_there_is_a_destination_only_after_a_verb_of_moving(seed_mentor):
    *_, turn = _talk(seed_mentor, "what's it like being a group pm", "how many people would i look after there?")
    assert "to Director/Group" not in turn.trace["understanding"]["standalone"], turn.trace["understanding"]
    *_, turn = _talk(seed_mentor, "tell me about principal pms", "ok so how would i get there?")
    assert "to Principal Product Manager" in turn.trace["understanding"]["standalone"], turn.trace["understanding"]


def test_a_level_code_is_no_figure():
    from mentor.text import has_figure
    assert not has_figure("Reports to: a Head of Product (L2).") and not has_figure("Mentors IC-3 and P4 PMs.")
    assert has_figure("Manages 2 to 5 PMs.") and has_figure("Typically oversees five direct reports.")


def test_a_misspelt_function_word_is_that_word_before_any_word_of_the_corpus():
    # "wish", "shout" and "abbot" are corpus words one edit away; the sentence means the function words
    speller = Speller(FW, {"wish", "shout", "whit", "director"}, ENGLISH)
    fixed, _ = speller.fix("wihch one shoud i pick, and waht of directors")
    assert fixed == "which one should i pick, and what of directors", fixed


@pytest.mark.model
@pytest.mark.parametrize("question, start", [
    ("whats the next rung for an associate pm", "apm"),
    ("What would a Lead PM have to show to earn their next promotion?", "lead-pm"),
    ("how does a senior product manager move up", "senior-pm"),
])
def test_the_next_step_of_a_named_level_starts_there(seed_mentor, question, start):
    u = seed_mentor.reader.read(question)
    start_read = u.source_level or (u.mentioned[0] if len(u.mentioned) == 1 else None)
    assert u.intent == "next" and start_read.id == start and u.goal is None, (u.intent, u.source_level, u.goal)


@pytest.mark.model
def test_the_next_level_of_the_level_just_discussed_starts_there(seed_mentor):
    session = seed_mentor.history.open()
    seed_mentor.ask("what does an APM do all day?", session=session)
    answer = seed_mentor.ask("ok so what do they have to do to reach the next level", session=session)
    assert answer.answer.startswith("From Associate Product Manager, the next step up is Product Manager"), answer.answer


@pytest.mark.model
@pytest.mark.parametrize("question", ["at what level do you first get direct reports",
                                      "what's the first people manager title on the ladder",
                                      "where does line management begin"])
def test_where_managing_people_starts_is_the_first_level_of_the_managing_track(seed_mentor, question):
    answer = seed_mentor.ask(question)
    assert answer.answer.startswith("The entry level of the manager track is Lead Product Manager"), answer.answer


@pytest.mark.model
def test_a_first_manager_in_the_users_life_is_no_question_about_the_ladder(seed_mentor):
    assert seed_mentor.reader.read("who was my first manager").intent != "ladder"


@pytest.mark.model
@pytest.mark.parametrize("question, start, goal", [
    ("pm => senior pm, is it mostly about strategy?", "pm", "senior-pm"),
    ("thinking about the lead pm to director jump, how long is it usually", "lead-pm", "director"),
])
def test_two_levels_joined_by_to_or_an_arrow_are_a_step_from_the_first(seed_mentor, question, start, goal):
    u = seed_mentor.reader.read(question)
    assert (u.source_level.id, u.goal.id) == (start, goal), (u.source_level, u.goal)


@pytest.mark.model
def test_a_promotion_just_had_is_the_users_level_and_an_idiom_is_no_missing_topic(seed_mentor):
    answer = seed_mentor.ask("finally got upgraded to lead pm 🙌 so what do i call the shots on now?")
    assert answer.level == "Lead Product Manager" and not answer.abstained, answer.answer
    assert not answer.answer.startswith("The route"), answer.answer


@pytest.mark.model
def test_a_track_chosen_by_its_name_is_the_route_to_its_first_level(seed_mentor):
    session = seed_mentor.history.open()
    seed_mentor.ask("senior pm here", session=session)
    answer = seed_mentor.ask("say i picked the manager path, where would i start?", session=session)
    assert "route to Lead Product Manager" in answer.answer.split("\n")[0], answer.answer


@pytest.mark.model
def test_the_level_above_asked_about_in_its_own_right_is_that_level(seed_mentor):
    session = seed_mentor.history.open()
    seed_mentor.ask("what does an associate pm do day to day", session=session)
    answer = seed_mentor.ask("cool, and the level above them - what are they responsible for?", session=session)
    assert not answer.answer.startswith("From"), answer.answer
    assert answer.trace["understanding"]["mentioned"] == ["Product Manager"], answer.trace["understanding"]


@pytest.mark.model
def test_a_choice_between_two_tracks_levels_about_managing_is_answered_by_track(seed_mentor):
    session = seed_mentor.history.open()
    seed_mentor.ask("principal pm or lead pm, whats the diff", session=session)
    answer = seed_mentor.ask("which one is for someone who never wants direct reports?", session=session)
    assert answer.answer.startswith("**Principal Product Manager**, on the individual contributor track"), answer.answer
    answer = seed_mentor.ask("and which of them is the one for a wannabe people manager?", session=session)
    assert answer.answer.startswith("**Lead Product Manager**, on the manager track"), answer.answer


@pytest.mark.model
def test_as_a_level_in_a_message_about_oneself_is_the_users_level(seed_mentor):
    u = seed_mentor.reader.read("been running two squads as a senior for a year, how do i become a principal pm")
    assert u.stated_level is not None and u.stated_level.id == "senior-pm", u.stated_level
    assert seed_mentor.reader.read("what does it take to be promoted as a director").stated_level is None


@pytest.mark.model
def test_a_track_wished_instead_of_management_keeps_the_next_step_off_it(seed_mentor):
    answer = seed_mentor.ask("senior pm here, i'd pick the ic route rather than managing people - what's my next step?")
    first = answer.answer.split("\n")[0]
    assert "Principal Product Manager" in first and "Lead" not in first, answer.answer


@pytest.mark.model
def test_same_question_for_another_level_asks_the_last_question_of_it(seed_mentor):
    session = seed_mentor.history.open()
    seed_mentor.ask("what's an APM", session=session)
    seed_mentor.ask("do they own the roadmap?", session=session)
    answer = seed_mentor.ask("same question for a senior pm", session=session)
    assert answer.trace["understanding"]["standalone"].lower().startswith("do senior product manager own the roadmap"), \
        answer.trace["understanding"]


@pytest.mark.model
def test_a_goal_on_the_other_track_with_no_step_to_it_is_reached_through_its_own_track(seed_mentor):
    answer = seed_mentor.ask("as a principal product manager, what would it take to become a director of product?")
    assert "reached from Lead Product Manager" in answer.answer and not answer.abstained, answer.answer
    assert "high performing team" in answer.answer, answer.answer  # the step into Director, cited
    assert "Head of Product" not in answer.answer.split("\n\n")[1], answer.answer


@pytest.mark.model
def test_a_move_across_also_says_what_the_level_moved_to_asks_for(seed_mentor):
    answer = seed_mentor.ask("I run a team of PMs as a Lead PM but want to go back to hands-on IC work and "
                             "become a Principal PM. What would I need?")
    assert "move across, not a step up" in answer.answer.split("\n")[0], answer.answer
    assert "industry expert" in answer.answer, answer.answer


@pytest.mark.model
@pytest.mark.parametrize("question, intent", [
    ("senior pm here. where could my career go from this point?", "next"),
    ("as a PM, which doors are open to me after this level?", "next"),
    ("newly promoted to principal pm, what does the job involve now day to day?", "duties"),
    ("product manager here, what's my actual job at this level?", "duties"),
])
def test_a_stated_level_does_not_sway_what_is_asked(seed_mentor, question, intent):
    assert seed_mentor.ask(question).trace["understanding"]["intent"] == intent


@pytest.mark.model
def test_what_it_takes_after_a_level_was_aimed_at_is_the_step_there(seed_mentor):
    *_, turn = _talk(seed_mentor, "i'm an apm", "my lead thinks i'm almost ready for pm", "ok so what would it take?")
    u = turn.trace["understanding"]
    assert u["intent"] == "path" and u["mentioned"] == ["Product Manager"], u
    assert "limited help" in turn.answer, turn.answer


@pytest.mark.model
@pytest.mark.parametrize("question, mentioned", [
    ("hw do i becum a senior pm", ["Senior Product Manager"]),
    ("is there a real diff between a principal and a lead?", ["Principal Product Manager", "Lead Product Manager"]),
    ("senior vs principal, whats the gap", ["Senior Product Manager", "Principal Product Manager"]),
])
def test_chat_spellings_and_a_pairs_bare_titles(seed_mentor, question, mentioned):
    assert seed_mentor.reader.read(question).mentioned and [
        lvl.name for lvl in seed_mentor.reader.read(question).mentioned] == mentioned


@pytest.mark.model
def test_one_track_named_is_listed_and_it_is_what_on_it_means(seed_mentor):
    first, top = _talk(seed_mentor, "walk me through the manager path", "and who sits at the very top of it?")
    assert first.answer.startswith("The manager track: Lead Product Manager →"), first.answer
    assert "Head of Product" in top.answer.split("\n")[0], top.answer


@pytest.mark.model
def test_asking_for_an_example_or_adding_a_place_asks_the_last_question_further(seed_mentor):
    *_, example = _talk(seed_mentor, "what does a head of product do?", "could you give me a concrete example?")
    assert example.trace["understanding"]["mentioned"] == ["Head of Product"] and not example.abstained, example.answer
    *_, added = _talk(seed_mentor, "who does a principal pm mentor?", "and in the wider industry?")
    assert "community" in added.answer, added.answer


@pytest.mark.model
def test_moving_up_to_the_next_level_starts_from_the_level_named(seed_mentor):
    *_, turn = _talk(seed_mentor, "tell me about lead pms", "what would they need to move up to the next level?")
    assert turn.answer.startswith("From Lead Product Manager, the next step up is Director"), turn.answer


@pytest.mark.model
@pytest.mark.parametrize("question, level", [
    ("what would it take to reach hed of product", "Head of Product"),
    ("could a pm ever become a lead?", "Lead Product Manager"),
])
def test_a_title_typed_short_or_bare_is_still_the_level(seed_mentor, question, level):
    assert level in [lvl.name for lvl in seed_mentor.reader.read(question).mentioned]


@pytest.mark.model
@pytest.mark.parametrize("question, start, goal", [
    ("tbh i'd love to end up as a director one day, right now i'm just an apm. how do i get there", "apm", "director"),
    ("I hope to become a head of product eventually; I'm a senior PM at the moment. What's the path?",
     "senior-pm", "head-of-product"),
])
def test_a_level_wished_for_is_the_goal_and_the_level_held_the_start(seed_mentor, question, start, goal):
    u = seed_mentor.reader.read(question)
    assert (u.stated_level.id if u.stated_level else None, u.goal.id if u.goal else None) == (start, goal), u


@pytest.mark.model
def test_a_track_asked_for_by_its_hyphenated_name_is_a_route_onto_it_alone(seed_mentor):
    answer = seed_mentor.ask("as a senior pm on the ic side, how do i cross over to the people-manager track?").answer
    assert "route to Lead Product Manager" in answer.split("\n")[0], answer
    assert "The other track" not in answer, answer


@pytest.mark.model
@pytest.mark.parametrize("question, first", [
    ("is a senior pm higher than a principal pm?", "**No.**"),
    ("is the head of product above a director?", "**Yes.**"),
    ("is a lead pm junior to a senior pm?", "**No.**"),
])
def test_which_of_two_levels_is_higher_is_answered_by_rank(seed_mentor, question, first):
    assert seed_mentor.ask(question).answer.startswith(first)


def test_a_place_in_a_list_just_asked_for_is_that_tracks_level():
    memory = Memory(last_question="which roles are on the people manager track?")
    assert resolve_ordinals("ok, tell me about the first one", memory, FW) == "ok, tell me about Lead Product Manager"
    assert resolve_ordinals("and the last one?", memory, FW) == "and Head of Product?"
    pair = Memory(last_levels=[FW.by_id["pm"]], earlier_levels=[FW.by_id["apm"]])
    assert resolve_ordinals("does the second one get more freedom than the first?", pair, FW) == \
        "does Product Manager get more freedom than Associate Product Manager?"
    assert resolve_ordinals("what's the first step on the IC track?", pair, FW) == "what's the first step on the IC track?"



@pytest.mark.model
def test_the_last_answer_said_back_to_be_confirmed_is_asked_of_the_same_level(seed_mentor):
    *_, turn = _talk(seed_mentor, "what's a head of product for", "who do they usually work with",
                     "ok so basically the person the ceo leans on?")
    assert turn.trace["understanding"]["mentioned"] == ["Head of Product"], turn.trace["understanding"]
    assert not turn.abstained, turn.answer


def test_they_after_one_level_set_against_another_are_the_first():
    memory = Memory(last_levels=[FW.by_id["lead-pm"], FW.by_id["principal-pm"]],
                    last_question="how is a lead pm's week different from a principal pm's?")
    assert "Lead Product Manager" in resolve_references("and who do they report to?", memory, FW)
    memory.last_question = "what's the difference between a lead pm and a principal pm?"
    assert "Principal Product Manager" in resolve_references("and who do they report to?", memory, FW)


@pytest.mark.model
@pytest.mark.parametrize("question", [
    "what firms take on new grads as apms",
    "which businesses have a head of product role",
])
def test_asking_which_employers_is_a_fact_not_a_step(seed_mentor, question):
    assert seed_mentor.reader.read(question).intent == "factual", question


def test_mine_is_the_users_own_level():
    memory = Memory(level=FW.by_id["lead-pm"], last_levels=[FW.by_id["director"]])
    assert resolve_references("which IC level is mine level with?", memory, FW) == \
        "which IC level is Lead Product Manager level with?"


@pytest.mark.parametrize("follow_up", ["is there a probation period when switching?",
                                       "are there any exams to pass first?", "there is a review, right?"])
def test_there_that_says_something_exists_points_at_no_level(follow_up):
    assert "Principal" not in resolve_references(follow_up, _memory("principal-pm"), FW)


def test_that_before_a_preposition_points_back():
    assert resolve_references("how many people is that overall?", _memory("director"), FW) == \
        "how many people is Director/Group Product Manager overall?"


@pytest.mark.model
def test_a_casual_opener_does_not_hide_who_is_asked_for(seed_mentor):
    u = seed_mentor.reader.read("real quick, who mentors the senior PMs", Memory())
    assert u.intent == "which_level", u.intent


@pytest.mark.model
@pytest.mark.parametrize("question, level, goal", [
    ("im a fairly new pm at a startup, what would it take to make senior?", "Product Manager", "Senior Product Manager"),
    ("i'm a normal senior pm at a bank. how do i make it to principal", "Senior Product Manager",
     "Principal Product Manager"),
])
def test_a_word_on_what_kind_of_pm_still_says_who_the_user_is(seed_mentor, question, level, goal):
    u = seed_mentor.reader.read(question)
    assert u.stated_level is not None and u.stated_level.id == FW.resolve(level).id, u.stated_level
    assert u.goal is not None and u.goal.id == FW.resolve(goal).id, u.goal


@pytest.mark.model
def test_it_after_a_thing_the_message_names_is_that_thing(seed_mentor):
    session = "it-thing"
    seed_mentor.ask("I'm a senior PM hoping to become a lead PM", session=session)
    u = seed_mentor.reader.read("is this mentoring requirement strict, and how long does it last?",
                                seed_mentor.history.memory(session, seed_mentor.framework))
    assert "Lead Product Manager" not in u.standalone, u.standalone


@pytest.mark.model
def test_a_title_word_as_the_subject_and_the_one_above_it_before_a_comma(seed_mentor):
    session = "the-one-above"
    seed_mentor.ask("tell me about principal pms", session=session)
    u = seed_mentor.reader.read("does the senior have direct reports?")
    assert [lvl.name for lvl in u.mentioned] == ["Senior Product Manager"], u.standalone
    seed_mentor.ask("does the principal have direct reports?", session=session)
    u = seed_mentor.reader.read("and the one below, what do they own?", seed_mentor.history.memory(session, seed_mentor.framework))
    assert "Senior Product Manager" in u.standalone, u.standalone


@pytest.mark.model
def test_a_role_offered_and_a_thread_kept_across_a_turn_that_names_no_level(seed_mentor):
    session = "offered-role"
    seed_mentor.ask("i'm a pm and my company just offered me a principal position", session=session)
    seed_mentor.ask("honestly not sure i'm ready for it", session=session)
    u = seed_mentor.reader.read("what would my scope be there?", seed_mentor.history.memory(session, seed_mentor.framework))
    assert "Principal Product Manager" in u.standalone, u.standalone


@pytest.mark.model
def test_just_became_a_title_is_the_users_level(seed_mentor):
    u = seed_mentor.reader.read("just became a principal lol, what am i meant to be doing")
    assert u.stated_level is not None and u.stated_level.name == "Principal Product Manager", u.standalone
    assert u.intent == "duties", u.intent_scores


@pytest.mark.model
def test_what_i_am_responsible_for_after_saying_my_level_is_my_levels_duties(seed_mentor):
    *_, turn = _talk(seed_mentor, "i was just made a senior pm", "so what do i actually own these days?")
    u = turn.trace["understanding"]
    assert u["intent"] == "duties" and u["mentioned"] == ["Senior Product Manager"], u


@pytest.mark.model
def test_the_next_step_from_here_stays_a_step_from_the_users_level(seed_mentor):
    *_, turn = _talk(seed_mentor, "i'm a lead pm now", "what does that involve?",
                     "whats the next step up from here and how do people get it?")
    u = turn.trace["understanding"]
    assert "next step up from Lead Product Manager" in u["standalone"], u
    assert "Director/Group Product Manager" in turn.answer, turn.answer


@pytest.mark.model
@pytest.mark.parametrize("question", [
    "what's the best way to word my cv for a lead pm opening?",
    "any tips for negotiating my offer as a new director of product?",
    "do companies do visa sponsorship for principal pms?",
])
def test_job_hunting_no_source_covers_is_abstained_on_whatever_level_it_names(seed_mentor, question):
    answer = seed_mentor.ask(question)
    assert answer.abstained, answer.answer


@pytest.mark.model
def test_a_step_written_with_an_arrow_asks_what_the_step_takes(seed_mentor):
    answer = seed_mentor.ask("senior pm -> principal, what's the bar honestly")
    assert not answer.abstained and "industry expert" in answer.answer, answer.answer


@pytest.mark.model
def test_a_product_owner_compared_is_abstained_on_where_the_sources_never_define_one(seed_mentor):
    answer = seed_mentor.ask("how is a product owner different from a senior pm?")
    assert answer.abstained and answer.answer.startswith("_The sources name “Product Owner” but do not define it"), \
        answer.answer


def test_a_plural_is_fixed_to_the_plural_of_the_word_the_sources_use():
    speller = Speller(FW, {"promotion", "promoting", "committee"}, ())
    fixed, _ = speller.fix("when are promotoins decided and who sits on the comittee")
    assert fixed == "when are promotions decided and who sits on the committee", fixed


def test_a_title_word_several_levels_share_means_the_level_it_alone_names():
    from mentor.framework import validated
    from mentor.understand import title_words

    raw = {"name": "Kittiwake", "document": "k.md", "tracks": {"ic": "individual contributor"},
           "levels": [{"id": "p", "name": "Principal Product Manager", "track": "ic", "rank": 1,
                       "section": "P", "aliases": ["Principal PM"]},
                      {"id": "sp", "name": "Senior Principal Product Manager", "track": "ic", "rank": 2,
                       "section": "SP", "aliases": ["Senior Principal"]},
                      {"id": "s", "name": "Senior Product Manager", "track": "ic", "rank": 0, "section": "S",
                       "aliases": ["Senior PM"]}],
           "transitions": [], "confusions": []}
    words = title_words(validated(raw, "a test ladder"))
    assert words["principal"].id == "p" and words["senior"].id == "s", words


@pytest.mark.model
def test_who_sits_on_a_panel_asks_no_question_of_the_ladders_shape(seed_mentor):
    u = seed_mentor.reader.read("who sits on the promotion committee?")
    assert u.intent != "ladder", u.intent_scores


@pytest.mark.model
def test_a_jobs_terms_no_source_covers_are_abstained_on(seed_mentor):
    assert seed_mentor.ask("how much pto do lead pms get?").abstained


def test_a_title_word_that_begins_a_longer_title_is_not_read_alone():
    from mentor.framework import validated

    raw = {"name": "Razorbill", "document": "r.md", "tracks": {"ic": "individual contributor"},
           "levels": [{"id": "s", "name": "Senior Product Manager", "track": "ic", "rank": 1, "section": "S",
                       "aliases": ["Senior PM"]},
                      {"id": "p", "name": "Principal Product Manager", "track": "ic", "rank": 2, "section": "P",
                       "aliases": ["Principal PM"]},
                      {"id": "sp", "name": "Senior Principal Product Manager", "track": "ic", "rank": 3,
                       "section": "SP", "aliases": ["Senior Principal"]}],
           "transitions": [], "confusions": []}
    fw = validated(raw, "a test ladder")
    assert "Senior Product Manager" not in bare_titles("how do i get from principal pm to senior principle", fw)
    assert "Senior Product Manager" in bare_titles("what comes after senior?", fw)


@pytest.mark.model
def test_a_level_the_articles_ladder_never_names_is_not_said_to_be_absent(seed_mentor):
    # A company's ladder lists all its levels; the article's is a typical path, so a CPO above its top is
    # something it does not cover, not something it rules out
    answer = seed_mentor.ask("is there a chief product officer level above head of product?")
    assert answer.abstained and "**No.**" not in answer.answer, answer.answer


@pytest.mark.model
@pytest.mark.parametrize("question, gap", [
    ("ok who's our current director of product tho", "not who holds them now"),
    ("how many product people does the company currently employ?", "how many people work there"),
    ("can a principal pm work remotly?", "don't cover"),
])
def test_people_and_a_jobs_terms_are_no_roles_to_answer_from(seed_mentor, question, gap):
    answer = seed_mentor.ask(question)
    assert answer.abstained and gap in answer.answer, answer.answer


@pytest.mark.model
def test_a_wish_said_earlier_names_the_track_whose_top_is_asked(seed_mentor):
    session = "wished-track"
    seed_mentor.ask("I'm a senior pm", session=session)
    seed_mentor.ask("honestly i never want to manage people", session=session)
    answer = seed_mentor.ask("so what's the highest i could go, like the very top?", session=session)
    assert "Principal Product Manager" in answer.answer.split("\n")[0], answer.answer


@pytest.mark.model
def test_they_and_it_of_one_level_in_one_question(seed_mentor):
    session = "move-up-from-it"
    seed_mentor.ask("what does a lead pm do", session=session)
    answer = seed_mentor.ask("what do they have to show to move up from it?", session=session)
    assert "Director/Group Product Manager" in answer.answer.split("\n")[0], answer.answer


@pytest.mark.model
def test_which_of_two_manages_says_it_outright_and_the_other_in_its_own_words(seed_mentor):
    answer = seed_mentor.ask("between a principal pm and a lead pm, which one actually manages other pms?")
    assert answer.answer.startswith("**Lead Product Manager**") and "managing PMs" in answer.answer, answer.answer
    assert "does not manage other product managers" in answer.answer, answer.answer


@pytest.mark.model
def test_next_on_the_other_side_is_a_step_onto_that_track_not_a_level_named(seed_mentor):
    session = "next-on-the-side"
    seed_mentor.ask("so i'm a senior product manager", session=session)
    answer = seed_mentor.ask("ok whats next on the manager side then?", session=session)
    assert answer.answer.startswith("As a Senior Product Manager, your next step up is Lead Product Manager"), \
        answer.answer
