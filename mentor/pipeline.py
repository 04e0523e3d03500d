"""One question, end to end: understand → ladder facts → retrieve → select → support → write and check → store.

Each step lives in its own module and returns its result and its trace entry;
this module only wires them in order.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

from mentor import abstain
from mentor.answer import Answer, Citation
from mentor.engines import AnswerContext, LadderFacts
from mentor.documents import looks_like_instruction
from mentor.engines.grounded import CELL_KINDS, CHOICE, SKIPPING, cited_sentence
from mentor.errors import EngineUnavailableError, InputError
from mentor.framework import Framework, Level
from mentor.ladder_facts import COUNT_WORDS, framework_passages, is_move_across, ladder_facts, sections_needed
from mentor.ladders import MOVE_ASKED
from mentor.retrieve import Passage
from mentor.select import ASKS_BOSS, REPORTING_LINE, WHO_REPORTS_TO, advice, rank_sentences
from mentor.text import FILLER, HEDGES, HOW_ASKED, a_or_an, clean_text, near_match, question_parts, split_sentences, tokenize
from mentor.understand import (ACKNOWLEDGEMENT, ASKS_SHAPE, COUNTS_LADDER, EQUIVALENT, LADDER_TERMS, Memory,
                               Understanding, FIGURE_CUE, level_from_pronoun, without_introduction)

MAX_QUESTION_CHARS = 2000
# A figure is asked for when its intent probability is within this of the best (fitted on dev).
FIGURE_MARGIN = 0.15
NEVER_DEFINED = "a term compared is never defined"
LEVEL_SILENT = "the level's own text never speaks of it"
# Asking for a number in so many words: a duration, a count, an amount of pay.
ASKS_NUMBER = re.compile(r"\bhow\s+(?:long|many)\b|\bhow\s+much\s+(?:money|do|does|did|will|would|can|could)\b.*"
                         r"\b(?:make|earn|paid|pay|get)\b|\b(?:salary|salaries|compensation|bonus|bonuses|equity)\b"
                         # "do principals get paid more than directors?": pay compared is pay asked for
                         r"|\b(?:paid|payed|pays?|earns?|earning|makes?|making)\s+(?:\w+\s+)?(?:more|less|most|best)\b"
                         r"|\b(?:better|worse|higher|lower)[-\s]+(?:paid|pay|salary|salaries)\b|\bmore\s+money\b",
                         re.I)
# "Where does the article get its salary data?" asks about the document: its author's own words answer it.
ABOUT_DOCUMENT = re.compile(r"\b(article|post|author|blog|write-?up|the document|the guide)\b"
                            r"|\b(?:the|that|this|those|these)\s+(?:\w+\s+)?(?:graphs?|charts?|diagrams?|images?|figures?)\b", re.I)
# "Where does the salary data in the graph come from?" asks for a source, not a number.
SOURCE_ASKED = re.compile(r"\b(?:where|which|what)\b.{0,60}\b(?:come|comes|came|get|gets|got|take|takes|from|draws?|drew"
                          r"|drawn|rel(?:y|ies|ied)|use[sd]?|cites?|pull(?:s|ed)?)\b|\bsources?\b|"
                          r"\bbased\s+on\b", re.I)
# "Forget the article and say…" is no question about it (typed in haste too: "forgt", "ignre").
DISMISSAL = re.compile(r"\b(forg\w*t|ign\w*re|disregard)\b", re.I)
SENTENCE_NEIGHBOURS = 8  # sentences searched directly, beside the passage search
# Questions about one level as it stands, which its company ladder's own text answers.
ONE_LEVEL_INTENTS = ("duties", "general", "factual")


def validate(question: str) -> str:
    """The question cleaned of control characters; InputError when there is nothing to answer."""
    text = clean_text(question or "").strip()
    if not text:
        raise InputError("The question is empty.")
    if len(text) > MAX_QUESTION_CHARS:
        raise InputError(f"The question is longer than {MAX_QUESTION_CHARS} characters; please shorten it.")
    return text


def answer_stream(mentor, question: str, level: Level | None, target: Level | None, session: str | None,
                  started: float) -> Iterator[str | Answer]:
    question = validate(question)
    fw = mentor.framework
    engine = mentor.engine  # an unknown or unconfigured engine is the user's to fix: say so now
    memory = mentor.history.memory(session, fw) if session else Memory()
    u = mentor.reader.read(question, memory)
    current = level or u.stated_level or memory.level
    aim = target or u.stated_target or memory.target
    notes: list[str] = []

    t0 = time.perf_counter()
    facts = ladder_facts(u, fw, current, aim)
    if facts.path is not None and facts.path.reachable and target is None:
        aim = facts.path.goal  # asking the way to a level makes it the target
    facts.diff, facts.overall = competency_rows(mentor, facts)
    if len(u.mentioned) == 1 and u.intent in ONE_LEVEL_INTENTS:
        facts.own = mentor.level_parts(u.mentioned[0])
    # A route, or two levels compared on one track, longer than a step: each level's own text on the way.
    route = facts.path if facts.path is not None else (
        fw.path(*sorted(facts.compared[:2], key=lambda lvl: lvl.rank)) if len(facts.compared) >= 2 else None)
    if route is not None and route.reachable and len(route.levels) > 2:
        facts.along = [(lvl, parts) for lvl in route.levels if (parts := mentor.level_parts(lvl))]
    passages = gather_passages(mentor, u, facts, current, aim)
    numbered = {i: p for i, p in enumerate(passages, start=1)}
    # "Which level ...?" names no level to favour: the answer is the level, wherever the sentence sits.
    # Nor does "which IC level is the same seniority as a Director?": the sentence pairing the two tracks does.
    favoured = set() if u.intent == "which_level" or EQUIVALENT.search(u.surface) else {lvl.id for lvl in u.mentioned}
    # Matched on what was asked, without "at Acme": a sentence naming the company is no closer to it.
    everything = rank_sentences(u.asked, u.vector, passages, mentor.sentences, mentor.ingest_state.generation,
                                favoured, fw.subject_level_ids)
    ranked = advice(everything, asides=bool(ABOUT_DOCUMENT.search(u.surface)) and not DISMISSAL.search(u.message))
    retrieve_ms = (time.perf_counter() - t0) * 1000

    t1 = time.perf_counter()
    support = judge_support(mentor, u, facts, ranked, everything)
    lacking, exhaustive = level_the_named_ladder_lacks(mentor, u)
    if lacking:  # the most exact thing to say of what is missing
        support = abstain.Support(False, "the named ladder has no such level", gap=lacking, features=support.features,
                                  nearest=support.nearest)
    elif u.intent not in ("greeting", "statement") and (
            (who_now := _WHO_HOLDS_IT_NOW.search(u.surface)) or _company_headcount(mentor.framework, u.message)):
        # "who's the current head of product?", "how many PMs does Acme employ?": people, not roles
        gap = "My sources describe roles, not who holds them now, so I won't guess." if who_now and \
            who_now.group("person") else "My sources give no figures on how many people work there, so I won't guess."
        support = abstain.Support(False, "it asks about people, not roles", gap=gap, features=support.features,
                                  nearest=support.nearest)
    elif u.intent not in ("greeting", "statement") and (outsider := organisation_no_source_knows(mentor, u)):
        support = abstain.Support(False, "it asks about an organisation no source speaks of",
                                  gap=f"My sources say nothing about {outsider}, so I won't guess.",
                                  features=support.features, nearest=support.nearest)
    elif not support.covered and len(u.mentioned) == 1 and _figure_in_own_text(u, ranked, support.features):
        support = abstain.Support(True, "the level's own text gives the figure", features=support.features)
    elif not support.covered and support.gap.endswith("figures") and len(u.mentioned) == 1 \
            and not level_from_pronoun(u):  # whose figures are missing, when one level was asked about
        support.gap = _no_figures(support.gap, u.mentioned[0])
    elif support.covered and (unsaid := figure_the_level_lacks(fw, u, support, ranked)):
        support = abstain.Support(False, "no figure is said of the level", gap=unsaid, features=support.features,
                                  nearest=support.nearest)
    elif support.covered and u.intent == "compare" and facts.undefined_terms:
        # "product owner vs product manager?" where the sources name a product owner but never say what one is:
        # how the two differ is not theirs to say
        gap = " ".join(f"The sources name “{t}” but do not define it, so they cannot say how it differs."
                       for t in facts.undefined_terms)
        naming = next((c for c in everything if any(t.lower() in c.text.lower() for t in facts.undefined_terms)
                       and abstain.quotable(c)), support.nearest)  # where the sources name it: all they say
        facts.undefined_terms = []  # said as the gap, not again above the answer
        support = abstain.Support(False, NEVER_DEFINED, gap=gap, features=support.features,
                                  nearest=naming)
    elif support.covered and (silent := what_the_level_leaves_unsaid(mentor, u, facts, ranked)):
        support = abstain.Support(False, LEVEL_SILENT, gap=silent, features=support.features)
    if not support.covered and not lacking and (u.intent == "figure" or ASKS_NUMBER.search(u.surface)) \
            and abstain.manages_no_one(u, ranked) is not None:
        # "How many people does a Principal PM manage?": none, in the level's own words, is the answer
        support = abstain.Support(True, "the level's text says it manages no one", features=support.features)
    preferred = mentor.ladder_preference.preferred(u.message) if mentor.ladder_preference else set()
    ctx = AnswerContext(u.standalone, question, u, fw, numbered, facts, current, aim,
                        mentor.history.recent(session) if session else [], ranked, preferred)
    engine_name = engine.name
    checked = None
    if u.intent == "greeting":
        body = _greeting(fw, current, thanked=bool(ACKNOWLEDGEMENT.match(u.surface)))
    else:
        if support.covered:
            checked, engine_name = yield from write_checked(mentor, engine, ctx, notes)
        if not support.covered or not checked.used:  # nothing the sources support: say so rather than answer empty
            if support.covered:
                support = abstain.Support(False, "no sentence survived the citation check", nearest=support.nearest)
            # Where an undefined term is named is all the sources say of it; what other levels' text says of a
            # topic the level's own never speaks of would read as said of it ("Typical time in level: …")
            if support.reason not in (NEVER_DEFINED, LEVEL_SILENT):
                support.nearest = nearest_on_topic(mentor, u, numbered) or support.nearest
            checked = mentor.verifier.check(_abstain_text(support, numbered), numbered)
        body = checked.text
    # "Is there even an IC1 at Saltmarsh?": that the ladder has no such level is the answer, not a gap
    # A company's ladder lists all its levels, so "is there an IC1?" is answered no; the article's ladder is a
    # typical path, so a level it lacks ("is there a VP above Head of Product?") is only what it does not cover.
    answered_no = bool(lacking) and exhaustive and not support.covered and bool(EXISTENCE_ASKED.search(u.surface))
    if answered_no:
        body = "**No.** " + re.sub(r"^_(.+?)_(?=\n|$)", r"\1", body).replace("The closest they come: ", "", 1)
    generate_ms = (time.perf_counter() - t1) * 1000

    lead, tail = _framing(u, fw, facts, current)
    answer_text = "\n\n".join(x for x in [lead, body, tail, *[f"_{n}_" for n in notes]] if x)
    citations = [Citation(n=n, chunk_id=p.chunk_id, source=p.source, section=p.section, quote=" … ".join(q))
                 for n, p, q in (checked.used if checked else [])]
    answer = Answer(
        question=question, answer=answer_text, citations=citations,
        abstained=not support.covered and u.intent != "greeting" and not answered_no,
        level=current.name if current else None, target=aim.name if aim else None,
        engine=engine_name, session=session,
        timings_ms={"retrieve": round(retrieve_ms, 2), "generate": round(generate_ms, 2),
                    "total": round((time.perf_counter() - started) * 1000, 2)},
        trace={"understanding": u.trace(), "retrieved": [p.as_json() for p in passages],
               "selected": [c.as_json() for c in ranked[:8]], "support": support.trace(),
               "checks": [s.as_json() for s in checked.sentences] if checked else [],
               "dropped_markers": checked.dropped_markers if checked else [],
               "removed": checked.removed if checked else []},
        notes=notes,
    )
    if session:
        # "which of them manages?": the level the answer chose, in bold at its head, else the one it names
        head = _CHOSEN_HEAD.match(body)
        chosen = named_in(fw, head.group(1) if head else body) if CHOICE.search(u.standalone) and len(u.mentioned) > 1 \
            else []
        goal = (chosen[0] if len(chosen) == 1 else None) or u.goal or (facts.path.goal if facts.path else None) or (
            facts.next_levels[0] if len(facts.next_levels) == 1 else None)
        # "what's the top of the manager ladder?" answers with one level first: "they" next means it
        # and so does an answer that opens on the level it chose ("**Principal Product Manager**: This role …")
        answered = named_in(fw, body)[:1] if (u.intent in ("ladder", "which_level") and not u.mentioned) \
            or (u.intent in ("factual", "general") and len(u.mentioned) < 2 and LEADS_WITH_LEVEL.match(body)) else None
        mentor.history.record(session, answer, u.intent, goal,
                              answered or u.mentioned or ([goal] if goal else named_in(fw, body)),
                              current if (level or u.stated_level) else None, aim)
    yield answer


LEADS_WITH_LEVEL = re.compile(r"\*\*[^*\n]+\*\*:")
_CHOSEN_HEAD = re.compile(r"\*\*([^*\n]+)\*\*")
# "is there an IC1?", "does Acme even have a VP level?", "is that even a real level?"
EXISTENCE_ASKED = re.compile(r"\b(?:is|are)\s+there\b|\b(?:does|do)\s+(?:\w+\s+){0,3}?(?:have|exist)\b|\bexists?\b"
                             r"|\breal\s+(?:level|role|title|thing)\b", re.I)


def nearest_on_topic(mentor, u: Understanding, numbered: dict[int, Passage]):
    """What the sources say nearest the question's own topic: its words without the levels it names
    (which pull towards everything about that level), searched again; the passage joins the numbered ones."""
    fw = mentor.framework
    ladder_words = fw.alias_words
    topic = [w for w in tokenize(u.standalone) if w not in ladder_words]
    if not topic:
        return None
    found = mentor.retriever.search(" ".join(topic), k=4)
    ranked = rank_sentences(" ".join(topic), u.vector, found, mentor.sentences, mentor.ingest_state.generation)
    close = [c for c in ranked if abstain.quotable(c)]
    best = max(close, key=lambda c: c.meaning + abstain.WORDS_WEIGHT * c.words, default=None)
    if best is not None and best.passage.chunk_id not in {p.chunk_id for p in numbered.values()}:
        numbered[len(numbered) + 1] = best.passage
    return best


def named_in(fw: Framework, body: str) -> list[Level]:
    """Levels the reply's opening names: what "it" or "the other one" in the next question points at."""
    opening = body.strip().split("\n\n")[0]
    aliases = [a.lower() for lvl in fw.levels for a in fw.aliases_of(lvl)]

    def specific(text: str) -> list:
        # "product managers" in a sentence is the job in general, not the level whose alias sits inside others'.
        return [m for m in fw.find_levels(text)
                if not any(a != m.text.lower().rstrip("s") and f" {m.text.lower().rstrip('s')}" in f" {a}"
                           for a in aliases)]

    # The first sentence that names a level is what was answered ("The highest level is Head of Product"),
    # not the whole ladder listed after it.
    first = next((found for sentence in split_sentences(opening) if (found := specific(sentence))), [])
    return list({m.level.id: m.level for m in first}.values())


