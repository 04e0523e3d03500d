"""Reading a message: who the user says they are, what they ask, and what a follow-up points back to.

Three mechanisms, each serving a class of inputs rather than listed questions:

* spelling: words are fixed against the ladder's own alias words and the
  corpus vocabulary by edit distance (rapidfuzz), and common abbreviations
  ("sr", "snr", "dir", "mgr") are spelt out, so "prinicpal pm" is a level;
* intent: a linear head on the question's vector, trained on the labelled
  examples (``mentor/data/intents.jsonl``), restricted to the intents the question's structure allows
  (a comparison needs two levels or a confusable term, a route needs a level);
* follow-ups: phrases that point back ("that role", "the manager one", "the
  other track", "there", "they") are replaced by the level the conversation
  last named, and "what about X?" repeats the last question's kind for X.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz.distance import OSA
from rapidfuzz.process import extractOne

from mentor.classify import DATA_DIR, LinearClassifier
from mentor.framework import Framework, Level, LevelMention
from mentor.text import OPENER, SECOND_QUESTION, STOPWORDS, a_or_an, clean_text, load_jsonl, near_match, question_parts, tokenize

INTENTS_FILE = DATA_DIR / "intents.jsonl"
INTENTS = ("greeting", "statement", "path", "next", "compare", "duties", "figure", "factual", "which_level", "ladder",
           "general")
# A question whose answer is a level ("at which level ...", "how senior ..."): a level, the ladder itself or a
# comparison answers it, never a route or a figure. "What role does X play" asks about duties, so "role" and
# "position" count only after "which".
ASKS_LEVEL = re.compile(r"\b(?:(?:which|what)\s+(?:levels?|grades?|bands?|rungs?|stages?|seniority|titles?)"
                        r"|which\s+(?:roles?|positions?)|how\s+senior"
                        # "the first role where you manage people", "the earliest level that owns a roadmap"
                        r"|(?:first|earliest|lowest)\s+(?:levels?|roles?|titles?|grades?|rungs?|positions?|bands?)"
                        r"\s+(?:where|that|at\s+which|in\s+which|when|to|you|i|we|with))\b", re.I)
# "How many levels/tracks…": a count of the ladder's own parts, which the ladder (or a route on it) answers.
COUNTS_LADDER = re.compile(r"\bhow\s+many\s+(?:[a-z]+\s+){0,2}?(?:levels?|rungs?|tiers?|bands?|grades?|steps?|stages?"
                           r"|tracks?|titles?|promotions?)\b", re.I)
# "Who / which level / the one below X" asks for a level; "which teams sit under X" does not.
_ASKS_WHO = re.compile(r"\b(?:who|whom|who'?s|level|role|rung|one|title|position|step|grade|tier|band)\b", re.I)
ASKING_KINDS = ("duties", "path", "next", "compare", "ladder")
_SAMENESS = re.compile(r"\b(?:same|basically|equivalent|identical|interchangeable|vs|versus|differ\w*|difference"
                       r"|compared?|comparison)\b", re.I)
_BETWEEN = re.compile(r"\b(?:differen(?:ce|ces|t)|differ|distinguish\w*)\s+(?:\w+\s+){0,3}?between\b"
                      r"|\b(?:vs\.?|versus)\s", re.I)
_ASKS_YES_NO = re.compile(r"^\W*(?:(?:so|ok|okay|but|and|wait)\W+)*(?:is|isn'?t|are|aren'?t)\b", re.I)
_SAME_AS = re.compile(r"\b(?:same|basically|just|equivalent|identical|interchangeable|another\s+(?:name|word|title)"
                      r"|synonyms?|essentially)\b", re.I)
# Which of two levels ranks higher ("is A more senior than B?"), and asked the other way round ("is A below B?").
ORDER_ASKED = re.compile(r"\b(?:more|less)\s+senior\b|\b(?:senior|junior)\s+to\b|\b(?:above|below|higher|lower|"
                         r"outrank\w*|beneath|under)\b", re.I)
ASKS_LOWER = re.compile(r"\bless\s+senior\b|\bjunior\s+to\b|\b(?:below|lower|beneath|under)\b", re.I)
# "what grade is Lead PM?", "which band is a Senior PO in?", "what's the level code for X": a level's own names
ASKS_IDENTITY = re.compile(r"\b(?:what|which)(?:['’]s|\s+is)?\s+(?:the\s+)?(?:level|grade|band|tier|rank|code|job\s+level|"
                           r"level\s+code)\s+(?:is|are|of|for|would\s+be)\b", re.I)
IDENTITY_GAP = 6  # "what grade is a Lead PM": the level follows the asking words, an article apart at most
_RELATIVE = re.compile(r"\b(?:above|below|after|before|until|till|between|to|from|beyond|under|over|past)\b", re.I)
# Words for the parts of any ladder: never a missing topic, whatever the documents say.
LADDER_TERMS = {"rung", "rungs", "tier", "tiers", "band", "bands", "grade", "grades", "step", "steps", "track",
                "tracks", "ladder", "ladders", "level", "levels", "title", "titles", "stage", "stages",
                "earliest", "highest", "lowest"}  # "the earliest level that ...": where on it, not what
# Words that describe a ladder's shape and nothing else: a question made only of these is about the ladder.
LADDER_SHAPE = LADDER_TERMS | {
    "path", "paths", "career", "pathway", "framework", "role", "roles", "position", "positions", "seniority",
    "senior", "highest", "lowest", "top", "bottom", "first", "last", "entry", "one", "ones", "most", "least",
    "ic", "individual", "contributor", "manager", "management", "there", "many", "our", "company"}
# "I'm a lead", "after senior": a title word said alone where a title is expected.
_BARE_TITLE = re.compile(r"\b(?:(?:i'?m|im|i\s+am|as|am|become|becoming|became|be)\s+(?:a|an)|(?:after|above|beyond|from|than|up\s+to"
                         r"|(?<=\bto\s)make|make\s+it\s+to"  # "what do i need to make senior"
                         r"|(?:gets?|getting|takes?|taking)\s+(?:me|you|us|someone|people|them)\s+to"  # "gets me to senior"
                         r"|(?:ready|aiming|going|gunning|shooting|pushing|up|promoted|considered)\s+for"  # "ready for senior"
                         r"|(?<=\bpm\s)to|(?<=\bpms\s)to|(?<=\bmanager\s)to)(?:\s+(?:a|an|the))?"
                         r"|the(?=\s+[a-z]+\s+one\b)"  # "the lead one"
                         # "just got offered a lead role", "a principal position": a title word and what it is
                         r"|\b(?:a|an|the)(?=\s+[a-z]+\s+(?:role|position|job|title|gig|spot|opening|offer)s?\b)"
                         # "how many reports does the lead have?", "and the principal?": a title word as the subject
                         r"|the(?=\s+[a-z]+(?:\s+(?:have|has|do|does|is|are|get|gets|manage|manages|report|reports|own"
                         r"|owns|earn|earns)\b|\s*[?.!,]|\s*$)))"
                         r"\s+([a-z]+)\b(?!\s+(?:pm|product|manager)s?\b)", re.I)
# "the difference between a principal and a lead?", "senior vs principal": a pair's bare title words, where
# each ends its side of the pair
_BARE_PAIR = re.compile(r"\bbetween\s+(?:(?:a|an|the)\s+)?([a-z]+)(?=\s+(?:and|&|vs\.?|versus)\s)"
                        r"|\b(?:and|&|or)\s+(?:(?:a|an|the)\s+)?([a-z]+)(?=\s*(?:[?.!,;]|$))"
                        r"|\b(?:vs\.?|versus)\s+(?:(?:a|an|the)\s+)?([a-z]+)\b"
                        r"|\b([a-z]+)(?=\s+(?:vs\.?|versus)\s)", re.I)
# What a question must say to ask about the ladder's shape when it names levels ("is X the top of the IC
# track?", "where does X sit?"); without it, "what is the X level like?" asks what the level does.
ASKS_SHAPE = re.compile(r"\b(?:ladders?|tracks?|paths?|rungs?|tiers?|top|bottom|highest|lowest|entry|ceiling|above"
                         r"|below|sits?(?!\s+on\b)|fits?|rank\w*|levels|titles|roles|positions|progression|hierarchy|structure"
                         r"|where|last|first)\b", re.I)
# Moving into a track: "move into management", "switch to being a manager", "go over to the IC side".
_INTO_TRACK = re.compile(r"\b(?:into|(?:switch|move|go|change|transition|cross)\w*\s+(?:(?:over|back|across)\s+)?to)"
                         r"\s+((?:(?:being|become|the|a|an)\s+)*[\w-]+(?:\s+[\w-]+)?)", re.I)
# A destination is named, even in words the ladder does not know ("up to senior", "into management").
# "the next step", "level up": a step from the level the question names, not to it.
_NEXT_OF = re.compile(r"\b(?:(?:(?:move|moving|go|going|get|getting|step|stepping|climb|climbing|advance|advancing)\s+)?"
                      r"(?:up\s+)?(?:to|into)\s+)?"  # "move up to the next level": one step, no destination before it
                      r"(?:the\s+|their\s+|a\s+)?next\s+(?:step|level|role|rung|move|title|promotion|band|grade)s?"
                      r"(?:\s+up)?\b|\b(?:level|move|step)\s+up\b|\b(?:get|gets|getting|be|being)\s+promoted\b(?!\s+(?:to|into)\b)",
                      re.I)
_DESTINATION = re.compile(r"\b(?:up\s+to|into|to\s+(?:a|an|the|be)|towards?|become|becoming)\b", re.I)
# Standard English abbreviations of the words ladders use.
ABBREVIATIONS = {"sr": "senior", "snr": "senior", "sen": "senior", "assoc": "associate", "dir": "director",
                 "mgr": "manager", "mngr": "manager", "grp": "group", "prod": "product", "princ": "principal",
                 "nxt": "next", "abt": "about", "ppl": "people", "rn": "now", "yr": "year", "yrs": "years",
                 "org": "organization", "orgs": "organizations", "exec": "executive", "eng": "engineering",
                 "prep": "prepare", "promo": "promotion", "mgmt": "management", "reqs": "requirements",
                 # chat spellings, a closed class like the idioms: said as they sound, too far from the word to fix
                 "hw": "how", "wat": "what", "wats": "whats", "wut": "what", "r": "are", "u": "you", "ur": "your",
                 "becum": "become", "hav": "have", "shud": "should", "cud": "could", "wud": "would", "bc": "because",
                 "cuz": "because", "coz": "because", "pls": "please", "plz": "please", "btwn": "between", "thru": "through",
                 # four-letter slips the speller leaves alone (one edit from too many words), common enough to name
                 "ther": "there", "thier": "their", "dose": "does", "whta": "what", "teh": "the", "waht": "what", "hwo": "how"}
# "ok got it, thanks!", "cool, that helps": a reply that asks nothing.
ACKNOWLEDGEMENT = re.compile(r"^\W*(?:(?:ok(?:ay)?|k+|cool|great|perfect|awesome|nice|got\s+it|gotcha|understood"
                             r"|makes\s+sense|thanks?(?:\s+(?:you|a\s+lot|so\s+much))?|thx|ty|cheers|appreciated?(?:\s+it)?"
                             r"|(?:that|this)(?:'s|\s+is)?\s+(?:helps?|helpful|useful|clear)|helpful|alright|sure)\W*)+$", re.I)
GREETING_MAX_WORDS = 6  # a longer message carries a question, whatever its first words
# Added to an intent's probability when the words have its structure ("to X", "from X to Y": a route;
# "X vs Y", "is X basically Y": a comparison); fitted on dev.
STRUCTURE_PRIOR = 0.15

# Words before a level that make it the user's own level, or the one they aim for.
_CURRENT_CUE = re.compile(
    r"(?:\bi'?m|\bim|\bi\s+am|\bi\s+work\s+as|\bi\s+just\s+became|\bi\s+became|\bi\s+was\s+promoted\s+to|\bi'?ve\s+been"
    r"|\bi\s*(?:have|'ve)\s+(?:recently\s+|just\s+)?been(?:\s+promoted\s+to)?|\b(?:i\s+)?(?:just\s+)?(?:made|got\s+promoted\s+to)"
    r"|\b(?:just|recently|finally|newly)\s+became"
    # "just got bumped to director", "finally got made up to GPM": a promotion had, so the level now held
    r"|\b(?:got|been|was)\s+(?:promoted|bumped|moved|made|upgraded|level+ed)(?:\s+up)?(?:\s+to|\s+into)?"
    r"|\b(?:newly|recently|freshly|just)\s+(?:promoted|bumped|moved|made|upgraded)(?:\s+up)?\s+(?:to|into)"
    r"|\bas\s+an?|\bmy\s+(?:current\s+)?(?:role|title|level|job)\s+is|\bcurrently|\bfrom)"
    # "I'm a regular PM", "im a fairly new senior pm": a word or two on what kind, before the title
    r"(?:\s+(?:now|currently|just|already|newly|recently|a|an|the|regular|normal|new|newish|fairly|pretty|relatively"
    r"|brand|first[-\s]time|mid[-\s]level|technical|growth|platform|data|b2b|b2c))*\s*$",
    re.IGNORECASE,
)
_TARGET_CUE = re.compile(
    r"(?:\bwant\s+to|\bwanna|\bhope\s+to|\baim(?:ing)?\s+(?:to|for)|\baspire\s+to|\bgoal\s+is|\bbecome|\bbecoming"
    r"|\bget\s+to|\bgetting\s+to|\breach|\bmove\s+(?:up\s+)?(?:to|into)|\bpromoted\s+to|\bpromotion\s+to"
    r"|\bpath\s+to|\broute\s+to|\bgo\s+to|\bjump\s+to|\bstep\s+up\s+to|\bmake(?:\s+it\s+to)?|\boffered(?:\s+me)?"
    r"|\b(?:ready|up|considered|in\s+line|going|pushing|gunning)\s+for"  # "almost ready for PM"
    r"|\bto)"
    r"(?:\s+(?:be|become|go|a|an|the|into))*\s*$",
    re.IGNORECASE,
)
_UNTIL_CUE = re.compile(r"\b(?:until|till|til|before|by\s+the\s+time)\s+(?:i'?m|im|i\s+am|i\s+become|i\s+get\s+to\s+be"
                        r"|i\s+(?:can\s+)?be|i\s+make)(?:\s+(?:a|an|the))?\s*$", re.I)
_SELF = re.compile(r"\b(i'?m|im|i\s+am|i\s+just|i\s+became|i\s+was\s+promoted|i\s+work|i\s+have|i'?ve|just\s+made|"
                   r"(?:just|recently|finally|newly)\s+became|"
                   r"(?:just|finally|recently)\s+(?:got|been)\s+(?:promoted|bumped|moved|made|upgraded|level+ed)|"
                   r"(?:newly|recently|freshly|just)\s+(?:promoted|bumped|moved|made|upgraded)\s+(?:to|into)|"
                   r"i\s+got\s+promoted|my\s+(current\s+)?(role|title|level))\b",
                   re.I)
FIRST_PERSON = re.compile(r"\b(?:i|i'?m|im|i'?ve|my|me|myself)\b", re.I)
_HERE = re.compile(r"\s+here\b", re.I)  # "Senior PM here": the level that opens a message is the user's own
# A wish or a future in the clause before "as a X": where the user aims, not who they are
_WISHED = re.compile(r"\b(?:i\s+want|i'?d\s+like|i\s+hope|i\s+wanna|end(?:ing)?\s+up|become|someday|one\s+day|"
                     r"eventually|dream|aim\w*|aspir\w*|grow\s+into|"
                     # "can I move to the management track as an LPM?": where they would go
                     r"(?:can|could|may)\s+i\s+(?:\w+\s+){0,2}?(?:move|switch|go|join|transfer|start|come\s+back))\b", re.I)
_WANT = re.compile(r"\b(i\s+want|i'?d\s+like|i\s+hope|my\s+goal|i\s+aim|i\s+aspire|i\s+wanna)\b", re.I)

# Phrases that point back at a level named earlier in the conversation.
# "the manager one", "that IC track": a determiner right before, so "the top IC role" is not a reference.
_TRACK_REF = re.compile(r"\b(?:the|that|this)\s+(other|manager|management|people[- ]manager|ic|individual[- ]contributor)"
                        r"\s+(one|track|path|role|level|side|route|ladder)\b", re.I)
# One level set against another, the first the subject: "A do differently from B", "A compared to B"
_SET_AGAINST = re.compile(r"\bdifferent(?:ly)?\s+(?:from|than|to)\b|\bcompared\s+(?:to|with)\b|\bunlike\b"
                          r"|\b(?:more|less|better|worse)\s+(?:\w+\s+)?than\b", re.I)
# "what would my scope be then?", "what will I do then": at the level just named as the step up
_THEN_THERE = re.compile(r"\b(?:would|will|'d|'ll)\b.*\b(then)\W*$", re.I)
_HYPOTHETICAL = re.compile(r"\b(?:would|will|could|might)\b|'d\b|'ll\b", re.I)
# "hired into that", "promoted to it", "apply for that": joining the level last named, said as "that"/"it"
_INTO_IT = re.compile(r"\b(?:hir\w*|promot\w*|recruit\w*|appl\w*|get|getting|mov\w*|land\w*|step\w*|mak\w*)"
                      r"(?:\s+\w+){0,2}?\s+(?:into|to|for)\s+(that|it|this)\W*$", re.I)
_ASKS_EMPLOYERS = re.compile(r"\b(?:which|what)\s+(?:\w+\s+)?(?:compan\w*|firms?|organi[sz]ations?|employers?"
                             r"|businesses)\b", re.I)
_HIRED = re.compile(r"\b(?:hired|hire|hires|hiring|recruit\w*|headhunt\w*)\b", re.I)
_THEY = re.compile(r"\b(?:they|them|theirs?)\b", re.I)
_TRACK_WORDS = ("track", "path", "side", "route", "ladder")  # "the manager side" names a track, not a level
# Joining the job from outside it: "get into product management", "break into PM", "an entry-level route"
_BREAK_IN = re.compile(r"\b(?:get|getting|break|breaking|land|landing)\s+(?:in|into)\s+(?:product(?:\s+management)?|pm|"
                       r"the\s+(?:field|job|profession))\b|\bentry[- ]level\s+(?:route|way|path|role|job|position)s?\b|"
                       r"\bmy\s+first\s+(?:pm|product)\s+(?:job|role)\b", re.I)
# "which level first manages people", "when does people management start", "the first level with direct reports"
_FIRST_MANAGING = re.compile(r"\b(?:first|start\w*|begin\w*|lowest|earliest|entry)\b.{0,50}?\b(?:manag\w*\s+(?:people|others|"
                             r"other\s+pms|pms|product\s+managers|a\s+team|teams|staff|folks)|direct\s+reports|people\s+manag\w*|"
                             r"line[- ]manag\w*|manager(?:ial)?\s+(?:level|role|title|rung|position|job|grade|band)s?\b)"
                             r"|\b(?:people|line)\s+manag\w*\s+(?:start|begin)s?\b", re.I)
_WHERE_IT_STARTS = re.compile(r"\bwhere\s+(?:does|do|would|will)\b.{0,60}?\b(?:start|begin)s?\b", re.I)
_ENTRY_WORDS = re.compile(r"\b(?:start\w*|begin\w*|entry|enter\w*|first|join\w*|get\s+in(?:to)?)\b", re.I)
# "that track", "the same path": a track the user's last message named ("I want to go into management").
# "the manager version of X", "X's IC equivalent", "the level on the manager side that lines up with it"
_COUNTERPART = re.compile(r"\b(?P<track>manager|management|managing|people[-\s]manag\w*|ic|individual[-\s]contributor"
                          r"|non[-\s]manag\w*)\s+(?:version|equivalent|counterpart|twin|one|level)\b(?!\s+(?:above|below))"
                          r"|\b(?:equivalent|counterpart)\b[^?]{0,30}?\b(?:on|in)\s+the\s+(?P<track2>[\w-]+(?:\s+[\w-]+)?)\s+"
                          r"(?:track|side|path|ladder)\b|\blines?\s+up\s+with\b|\b(?:equivalent|counterpart)\s+(?:of|to|for)\b",
                          re.I)
# "ok what about on the manager side?", "and for the IC track?": the last question, turned to one track
# "what's next on the manager side?", "moving to the IC track": a step along or onto a track, no level named
_STEP_ONTO = re.compile(r"\b(?:next|after|step\w*|mov\w*|go|going|goes|head\w*|switch\w*|grow\w*)\s+(?:\w+\s+){0,2}?"
                        r"(?:on|onto|to|into|along|down|in|up)\s*$", re.I)
_SIDE_ASKED = re.compile(r"^\W*(?:(?:ok|okay|so|and|but|hmm|right)\W+)*(?:(?:what|how)\s+(?:about|abt)\s+|and\s+)?"
                         r"(?:(?:on|for|down|along|in)\s+)?the\s+([\w-]+(?:\s+[\w-]+)?)\s+(?:side|track|path|route|ladder)\b",
                         re.I)
_FROM_BELOW = re.compile(r"\bfrom\s+(?:the\s+)?(?:level|one|role|rung|position|spot)\s+(?:right\s+|just\s+|directly\s+"
                         r"|immediately\s+)?(?:below|under|beneath|underneath)\b", re.I)
_IT_TAKES = re.compile(r"\bwhat(?:['’]s|\s+does|\s+would|\s+will|\s+did)?\s+it\s+take\b(?!\s+(?:to|for)\b)", re.I)
_ON_IT = re.compile(r"\b(?:on|in|of|along|up)\s+(it)\b", re.I)
_NAMES_LADDER = re.compile(r"\b(?:ladders?|levell?ing|levels|career\s+(?:path|framework)|framework)\b", re.I)
_THAT_TRACK = re.compile(r"\b(?:that|this|the\s+same)\s+(?:track|path|route|ladder|side)\b", re.I)
_ABOVE_ME = re.compile(r"\b(?:above|after|beyond|below|under|past|up\s+from|down\s+from)\s+(me|mine)\b", re.I)
_MY_TRACK = re.compile(r"\bmy\s+(?:own\s+|current\s+)?(?:track|path|ladder|side)\b", re.I)
_MY_LEVEL = re.compile(r"\bmy\s+(?:current\s+|own\s+|present\s+)?(?:level|role|position|title|job|grade|rung)\b|\bmine\b", re.I)
_WHICH_REF = re.compile(r"\bwhich\s+(?:one|of\s+them|of\s+the\s+two)\b", re.I)
_TOP_JOB = re.compile(r"\bthe\s+(?:very\s+)?(?:top|highest|most\s+senior)\s+(?:product\s+|pm\s+)?(?:job|role|spot|position"
                      r"|title|seat|gig)\b(?!\s+(?:on|of|in)\s+the\s+\w+\s+(?:track|side|path|ladder))", re.I)
_QUESTION_LAST = re.compile(r"(?<=[.!])\s+(?=\S)")
_CLAUSES = re.compile(r"(?<=[.,;!])\s+|\s+[-–—]\s+")
INTRODUCTION_REST_WORDS = 2  # "what next?" is a question of its own; a lone word leans on the introduction
# "Who owns / leads / signs off …?" with no level named asks which level does it.
WHO_DOES = re.compile(rf"^\W*{OPENER}who\s+(?:(?:usually|typically|actually|normally|generally)\s+)?"
                       r"(?:owns?|leads?|runs?|sets?|decides?|approves?|signs?\s+off|is\s+(?:responsible|accountable"
                       r"|in\s+charge)|writes?|drives?|defines?|makes?\s+the|handles?|hires?|mentors?|coache?s?"
                       r"|manages\s+(?!me\b))\b", re.I)
FIGURE_CUE = re.compile(r"\bhow\s+(?:many|much|long|big|large|often|old)\b|\b(?:number|count|percent\w*|ratio|odds|share"
                         r"|salar\w*|pay\w*|paid|earn\w*|comp|compensation|wages?|income|money|bonus\w*|equity|stock|make"
                         r"|years?|months?|weeks?|size|headcount|\d+)\b|[%$£€]", re.I)
_CHOICE = re.compile(r"\bwhich\s+(?:of|one)\b", re.I)
# "which one is more senior?": the ranks answer it, not what the levels' texts say.
_RANK_ASKED = re.compile(r"\b(?:higher|lower|more\s+senior|more\s+junior|senior|junior|seniority|outranks?|ranks?|ranked)\b(?!-)",
                         re.I)
# "decide that", "she", "my manager": a follow-up about the user's own situation, not about a level.
_SITUATION_REF = re.compile(r"\b(?:that|this|she|he|her|him|my\s+(?:manager|boss|lead))\b", re.I)
# "the first one", "the second role", "the latter", "vs the first": a place in a list the conversation made
_ORDINAL_REF = re.compile(r"\bthe\s+(?:(first|second|third|fourth|last|1st|2nd|3rd|4th)(?:\s+(?:one|role|position|title))?"
                          r"(?![\w-]|\s+(?:step|time|thing|place|year|month|day|track|path|level|rung|of)\b)|(former|latter)\b)",
                          re.I)
_ORDINALS = {"first": 0, "1st": 0, "former": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3,
             "last": -1, "latter": -1}
# "what's above that?": the level there is what is asked; "anyone above them?" keeps its own words
_ASKS_WHAT_IS = re.compile(r"(?:^|\b(?:what|who|which)(?:'?s|\s+is)?|\band|\bis|\babout|\bof|\bat"
                           r"|\bto|\bfor|\bfrom)\W*$", re.I)
_STEP_REF = re.compile(r"\b(?:the\s+(?:one|level|role)\s+(?:(?:right|just|directly|immediately)\s+)?)?(above|after|past|beyond|below|before)\s+(?:that|this|it|them)\b(?:\s+(?:one|level|role|position|rung)\b)?"
                       r"|\bthe\s+(?:one|level|role|rung)\s+(above|after|below|before)(?=\W*$|\s*,)", re.I)
# A reply that only asks the last question further: "who specifically?", "like what?", "why?", "examples?".
_FRAGMENT = re.compile(r"^\W*(?:(?:and|but|so|ok|okay)\s+)?(?:who|whom|what|which|why|how|where|when|like|such|examples?"
                       r"|e\.?g\.?|for\s+example|for\s+instance|meaning)\b[^?]*\??\W*$", re.I)
FRAGMENT_MAX_WORDS = 3
# "like the exec one", "meaning the manager track?": a clarification of the last question, a little longer
_CLARIFYING = re.compile(r"^\W*(?:(?:and|but|so|ok|okay)\s+)?(?:like|such\s+as|e\.?g\.?|meaning|i\s+mean)\b", re.I)
CLARIFYING_MAX_WORDS = 6
# "can you give me an example of that?", "tell me more", "what does that look like in practice?"
_COUNTERPART_WORD = re.compile(r"\b(?:equivalent|counterpart|version|twin)\b|\blines?\s+up\b", re.I)
_ELABORATE = re.compile(r"\b(?:give\s+(?:me\s+|us\s+)?(?:an?\s+|some\s+|a\s+few\s+)?(?:\w+\s+)?(?:examples?|instances?)|examples?\s+"
                        r"(?:of|please|pls)|for\s+(?:example|instance)|like\s+what|such\s+as\s+what|elaborate|tell\s+me\s+more"
                        r"|say\s+more|in\s+practice|concretely|what\s+does\s+that\s+(?:look\s+like|mean))\b", re.I)
ELABORATE_MAX_WORDS = 14
# "so like someone who doesn't want to manage?", "you mean the person who runs the team?": the last answer
# said back in other words, to be confirmed
_CONFIRMING = re.compile(r"^\W*(?:(?:so|oh|ah|ok|okay|right|wait)\W+)*(?:like|basically|you\s+mean|meaning|as\s+in|"
                         r"kind\s+of\s+like|sort\s+of\s+like)\W+(?!what\b|how\b|why\b)[^?]{3,80}\?\W*$", re.I)
# "and outside the company?", "but in a startup?": a short turn that only adds to the last question
_AND_FRAGMENT = re.compile(r"^\W*(?:and|but|so|ok|okay|also)\s+(?!(?:what|how)\s+about\b)"
                           r"(?![^?]*\b(?:above|below|under|after|before|next|one|level|role|rung|step|track|side"
                           r"|equivalent|counterpart|version)\b)"
                           r"[^?]{1,50}\??\W*$", re.I)  # not "and the role just above?": that names a level
# "the one above", "the next level", said of no level: the one above the user's own.
_NEXT_ONE = re.compile(r"\bthe\s+(?:one|level|role|step|rung)\s+(?:above|up|after)\b"
                       r"|\bthe\s+next\s+(?:one|level|role|step|rung)(?:\s+up)?\b", re.I)
_ABOVE_WORDS = re.compile(r"\b(?:above|after|next|beyond|past|up\s+from)\b", re.I)
_HERE_FROM = re.compile(r"^\s+from\s+(?:here|there|this|that|where\s+i\s+am)\b", re.I)
_LEVEL_REF = re.compile(r"\b(?:that|this|the\s+same)\s+(?:role|level|position|job|title|one|path|track|rung|person)\b|\bthey\b"
                        # "what would I do there", not "is there a trial period?": a place, not what exists
                        r"|(?<!\bis\s)(?<!\bare\s)(?<!\bwas\s)\bthere\b(?!\s*(?:is|are|was|were|isn|aren|'s|’s)\b)"
                        r"|(?<=\bbecome\s)one\b|(?<=\bbecoming\s)one\b|(?<=\bbe\s)one\b"
                        r"|\bthem\b|\btheir\b|\bit\b(?!\s+takes?\b)|\bthose\b"
                        r"|\b(?:she|he)\b(?!['’])|(?<=\bto\s)(?:her|him)\b|(?<=\bunder\s)(?:her|him)\b"  # "my manager … she"
                        # "is that like a people manager role?": "that" as what the question is about
                        r"|(?<=\bis\s)that(?=\s+(?:a|an|like|the|basically|just|really|considered|more|still)\b)"
                        r"(?!\s+(?:a|an|considered)\s+(?:promotion|promo|step|lateral|demotion|move|sideways))"  # a move
                        r"|(?<=\bis\s)that(?=\W*$)|(?<=\bof\s)that(?=\W*$)"  # "what grade is that?", "the scope of that?"
                        # "how many people is that in total?", "what band is that at?": "that" a pronoun
                        r"|(?:(?<=\bis\s)|(?<=\bwas\s)|(?<=\bare\s))that(?=\s+(?:in|at|for|on|overall|altogether|usually|typically)\b)"
                        r"|(?<=\bget\s)that\b|(?<=\breach\s)that\b|(?<=\bland\s)that\b|(?<=\bbecome\s)that\b", re.I)
# "I don't want to manage people", "rather not manage", "without managing anyone".
NOT_MANAGING = re.compile(r"\b(?:don'?t|do\s+not|doesn'?t|never|not|rather\s+not|without|no\s+interest\s+in|hate|instead\s+of|"
                          r"rather\s+than)"
                          r"\s+(?:\w+\s+){0,3}?(?:manag\w*|people\s+management|direct\s+reports)"
                          # "I don't want to be a people manager"
                          r"|\b(?:don'?t|do\s+not|never|not)\s+(?:\w+\s+)?(?:want|wish|plan|intend|care|like|keen)\w*"
                          r"\s+(?:\w+\s+){0,4}?(?:manag\w*|lead(?:ing)?\s+(?:people|a\s+team)|direct\s+reports)"
                          # "managing a team is really not for me"
                          r"|\bmanag\w*(?:\s+\w+){0,4}?\s+(?:is|are|isn'?t|'?s)?\s*(?:\w+\s+)?(?:not\s+for\s+me"
                          r"|not\s+my\s+thing|not\s+something\s+i\s+want)", re.I)
MANAGING_TRACK = re.compile(r"manag|people|leader", re.I)
# "I want to manage people", "I'd like to become a people manager": the managing track wished for.
WANTS_TO_MANAGE = re.compile(r"\b(?:want|wanna|like|love|hope|thinking|considering|prefer|interested)\b(?:\s+\w+){0,4}?"
                             r"\s+(?:manag(?:e|ing)\s+(?:people|others|a\s+team|teams|pms|product\s+managers)"
                             r"|(?:become|becoming|be)\s+a\s+(?:people\s+)?(?:manager|boss)|management"
                             r"|lead(?:ing)?\s+(?:people|a\s+team))\b",
                             re.I)
# The job's own name, which is also a level's ("pm", "product managers").
_JOB = re.compile(r"\b(?:pms?|product\s+managers?)\b", re.I)
# "which PM role is compared to an architect?": the job as a kind of role, asking which level, naming none
_KIND_BEFORE = re.compile(r"\b(?:which|what)\s+(?:(?:kind|type|sort)\s+of\s+)?$", re.I)
_KIND_AFTER = re.compile(r"\s+(?:roles?|levels?|positions?|titles?|jobs?|rungs?|grades?)\b", re.I)
# "just pm", "eng or pm", "in product management": the discipline, as against "a (new) PM".
_DISCIPLINE_BEFORE = re.compile(r"\b(?:just|only|or|and|in|of|into|than|plus|with|not)\s+$", re.I)
_JUMP_REF = re.compile(r"\b(?:that|this|the\s+same)\s+(?:jump|move|step|promotion|transition|leap|switch)\b", re.I)
_BOTH_REF = re.compile(r"\b(?:the\s+two(?:\s+(?:of\s+them|roles|levels|jobs))?|both\s+(?:of\s+them|roles|levels)|them\s+both)\b",
                       re.I)
# The words of a bare follow-up beside the level it names: "ok and what about the level above that?"
_ELLIPSIS_WORDS = re.compile(r"\b(?:ok|okay|so|and|but|then|too|also|instead|what|how|about|same|question|thing|for|the|a|an|one|level"
                             r"|role|above|after|next|up|from|that|this|it|there|lol|tho|though|pls|please|hmm)\b", re.I)
_ELLIPSIS = re.compile(r"^\s*(?:(?:and|but|so|ok|okay)\W+)*(?:(?:what|how)\s+about|same\s+(?:question\s+|thing\s+)?for)\b"
                       r"|^\s*(?:(?:ok|okay|so)\W+)*and\s+(?:for\s+)?(?:the|a|an)?\s*\S+(?:\s+\S+){0,2}\s*\??\s*$", re.I)


@dataclass
class Understanding:
    message: str
    standalone: str  # spelling fixed, levels named canonically, references resolved
    intent: str
    surface: str = ""  # spelling fixed, levels as the user named them
    asked: str = ""  # standalone, without "at Acme" or "in our ladder": where to look is not what is asked
    mentioned: list[Level] = field(default_factory=list)
    mention_count: int = 0  # mentions before de-duplication: "is GPM another name for Director" names one level twice
    stated_level: Level | None = None
    stated_target: Level | None = None
    source_level: Level | None = None  # "from X" in this question
    goal: Level | None = None  # the level this question is about reaching
    terms: list[str] = field(default_factory=list)  # confusable terms that are not levels
    rewritten: bool = False
    track_move: bool = False  # "go back to being an IC": the goal is the other track's start, asked as a switch
    entry_of: str | None = None  # "which level first manages people?": the track whose first level is asked for
    asks_above: bool = False  # "what comes after X", "the level above X": the next step from X
    below: Level | None = None  # "who's below X": X; the question is then about the level under it
    counterpart: Level | None = None  # "the manager version of X": the other track's level at X's rank
    corrections: list[tuple[str, str]] = field(default_factory=list)
    intent_scores: dict[str, float] = field(default_factory=dict)
    vector: np.ndarray | None = field(default=None, repr=False)

    def trace(self) -> dict:
        return {
            "intent": self.intent, "standalone": self.standalone, "rewritten": self.rewritten,
            "mentioned": [lvl.name for lvl in self.mentioned],
            "stated_level": self.stated_level.name if self.stated_level else None,
            "stated_target": self.stated_target.name if self.stated_target else None,
            "goal": self.goal.name if self.goal else None, "terms": self.terms, "entry_of": self.entry_of,
            "corrections": [f"{a} → {b}" for a, b in self.corrections],
            "intent_scores": {k: round(v, 3) for k, v in sorted(self.intent_scores.items(), key=lambda kv: -kv[1])[:3]},
        }


@dataclass
class Memory:
    """What the conversation so far tells us (from the history store)."""

    level: Level | None = None
    target: Level | None = None
    last_intent: str | None = None
    last_levels: list[Level] = field(default_factory=list)
    last_goal: Level | None = None
    last_question: str | None = None
    earlier_levels: list[Level] = field(default_factory=list)  # named in the turns before the last, oldest first
    earlier_questions: list[str] = field(default_factory=list)  # the turns before the last, oldest first


# "the same seniority as", "on par with": a level paired with another, usually on the other track
EQUIVALENT = re.compile(r"\b(?:same|equal|equivalent|comparable|similar|matching)\s+(?:\w+\s+)?(?:seniority|level|rank|grade|"
                         r"band|standing)\b|\bequivalent\s+(?:of|to)\b|\bon\s+(?:a\s+)?par\s+with\b|\bpeers?\s+(?:of|to|with)\b",
                         re.I)
# "switching from GPM to IC": a change of track, its destination after the level it starts from
_SWITCH_TO = re.compile(r"\b(?:switch|swap|mov|chang|transition|cross|go\s+back)\w*\b.{0,40}?\bto\s+"
                        r"((?:(?:being|become|the|a|an)\s+)*[\w-]+(?:\s+[\w-]+)?)", re.I)
# "…, what do they do?", "who do they report to": a question of its own about the level just pointed at
_ASKS_OF_IT = re.compile(r"\b(?:what|who|how|whom)\b(?:\s+\w+){0,3}?\s+(?:they|them|it|that\s+(?:level|role|one)|he|she)\b"
                         r"|\b(?:their|its)\s+(?:job|role|duties|responsibilities|scope|work)\b", re.I)
# "what do they need to get to the top after that?": a way up, not a question about the level above
_REACHING = re.compile(r"\b(?:get|gets|getting|reach\w*|become|becoming|move|moving|go|going|jump\w*|step\s+up|promot\w*|"
                       r"make\s+it|climb\w*|advance\w*|progress\w*)\b", re.I)
# "if I went the management route", "taking the IC path": a track chosen, said by its name
_TRACK_TAKEN = re.compile(r"\b(?:go|goes|went|going|take|took|taking|choose|chose|choosing|pick|picked|follow|followed|head|"
                          r"headed)\s+(?:down\s+)?(?:the\s+|a\s+)?((?:[\w-]+\s+){0,2}?[\w-]+)\s+(?:route|track|path|ladder|"
                          r"side|way)\b", re.I)
# "apm -> pm": an arrow between levels is a step from one to the other
ARROW = re.compile(r"\s*(?:-+>|→|=+>|⇒|➡️?|⟶)\s*")
# Idioms whose words say nothing of what they mean ("on the hook for"): said plainly, so neither the search nor
# the check for concepts the sources lack reads "hook" as the topic. A closed list of common English phrasings.
IDIOMS = {"on the hook for": "responsible for", "call the shots": "make the decisions", "calls the shots":
          "makes the decisions", "in the driver's seat": "in charge", "have the final say": "decide",
          "has the final say": "decides", "bumped up to": "promoted to", "bumped to": "promoted to",
          "move the needle": "have impact", "moves the needle": "has impact", "wear many hats": "do many things",
          "keep the lights on": "maintain the product", "make calls": "make decisions", "make the call": "decide",
          "make the calls": "make the decisions", "make their own calls": "make their own decisions"}
_IDIOM = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in sorted(IDIOMS, key=len, reverse=True)) + r")\b", re.I)


def plain_idioms(text: str, corrections: list[tuple[str, str]]) -> str:
    def plain(m: re.Match) -> str:
        corrections.append((m.group(0), IDIOMS[m.group(0).lower()]))
        return IDIOMS[m.group(0).lower()]
    return _IDIOM.sub(plain, text)


class Speller:
    """Fixes misspelt words against the ladder's alias words, then the corpus vocabulary."""

    def __init__(self, framework: Framework, vocabulary: set[str], english=()):
        self.alias_words = sorted({w for lvl in framework.levels for a in framework.aliases_of(lvl)
                                   for w in re.findall(r"[a-z]+", a.lower()) if len(w) > 2}
                                  | {w for name in framework.tracks.values() for w in re.findall(r"[a-z]+", name.lower())})
        self.vocabulary = sorted(w for w in vocabulary if w.isalpha() and len(w) > 3)
        self.known = set(self.alias_words) | set(self.vocabulary) | STOPWORDS | LADDER_SHAPE  # "rungs" stays
        self.function_words = sorted(w for w in STOPWORDS if w.isalpha() and len(w) > 3)
        self.aliases = {" ".join(re.findall(r"[a-z]+", a.lower())) for lvl in framework.levels
                        for a in framework.aliases_of(lvl)}
        self.english = frozenset(english)  # real words ("same", "kind", "earn") are never "fixed" into others
        # In the model's vocabulary order, commoner words first: a tie between "after" and "afar" goes to "after".
        self.english_list = [w for w in english if len(w) > 3]
        # A four-letter word that is a five-letter one with a letter missing ("aftr", "abve", "wich").
        self.five_letter = [w for w in english if len(w) == 5]

    def fix(self, text: str, keep: frozenset[str] = frozenset()) -> tuple[str, list[tuple[str, str]]]:
        """``keep``: words never fixed (the names of the companies whose documents are ingested: "Tern")."""
        corrections: list[tuple[str, str]] = []

        def repl(m: re.Match) -> str:
            word = m.group(0)
            low = word.lower()
            if low in keep:
                return word
            # "hed of product", "princpal pm": a word where a title's first word stands
            title_word = re.match(r"\s+((?:of\s+)?(?:pm|product))s?\b", m.string[m.end():], re.I)
            fixed = ABBREVIATIONS.get(low) or self._nearest(
                low, " ".join(title_word.group(1).lower().split()) if title_word else None)
            if fixed is None or fixed == low:
                return word
            corrections.append((word, fixed))
            return fixed

        return re.sub(r"[A-Za-z]+", repl, text), corrections

    def _nearest(self, word: str, title_word: str | None) -> str | None:
        """The word meant, or None to leave it. Titles first: a word right before "pm" or "product"
        (``title_word``) is read as part of a title even when it is a real word ("principle pm"), when the
        two make a level's name ("manage PMs" stays); other real words are left alone. Then the corpus's
        words and common English ones ("promtoed", "thier"), from the model's vocabulary."""
        before_title = title_word is not None
        if len(word) < (3 if before_title else 4) or word in self.alias_words:
            return None
        if before_title:
            title = extractOne(word, self.alias_words, scorer=OSA.distance, score_cutoff=1 if len(word) < 7 else 2)
            if title is not None and any(a.startswith(f"{title[0]} {title_word}") for a in self.aliases):
                return title[0]
        if word in self.known or word.rstrip("s") in self.known or word in self.english or word.rstrip("s") in self.english:
            return None
        limit = 1 if len(word) < 8 else 2
        # Four-letter words are left to the abbreviations: one edit from too many real words ("cert", "cent").
        # Function words come before the corpus's: "wich" is "which", not the article's "wish".
        for choices in (self.alias_words, self.function_words, self.vocabulary) + ((self.english_list,) if len(word) > 4 else ()):
            best = extractOne(word, choices, scorer=OSA.distance, score_cutoff=limit)
            # "promotoins": the plural of a word the sources use in the singular, not a nearer other word
            if word.endswith("s") and len(word) > 5 and (one := extractOne(word[:-1], choices, scorer=OSA.distance,
                                                                           score_cutoff=limit)) is not None \
                    and (best is None or one[1] < best[1]):
                best = (one[0] + "s", one[1], one[2])
            # Typing slips keep a word's first letter ("aftr", "prodcut"; not "cert" → "bert", "pinging" →
            # "singing"), or swap the first two ("rpoduct").
            if best is not None and (best[0][0] == word[0] or best[0][:2] == word[1::-1]):
                if before_title:  # "princple pm": principle, then principal
                    return self._nearest(best[0], title_word) or best[0]
                return best[0]
        if len(word) == 4:  # last: a five-letter word with a letter missing ("aftr", "abve", "wich")
            return next((w for w in self.five_letter if w[0] == word[0] and OSA.distance(word, w) == 1), None)
        return None


