"""The answer as every caller sees it: the `ask --json` contract."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Citation(BaseModel):
    n: int
    chunk_id: str
    source: str
    section: str
    quote: str


class Answer(BaseModel):
    question: str
    answer: str
    citations: list[Citation] = Field(default_factory=list)
    abstained: bool = False
    level: str | None = None
    target: str | None = None
    engine: str
    session: str | None = None
    timings_ms: dict[str, float] = Field(default_factory=dict)
    # How the answer was reached (retrieval, checks); not part of the JSON contract.
    trace: dict | None = Field(default=None, exclude=True)
    notes: list[str] = Field(default_factory=list, exclude=True)