def judge_support(mentor, u: Understanding, facts: LadderFacts, ranked, everything) -> abstain.Support:
    fw = mentor.framework
    ladder_words = fw.alias_words | LADDER_TERMS
    named = named_sources(mentor, u.message)
    # A question about a named company's ladder is answered by that document, so its words are the measure.
    vocabulary = source_vocabulary(mentor, named) if named else mentor.retriever.keyword.ensure_fresh().vocabulary()
    ladder_words |= {w for s in named for w in tokenize(Path(s).stem)}
    ladder_words |= REQUEST_VERBS | FILLER | HEDGES | HOW_ASKED  # "explain lead pm", "… tho", "usually": how it is asked
    if ABOUT_DOCUMENT.search(u.surface):
        ladder_words |= ABOUT_SOURCE_WORDS
    ladder_words |= mentor.reader.asking_words  # "responsible", "boss": words that phrase a question about a level
    ladder_words |= {w for w in tokenize(u.asked) if ASKS_SHAPE.fullmatch(w)}  # "where does X sit": the ladder's
    # "At Acme", "our ladder": where to look, not what is asked; neither topic nor missing concept.
    # Who the user says they are ("just got promoted to director, …") is no part of what they ask.
    unknown = abstain.unknown_words(without_introduction(u.asked) if u.stated_level else u.asked, vocabulary,
                                    ladder_words) if u.entry_of is None else []  # "where does X start": understood
    ladder_answers = (u.intent in ("path", "next") and (
        (facts.path is not None) or bool(facts.next_levels))) or (u.intent == "compare" and bool(facts.compared)) \
        or facts.whole_ladder or u.below is not None  # "who's below X": the ladder names the level
    topic = fw.without_levels(u.asked)
    # "How long does it take to get to Director?" reads as a route too; that it asks for a number wins.
    scores = u.intent_scores
    asks_figure = (bool(scores) and u.intent not in ("which_level", "ladder")  # a level is no number
                   and ((scores.get("figure", 0.0) >= max(scores.values()) - FIGURE_MARGIN
                         and bool(FIGURE_CUE.search(u.surface)))  # in words of number, size, time or pay
                        or bool(ASKS_NUMBER.search(u.surface)))
                   and not COUNTS_LADDER.search(u.surface)
                   and not (ABOUT_DOCUMENT.search(u.surface) and SOURCE_ASKED.search(u.surface)))
    by_elimination = bool(scores) and scores.get(u.intent, 0.0) < max(scores.values())
    intent = u.intent
    # "Can I nominate myself? And how often does the panel meet?": a figure is what one part asks, not the
    # whole question; the other part is answered whether or not the figure is there.
    parts = question_parts(u.standalone)
    if len(parts) > 1 and not all(FIGURE_CUE.search(p) for p in parts):
        asks_figure, intent = False, ("general" if intent == "figure" else intent)
    support = abstain.assess(intent, u.standalone, u.vector, ranked, everything, unknown,
                          mentor.embedder.embed_query, ladder_answers, topic=topic, asks_figure=asks_figure,
                          by_elimination=by_elimination)
    support.features["unknown_words"] = unknown  # for --explain: which words read as a concept no source has
    return support