class Reader:
    """Turns a message (and the conversation's memory) into an Understanding."""

    def __init__(self, framework: Framework, embedder, classifier: LinearClassifier, speller: Speller):
        self.framework = framework
        self.embedder = embedder
        self.classifier = classifier
        self.speller = speller
        self.title_words = title_words(framework)
        self.alias_word_set = set(speller.alias_words)
        self.references = None  # strips "at Acme", "our ladder" (set by the Mentor when ladders are saved)
        self.names: frozenset[str] = frozenset()  # company names, which no spelling fix may touch (set likewise)
        # Pleasantries are a closed class: a message with any other word is not only a greeting.
        examples = load_jsonl(INTENTS_FILE)
        self.greeting_words = {w for row in examples if row["label"] == "greeting" for w in tokenize(row["text"])}
        # Words that phrase a question about a level ("responsible", "expected", "day to day"): how something is
        # asked, never what; a short company ladder need not use them.
        self.asking_words = frozenset(w for row in examples if row["label"] in ASKING_KINDS
                                      for w in tokenize(row["text"]))

    @classmethod
    def build(cls, framework: Framework, embedder, identity: str, cache_dir, vocabulary: set[str],
              english=(), examples_framework: Framework | None = None) -> Reader:
        """``examples_framework``: the ladder the intent examples name levels of (the general one)."""
        speller = Speller(framework, vocabulary, english)
        frameworks = (framework, examples_framework) if examples_framework else (framework,)
        masked = lambda text: mask_levels(speller.fix(text)[0], *frameworks)  # noqa: E731
        classifier = LinearClassifier.from_file(INTENTS_FILE, embedder.embed_documents,
                                                   f"{identity}|{framework.name}", cache_dir, prepare=masked)
        return cls(framework, embedder, classifier, speller)

    def read(self, message: str, memory: Memory | None = None) -> Understanding:
        memory = memory or Memory()
        text = ARROW.sub(" to ", " ".join(clean_text(message).split()))  # "apm -> pm": a step from one to the other
        fixed, corrections = self.speller.fix(text, self.names)
        fixed = plain_idioms(fixed, corrections)
        if memory.last_question and _IT_TAKES.search(fixed) and not self.framework.find_levels(fixed):
            # "what does it take?" after a level was aimed at: "it" points at nothing; the step there is asked
            fixed = _IT_TAKES.sub(lambda m: f"{m.group(0)} to get there", fixed)
        ordered = resolve_ordinals(name_the_top(top_of_the_wished_track(fixed, memory, self.framework), self.framework),
                                   memory, self.framework)
        u = self._parse(message, ordered)
        u.corrections, u.rewritten = corrections, ordered != fixed
        fixed = ordered
        if u.mentioned and _LEVEL_REF.search(fixed) and self._names_only_the_job(fixed):
            # "do they own eng too or just pm?": "pm" is the discipline there, "they" the level talked about
            fixed = _JOB.sub("product management", fixed)
            u = self._parse(message, fixed)
            u.corrections = corrections
        if (not u.mentioned or self._names_only_the_jobs(fixed) or self._names_only_the_counted(message)) \
                and not u.terms:
            resolved = resolve_references(fixed, memory, self.framework)
            if resolved != fixed:
                u = self._parse(message, resolved)
                u.corrections, u.rewritten = corrections, True
        if (they := self._they_set_against(u, memory, fixed)) is not None:
            # "how is their strategy different from a Senior PM's?": "they" are the level talked about before
            fixed = they
            u = self._parse(message, fixed)
            u.corrections, u.rewritten = corrections, True
        if (asked_again := self._asked_again(u, memory, fixed)) is not None:
            # "ok and the level above?", "what about for a Director?": the last question, of that level
            u = self._parse(message, asked_again)
            u.corrections, u.rewritten = corrections, True
        words = len(fixed.split())
        if not u.mentioned and not u.terms and not u.rewritten and memory.last_question and (
                (_FRAGMENT.match(fixed) and (words <= FRAGMENT_MAX_WORDS or (
                    _CLARIFYING.match(fixed) and words <= CLARIFYING_MAX_WORDS)))
                or (_ELABORATE.search(fixed) and words <= ELABORATE_MAX_WORDS)
                or (_AND_FRAGMENT.match(fixed) and words <= CLARIFYING_MAX_WORDS)
                or (_CONFIRMING.match(fixed) and words <= ELABORATE_MAX_WORDS)):
            # "who specifically?", "like what?", "why?", "give me an example", "and outside the company?":
            # the last question, asked further
            joined = f"{memory.last_question.rstrip(' ?.!')}, {fixed}"
            u = self._parse(message, resolve_references(joined, memory, self.framework))
            u.corrections, u.rewritten = corrections, True
        # A company's name must not sway the intent.
        u.asked = self.references(u.standalone) if self.references else u.standalone
        u.vector = np.asarray(self.embedder.embed_query(u.standalone), dtype=np.float32)
        kind_asked = mask_levels(u.asked, self.framework)
        if u.stated_level and (asked_alone := without_introduction(kind_asked)) != kind_asked:
            # who they are, as a level alone: "as a Senior PM, what am I supposed to do?" asks of that level
            kind_asked = f"as a {LEVEL_MASK}, {asked_alone}"
        intent_vector = u.vector if kind_asked == u.standalone else np.asarray(
            self.embedder.embed_query(kind_asked), dtype=np.float32)
        if COUNTS_LADDER.search(fixed) and len(u.mentioned) == 2 and u.goal is None:
            # "how many steps between A and B", "levels separating A from B": a count up the route, lower to higher.
            u.source_level, u.goal = sorted(u.mentioned, key=self.framework.levels.index)
        u.intent = self._intent(u, memory, fixed, intent_vector)
        if (start := self._other_side(u, memory, fixed)) is not None:
            # "next step on the IC side?" then "and on the manager side?": the same step, on that track
            u.intent, u.source_level, u.mentioned, u.rewritten = "next", start, [start], True
            u.intent_scores = {**u.intent_scores, "next": 1.0}
        if u.intent == "next" and u.asks_above and u.source_level is not None and _ASKS_OF_IT.search(fixed) \
                and not _REACHING.search(fixed) and not self._asks_of_me_too(fixed):
            self._the_level_above(u)  # "ok and the level above them, what do they do?": asked of that level
        if u.intent == "next" and u.goal is not None and not u.asks_above and u.goal != u.stated_level:
            u.intent = "path"  # "which route leads me to a Director position?": a destination, so its route
        if u.goal is None and not u.asks_above and u.intent not in ("compare", "figure", "greeting", "which_level") and (
                entry := self._track_entry(fixed, u.mentioned or [lvl for lvl in (memory.level,) if lvl])):
            # "how does a Staff PM move into management?": the route to that track's start, by structure alone
            u.goal, u.intent, u.track_move = entry, "path", True
            u.intent_scores = {**u.intent_scores, "path": 1.0}
        if not u.mentioned and memory.level is not None and u.intent not in ("compare", "figure", "greeting"):
            self._wish(u, memory.level, fixed)
            if u.source_level is None and u.goal is None and FIRST_PERSON.search(fixed) and u.intent_scores \
                    and max(u.intent_scores, key=u.intent_scores.get) == "duties" and not _NEXT_OF.search(fixed):
                # "what am I responsible for now?" after "I just got promoted to GPM": their own level's duties
                u.intent, u.mentioned = "duties", [memory.level]
        elif u.stated_level is not None and u.goal is None and u.intent not in ("compare", "figure", "greeting") \
                and all(m.level.id == u.stated_level.id or is_job_plural(m.text)
                        for m in self.framework.find_levels(fixed)):
            self._wish(u, u.stated_level, fixed)  # "senior pm here, i'd love to manage a team one day"

        if not u.mentioned and u.stated_level is None and memory.level is None and _BREAK_IN.search(fixed) \
                and u.intent in ("general", "path", "next", "duties", "factual", "which_level"):
            # "how do I break into product management?", "is there an entry-level route?": the ladder's first level
            u.mentioned, u.intent = [min(self.framework.levels, key=lambda lvl: lvl.rank)], "duties"
        if u.intent == "path" and _HIRED.search(u.surface) and u.source_level is None and u.stated_level is None \
                and memory.level is None:
            u.intent = "factual"  # "how do people get hired as Head of Product?": how it is filled, not a route
        if not u.mentioned and u.intent in ("which_level", "ladder", "general", "factual") and \
                _FIRST_MANAGING.search(u.surface) and (managing := self._managing_track()):
            # "which level first manages people?", "when does people management start?": the ladder's own
            # answer is the first level of its managing track, whatever any one sentence says
            u.intent, u.entry_of = "ladder", managing
        if u.intent == "next" and len(u.mentioned) == 1 and _WHERE_IT_STARTS.search(u.surface):
            u.intent = "duties"  # "where does the other track start, and what would I do there?": its entry
        if u.intent == "compare" and u.source_level is not None and u.goal is not None \
                and u.source_level.id != u.goal.id and not _BETWEEN.search(u.surface) \
                and not _WHAT_MOVE_IS.search(u.surface):  # "is going from A to B a promotion?" compares them
            # "the difference in expectations going from Senior PM to Principal?": what the step asks for
            u.intent = "path"
        if u.intent == "path" and u.goal is None and u.mentioned and self._names_only_the_jobs(u.surface):
            u.intent = "general"  # "what should new PMs do in week one?": the job's people, no destination
        if u.intent == "path" and u.goal is None and u.mentioned:
            start = u.source_level or u.stated_level
            if (start is not None and all(lvl.id == start.id for lvl in u.mentioned)
                    and not _DESTINATION.search(u.surface)):
                # "promoted from APM", "I'm a Senior PM, what's my next step?": no destination, the step up
                u.intent, u.source_level = "next", start
            elif (len({lvl.id for lvl in u.mentioned}) == 1 and (step := _NEXT_OF.search(u.surface))
                  and not _DESTINATION.search(u.surface[:step.start()] + u.surface[step.end():])):
                # "what's the next step up for a Senior PM?", "what do they need to reach the next level?":
                # the level named is where the step starts, not where it ends
                u.intent, u.source_level = "next", u.mentioned[0]
            else:  # "is Product Lead a promotion from Staff PM?": the level that is not where it starts
                u.goal = next((lvl for lvl in reversed(u.mentioned) if start is None or lvl.id != start.id),
                              u.mentioned[-1])
        return u

    def _wish(self, u: Understanding, level: Level, text: str) -> None:
        """ "Honestly I don't want to manage people", "I might want to manage people instead": said by someone
        whose level is known, it asks for their next step on the track they wish for."""
        managing = [t for t, name in self.framework.tracks.items() if MANAGING_TRACK.search(f"{t} {name}")]
        if NOT_MANAGING.search(text):
            u.intent, u.source_level = "next", level  # the next steps are then kept to the other track
        elif WANTS_TO_MANAGE.search(text) and managing:
            entry = next(iter(self.framework.track_levels(managing[0])), None)
            if level.track in managing or entry is None:
                u.intent, u.source_level = "next", level
            elif entry.rank <= level.rank:  # a move across, not up (Staff PM to Product Lead): the rules for it
                u.intent, u.source_level, u.goal, u.track_move = "path", level, entry, True
                u.mentioned = [level, entry]
            else:
                u.intent, u.source_level, u.goal = "path", level, entry
        else:
            return
        u.intent_scores = {**u.intent_scores, u.intent: 1.0}

    def _asked_again(self, u: Understanding, memory: Memory, text: str) -> str | None:
        """The last question with its one level replaced by the level this bare follow-up names ("and for a
        Director?", "ok and the level above?"), or None when the message asks anything of its own."""
        if not memory.last_question or not _ELLIPSIS.match(text) or len(u.mentioned) != 1:
            return None
        fw = self.framework
        before = fw.find_levels(memory.last_question)
        said_of = _PRONOUN.search(memory.last_question) if not before and len(memory.last_levels) == 1 else None
        if len({m.level.id for m in before}) != 1 and said_of is None:
            return None
        level = u.mentioned[0]
        if u.asks_above or u.source_level is not None:
            ahead = fw.next_levels(level)
            if len(ahead) != 1:
                return None
            level = ahead[0]
        rest = fw.without_levels(_ELLIPSIS_WORDS.sub(" ", text))
        if tokenize(rest):  # "and what about a Director's pay?": more than a level, so a question of its own
            return None
        if level.id == (before[0].level.id if before else memory.last_levels[0].id):
            return None
        question = memory.last_question
        if said_of is not None:  # "Do they mentor people?" then "same question for the Lead PM"
            return question[:said_of.start()] + level.name + question[said_of.end():]
        for m in sorted(before, key=lambda m: m.start, reverse=True):
            question = question[:m.start] + level.name + question[m.end:]
        return question

    def _other_side(self, u: Understanding, memory: Memory, text: str) -> Level | None:
        """Where the last next step or route started, when this message only turns it to one track ("ok what
        about on the manager side?"), naming no level but the user's own."""
        start = memory.level or (memory.last_levels[0] if memory.last_levels else None)
        m = _SIDE_ASKED.match(text)
        if start is None or m is None or memory.last_intent not in ("next", "path") \
                or any(lvl.id != start.id for lvl in u.mentioned):
            return None
        return start if len(tracks_said(m.group(1), self.framework)) == 1 else None

    @staticmethod
    def _they_set_against(u: Understanding, memory: Memory, text: str) -> str | None:
        """The text with a "they" that is set against the one level it names ("their work different from a
        Senior PM's") read as the level the conversation was about, or None."""
        before = memory.last_goal or (memory.last_levels[-1] if memory.last_levels else None)
        pronoun, against = _THEY.search(text), _SET_AGAINST.search(text)
        if before is None or len(u.mentioned) != 1 or before in u.mentioned or pronoun is None or against is None \
                or pronoun.start() > against.start():
            return None
        name = f"{before.name}'s" if pronoun.group(0).lower().startswith("their") else before.name
        return text[:pronoun.start()] + name + text[pronoun.end():]

    def _names_only_the_jobs(self, text: str) -> bool:
        """Whether the text names levels only as the job in the plural ("which one coaches a team of PMs?")."""
        mentions = self.framework.find_levels(text)
        return bool(mentions) and all(is_job_plural(m.text) for m in mentions)

    def _names_only_the_counted(self, text: str) -> bool:
        """ "how many GPMs would they have under them?": the levels named are what is counted, in the plural;
        whose they are is the "they" of the conversation."""
        counted = _COUNTED.search(text)
        mentions = self.framework.find_levels(text)
        return bool(counted and mentions and _PRONOUN.search(text[counted.end():])) and all(
            counted.start(1) <= m.start < counted.end() and m.text.lower().endswith("s") for m in mentions)

    def _names_only_the_job(self, text: str) -> bool:
        """Whether every level the text names is the job's bare name said as the discipline ("just pm",
        "pms"), not as someone's title ("a PM", "the product manager")."""
        return all(_JOB.fullmatch(m.text) and _DISCIPLINE_BEFORE.search(text[:m.start])
                   for m in self.framework.find_levels(text))

    @staticmethod
    def _asks_of_me_too(text: str) -> bool:
        """ "Who do I report to, and what comes after my level?": a part asks of the user's own level, so the
        level above is not all the message is about."""
        parts = question_parts(text)
        return len(parts) > 1 and any(FIRST_PERSON.search(p) and not _ABOVE_WORDS.search(p) for p in parts)

    def _the_level_above(self, u: Understanding) -> None:
        """The level above the one named, asked about in its own right: it takes the named one's place."""
        start = u.source_level
        ahead = self.framework.next_levels(start)
        above = next((lvl for lvl in ahead if lvl.track == start.track), ahead[0] if ahead else None)
        if above is None:
            return
        u.standalone = re.sub(rf"(?:the\s+)?(?:level|one|role|rung|step|position|title)\s+(?:above|after)\s+"
                              rf"(?:an?\s+|the\s+)?{re.escape(start.name)}", above.name, u.standalone, flags=re.I)
        u.mentioned, u.source_level, u.asks_above, u.rewritten = [above], None, False, True
        asked = {k: v for k, v in u.intent_scores.items() if k in ("duties", "factual", "figure")}
        u.intent = max(asked, key=asked.get) if asked else "duties"
        if u.intent == "figure" and not FIGURE_CUE.search(u.standalone):
            u.intent = "duties"

    def _managing_track(self) -> str | None:
        """The ladder's one track of people managers, where it has another beside it."""
        managing = [t for t, name in self.framework.tracks.items() if MANAGING_TRACK.search(f"{t} {name}")]
        return managing[0] if len(managing) == 1 and len(self.framework.tracks) > 1 else None

    def _track_entry(self, text: str, levels: list[Level]) -> Level | None:
        """The first level of the track a question moves into ("into management", "switch to being a
        manager"), when the levels it starts from are on another track."""
        m = _INTO_TRACK.search(text) or _TRACK_TAKEN.search(text) or _SWITCH_TO.search(text)
        named = tracks_said(m.group(1), self.framework) if m else []
        if len(named) != 1 or not levels or any(lvl.track == named[0] for lvl in levels):
            return None
        return next(iter(self.framework.track_levels(named[0])), None)

    def _parse(self, message: str, text: str) -> Understanding:
        fw = self.framework
        text = bare_titles(text, fw, self.title_words)
        mentions = [m for m in fw.find_levels(text) if not (
            _JOB.fullmatch(m.text) and _KIND_BEFORE.search(text[:m.start]) and _KIND_AFTER.match(text, m.end))]
        terms = [t for c in fw.confusions for t in c.terms
                 if t not in fw.by_id and re.search(rf"\b{re.escape(t)}s?\b", text, re.I)]
        u = Understanding(message=message, standalone=canonicalize(text, fw, mentions), surface=text, intent="general",
                          mentioned=list({m.level.id: m.level for m in mentions}.values()),
                          mention_count=len(mentions), terms=terms)
        for i, m in enumerate(mentions):
            if is_job_plural(m.text):
                continue  # "a boss of other pms": the job's people, never where the user is or is going
            role = _role(text, m)
            if role is None and i + 1 < len(mentions) and _STEP_BETWEEN.fullmatch(text[m.end:mentions[i + 1].start]):
                role = "from"  # "going apm to pm", "senior pm → principal": the first is where the step starts
            # "managing 3 pms as a lead, what do i need": "as a" in a message about oneself says who one is
            as_me = re.search(r"\bas\s+an?\s*$", text[:m.start], re.I) and FIRST_PERSON.search(text)
            if as_me and _WISHED.search(re.split(r"[,.;!?]", text[:m.start])[-1]):
                role, as_me = "target", None  # "i wanna end up as a principal someday": where they aim
            elif as_me and _HYPOTHETICAL.search(re.split(r"[,.;!?]", text[:m.start])[-1]):
                as_me = None  # "what would my scope be as a Director?": not one yet
            if (role == "current" and (_SELF.search(text[:m.start]) or as_me)) or _HERE.match(text, m.end) \
                    and not text[:m.start].strip():
                u.stated_level = m.level  # "I'm a Senior PM", "senior pm here, ..."
            elif role in ("from", "after"):
                u.source_level = m.level
                u.asks_above = u.asks_above or role == "after"
            elif role == "target":
                u.goal = u.goal or m.level
            elif role == "below" and len(u.mentioned) == 1 and _ASKS_WHO.search(text[:m.start]):
                under = fw.previous_levels(m.level)
                if under:  # "the level below Director": the question is about the level under it, on its track
                    u.below = m.level
                    u.mentioned = [next((lvl for lvl in under if lvl.track == m.level.track), under[0])]
                    u.standalone = re.sub(rf"(?:the\s+(?:level|one|role|rung)\s+)?(?:below|under|beneath|underneath)\s+"
                                          rf"(?:an?\s+|the\s+)?{re.escape(m.level.name)}", u.mentioned[0].name,
                                          u.standalone, flags=re.I)
        if u.below is not None and _FROM_BELOW.search(text):
            # "promoted into Director from the level right below it": the step from that level up to the named one
            u.source_level, u.goal, u.mentioned, u.below = u.mentioned[0], u.below, [u.mentioned[0], u.below], None
        elif _FROM_BELOW.search(text) and len(u.mentioned) == 1 and u.source_level is None:
            goal = u.mentioned[0]
            under = fw.previous_levels(goal)
            if under:  # "… get to Head of Product from the rung just below it"
                u.source_level = next((lvl for lvl in under if lvl.track == goal.track), under[0])
                u.goal, u.mentioned = goal, [u.source_level, goal]
        if len(u.mentioned) == 1 and (m := _COUNTERPART.search(fw.without_levels(text))):  # not "Product Manager level"
            u.counterpart = self._counterpart(u.mentioned[0], m.group("track") or m.group("track2") or "")
            if u.counterpart is not None:  # "the manager version of a Principal PM": the two, side by side
                u.mentioned, u.mention_count = [u.mentioned[0], u.counterpart], 2
        if u.goal and _WANT.search(text):
            u.stated_target = u.goal
        return u

    def _counterpart(self, level: Level, said: str) -> Level | None:
        """The level at the same rank on the track named ("the manager version"), or on the other track; the
        nearest rank where none is level with it."""
        fw = self.framework
        named = [t for t in tracks_said(said, fw) if t != level.track] if said else []
        others = named or [t for t in fw.tracks if t != level.track]
        if len(others) != 1:
            return None
        return min(fw.track_levels(others[0]), key=lambda lvl: (abs(lvl.rank - level.rank), -lvl.rank), default=None)

    def _intent(self, u: Understanding, memory: Memory, text: str, vector: np.ndarray) -> str:
        if ACKNOWLEDGEMENT.match(text) and not u.mentioned:  # "ok got it, thanks!": nothing to look up
            return "greeting"
        if u.mention_count >= 2 and _ASKS_YES_NO.match(text) and ORDER_ASKED.search(text):
            u.intent_scores = {"compare": 1.0}  # "is A above B?": two levels set against each other
            return "compare"
        if u.asks_above and u.goal is None:  # "what comes after X", "and the level above X?"
            return "next"
        if u.below is not None:  # "who's below X": what the level under it is and does
            return "duties"
        if (m := ASKS_IDENTITY.search(u.standalone)) and len({lvl.id for lvl in u.mentioned}) == 1 and any(
                0 <= x.start - m.end() <= IDENTITY_GAP for x in self.framework.find_levels(u.standalone)):
            u.intent_scores = {"compare": 1.0}  # "what grade is Lead PM?": the level's names, beside its track
            return "compare"
        if u.counterpart is not None and u.mention_count >= 2:  # "and the manager equivalent (of X)?"
            u.intent_scores = {"compare": 1.0}
            return "compare"
        # "and what about X?" asks the last question again of X; "what about X, would moving there be …?" asks
        # one of its own
        if (ellipsis := _ELLIPSIS.match(text)) and not SECOND_QUESTION.search(text[ellipsis.end():]) \
                and u.mentioned and memory.last_intent in ("duties", "path", "compare", "figure",
                                                                             "factual", "which_level", "next"):
            intent = memory.last_intent
            if intent == "path":
                u.goal = u.mentioned[-1]
            if intent == "next":
                u.source_level = u.mentioned[-1]
            if intent == "compare" and len(u.mentioned) == 1:
                u.mentioned = [*memory.last_levels[-1:], *u.mentioned]
            u.rewritten = True
            return intent
        allowed = self._allowed(u, memory, text)
        scores = self.classifier.scores(vector)
        # "the difference between X and Y", "X vs Y", "isn't X just Y?": a comparison by its structure alone
        if (_BETWEEN.search(text) or (_ASKS_YES_NO.match(text) and _SAME_AS.search(text)) or u.counterpart) \
                and "compare" in allowed:
            u.intent_scores = {**scores, "compare": 1.0}
            return "compare"
        if u.goal is not None or u.source_level is not None:  # "from X to Y" counts twice
            cues = (u.goal is not None) + (u.source_level is not None)
            scores["path"] = scores.get("path", 0.0) + STRUCTURE_PRIOR * cues
        if _SAMENESS.search(text) and (u.mention_count >= 2 or u.terms):  # "is X basically Y", "X vs Y"
            scores["compare"] = scores.get("compare", 0.0) + STRUCTURE_PRIOR
        u.intent_scores = scores
        best = max((s, n) for n, s in scores.items() if n in allowed)[1]
        if "compare" not in allowed and "factual" in allowed and scores.get("compare", 0.0) > scores[best]:
            return "factual"  # likened to what is no level ("which engineering role is comparable to X?")
        return best

    def _allowed(self, u: Understanding, memory: Memory, text: str) -> set[str]:
        """What the question's structure permits, whatever its wording resembles."""
        allowed = set(INTENTS)
        if len(text.split()) > GREETING_MAX_WORDS or not all(
                near_match(w, self.greeting_words) for w in tokenize(text)):
            allowed.discard("greeting")
        if u.stated_level is None:
            allowed.discard("statement")
        if not FIGURE_CUE.search(text):  # a figure is asked for in words of number, size, time or pay
            allowed.discard("figure")
        if u.mention_count < 2 and not u.terms:
            allowed.discard("compare")
        if not u.mentioned:
            allowed -= {"path", "duties"}
        if COUNTS_LADDER.search(text):
            # "how many steps to Director" counts a route; "how many levels in the PM ladder" the ladder.
            relative = u.source_level or u.asks_above or _RELATIVE.search(text)
            allowed &= {"path"} if u.goal else {"path", "next", "ladder"} if relative else {"ladder"}
        elif (who := WHO_DOES.search(text)) and all(
                is_job_plural(m.text) or m.start >= who.end()
                for m in self.framework.find_levels(text)):  # "the PMs": the job; "who mentors PM3s": the object
            allowed &= {"which_level"}  # "who owns the product line strategy?": the level whose text says so
        elif _CHOICE.search(text) and u.mention_count >= 2 and not _SAMENESS.search(text) and u.counterpart is None \
                and not _RANK_ASKED.search(self.framework.without_levels(text)) and "which_level" in allowed:
            # "which of Senior PM or Principal PM gets the riskiest work?": one of them, by what their texts say
            allowed &= {"which_level"}
        elif EQUIVALENT.search(text) and u.mention_count < 2:
            # "which IC level is the same seniority as a Director?": the sentence that pairs them, not a route
            allowed &= {"factual"}
        elif _ASKS_EMPLOYERS.search(text):
            allowed &= {"factual"}  # "which companies have entry-level PM roles?": employers, not a step
        elif ASKS_LEVEL.search(text):
            allowed &= {"which_level", "ladder", "compare", "next"}
            # "which level is the highest" is about the ladder; "which level first defines a north star" asks
            # where something happens: words beyond the ladder's own make it the latter.
            asked = self.references(text) if self.references else text  # "at TTS" says where, not what
            if any(w not in LADDER_SHAPE and w not in self.alias_word_set for w in tokenize(asked)):
                allowed.discard("ladder")
        else:
            allowed.discard("which_level")
        if allowed - {"ladder"} and not ASKS_SHAPE.search(self.framework.without_levels(text)) and (
                u.mentioned or not COUNTS_LADDER.search(text)):
            # The ladder is its shape: a question with no word of it ("what would she look at?") is another kind
            allowed.discard("ladder")
        return allowed


