"""Prove the stored facts match their sources: spans, dates, references and evidence."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from factdb.loader.conflicts import FACT_COLUMN
from factdb.loader.dates import Rule, calendar_period, relative_day
from factdb.loader.facts_file import CALENDAR_PRECISIONS
from factdb.loader.reports import REPORTED
from factdb.models import (
    FACT_COLUMNS,
    Base,
    Conflict,
    DateInterval,
    Entity,
    EntityDescription,
    Event,
    EventParticipant,
    Evidence,
    Position,
    Quantity,
    Role,
    SearchDocument,
    Source,
    Statement,
    StatementMention,
)
from factdb.sql import days_between

# Facts whose `text` column must be one of their own evidence spans.
TEXT_FACTS = (
    ("dates", DateInterval, "date_id"),
    ("statements", Statement, "statement_id"),
    ("quantities", Quantity, "quantity_id"),
)


def check_database(session: Session) -> list[str]:
    """Every failure found, as a readable line; an empty list means all is well."""
    return [
        *_check_sources(session),
        *_check_spans(session),
        *_check_text_facts(session),
        *_check_relative_dates(session),
        *_check_copied_dates(session),
        *_check_link_dates(session),
        *_check_foreign_keys(session),
        *_check_every_fact_has_evidence(session),
        *_check_entity_descriptions(session),
        *_check_search_documents(session),
        *_check_reports(session),
    ]


def _check_sources(session: Session) -> Iterator[str]:
    for source in session.scalars(select(Source)):
        digest = hashlib.sha256(source.text.encode("utf-8")).hexdigest()
        if digest != source.sha256:
            yield f"source {source.slug!r}: stored sha256 does not match its text"


def _check_spans(session: Session) -> Iterator[str]:
    texts = {row.id: row.text for row in session.execute(select(Source.id, Source.text))}
    for row in session.scalars(select(Evidence).order_by(Evidence.id)):
        text = texts[row.source_id]
        if not 0 <= row.start_offset < row.end_offset <= len(text):
            span = f"[{row.start_offset}, {row.end_offset})"
            yield f"evidence {row.id}: span {span} is outside the text"
        elif text[row.start_offset : row.end_offset] != row.text:
            yield (
                f"evidence {row.id}: stored text {row.text!r} differs from the source's "
                f"{text[row.start_offset : row.end_offset]!r}"
            )


def _check_text_facts(session: Session) -> Iterator[str]:
    for label, model, column in TEXT_FACTS:
        has_span = (
            select(Evidence.id)
            .where(getattr(Evidence, column) == model.id, Evidence.text == model.text)
            .exists()
        )
        for fact_id, slug, text in session.execute(
            select(model.id, model.slug, model.text).where(~has_span).order_by(model.slug)
        ):
            if model is Statement and _joins_spans(session, fact_id, text):
                continue  # a quote in parts: its spans joined by one space
            yield f"{label} {slug!r}: its text is not one of its evidence spans"


def _joins_spans(session: Session, statement_id: int, text: str) -> bool:
    """Whether ``text`` is the texts of some of the statement's spans, in the text's
    order and not overlapping, joined by one space."""
    spans = session.execute(
        select(Evidence.start_offset, Evidence.end_offset, Evidence.text)
        .where(Evidence.statement_id == statement_id)
        .order_by(Evidence.start_offset, Evidence.end_offset)
    ).all()
    # ends[i]: where in ``text`` the chains of parts from its start that end with span i end.
    ends: list[set[int]] = []
    for i, (start, _, part) in enumerate(spans):
        starts = {0} | {
            end + 1
            for j in range(i)
            if spans[j][1] <= start
            for end in ends[j]
            if text[end : end + 1] == " "
        }
        ends.append({at + len(part) for at in starts if text.startswith(part, at)})
    return any(len(text) in found for found in ends)


def _check_relative_dates(session: Session) -> Iterator[str]:
    """Each relative date is what its rule gives from its anchor: the day its offset or
    weekday names, then length_days long, or the whole calendar period the day falls in."""
    anchor = aliased(DateInterval)
    rows = session.execute(
        select(DateInterval, anchor.start_date, Source.published_on)
        .join(Source, Source.id == DateInterval.source_id)
        .outerjoin(anchor, DateInterval.anchor_date_id == anchor.id)
        .where(DateInterval.basis == "relative")
        .order_by(DateInterval.slug)
    )
    for date, anchor_start, published_on in rows:
        start_from = anchor_start if date.relative_anchor == "date" else published_on
        if start_from is None:
            yield f"dates {date.slug!r}: anchored on the published date, which its source lacks"
            continue
        rule = Rule(
            str(date.relative_anchor),
            None,
            date.relative_offset,
            date.relative_unit,
            date.relative_weekday,
            date.relative_direction,
        )
        day = relative_day(rule, start_from)
        ways = [(day, day + dt.timedelta(days=date.length_days - 1))]
        if date.precision in CALENDAR_PRECISIONS:
            ways.append(calendar_period(day, date.precision))
        stored = (date.start_date, date.end_date)
        length = (date.end_date - date.start_date).days + 1
        if stored not in ways or length != date.length_days:
            expected = " or ".join(f"{start}..{end}" for start, end in ways)
            yield (
                f"dates {date.slug!r}: {date.start_date}..{date.end_date} is not what its rule"
                f" gives from {start_from} ({expected}, {date.length_days} days long)"
            )


def _check_copied_dates(session: Session) -> Iterator[str]:
    """Each dated fact's date_start and date_end equal its date's bounds (a CHECK
    constraint ties sort_date to date_start)."""
    for model in (Event, Role, Statement, Position):
        stale = session.execute(
            select(model.slug, model.date_start, model.date_end, DateInterval)
            .join(DateInterval, DateInterval.id == model.date_id)
            .where(
                (model.date_start != DateInterval.start_date)
                | (model.date_end != DateInterval.end_date)
            )
        )
        for slug, start, end, date in stale:
            yield (
                f"{model.__tablename__} {slug!r}: copied dates {start}..{end} differ from "
                f"its date {date.slug!r} ({date.start_date}..{date.end_date})"
            )
        wrong_length = session.execute(
            select(model.slug, model.date_days, days_between(model.date_start, model.date_end))
            .where(model.date_days.is_distinct_from(days_between(model.date_start, model.date_end)))
            .order_by(model.slug)
        )
        for slug, stored, actual in wrong_length:
            yield (
                f"{model.__tablename__} {slug!r}: date_days is {stored}, but its copied "
                f"dates are {actual} days apart"
            )


def _check_link_dates(session: Session) -> Iterator[str]:
    """Each participant and mention row's sort_date equals its fact's."""
    links: tuple[tuple[Any, Any, Any], ...] = (
        (EventParticipant, Event, EventParticipant.event_id),
        (StatementMention, Statement, StatementMention.statement_id),
    )
    for link, model, fact_id in links:
        stale = session.execute(
            select(model.slug, Entity.slug, link.sort_date, model.sort_date)
            .join(model, model.id == fact_id)
            .join(Entity, Entity.id == link.entity_id)
            .where(link.sort_date != model.sort_date)
            .order_by(model.slug, Entity.slug)
        )
        for fact_slug, entity_slug, copied, actual in stale:
            yield (
                f"{link.__tablename__} of {model.__tablename__} {fact_slug!r} and entity "
                f"{entity_slug!r}: copied sort_date {copied} differs from the fact's {actual}"
            )


def _check_foreign_keys(session: Session) -> Iterator[str]:
    """Dangling references, looked for on every foreign key (SQLite may have had them off)."""
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_key_constraints:
            (column,) = fk.columns
            (element,) = fk.elements
            target = element.column
            parent = target.table.alias("parent")
            orphans = session.scalar(
                select(func.count())
                .select_from(table.outerjoin(parent, parent.c[target.name] == column))
                .where(and_(column.is_not(None), parent.c[target.name].is_(None)))
            )
            if orphans:
                where = f"{table.name}.{column.name}"
                yield f"{where}: {orphans} rows point to no {target.table.name} row"


def _check_every_fact_has_evidence(session: Session) -> Iterator[str]:
    for column_name in FACT_COLUMNS:
        column = Evidence.__table__.c[column_name]
        fact_table = next(iter(column.foreign_keys)).column.table
        has_evidence = select(Evidence.id).where(column == fact_table.c.id).exists()
        missing = session.scalars(
            select(fact_table.c.slug).where(~has_evidence).order_by(fact_table.c.slug)
        )
        for slug in missing:
            yield f"{fact_table.name} {slug!r}: no evidence span"


def _check_entity_descriptions(session: Session) -> Iterator[str]:
    """Every entity has its defining source's description (the first row of
    entity_descriptions) as its own, and each source describes only entities it gives
    evidence of (it lists them)."""
    first = (
        select(EntityDescription.entity_id, func.min(EntityDescription.id).label("id"))
        .group_by(EntityDescription.entity_id)
        .subquery()
    )
    rows = session.execute(
        select(Entity.slug, Entity.description, EntityDescription.description, Source.slug)
        .outerjoin(first, first.c.entity_id == Entity.id)
        .outerjoin(EntityDescription, EntityDescription.id == first.c.id)
        .outerjoin(Source, Source.id == EntityDescription.source_id)
        .where(EntityDescription.description.is_distinct_from(Entity.description))
        .order_by(Entity.slug)
    )
    for slug, own, defining, source in rows:
        if defining is None:
            yield f"entities {slug!r}: no source's description (entity_descriptions)"
        else:
            yield (
                f"entities {slug!r}: description {own!r} is not its defining source's"
                f" ({source!r}: {defining!r})"
            )
    listed = (
        select(Evidence.id)
        .where(
            Evidence.entity_id == EntityDescription.entity_id,
            Evidence.source_id == EntityDescription.source_id,
        )
        .exists()
    )
    unlisted = session.execute(
        select(Entity.slug, Source.slug)
        .join(EntityDescription, EntityDescription.entity_id == Entity.id)
        .join(Source, Source.id == EntityDescription.source_id)
        .where(~listed)
        .order_by(Entity.slug, Source.slug)
    )
    for slug, source in unlisted:
        yield f"entities {slug!r}: described by source {source!r}, which has no evidence of it"


def _check_search_documents(session: Session) -> Iterator[str]:
    """Every search document stands for a stored fact (documents hold no foreign key)."""
    tables: dict[str, Any] = {
        "entity": Entity,
        "event": Event,
        "statement": Statement,
        "position": Position,
    }
    for fact_type, model in tables.items():
        exists = select(model.id).where(model.id == SearchDocument.fact_id).exists()
        orphans = select(SearchDocument.slug).where(SearchDocument.fact_type == fact_type, ~exists)
        for slug in session.scalars(orphans):
            yield f"search document of {fact_type} {slug!r}: the {fact_type} does not exist"


def _check_reports(session: Session) -> Iterator[str]:
    """Every report names a fact that is its own first report, at an id not past its
    own; every conflict names a fact's first report."""
    for section in REPORTED:
        table = Base.metadata.tables[section]
        fact = table.alias("fact")
        wrong = (
            select(table.c.slug)
            .outerjoin(fact, fact.c.id == table.c.fact_id)
            .where(
                or_(fact.c.id.is_(None), fact.c.fact_id != fact.c.id, table.c.fact_id > table.c.id)
            )
        )
        for slug in session.scalars(wrong):
            yield f"FAIL {section} {slug!r}: fact_id names no first report of a fact"
        column = Conflict.__table__.c[FACT_COLUMN[section]]
        stale = (
            select(Conflict.id)
            .join(table, table.c.id == column)
            .where(table.c.fact_id != table.c.id)
        )
        for conflict_id in session.scalars(stale):
            yield f"FAIL conflict {conflict_id}: names a later report, not a fact"