def _figure_in_own_text(u: Understanding, ranked, features: dict) -> bool:
    """ "How long do people stay at PM2?" where PM2's own row says "Time in level: 18 to 24 months": a
    terse cell scores below prose in meaning, but a figure of the kind asked in the asked level's own text,
    among the closest sentences, answers it."""
    t = abstain.THRESHOLDS
    if not FIGURE_CUE.search(u.surface) or level_from_pronoun(u) or features.get("job_hunting") \
            or features.get("drop", 0.0) > t.drop_max or features.get("topic_drop", 0.0) > t.topic_drop_max:
        return False  # the question hinges on a concept no source has ("parental leave")
    kind, level = abstain.figure_kind(u.surface), u.mentioned[0].id
    return any(c.passage.levels == {level} and abstain.states_figure(kind, c.text)
               and c.meaning >= t.meaning_min for c in ranked[:abstain.FIGURE_POOL])


def level_the_named_ladder_lacks(mentor, u: Understanding) -> tuple[str | None, bool]:
    """ "What does a Principal PM do at Acme?" where Acme's ladder has no such level: the sentence that says so,
    and whether the ladder is a company's, which lists all its levels. A numbered form of the company ladder's
    own kind that it lacks ("P6" beside P1–P5, "GS-13" beside GS-14), or a title another ladder knows, in a
    question that names a company whose ladder names none of its levels."""
    company = _company_ladder(mentor, u)
    said = _level_lacked(mentor, u, company)
    return said, said is not None and company is not None