_JOB_WORD = re.compile(r"pms?|products?|managers?|management|of", re.I)


def title_words(framework: Framework) -> dict[str, Level]:
    """Words that only one level's names use ("lead", "principal"): said alone, they mean that level. A word
    several names use means the level it alone names ("principal" beside "Senior Principal" is Principal PM)."""
    owners: dict[str, set[str]] = {}
    alone: dict[str, set[str]] = {}  # the levels a name of which is the word and the job's own words
    for lvl in framework.levels:
        for alias in framework.aliases_of(lvl):
            words = tokenize(alias)
            for word in words:
                owners.setdefault(word, set()).add(lvl.id)
            if len(named := [w for w in words if not _JOB_WORD.fullmatch(w)]) == 1:
                alone.setdefault(named[0], set()).add(lvl.id)
    return {word: framework.by_id[next(iter(ids if len(ids) == 1 else alone[word]))] for word, ids in owners.items()
            if len(ids) == 1 or len(alone.get(word, ())) == 1}


def bare_titles(text: str, framework: Framework, words: dict[str, Level] | None = None) -> str:
    """ "im a lead", "what's after senior": after "I'm a", "as a", "after", "from" and the like, a word that
    only one level's names use is that level. ``words``: ``title_words(framework)``, if already at hand."""
    words = title_words(framework) if words is None else words
    taken = [(m.start, m.end) for m in framework.find_levels(text)]
    found = sorted(((m, m.lastindex or 1) for m in [*_BARE_TITLE.finditer(text), *_BARE_PAIR.finditer(text)]),
                   key=lambda x: x[0].start(x[1]))
    for m, g in reversed(found):
        said = m.group(g).lower()
        # "sr pm to principle": where a title must stand, a word a letter or two from one is that title
        level = words.get(said) or next((lvl for word, lvl in words.items() if len(word) > 5 and said[:4] == word[:4]
                                         and OSA.distance(said, word) <= 2), None)
        after = re.match(r"\s+([a-z]+)", text[m.end(g):], re.I)
        longer = after is not None and any(  # "to senior principle": the first word of a longer title
            len(w) > 5 and OSA.distance(after.group(1).lower(), w) <= 2 for w in words if w != said)
        if level is not None and not longer and not any(s <= m.start(g) < e for s, e in taken):
            text = text[:m.start(g)] + level.name + text[m.end(g):]
    return text


