"""The draft of one article, checked by the loader's own parsing and planning."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from factdb.draft.build import Builder
from factdb.draft.claims import position_facts, quantity_facts, statement_facts
from factdb.draft.facts import Draft, slugify
from factdb.draft.places import article_countries
from factdb.draft.store import StoredNames
from factdb.draft.writer import facts_yaml
from factdb.loader.errors import SeedError
from factdb.loader.plan import Plan, prepare_from_data

MAX_BYTES = 5 * 1024 * 1024


class DraftError(ValueError):
    """An article that cannot be drafted (not text, empty, too large)."""


class DrafterBug(RuntimeError):
    """A draft the loader refuses: the drafter's fault, never the article's."""


@dataclass(frozen=True)
class Meta:
    title: str | None = None
    publisher: str | None = None
    url: str | None = None
    published: dt.date | None = None
    slug: str | None = None


def read_article(data: bytes, name: str) -> str:
    """The article's text, or DraftError saying what is wrong with ``name``."""
    if len(data) > MAX_BYTES:
        raise DraftError(
            f"{name}: {len(data):,} bytes, over the limit of {MAX_BYTES:,} bytes (5 MB)"
        )
    if b"\x00" in data:
        raise DraftError(f"{name}: binary file (NUL bytes), not an article")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DraftError(f"{name}: not UTF-8 ({error})") from None
    if not text.strip():
        raise DraftError(f"{name}: empty article")
    return text


def source_mapping(text: str, meta: Meta) -> dict[str, Any]:
    title = meta.title or text.strip().split("\n", 1)[0].strip()
    source: dict[str, Any] = {
        "slug": meta.slug or slugify(title, 8),
        "title": title[:500],
        "text_file": "article.txt",
        "publisher": meta.publisher,
        "url": meta.url,
        "published_on": meta.published.isoformat() if meta.published else None,
        "year": None,
        "drafted": True,
    }
    if meta.published:
        source["year"] = {"value": meta.published.year, "reason": "from the publication date"}
    return source


def draft_text(text: str, meta: Meta, stored: StoredNames) -> Draft:
    """Every fact the rules find in ``text``."""
    draft = Draft(source_mapping(text, meta), text, taken=stored.fact_keys)
    with article_countries(text):
        return _draft(draft, stored, meta)


def _draft(draft: Draft, stored: StoredNames, meta: Meta) -> Draft:
    builder = Builder(draft, stored, meta.published)
    builder.read_entities()
    builder.read_dates()
    builder.read_events()
    builder.standalone_dates()
    builder.event_dates()
    builder.anchored_dates()
    builder.role_facts()
    statements = statement_facts(builder)
    quantity_facts(builder)
    position_facts(builder, statements)
    builder.event_facts()
    builder.entity_facts()
    return draft


def check(draft: Draft, stored: StoredNames) -> tuple[str, Plan]:
    """The file's YAML and the loader's plan of it; DrafterBug if the loader refuses."""
    content = facts_yaml(draft)
    folder = Path(draft.source["slug"])
    raw = yaml.safe_load(content)
    try:
        prepared = prepare_from_data(
            folder, raw, draft.text.encode("utf-8"), content.encode("utf-8")
        )
        plan = prepared.resolve(set(stored.entities), stored.topics)
    except SeedError as error:
        problems = "; ".join(str(problem) for problem in error.problems[:5])
        raise DrafterBug(
            f"the loader refuses the draft of {draft.source['slug']}: {problems}"
        ) from None
    return content, plan