def _company_ladder(mentor, u: Understanding) -> Framework | None:
    """The company ladder a question is asked of: the one it names, else the one chosen."""
    from mentor.ladders import GENERAL

    named = named_sources(mentor, u.message)
    company = next((fw for fw, sources, _ in mentor.company_ladders if sources & named), None) if named else None
    if company is None and mentor.settings.ladder not in (None, GENERAL):
        company = mentor.framework  # the chosen company ladder: its own numbering is what a code refers to
    return company


def _level_lacked(mentor, u: Understanding, company: Framework | None) -> str | None:

    named = named_sources(mentor, u.message)
    ladder = company or mentor.framework
    if company is not None and (code := code_the_ladder_lacks(company, u.surface)):
        return _has_no(company, code)
    if title := title_no_source_knows(mentor, ladder, u.surface):
        return _has_no(ladder, title)
    if company is not None and (executive := EXECUTIVE_TITLE.search(u.surface)) \
            and not company.find_levels(executive.group(0)):
        return _has_no(company, _title_case(executive.group(0)))  # named in its pages, perhaps, but no level
    if company is None or not named:
        return None
    others = (mentor.general_framework, *(other for other, _, _ in mentor.company_ladders if other is not company))
    if own := company.find_levels(u.surface):
        # "a principal PM at Orchard Lane", where the ladder's "PM" is only the end of a title another ladder
        # knows whole: that title, not the ladder's Product Manager, is what was asked about
        wider = next((m for fw in others for m in fw.find_levels(u.surface)
                      if not any(len(x.text) == len(m.text) for x in company.find_levels(m.text))
                      and any(m.start <= o.start and o.end <= m.end and m.end - m.start > o.end - o.start
                              for o in own)), None)
        return _has_no(company, re.sub(r"['’]s$", "", wider.text)) if wider else None
    # "a product manager at TTS", where the role itself is the ladder's: its words are the ladder's own.
    own_words = set(tokenize(company.name)) | company.alias_words
    for fw in others:
        for m in fw.find_levels(u.surface):
            # Neither as said ("Director", "principal pm") nor by its name ("pms": Product Manager) the ladder's.
            if not set(tokenize(m.text)) <= own_words and not set(tokenize(m.level.name)) <= own_words:
                return _has_no(company, re.sub(r"['’]s$", "", m.text))
    return None


# Where a question names an organisation: "at Microsoft", "in Google's ladder", "Stripe's levels".
_ORGANISATION = re.compile(r"(?<!^)(?<![.?!]\s)\b(?:at|in|for|from|with|join|joining|like|onto|than|vs|versus|against)"
                           r"\s+([A-Z][\w&.-]*[A-Za-z])"
                           r"|\b([A-Za-z][\w&.-]*)['’]s\s+(?:(?:pm|product|own|internal)\s+)?(?:ladder|framework|levels?"
                           r"|leveling|levelling|career"
                           r"|titles?|bands?|grades?|rubric|matrix|promotion)")