LEVEL_MASK = "Senior Product Manager"  # a title, so a destination still reads as one


def mask_levels(text: str, *frameworks: Framework) -> str:
    """The text with every level it names said as one title ("what is a Senior Product Manager responsible
    for?", whichever level was named): which level a
    question names is no part of what kind of question it is, and the intent examples name some levels more
    often in one kind than another."""
    for fw in frameworks:
        for m in sorted(fw.find_levels(text), key=lambda m: m.start, reverse=True):
            text = text[:m.start] + LEVEL_MASK + text[m.end:]
    return text


def canonicalize(text: str, framework: Framework, mentions: list[LevelMention] | None = None) -> str:
    """The text with each level named by its canonical name, so every phrasing embeds alike."""
    mentions = sorted(framework.find_levels(text) if mentions is None else mentions, key=lambda m: m.start)
    spans: list[tuple[int, int, Level]] = []
    for m in mentions:
        if spans and spans[-1][2].id == m.level.id and not text[spans[-1][1]:m.start].strip(" -–—·/()"):
            spans[-1] = (spans[-1][0], m.end, m.level)  # "an L4 Product Manager": a code and a title, one level
        else:
            spans.append((m.start, m.end, m.level))
    for begin, finish, level in reversed(spans):
        text = text[:begin] + level.name + text[finish:]
    return text


