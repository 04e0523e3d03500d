"""Reading a message: who the user says they are, what they ask, and what a follow-up refers to.

Rules over the framework's aliases rather than a model: they run in microseconds,
work offline, and every decision can be shown in the answer's trace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mentor.framework import Framework, Level, LevelMention

# Words before a level that make it the user's own level, or the one they aim for.
_CURRENT_CUE = re.compile(
    r"(?:\bi'?m|\bi\s+am|\bi\s+work\s+as|\bi\s+just\s+became|\bi\s+became|\bi\s+was\s+promoted\s+to|\bi'?ve\s+been"
    r"|\bas\s+an?|\bmy\s+(?:current\s+)?(?:role|title|level|job)\s+is|\bcurrently|\bfrom)"
    r"(?:\s+(?:now|currently|just|already|newly|recently|a|an|the))*\s*$",
    re.IGNORECASE,
)
_TARGET_CUE = re.compile(
    r"(?:\bwant\s+to|\bwanna|\bhope\s+to|\baim\s+(?:to|for)|\baspire\s+to|\bgoal\s+is|\bbecome|\bbecoming"
    r"|\bget\s+to|\bgetting\s+to|\breach|\bmove\s+(?:up\s+)?(?:to|into)|\bpromoted\s+to|\bpromotion\s+to"
    r"|\bpath\s+to|\broute\s+to|\bgo\s+to|\bjump\s+to|\bstep\s+up\s+to|\bto)"
    r"(?:\s+(?:be|become|a|an|the|into))*\s*$",
    re.IGNORECASE,
)
_SELF = re.compile(r"\b(i'?m|i\s+am|i\s+just|i\s+became|i\s+was\s+promoted|my\s+(current\s+)?(role|title|level))\b", re.I)

GREETING = re.compile(r"^\s*(hi|hello|hey|hiya|good\s+(morning|afternoon|evening)|thanks|thank\s+you|cheers)\b[\s!.,]*"
                      r"(there|mentor|a\s+lot|so\s+much)?[\s!.]*$", re.IGNORECASE)
_COMPARE = re.compile(r"\b(vs\.?|versus|difference|differ|same\s+(as|thing|level|role)|compare|compared|confus\w*|"
                      r"another\s+name|equivalent|interchangeabl\w*|or\s+an?)\b", re.IGNORECASE)
_DUTIES = re.compile(r"\b(what\s+(does|do|is)\s+(an?\s+)?|duties|responsib\w+|role\s+of|job\s+of|day[- ]to[- ]day|"
                     r"expected\s+of|do\s+they\s+do|does\s+\w+\s+do)\b", re.IGNORECASE)
_PATH = re.compile(r"\b(how\s+(do|can|should|would)\s+(i|you|one|someone)\s+(get|become|move|reach|go|grow|advance|"
                   r"jump|level|step|transition|progress|make)|path|route|steps?\s+to|get\s+to|become|promot\w+|"
                   r"move\s+(up|into|to)|from\s+.+\s+to\s+)", re.IGNORECASE)
_NEXT = re.compile(r"\b(next\s+(step|level|move)|what'?s\s+next|what\s+comes\s+(next|after)|after\s+that|then\s+what|"
                   r"level\s+up|get\s+promoted|grow\s+from\s+here|move\s+up|(on|do|learn)\s+next(?=\s*\??\s*$))\b", re.IGNORECASE)
_FOLLOW_NEXT = re.compile(r"^\s*(and\s+)?(after\s+that|then\s+what|what\s+(comes|is)\s+(next|after\s+that)|"
                          r"and\s+then|what'?s\s+next)\s*\??\s*$", re.IGNORECASE)
_FOLLOW_BECOME = re.compile(r"\b(become|be|get\s+there|reach\s+(it|that)|get\s+that|do\s+that)\b.*\b(one|it|that|there)\b|"
                            r"\bget\s+there\b|\bbecome\s+one\b", re.IGNORECASE)
_FOLLOW_DUTIES = re.compile(r"\bwhat\s+do\s+(they|those|these)\s+do\b|\btheir\s+(duties|responsibilities)\b|"
                            r"\b(that|this|the)\s+(role|job|level|position)\b", re.I)
_WHAT_ABOUT = re.compile(r"^\s*(and\s+)?((what|how)\s+)?(about|for)\b", re.IGNORECASE)

INTENTS = ("greeting", "statement", "path", "next", "compare", "duties", "factual", "general")


@dataclass
class Understanding:
    message: str
    standalone: str
    intent: str
    mentioned: list[Level] = field(default_factory=list)
    stated_level: Level | None = None
    stated_target: Level | None = None
    source_level: Level | None = None  # "from X" in this question
    goal: Level | None = None  # the level this question is about reaching
    terms: list[str] = field(default_factory=list)  # confusion terms that are not levels
    rewritten: bool = False

    def trace(self) -> dict:
        return {
            "intent": self.intent, "standalone": self.standalone, "rewritten": self.rewritten,
            "mentioned": [lvl.name for lvl in self.mentioned],
            "stated_level": self.stated_level.name if self.stated_level else None,
            "stated_target": self.stated_target.name if self.stated_target else None,
            "goal": self.goal.name if self.goal else None, "terms": self.terms,
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


def _role(text: str, mention: LevelMention) -> str | None:
    before = text[max(0, mention.start - 40):mention.start]
    if re.search(r"\bfrom\s+(an?\s+|the\s+)?$", before, re.I):
        return "from"
    if _CURRENT_CUE.search(before):
        return "current"
    if _TARGET_CUE.search(before):
        return "target"
    return None


def understand(message: str, framework: Framework, memory: Memory | None = None) -> Understanding:
    memory = memory or Memory()
    text = " ".join(message.split())
    mentions = framework.find_levels(text)
    mentioned = list({m.level.id: m.level for m in mentions}.values())
    terms = [t for c in framework.confusions for t in c.terms
             if t not in framework.by_id and re.search(rf"\b{re.escape(t)}s?\b", text, re.I)]
    u = Understanding(message=message, standalone=text, intent="general", mentioned=mentioned, terms=terms)

    for m in mentions:
        role = _role(text, m)
        if role == "current" and _SELF.search(text[:m.start]):
            u.stated_level = m.level
        elif role == "from":
            u.source_level = m.level
        elif role == "target":
            u.goal = u.goal or m.level
    if u.goal and (re.search(r"\b(i\s+want|i'?d\s+like|i\s+hope|my\s+goal|i\s+aim|i\s+aspire)\b", text, re.I)):
        u.stated_target = u.goal

    u.intent = _intent(text, u)
    if not mentions and not terms and memory.last_question:
        _resolve_follow_up(text, u, memory)
    return u


def _intent(text: str, u: Understanding) -> str:
    if GREETING.match(text):
        return "greeting"
    question_like = "?" in text or re.match(r"^\s*(how|what|why|when|who|which|is|are|can|should|do|does|tell|explain|"
                                            r"compare|give|list|describe)\b", text, re.I)
    if u.stated_level and not question_like and not u.goal:
        return "statement"
    if u.terms or (len(u.mentioned) >= 2 and _COMPARE.search(text)) or (
            len(u.mentioned) == 1 and re.search(r"\bsame\s+as\b|\banother\s+name\b", text, re.I)):
        return "compare"
    if re.search(r"\b(how\s+many|how\s+much|how\s+long|how\s+often|what\s+percentage|salary|salaries|pay|paid|earn|"
                 r"compensation|income|bonus|equity|stock|wage|when|who|which\s+compan)\w*", text, re.I):
        return "factual"
    if u.mentioned and not u.goal and re.match(r"^\s*(do|does|is|are|can|will|must)\b", text, re.I):
        return "factual"  # a yes/no question about a level: one sentence settles it
    if _NEXT.search(text) and not u.goal:
        return "next"
    if u.goal or (_PATH.search(text) and (u.mentioned or u.source_level)):
        return "path"
    if _DUTIES.search(text) and u.mentioned:
        return "duties"
    if _PATH.search(text):
        return "next"
    if u.stated_level and not u.goal:
        return "statement" if not question_like else "next"
    return "general"


def _resolve_follow_up(text: str, u: Understanding, memory: Memory) -> None:
    """Rewrite a follow-up that leans on the conversation into a standalone question."""
    anchor = memory.last_goal or (memory.last_levels[-1] if memory.last_levels else None)
    if re.search(r"\bthere\b", text, re.I) and memory.target is not None:
        anchor = memory.target  # "how do I get there?": where the user said they want to go
    if anchor is None:
        return
    if _FOLLOW_NEXT.match(text):
        u.intent, u.source_level = "next", anchor
        u.standalone = f"What comes after {anchor.name}?"
    elif _FOLLOW_BECOME.search(text):
        u.intent, u.goal = "path", anchor
        u.standalone = f"How do I become a {anchor.name}?"
    elif _FOLLOW_DUTIES.search(text):
        u.intent, u.mentioned = "duties", [anchor]
        u.standalone = f"What does a {anchor.name} do?"
    else:
        return
    u.rewritten = True


def what_about(text: str, u: Understanding, memory: Memory) -> None:
    """'And what about Lead PM?' repeats the last question's kind for another level."""
    if memory.last_intent in ("duties", "path", "compare") and u.mentioned and _WHAT_ABOUT.match(text) \
            and u.intent in ("general", "next", "duties"):
        level = u.mentioned[0]
        if memory.last_intent == "duties":
            u.intent, u.standalone = "duties", f"What does a {level.name} do?"
        elif memory.last_intent == "path":
            u.intent, u.goal, u.standalone = "path", level, f"How do I become a {level.name}?"
        u.rewritten = True