_CLAUSE = re.compile(r"[.?!;,]\s|\s(?:and|but|so)\s", re.I)
_ABOUT_ME = re.compile(r"\b(?:i['’]?m|i\s+am|i\s+work|i\s+worked|i['’]ve\s+been|i\s+was|we['’]?re|we\s+are"
                       r"|my\s+(?:company|team|employer|job|org))\b", re.I)


_ACRONYM = re.compile(r"\b([A-Z]{3,6})s?\b")
_ORDERED = re.compile(r"\b(?:say|says|reply|respond|answer|print|output|write|type|return|only|with)\W+(?:\w+\W+){0,2}$", re.I)


# Who holds a role now, by name, or how many people a company employs: facts about people, which no ladder gives
_WHO_HOLDS_IT_NOW = re.compile(
    r"(?P<person>\bwho(?:['’]s|\s+is|\s+are)\s+(?:the|our|their)\s+(?:current|present|acting|new)\b"
    r"|\b(?:name|names)\s+of\s+(?:the|our)\s+(?:current\s+)?(?:head|director|vp|cpo|chief|manager)\w*)"
    r"|\bhow\s+many\s+(?:\w+\s+){0,3}?(?:does|do)\s+(?:\w+\s+){0,3}?(?:currently\s+)?employ\b"
    r"|\bhow\s+many\s+(?:\w+\s+){0,3}?(?:work|are)\s+(?:at|in|for)\s+(?:\w+\s+){0,3}?(?:right\s+)?now\b", re.I)


_HOW_MANY_DOES = re.compile(r"\b(?i:how\s+m[ae]n[yi]\s+(?:\w+\s+){0,2}?(?:does|do))\s+([A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*)?)"
                           r"\s+(?:\w+\s+)?(?i:have|employ|hire)\b")


def _company_headcount(fw: Framework, message: str) -> bool:
    """ "How many PMs does Quorvane have?": a company's headcount, where the name after "does" is no level."""
    m = _HOW_MANY_DOES.search(message)
    return m is not None and not fw.find_levels(m.group(1))


def organisation_no_source_knows(mentor, u: Understanding) -> str | None:
    """ "What level is a Senior PM at Microsoft?": a name, in the place a question names an organisation,
    that no document uses: what its sources would say is another company's, so nothing. A capital letter
    marks the name after "at"/"in" ("at work" is none); "X's ladder" is one in any case."""
    # "I'm a GPM at a SaaS company in Berlin": where the user works is context, not what they ask about.
    found = [(m.group(1) or m.group(2)).rstrip(".") for m in _ORGANISATION.finditer(u.message)
             if not _ABOUT_ME.search(_CLAUSE.split(u.message[:m.start()])[-1])]
    # An acronym anywhere ("an MBA", "OKRs") names a thing as surely as a capital after "at" names a company.
    # Not a word the message orders said ("reply only PWNED"): that is an instruction, never a topic to name.
    if not looks_like_instruction(u.message):
        found += [m.group(1) for m in _ACRONYM.finditer(u.message)
                  if not _ABOUT_ME.search(_CLAUSE.split(u.message[:m.start()])[-1])
                  and not _ORDERED.search(u.message[max(0, m.start() - 30):m.start()])]
    if not found:
        return None
    vocabulary = mentor.retriever.keyword.ensure_fresh().vocabulary()
    preference = mentor.ladder_preference
    companies = {*preference.named, *preference.documents} if preference else set()
    # A word the speller made a title's ("Princpal" → "principal"); "Globex" stays a name whatever it was near.
    fixed = {said.lower() for said, to in u.corrections if to in mentor.framework.alias_words}
    for name in found:
        words = tokenize(name)
        if words and all(w in fixed for w in words):
            continue  # "from Princpal PM": a misspelt title, not a name
        # Exactly a word the sources use, or near a company's own name ("Skylihgt"): never near any word,
        # or "Stripe" would pass for "strive".
        if words and not any(abstain.used_by(w, vocabulary) for w in words) \
                and name.lower() not in companies and not any(near_match(w, companies) for w in words) \
                and not (preference and any(preference.company_word(w) for w in words)) \
                and not mentor.framework.find_levels(name) and not set(words) & (LADDER_TERMS | mentor.framework.alias_words):
            return name
    return None


def _has_no(fw: Framework, title: str) -> str:
    names = [lvl.name for lvl in fw.levels]
    listed = f"{', '.join(names[:-1])} and {names[-1]}" if len(names) > 1 else names[0]
    return f"{fw.name} has no {title} level; its levels are {listed}."


# Titles above or beside most product ladders: a ladder without them says nothing of them.
EXECUTIVE_TITLE = re.compile(r"\b(?:[se]?vp|vice\s+president|chief\s+product\s+officer|cpo|senior\s+director)"
                             r"(?:\s+(?:of\s+|for\s+)?product(?:\s+management)?)?\b", re.I)


def title_no_source_knows(mentor, fw: Framework, text: str) -> str | None:
    """ "Where does a CPO fit in?": a title that is no level of the ladder and that no document uses."""
    titles = list(EXECUTIVE_TITLE.finditer(text))
    vocabulary = mentor.retriever.keyword.ensure_fresh().vocabulary() if titles else frozenset()
    for m in titles:
        own = [w for w in tokenize(m.group(0)) if w not in ("product", "management", "senior")]
        if not fw.find_levels(m.group(0)) and not any(w in vocabulary for w in own):
            return _title_case(m.group(0))
    return None


def _title_case(title: str) -> str:
    """ "svp of product": "SVP of Product"."""
    return " ".join(w.upper() if re.fullmatch(r"(?i)[se]?vp|cpo", w) else w if w.lower() in ("of", "for")
                    else w.capitalize() for w in title.split())