def _role(text: str, mention: LevelMention) -> str | None:
    before = text[max(0, mention.start - 40):mention.start]
    if re.search(r"\b(above|after|beyond|up\s+from)\s+(an?\s+|the\s+)?$", before, re.I):
        return "after"  # "one rung up from APM" is the step above it
    if re.search(r"\bfrom\s+(an?\s+|the\s+)?$", before, re.I):
        return "from"
    if re.search(r"\b(below|under|beneath|underneath)\s+(an?\s+|the\s+)?$", before, re.I):
        return "below"
    if _UNTIL_CUE.search(before):  # "until I'm a Director": a level still to reach, though "I'm" precedes it
        return "target"
    if _CURRENT_CUE.search(before):
        return "current"
    if _TARGET_CUE.search(before) and not _LIKENESS_TO.search(before) and not _FOR_SOMETHING.match(text, mention.end):
        return "target"  # not "go to them for advice": a person turned to, no destination
    return None


_STEP_BETWEEN = re.compile(r"\s+(?:to|into)\s+(?:an?\s+|the\s+)?", re.I)
_FOR_SOMETHING = re.compile(r"\s+for\s+(?:advice|help|guidance|input|feedback|support|answers|decisions|sign[-\s]?off)\b", re.I)
# "comparable to", "reports to", "similar to the X": a "to" that relates two roles, not a destination.
_LIKENESS_TO = re.compile(r"\b(?:comparable|similar|equivalent|equal|close|compared|relative|akin|analogous|next"
                          r"|senior|junior|report(?:s|ing|ed)?|answer(?:s|ing)?|belong(?:s|ing)?)\s+to"
                          r"(?:\s+(?:a|an|the))?\s*$", re.I)


