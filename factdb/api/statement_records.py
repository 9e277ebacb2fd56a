"""A page of statements in two statements: the rows with what they embed, then their
evidence and mentions together (see records.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Integer, cast, literal_column, null, select, union_all
from sqlalchemy.sql import CompoundSelect

from factdb.api import database
from factdb.api.records import (
    DATE_COLUMNS,
    IDS,
    PageReader,
    Record,
    date_record,
    order_of,
    run_for_ids,
)
from factdb.models import DateInterval, Entity, Event, Evidence, Source, Statement, StatementMention
from factdb.models.evidence import EVIDENCE_ORDER
from factdb.sql import AnySelect


def _statement_select() -> AnySelect:
    """The columns a statement's record needs, from Core tables: selected once, since
    building the query per request with ORM aliases cost more than running it. Speaker
    and source are required, so the inner joins keep every statement."""
    statements, sources, events = Statement.__table__, Source.__table__, Event.__table__
    speaker, dates = Entity.__table__.alias("speaker"), DateInterval.__table__
    joined = (
        statements.join(speaker, speaker.c.id == statements.c.speaker_id)
        .join(sources, sources.c.id == statements.c.source_id)
        .outerjoin(events, events.c.id == statements.c.event_id)
        .outerjoin(dates, dates.c.id == statements.c.date_id)
    )
    s = statements.c
    return select(
        *(s.id, s.slug, s.speaker_text, s.mode, s.text),
        *(speaker.c.slug, speaker.c.name, events.c.slug, events.c.title, sources.c.slug),
        *(dates.c[column.key] for column in DATE_COLUMNS),
    ).select_from(joined)


@cache
def _statement_links() -> CompoundSelect:
    """A page's evidence (kind 0) and mentions (kind 1) in one statement, each in the
    order the ORM relationships give them.

    Sorted by those orders' keys alone: the rows of one statement and kind come in
    their order, and how statements interleave does not matter (SQLite then sorts the
    rows once instead of merging sorted branches)."""
    evidence: AnySelect = select(
        Evidence.statement_id.label("owner"),
        literal_column("0").label("kind"),
        Source.slug.label("slug"),
        Evidence.text.label("text"),
        Evidence.start_offset.label("start"),
        Evidence.end_offset.label("end"),
        *(column.label(f"o{i}") for i, column in enumerate(EVIDENCE_ORDER)),
    ).join(Source, Source.id == Evidence.source_id)
    mention_order = list(order_of(Statement.mentions))
    blank = cast(null(), Integer)
    mention_order += [blank] * (len(EVIDENCE_ORDER) - len(mention_order))
    mentions: AnySelect = select(
        StatementMention.statement_id,
        literal_column("1"),
        Entity.slug,
        Entity.name,
        blank,
        blank,
        *mention_order,
    ).join(Entity, Entity.id == StatementMention.entity_id)
    return union_all(
        evidence.where(Evidence.statement_id.in_(IDS)),
        mentions.where(StatementMention.statement_id.in_(IDS)),
    ).order_by(*(f"o{i}" for i in range(len(EVIDENCE_ORDER))))


def _statement_build(rows: Sequence[Any]) -> list[Record]:
    """Records of the rows of the page query, with their links."""
    ids = [row[0] for row in rows]
    evidence: dict[int, list[Record]] = defaultdict(list)
    mentions: dict[int, list[Record]] = defaultdict(list)
    links = run_for_ids(_statement_links(), ids).all() if ids else ()
    for owner, kind, slug, text, start, end, _, _, _ in links:
        if kind == 0:
            evidence[owner].append(
                Record(source=Record(slug=slug), start_offset=start, end_offset=end, text=text)
            )
        else:
            mentions[owner].append(Record(slug=slug, name=text))
    records = []
    for row in rows:
        fact_id, slug, speaker_text, mode, text, speaker_slug, speaker_name = row[:7]
        event_slug, event_title, source_slug = row[7:10]
        records.append(
            Record(
                id=fact_id,
                slug=slug,
                speaker=Record(slug=speaker_slug, name=speaker_name),
                speaker_text=speaker_text,
                mode=mode,
                text=text,
                event=None if event_slug is None else Record(slug=event_slug, title=event_title),
                source=Record(slug=source_slug),
                date=date_record(row[10:16]),
                mentioned_entities=mentions.get(fact_id, []),
                evidence=evidence.get(fact_id, []),
            )
        )
    return records


STATEMENTS = PageReader(_statement_select(), _statement_build)


def statement_records(ids: list[int]) -> list[Record]:
    """The statements ``ids``, in that order, as StatementOut reads them (pages use the
    reader; the tests compare these records' dump with the ORM objects')."""
    query = STATEMENTS.select.where(Statement.id.in_(ids))
    rows = database.session().connection().execute(query).all()
    by_id = {record.id: record for record in STATEMENTS.build(rows)}
    return [by_id[fact_id] for fact_id in ids]