LEVEL_CODE = re.compile(r"\b(?:(level|grade|band|tier)\s+|([a-z]{1,3})[\s-]?)(\d{1,2})\b", re.I)


def code_the_ladder_lacks(fw: Framework, text: str) -> str | None:
    """A numbered level of the ladder's own kind that it does not have: "P6" where its codes run P1–P5."""
    def kind(match: re.Match) -> str:
        return (match.group(1) or match.group(2)).lower()

    # "L6-IC" and "L6-M" are both of level 6: a code's number counts with whatever suffix it carries.
    own = [m for lvl in fw.levels for a in fw.aliases_of(lvl)
           if (m := LEVEL_CODE.match(a.strip())) and not a.strip()[m.end():m.end() + 1].isalnum()]
    numbers: dict[str, list[int]] = {}
    for m in own:
        numbers.setdefault(kind(m), []).append(int(m.group(3)))
    for m in LEVEL_CODE.finditer(text):
        # Outside the ladder's range only: a code inside it may be one two roles share ("L6" of Staff and GPM).
        if kind(m) in numbers and not min(numbers[kind(m)]) <= int(m.group(3)) <= max(numbers[kind(m)]):
            return m.group(0) if m.group(1) else m.group(0).upper()  # "level 6"; "p6" is "P6"
    return None


def figure_the_level_lacks(fw: Framework, u: Understanding, support: abstain.Support, ranked) -> str | None:
    """ "How many reports does a Director have?" where the sources give a head count for Lead PMs only: a
    figure said of another level is no answer, so the sentence that says none is given for this one."""
    kind = abstain.figure_kind(u.standalone)
    if len(u.mentioned) != 1 or not kind or not (u.intent == "figure" or support.features.get("asks_figure")):
        return None
    level = u.mentioned[0]
    if level_from_pronoun(u):
        return None  # "how many of them?": the people a level manages, not surely the level last named
    if any(abstain.states_figure(kind, c.text) and abstain.speaks_of(fw, level, c) for c in ranked[:abstain.FIGURE_POOL]):
        return None
    return _no_figures(abstain.figures_gap(kind), level)


def _no_figures(what: str, level: Level) -> str:
    return f"My sources give no {what} for {level.name}, so I won't guess a number."


def what_the_level_leaves_unsaid(mentor, u: Understanding, facts: LadderFacts, ranked) -> str | None:
    """ "Who does an L7 report to?" where the company's ladder speaks of reporting for other levels, never for
    L7: the sentence that says so. Only words the document uses count as the topic (filler never does), and
    only when none of them appears in what the level's own text says. A question about what the level does
    is answered from that text unless it asks for a field other levels have and this one lacks ("typical time
    in level for a Director?")."""
    if not facts.own or u.intent not in ("factual", "general", "duties") or len(u.mentioned) != 1:
        return None
    level = u.mentioned[0]
    own = {w for competency, text, _, _ in facts.own for w in tokenize(f"{competency} {text}")}
    # Only what the ladder gives other levels a heading or field for ("Mentoring", "Reports to") counts as
    # said elsewhere and unsaid here; a verb such as "own" may be said of one level in other words.
    fields = frozenset(w for other in mentor.framework.levels if other.id != level.id
                       for competency, _, _, _ in mentor.level_parts(other)
                       for w in tokenize(competency)) - mentor.reader.asking_words
    topic = abstain.known_words([w for w in tokenize(mentor.framework.without_levels(u.asked))
                                 if w not in mentor.framework.alias_words and w not in LADDER_TERMS], fields)
    # A sentence naming the level elsewhere ("Staff PMs report to a Director of Product" under "Reporting
    # lines") says it as surely as the level's own text.
    elsewhere = [c.text for c in ranked[:abstain.FIGURE_POOL] if abstain.speaks_of(mentor.framework, level, c)]
    if topic and not abstain.known_words(topic, own) and not any(
            abstain.known_words(topic, set(tokenize(text))) for text in elsewhere):
        return f"{mentor.framework.name} does not say this for {level.name}."
    # "Who does X report to?" is a relation, not a word: "No direct reports" does not say it ("anyone reporting
    # to them?" asks the converse).
    if (WHO_REPORTS_TO.search(u.surface) or ASKS_BOSS.search(u.surface)) and not any(REPORTING_LINE.search(f"{competency}: {text}")
                                                for competency, text, _, _ in facts.own) \
            and not any(REPORTING_LINE.search(text) for text in elsewhere):
        return f"{mentor.framework.name} does not say this for {level.name}."
    return None


# Verbs that make a request of any question ("explain", "describe"), a closed class like greetings.
REQUEST_VERBS = frozenset({"explain", "describe", "tell", "define", "outline", "summarize", "summarise", "clarify",
                           "elaborate", "overview", "breakdown", "rundown", "recap"})
# "What does the article say about …", "where does the post mention …": the source and its saying, not a topic.
ABOUT_SOURCE_WORDS = frozenset({"article", "post", "author", "blog", "document", "guide", "say", "says", "said",
                                "mention", "mentions", "mentioned", "claim", "claims", "state", "states"})


def named_sources(mentor, question: str) -> set[str]:
    """Documents the question itself names ("at Acme", "our ladder"), not merely the chosen ladder's."""
    from dataclasses import replace

    pref = mentor.ladder_preference
    return replace(pref, chosen=set()).preferred(question) if pref is not None else set()