# "it" in "what does it take" points at nothing
# "how many GPMs", "how many senior pms": the people a question counts
_COUNTED = re.compile(r"\bhow\s+many\s+((?:[\w-]+\s+){0,2}?[\w-]+s)\b", re.I)
# "that manager programme", "this report": a thing the message itself names, which a later "it" points at.
_THING_NAMED = re.compile(r"\b(?:that|this)\s+(?!(?:role|level|position|job|title|one|path|track|rung|person|it|they|he"
                          r"|she|you|i|we|is|was|would|will|can|could|does|do|did|means?|s)\b)[a-z]+", re.I)
_PRONOUN = re.compile(r"\b(?:they|them|their|it(?!\s+takes?\b)|those)\b", re.I)


def is_job_plural(said: str) -> bool:
    """ "PMs", "product managers": the job's people in general, not one level."""
    return bool(_JOB.fullmatch(said)) and said.lower().endswith("s")


def level_from_pronoun(u: Understanding) -> bool:
    """Whether the level was read into a "they" or "them" from the conversation, not named in the message:
    "how many of them?" may mean the people a level manages."""
    return u.rewritten and bool(_PRONOUN.search(u.message)) and not any(
        lvl.name.lower() in u.message.lower() for lvl in u.mentioned)


def without_introduction(text: str) -> str:
    """ "im an APM at a fintech in austin, whats my next step": what is asked, without the clauses before it
    in which the user says who they are (their company and city would sway the kind of question)."""
    sentences = _QUESTION_LAST.split(text.strip())
    if len(sentences) > 1 and sentences[-1].rstrip().endswith("?") and not any("?" in x for x in sentences[:-1]) \
            and len(sentences[-1].split()) >= INTRODUCTION_REST_WORDS:
        # "senior pm here, i never want reports. what's my next level?": the question; a step up they want
        # ("… and want to get promoted. what should I work on?") is what the question is for
        aim = [part for x in sentences[:-1] for part in _CLAUSES.split(x) if _NEXT_OF.search(part)]
        return " ".join([*aim, sentences[-1]])
    parts = _CLAUSES.split(text)
    while len(parts) > 1 and "?" not in parts[0] and not _NEXT_OF.search(parts[0]) and any(
            p.search(parts[0]) for p in (_SELF, _HERE, _WANT, NOT_MANAGING, WANTS_TO_MANAGE)):
        parts = parts[1:]  # who they are, what they want or not: said, not asked
    rest = " ".join(parts)
    return rest if len(rest.split()) >= INTRODUCTION_REST_WORDS else text


