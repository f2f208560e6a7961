"""The staff FAQ's curation, all in ``faq/data/``: search synonyms, the curated Q&A, suggested topics.

* ``synonyms.yaml`` — ``<rule or clause id>: [terms]`` in both languages; a clause id that is no rule's
  id covers every rule of that clause.
* ``qa.yaml`` — each Q&A entry: what it cites (``sources``) and, per locale, question, summary,
  answer and keywords.
* ``topics.yaml`` — per locale, the queries offered as suggestions when nothing close matches.

Loaded once and validated with pydantic, so a typo in the data fails at start-up, not mid-search.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, RootModel

DATA_DIR = Path(__file__).parent / "data"


class QaText(BaseModel):
    """One Q&A entry in one language."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    question: str = Field(min_length=4)
    summary: str = Field(min_length=4)
    answer: str = Field(min_length=4)
    keywords: tuple[str, ...] = Field(min_length=3)


class QaEntry(BaseModel):
    """A curated Q&A: the texts it cites (a rule id, or ``<document key>/<provision label>``) and its words."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    sources: tuple[str, ...] = Field(min_length=1)
    zh: QaText = Field(alias="zh-CN")
    en: QaText

    def text(self, locale: str) -> QaText:
        return self.en if locale == "en" else self.zh


class _Topics(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    zh: tuple[str, ...] = Field(alias="zh-CN", min_length=1)
    en: tuple[str, ...] = Field(min_length=1)


def _load(name: str) -> object:
    return yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))


@functools.cache
def synonyms() -> dict[str, tuple[str, ...]]:
    """Rule or clause id → its search terms (both languages)."""
    return {key: tuple(value) for key, value in
            RootModel[dict[str, list[str]]].model_validate(_load("synonyms.yaml")).root.items()}


@functools.cache
def qa_entries() -> dict[str, QaEntry]:
    """Q&A id → entry, in the file's order."""
    return RootModel[dict[str, QaEntry]].model_validate(_load("qa.yaml")).root


@functools.cache
def suggested_topics(locale: str) -> tuple[str, ...]:
    topics = _Topics.model_validate(_load("topics.yaml"))
    return topics.en if locale == "en" else topics.zh