def source_vocabulary(mentor, sources: set[str]) -> frozenset[str]:
    """Every word of these documents' passages and sections, cached per ingest generation. (The words that
    phrase a question about a level are never a missing topic: ``judge_support`` sets them aside.)"""
    cache = mentor.__dict__.setdefault("_vocabulary_cache", {})
    key = (mentor.ingest_state.generation, frozenset(sources))
    if key not in cache:
        words: set[str] = set()
        for source in sources:
            for text, meta in mentor.store.get(mentor.store.ids_for_source(source)).values():
                words.update(tokenize(f"{meta.get('section', '')} {text}"))
        cache[key] = frozenset(words)
    return cache[key]


SWITCHING_TRACKS = "switching tracks: moving between the individual contributor track and the people manager track"
SWITCHING_PASSAGES = 3
SKIPPING_RULES = "skipping a level: promotion one level at a time, time in level before moving up"
LINING_UP = "seniority equivalence between the tracks: which levels are peers, at the same level or band"


def gather_passages(mentor, u: Understanding, facts: LadderFacts, current: Level | None,
                    aim: Level | None) -> list[Passage]:
    """Retrieved passages, then the sections the ladder facts rest on, then the facts themselves."""
    if u.intent == "greeting":
        return []
    passages = mentor.retriever.search(u.standalone, k=mentor.settings.top_k, level=current, target=aim,
                                       vector=u.vector)
    known = {p.chunk_id for p in passages}
    extra = [c for c in mentor.sentences.nearest_chunks(u.vector, SENTENCE_NEIGHBOURS) if c not in known]
    for chunk_id, (text, meta) in mentor.store.get(extra).items():
        passages.append(Passage(chunk_id, text, meta.get("source", ""), meta.get("section", ""), meta))
        known.add(chunk_id)
    found: list[Passage] = []
    across_tracks = len(facts.compared) >= 2 and facts.compared[0].track != facts.compared[1].track
    if EQUIVALENT.search(u.surface):  # "the same seniority as X": said where the tracks are set side by side
        found += mentor.retriever.search(mentor.framework.without_levels(u.standalone), k=SWITCHING_PASSAGES)
    if across_tracks:
        # Levels of two tracks compared: where the document sets its tracks side by side, wherever that is.
        # Searched without the levels' names, which pull towards their own sections.
        found += mentor.retriever.search_topic(LINING_UP, k=SWITCHING_PASSAGES)
    if SKIPPING.search(u.surface):  # the rule on skipping a level sits apart from any level's text
        found += mentor.retriever.search_topic(SKIPPING_RULES, k=SWITCHING_PASSAGES)
    # A change of track has rules of its own, kept apart from any level's text: looked for by what they speak
    # of, for a route onto the other track or a move between two levels of the two ("is L5 to M5 a promotion?")
    changes_track = (facts.path is not None and facts.path.start.track != facts.path.goal.track) or (
        across_tracks and bool(MOVE_ASKED.search(u.surface)))
    if changes_track:
        found += mentor.retriever.search_topic(SWITCHING_TRACKS, k=SWITCHING_PASSAGES)
    for heading in sections_needed(u, facts):
        found += section_passages(mentor, heading)
    for p in found:
        if p.chunk_id not in known:
            passages.append(p)
            known.add(p.chunk_id)
    rows = [i for r in facts.overall + facts.diff for i in (r.a_chunk_id, r.b_chunk_id) if i and i not in known]
    rows += [chunk_id for _, _, chunk_id, _ in facts.own if chunk_id not in known]
    rows += [chunk_id for _, parts in facts.along for _, _, chunk_id, _ in parts if chunk_id not in known]
    # A step's criteria may be kept with the level it starts from ("promotion › evidence" of the lower level).
    starts = [route.levels[:-1] for route in (facts.path, facts.way_in) if route is not None and route.reachable]
    starts += [[facts.start, *facts.next_levels]] if facts.start is not None and facts.next_levels else []
    for lvl in {x.id: x for levels in starts for x in levels}.values():
        rows += [chunk_id for _, _, chunk_id, _ in mentor.level_parts(lvl) if chunk_id not in known]
    # … or in one block apart from the levels, each line labelled by its step ("next_level › W2_to_W3: …").
    steps = [pair for route in (facts.path, facts.way_in) if route is not None and route.reachable
             for pair in zip(route.levels, route.levels[1:])]
    steps += [(facts.start, nxt) for nxt in facts.next_levels] if facts.start is not None else []
    rows += [chunk_id for a, b in steps for chunk_id in mentor.step_chunks(a, b) if chunk_id not in known]
    # two levels of the two tracks at one rank: the rule on moving between them says how they stand
    peers = across_tracks and facts.compared[0].rank == facts.compared[1].rank
    if changes_track or peers:
        rows += [chunk_id for chunk_id in mentor.switching_chunks() if chunk_id not in known]
    if across_tracks:
        rows += [chunk_id for chunk_id in mentor.lineup_chunks() if chunk_id not in known]
    if u.entry_of is not None:  # "which level first manages people?": what that track's first level says of it
        first = next(iter(mentor.framework.track_levels(u.entry_of)), None)
        rows += [chunk_id for _, _, chunk_id, _ in (mentor.level_parts(first) if first else []) if chunk_id not in known]
    if u.intent == "which_level":  # the answer may sit in any level's text, found or not by the search
        rows += [chunk_id for lvl in mentor.framework.levels for _, _, chunk_id, _ in mentor.level_parts(lvl)
                 if chunk_id not in known]
    for chunk_id, (text, meta) in mentor.store.get(list(dict.fromkeys(rows))).items():
        passages.append(Passage(chunk_id, text, meta.get("source", ""), meta.get("section", ""), meta))
    return passages + framework_passages(mentor.framework, mentor.settings.framework_path, facts)


