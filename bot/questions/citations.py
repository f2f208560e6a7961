"""The citations staff attach to an answer: picked from the FAQ results, resolved here from the data.

Staff pick FAQ results by their ``rule_id`` (a rule's id, or ``qa:<id>`` for a curated Q&A); the
clause id and the verbatim citation are taken from the rule data, never from the request, so an
answer can only cite what the documents say.
"""

from __future__ import annotations

import functools

from bot.questions.models import Citation


@functools.cache
def _entries(version: str) -> dict[str, object]:
    from faq.index import index_for
    from rules.loader import default_ruleset

    return {entry.entry_id: entry for entry in index_for(default_ruleset()).entries}


def resolve_citation(rule_id: str, locale: str) -> Citation | None:
    """The citation of FAQ result ``rule_id`` in ``locale`` (titles); ``None`` if there is no such result."""
    from faq.curation import qa_entries
    from rules.loader import default_ruleset

    ruleset = default_ruleset()
    entry = _entries(ruleset.version).get(rule_id)
    if entry is None:
        return None
    rule = entry.rule  # type: ignore[attr-defined]
    if rule is not None:
        document = ruleset.document_of(rule)
        return Citation(clause_id=rule.clause_id, rule_id=rule.rule_id, title=rule.title.get(locale),
                        document=document.number, article=rule.article, quote=rule.quote)
    source = entry.sources[0]  # type: ignore[attr-defined]
    title = qa_entries()[entry.qa_id].text(locale).question  # type: ignore[attr-defined]
    return Citation(clause_id=source.clause_id, rule_id=rule_id, title=title, document=source.document,
                    article=source.article, quote=source.quote)
