"""Helpers of the drafter's tests: draft an original text in memory."""

from __future__ import annotations

import datetime as dt
from typing import Any

from factdb.draft.facts import Draft
from factdb.draft.pipeline import Meta, draft_text
from factdb.draft.store import StoredNames


def draft(body: str, published: dt.date | None = None, stored: StoredNames | None = None) -> Draft:
    """The draft of a headline and ``body``."""
    return draft_text(
        f"Test Headline\n\n{body}\n", Meta(published=published), stored or StoredNames()
    )


def facts(result: Draft, section: str) -> list[dict[str, Any]]:
    return [fact.data for fact in result.facts[section]]


def rules(result: Draft, section: str) -> list[str]:
    return [fact.why.rule for fact in result.facts[section]]


def text_of(result: Draft, excerpt: Any) -> str:
    """The words an excerpt (string, {before, text} or a list of them) names."""
    if isinstance(excerpt, list):
        return " ".join(text_of(result, part) for part in excerpt)
    return excerpt["text"] if isinstance(excerpt, dict) else str(excerpt)