def competency_rows(mentor, facts: LadderFacts) -> tuple[list, list]:
    """Two adjacent or compared levels of a ladder written competency by competency (a company's table or
    skill headings): what each says, side by side. Prose ladders have no such rows."""
    from mentor.errors import MentorError

    if facts.path is not None and facts.path.reachable and len(facts.path.levels) == 2:
        pair = facts.path.levels
    elif len(facts.compared) == 2:
        pair = facts.compared
    else:
        return [], []
    try:
        rows = mentor.ladder_diff(pair[0].name, pair[1].name)
    except MentorError:
        return [], []
    overall = [r for r in rows if r.competency == "Overall"]
    rows = [r for r in rows if r.competency != "Overall" and r.a_text.strip() and r.b_text.strip()]
    return (rows, overall) if len(rows) >= 2 else ([], [])


def write_checked(mentor, engine, ctx: AnswerContext, notes: list[str]):
    """Stream the engine's text, then check it; fall back to the grounded engine when nothing holds.

    Returns (checked text, the name of the engine that actually answered).
    """
    text = ""
    try:
        for piece in engine.generate(ctx):
            text += piece
            if engine.streams:
                yield piece
    except EngineUnavailableError as exc:
        notes.append(f"{exc} This is the grounded answer instead.")
        text = ""
    checked = mentor.verifier.check(text, ctx.passages)
    if checked.supported_count == 0 and engine.name != "grounded":
        if text:
            notes.append(f"The {engine.name} answer had no sentence the sources support, "
                         "so this is the grounded answer instead.")
        from mentor.engines.grounded import GroundedEngine

        return mentor.verifier.check("".join(GroundedEngine(mentor).generate(ctx)), ctx.passages), "grounded"
    if checked.removed:
        n = len(checked.removed)
        notes.append(f"{n} sentence{'s' if n > 1 else ''} not supported by the sources "
                     f"{'were' if n > 1 else 'was'} left out.")
    return checked, engine.name


def section_passages(mentor, heading: str) -> list[Passage]:
    """Passages of one section (by heading), cached per Mentor and ingest generation."""
    cache = mentor.__dict__.setdefault("_section_cache", {})
    key = (mentor.ingest_state.generation, heading)
    if key not in cache:
        res = mentor.store.collection().get(where={"heading": heading}, include=["documents", "metadatas"])
        found = [Passage(i, d, m.get("source", ""), m.get("section", ""), m)
                 for i, d, m in zip(res["ids"], res["documents"], res["metadatas"])]
        cache[key] = sorted(found, key=lambda p: (p.source, p.metadata.get("position", 0)))
    return [Passage(p.chunk_id, p.text, p.source, p.section, p.metadata) for p in cache[key]]


def _framing(u: Understanding, fw: Framework, facts: LadderFacts, current: Level | None) -> tuple[str, str]:
    """Uncited notes in italics: what the ladder cannot answer goes first, since it answers what was asked;
    notes about the user and the reading of the question go after the answer."""
    first, after = [], []
    if facts.path is not None and not facts.path.reachable:
        if is_move_across(u, facts.path):
            first.append(f"Going from {facts.path.start.name} onto the {fw.tracks[facts.path.goal.track]} track is a "
                         "move across, not a step up.")
        elif facts.path.status == "downward":
            first.append(f"{facts.path.goal.name} is not above {facts.path.start.name} in this ladder, "
                         "so there is no upward route to describe.")
        else:
            first.append(f"The sources describe no route from {facts.path.start.name} to {facts.path.goal.name}"
                         + (f": {facts.path.goal.name} is on the {fw.tracks[facts.path.goal.track]} track."
                            if facts.way_in is not None else "."))
    if u.intent in ("next", "statement") and facts.start is not None and not facts.next_levels:
        track = fw.tracks.get(facts.start.track, facts.start.track)
        first.append(f"{facts.start.name} is the top of the {track} track: the ladder has no step up from it.")
    if u.below is not None and u.mentioned:
        first.append(f"The level below {u.below.name} is {u.mentioned[0].name}.")
    if u.counterpart is not None and u.mentioned and u.counterpart.rank != u.mentioned[0].rank:
        # "the manager equivalent of a Distinguished PM", where the manager track stops below it
        gap = u.counterpart.rank - u.mentioned[0].rank
        count = COUNT_WORDS.get(abs(gap), str(abs(gap)))
        first.append(f"The {fw.tracks[u.counterpart.track]} track has no level at the seniority of "
                     f"{u.mentioned[0].name}: the nearest, {u.counterpart.name}, sits {count} level"
                     f"{'s' if abs(gap) > 1 else ''} {'above' if gap > 0 else 'below'} it.")
    for term in facts.undefined_terms:
        first.append(f"The sources name “{term}” but do not define it, so they cannot say how it differs.")
    if u.stated_level:
        after.append(f"Noted: you're {a_or_an(u.stated_level.name)}.")
    if u.rewritten:
        after.append(f"(Read as: “{u.standalone}”)")
    return tuple("_" + " ".join(bits) + "_" if bits else "" for bits in (first, after))


def _greeting(fw: Framework, current: Level | None, thanked: bool = False) -> str:
    if thanked:
        return ("Glad that helps. Ask me anything else about the " + fw.name
                + ": what a level does, how to move up, or which titles mean the same thing.")
    who = f" for a {current.name}" if current else ""
    return (f"Hello! I answer questions about the {fw.name}{who}: what each level does, how to move up, "
            "and which titles mean the same thing. Every answer cites its sources. Tell me your level to start.")


def _abstain_text(support: abstain.Support, numbered: dict[int, Passage]) -> str:
    lines = [f"_{abstain.message(support)}_"]
    nearest = support.nearest
    if nearest is not None:
        n = next((n for n, p in numbered.items() if p.chunk_id == nearest.passage.chunk_id), None)
        if n is not None:
            kind = nearest.passage.metadata.get("kind")
            lines.append("The closest they come: "
                         + cited_sentence(nearest.text, n, cell=kind in CELL_KINDS, data=kind == "front-matter"))
    return "\n\n".join(lines)