_WHAT_MOVE_IS = re.compile(r"\bpromo\w*|\blateral\b|\bsideways\b|\bdemot\w*|\bstep\s+(?:up|down)\b", re.I)
_THE_TOP = re.compile(r"\bthe\s+(?:very\s+)?top\b(?!\s+(?:of|product|pm|job|role|spot|position))", re.I)


def top_of_the_wished_track(text: str, memory: Memory, framework: Framework) -> str:
    """ "which level do I aim for at the top then?" after "I really don't want to manage people": the top of
    the track the user said they want, when the message names no track or level of its own."""
    m = _THE_TOP.search(text)
    if m is None or tracks_said(text, framework) or framework.find_levels(text):
        return text
    managing = [t for t, name in framework.tracks.items() if MANAGING_TRACK.search(f"{t} {name}")]
    others = [t for t in framework.tracks if t not in managing]
    for said in reversed([*memory.earlier_questions, memory.last_question or ""]):
        wished = others if NOT_MANAGING.search(said) else managing if WANTS_TO_MANAGE.search(said) else []
        if len(wished) == 1:
            return f"{text[:m.end()]} of the {framework.tracks[wished[0]]} track{text[m.end():]}"
    return text


def name_the_top(text: str, framework: Framework) -> str:
    """ "the jump to the top product job": the ladder's highest level, when no track is said ("the top of
    the IC track" is the ladder's own question)."""
    m = _TOP_JOB.search(text)
    if m is None or not framework.levels:
        return text
    return text[:m.start()] + max(framework.levels, key=lambda lvl: lvl.rank).name + text[m.end():]


def last_two(memory: Memory, with_goal: bool = False) -> list[Level]:
    """The last two levels the conversation named, in order, a turn back if need be (and the level the last
    answer led to, with ``with_goal``)."""
    said = [*memory.earlier_levels, *memory.last_levels, *([memory.last_goal] if with_goal and memory.last_goal else [])]
    return list({lvl.id: lvl for lvl in said}.values())[-2:]


def resolve_ordinals(text: str, memory: Memory, framework: Framework) -> str:
    """ "From the first one to the second one", "the latter": the last two levels the conversation named, in
    the order it named them (before "first" can read as the ladder's entry level); "let's start with the first
    one" just after a track's roles were asked for: that track's, in its order."""
    if not _ORDINAL_REF.search(text) or tracks_said(text, framework):  # "the first one on the IC track": its entry
        return text
    asked = memory.last_question or ""
    listed = tracks_said(asked, framework)
    if len(listed) == 1 and not framework.find_levels(asked):
        order = framework.track_levels(listed[0])
    else:
        order = last_two(memory, with_goal=True)
        if len(order) < 2:
            return text

    def placed(m: re.Match) -> str:
        index = _ORDINALS[(m.group(1) or m.group(2)).lower()]
        return order[index].name if index < len(order) else m.group(0)

    return _ORDINAL_REF.sub(placed, text)


