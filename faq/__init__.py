"""The staff FAQ: fuzzy search over every policy clause and the curated Q&A, in Chinese and English.

``faq.search`` answers queries (``faq_json`` is CONTRACT §5), ``faq.index`` matches and scores them,
``faq.curation`` loads what people curate (synonyms, Q&A, suggested topics) from ``faq/data``.
"""

from faq.search import MAX_LIMIT, FaqHit, faq_json, hit_json, max_award_cny, search_faq, suggestions

__all__ = ["FaqHit", "MAX_LIMIT", "faq_json", "hit_json", "max_award_cny", "search_faq", "suggestions"]
