"""Matching a source that is not stored (a draft): load it in a transaction of its own,
match it as `factdb match` matches a stored source, and roll the load back.

The matcher reads the facts it compares from the database (candidates.py finds them by
indexed paths, records.py reads them with their entities and dates as stored), so an
article drafted in memory is matched on what the loader would make of it, not on a copy
of those rules for files. The cost of that trial: on SQLite the transaction holds the
database's write lock until the rollback (readers go on, under WAL; another writer waits
up to the busy timeout); on PostgreSQL the ids the trial took from the sequences are
not given back, so the next rows stored skip them.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from factdb.loader.apply import apply_plan
from factdb.loader.plan import prepare_from_data
from factdb.match.matcher import MIN_SCORE, Matches, match_source
from factdb.models import Entity, Source, Topic


def other_sources(engine: Engine, slug: str) -> int:
    """How many stored sources there are besides ``slug``: what a draft of ``slug``
    could be matched against."""
    with Session(engine) as session:
        count = session.scalar(select(func.count()).select_from(Source).where(Source.slug != slug))
    return int(count or 0)


def match_unstored(
    engine: Engine, content: str, text: str, min_score: float = MIN_SCORE
) -> Matches:
    """The proposals of the facts file ``content`` (of the article ``text``, not stored)
    against the stored sources. The file is planned by the loader (a SeedError if it
    refuses it), loaded and matched in one transaction, which is rolled back: nothing
    of it stays stored."""
    raw = yaml.safe_load(content)
    slug = raw["source"]["slug"]
    prepared = prepare_from_data(Path(slug), raw, text.encode("utf-8"), content.encode("utf-8"))
    with Session(engine) as session:
        transaction = session.begin()
        try:
            entities = set(session.scalars(select(Entity.slug)))
            topics = set(session.scalars(select(Topic.slug)))
            apply_plan(session, prepared.resolve(entities, topics))
            session.flush()
            # Facts of a draft name no same_as: there is no decided fact to skip.
            return match_source(session, slug, min_score)
        finally:
            transaction.rollback()