def resolve_references(text: str, memory: Memory, framework: Framework) -> str:
    """Replace a phrase that points back ("that role", "the manager one") by the level it means."""
    if (m := _THEN_THERE.search(text)) and (goal := memory.last_goal or memory.target) is not None:
        # "what would my scope be then?" after the step up was named: as that level
        return f"{text[:m.start(1)]}as {a_or_an(goal.name)} {goal.name}{text[m.end(1):]}"
    if memory.level is not None and (m := _MY_LEVEL.search(text)):  # "after my level": the user's own
        return text[:m.start()] + memory.level.name + text[m.end():]
    if memory.level is not None and (m := _ABOVE_ME.search(text)):  # "anything above me?": above their level
        return text[:m.start(1)] + memory.level.name + text[m.end(1):]
    if memory.level is not None and (m := _MY_TRACK.search(text)):  # "the top of my track": their level's track
        return f"{text[:m.start()]}the {framework.tracks[memory.level.track]} track{text[m.end():]}"
    if (m := _ON_IT.search(text)) and memory.last_question and not framework.find_levels(memory.last_question) \
            and len(named := tracks_said(memory.last_question, framework)) == 1:
        # "explain the IC path" then "what's the highest level on it?": the track
        return f"{text[:m.start(1)]}the {framework.tracks[named[0]]} track{text[m.end(1):]}"
    if (m := _ON_IT.search(text)) and memory.last_question and not framework.find_levels(memory.last_question) \
            and _NAMES_LADDER.search(memory.last_question):
        # "a question about our product ladder" then "who's at the very top of it?": the ladder
        return f"{text[:m.start(1)]}the ladder{text[m.end(1):]}"
    if (m := _THAT_TRACK.search(text)) and memory.last_question:
        named = tracks_said(memory.last_question, framework)
        if len(named) == 1:
            return f"{text[:m.start()]}the {framework.tracks[named[0]]} track{text[m.end():]}"
    # … or a turn further back: "ngl kinda nervous about it" between names none and keeps the thread
    anchor = memory.last_goal or (memory.last_levels[-1] if memory.last_levels else None) or memory.target or (
        memory.earlier_levels[-1] if memory.earlier_levels else None)
    if not memory.last_goal and len(memory.last_levels) > 1 and _SET_AGAINST.search(memory.last_question or ""):
        anchor = memory.last_levels[0]  # "what do senior PMs do differently from PMs?": "they" are senior PMs
    if memory.last_intent == "statement" and memory.level is not None and memory.last_levels == [memory.level]:
        anchor = memory.level  # "I'm a Director" then "what's next after that?": after theirs, not the step shown
    if anchor is None:
        return text
    # "the difference between the two", "which one": the last two levels the conversation named, a turn back
    # if need be
    pair = last_two(memory)
    if (m := _WHICH_REF.search(text)) and (len(memory.last_levels) > 1 or len(pair) == 2):
        among = memory.last_levels if len(memory.last_levels) > 1 else pair
        return text[:m.start()] + "which of " + " or ".join(lvl.name for lvl in among) + text[m.end():]
    if (m := _BOTH_REF.search(text)) and len(pair) == 2:
        return f"{text[:m.start()]}{pair[0].name} and {pair[1].name}{text[m.end():]}"
    if _COUNTERPART.search(text) and _COUNTERPART_WORD.search(text) and not framework.find_levels(text) \
            and not _TRACK_REF.search(text):
        # "and the manager equivalent?", "the IC equivalent of that": of the level last named
        asked = re.sub(r"\s+(?:of|for|to)\s+(?:that|this|it|them|those|that\s+one|that\s+role)$", "", text.rstrip(" ?.!"),
                       flags=re.I)
        return f"{asked} of {anchor.name}?"
    step = _STEP_REF.search(text)
    if (m := _TRACK_REF.search(text)) and m.group(2).lower() in _TRACK_WORDS and not step and _ENTRY_WORDS.search(text):
        # "where does the other track start?": its entry level; "other" is the track the user is not on
        own = memory.level or anchor
        word = m.group(1).lower()
        tracks = [t for t in framework.tracks if t != own.track] if word == "other" else _tracks_named_by(word, framework)
        entry = next(iter(framework.track_levels(tracks[0])), None) if len(tracks) == 1 else None
        if entry is not None:
            return text[:m.start()] + entry.name + text[m.end():]
    track_ref = named_track = _TRACK_REF.search(text)
    if track_ref and track_ref.group(0).lower().startswith("the ") and track_ref.group(2).lower() in _TRACK_WORDS \
            and (_on_track(track_ref.group(1).lower(), anchor, memory, framework) is anchor
                 or (memory.last_intent in ("next", "path") and _SIDE_ASKED.match(text))
                 or _STEP_ONTO.search(text[:track_ref.start()])):
        # "going the IC route" said on the IC track: a track chosen ("that IC track" points back); "what about
        # the manager track?" after a step: the same step, on that track
        track_ref = None
    if (m := track_ref) and not (step and m.group(2).lower() in _TRACK_WORDS):
        level = _on_track(m.group(1).lower(), anchor, memory, framework)
        return text[:m.start()] + level.name + text[m.end():] if level else text
    if step:  # "the one above that": the level above the one last named ("on the manager side" stays)
        where = "above" if (step.group(1) or step.group(2)).lower() in ("above", "after", "past", "beyond") else "below"
        if not step.group(0).lower().startswith("the") and not _ASKS_WHAT_IS.search(text[:step.start()]):
            return f"{text[:step.start()]}{where} {anchor.name}{text[step.end():]}"  # "a CPO above them": in place
        return f"{text[:step.start()]}the level {where} {anchor.name}{text[step.end():]}"
    if m := _NEXT_ONE.search(text):  # "what does the one above look like for me": the user's next step
        if memory.last_intent == "next" and memory.last_levels:
            return text[:m.start()] + memory.last_levels[-1].name + text[m.end():]  # the step just named
        if memory.level is not None and "next" in m.group(0).lower():
            # "what's the next step up from here?": still a step, from their level
            return f"{text[:m.start()]}{m.group(0)} from {memory.level.name}{_HERE_FROM.sub('', text[m.end():], 1)}"
        if memory.level is not None:
            return f"{text[:m.start()]}the level above {memory.level.name}{text[m.end():]}"
    if m := _JUMP_REF.search(text):  # "that jump", "this promotion": the step to the level aimed at
        return f"{text[:m.start()]}the step up to {(memory.target or anchor).name}{text[m.end():]}"
    aim = memory.target or (memory.last_levels[-1] if memory.last_levels else None)
    if _SITUATION_REF.search(text) and memory.level is not None and aim is not None \
            and aim.rank > memory.level.rank and not _LEVEL_REF.search(text):
        # "what would she look at to decide that?", said of no level by someone aiming higher: their step
        return f"{text.rstrip(' ?.!')}, going from {memory.level.name} to {aim.name}?"
    if (m := _INTO_IT.search(text)) and anchor != memory.level:  # "how do people get hired into that?": the
        # level talked about; the user's own level is no place they are going
        return text[:m.start(1)] + anchor.name + text[m.end(1):]
    if (m := _OF_THE_MOVE.search(text)) and (move := _move_said(memory, framework)):
        # "if I switch from SPM to LPM" … "who has to sign off on it?": the move, not a level
        return f"{text[:m.start(1)]}the move from {move[0].name} to {move[1].name}{text[m.end(1):]}"
    if m := _LEVEL_REF.search(text):
        if m.group(0).lower() == "it" and _THING_NAMED.search(text[:m.start()]):
            return text  # "what's that manager programme called and how long is it?": the programme
        level = memory.target if m.group(0).lower() == "there" and memory.target else anchor
        if m.group(0).lower() == "there" and named_track is not None and named_track.start() < m.start() \
                and named_track.group(2).lower() in _TRACK_WORDS:
            # "what about the manager track, would moving there be a promotion?": that track, from their level
            level = _on_track(named_track.group(1).lower(), memory.level or anchor, memory, framework) or level
        # "get there", "get that": "get to X", the words a destination is read from; "how many would I manage
        # there": as X, no destination
        said_there = m.group(0).lower() == "there"
        motion = re.search(r"\b(?:get|getting|go|going|move|moving|reach|land|climb|jump|make\s+it|promoted|head(?:ing)?)\s+(?:\w+\s+)?$",
                           text[:m.start()], re.I)
        if (said_there and motion) or re.search(r"\bget\s$", text[:m.start()], re.I):
            name = f"to {level.name}"
        elif said_there:
            name = f"as {a_or_an(level.name)} {level.name}"
        else:
            name = level.name
        rest = _FROM_IT.sub(lambda x: x.group(0)[:x.start(1) - x.start()] + level.name, text[m.end():])
        return text[:m.start()] + name + rest  # "what do they need to move up from it?": from the same level
    return text


_FROM_IT = re.compile(r"\b(?:up\s+)?from\s+(it|that|there)\b(?!\s+(?:level|role|one|position))", re.I)
# "sign off on it", "approve it", "decides that": what is done to a move, not asked of a level
_OF_THE_MOVE = re.compile(r"\b(?:sign(?:s|ed|ing)?\s+off\s+(?:on\s+)?|approv\w*\s+|decid\w*\s+(?:on\s+)?|ok(?:ay)?s?\s+)(it|that)\b"
                          r"(?!\s+(?:level|role|one|position))", re.I)
# "if I switch from SPM to LPM", "moving from Staff PM to Product Lead": a move between two levels, said
_MOVE_WORD = re.compile(r"\b(?:switch\w*|mov(?:e|es|ed|ing)|transfer\w*|swap\w*|chang\w*|go(?:ing)?\s+(?:over|across))\b", re.I)


def _move_said(memory: Memory, fw: Framework) -> tuple[Level, Level] | None:
    """The move between two levels the conversation's latest message to name one spoke of."""
    for said in reversed([*memory.earlier_questions, memory.last_question or ""]):
        named = list({m.level.id: m.level for m in fw.find_levels(said)}.values())
        if named:
            return (named[0], named[1]) if len(named) == 2 and _MOVE_WORD.search(said) else None
    return None


def tracks_said(text: str, fw: Framework) -> list[str]:
    """Tracks a message names in passing, typos included: "go into managment", "stay an individual contributor",
    "the ic route" (a track's name, or its first five letters as a word's start)."""
    said = []
    for key, name in fw.tracks.items():
        forms = [re.escape(x) for x in (key, name) if len(x) <= 3 or " " in x]
        forms += [re.escape(x[:5]) + r"\w*" for x in (key, name) if len(x) > 3 and " " not in x]
        if re.search(r"\b(?:" + "|".join(forms) + r")\b", text, re.I):
            said.append(key)
    return said


def _tracks_named_by(word: str, fw: Framework) -> list[str]:
    """The tracks a word of "the manager one", "the ic track" names."""
    return [t for t, name in fw.tracks.items()
            if word.replace("-", " ").startswith((t.lower(), name.lower())) or name.lower().startswith(word)]


def _on_track(word: str, anchor: Level, memory: Memory, fw: Framework) -> Level | None:
    """'the other one', 'the manager one', 'the IC track': a level of the conversation, or its peer."""
    recent = list({lvl.id: lvl for lvl in [*memory.last_levels, anchor]}.values())
    if word == "other":
        # The other of the levels being weighed: the last turn's, else the one before ("A vs B?", "which one
        # manages?", "and the other one?").
        others = [lvl for lvl in recent if lvl.id != anchor.id] or [
            lvl for lvl in memory.earlier_levels if lvl.id != anchor.id]
        if others:
            return others[-1]
        tracks = [t for t in fw.tracks if t != anchor.track]
    else:
        tracks = _tracks_named_by(word, fw)
    on_track = [lvl for lvl in recent if lvl.track in tracks]
    if on_track:
        return on_track[-1]
    peers = [lvl for lvl in fw.levels if lvl.track in tracks]
    return min(peers, key=lambda lvl: abs(lvl.rank - anchor.rank), default=None)
