"""References across sources: a later article names an event or a statement that an
earlier one reported (the meeting a quote was given at, the election a date counts
from). The writer resolves them against the stored facts of other sources, computes the
dates anchored on such events, and keeps a source that others refer to from taking the
referenced fact away with it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from factdb.loader.dates import DateError, Interval, compute_dates
from factdb.loader.errors import Problem, SeedError
from factdb.loader.plan import FACTS_FILE, Plan
from factdb.models import Base, DateInterval, Event, Source


def resolve_across(connection: Connection, plan: Plan) -> None:
    """Fill ``plan.stored_ids`` for its references to other sources' events and
    statements, and its intervals when a date counts from such an event; raise
    SeedError naming each reference that no other source stored."""
    file = str(plan.folder / FACTS_FILE)
    if not plan.across and not plan.dates_pending:
        return
    wanted: dict[str, set[str]] = {}
    for reference in plan.across:
        assert reference.target is not None
        wanted.setdefault(reference.target, set()).add(reference.value)
    found: dict[tuple[str, str], int] = {}
    for section, keys in wanted.items():
        table = Base.metadata.tables[section]
        query = (
            select(table.c.slug, table.c.id)
            .join(Source.__table__, Source.__table__.c.id == table.c.source_id)
            .where(table.c.slug.in_(sorted(keys)), Source.__table__.c.slug != plan.source["slug"])
        )
        found |= {(section, slug): row_id for slug, row_id in connection.execute(query)}
    problems = [
        Problem(
            reference.problem.file,
            reference.problem.fact,
            reference.problem.field,
            f"{reference.problem.message}: neither this file nor another stored source has it",
        )
        for reference in plan.across
        if (reference.target, reference.value) not in found
    ]
    if problems:
        raise SeedError(problems)
    plan.stored_ids = found
    if plan.dates_pending:
        _compute_dates(connection, file, plan)


def _compute_dates(connection: Connection, file: str, plan: Plan) -> None:
    """The plan's dates, given the dates of the stored events they count from."""
    anchors = {ref.value for ref in plan.across if ref.problem.field == "relative.anchor"}
    event_dates: dict[str, str | None] = {
        item["key"]: item["date"] for item in plan.sections["events"]
    }
    stored: dict[str, Interval] = {}
    dates = DateInterval.__table__.c
    query = (
        select(Event.slug.label("event"), *dates)
        .outerjoin(DateInterval, DateInterval.id == Event.date_id)
        .where(Event.slug.in_(sorted(anchors)))
    )
    for row in connection.execute(query):
        event_dates[row.event] = row.slug
        if row.slug is not None:
            stored[row.slug] = _interval(row)
            plan.stored_ids[("dates", row.slug)] = row.id
    year = plan.source["year"]["value"] if plan.source["year"] else None
    try:
        plan.intervals = compute_dates(
            plan.sections["dates"], event_dates, year, plan.source["published_on"], stored
        )
    except DateError as error:
        label = plan.date_labels.get(error.key or "", "dates")
        raise SeedError([Problem(file, label, error.field, str(error))]) from None
    plan.dates_pending = False


def _interval(date: Any) -> Interval:
    return Interval(
        start=date.start_date,
        end=date.end_date,
        precision=date.precision,
        basis=date.basis,
        year_basis=date.year_basis,
        length_days=date.length_days,
        note=date.note,
    )


# The facts that name other rows by the columns that other sources may fill.
_NAMING = ("dates", "events", "roles", "statements", "positions", "quantities")


def named_elsewhere(
    connection: Connection, section: str, row_id: int, source_id: int
) -> list[tuple[Any, Any, str]]:
    """The rows of sources other than ``source_id`` that name row ``row_id`` of
    ``section``: (their table, the naming column, a readable line for each)."""
    target = Base.metadata.tables[section]
    sources = Source.__table__
    found = []
    for name in _NAMING:
        table = Base.metadata.tables[name]
        for fk in table.foreign_keys:
            if fk.column.table is not target or fk.parent.name == "fact_id":
                continue
            query = (
                select(table.c.slug, sources.c.slug.label("source"))
                .join(sources, sources.c.id == table.c.source_id)
                .where(fk.parent == row_id, table.c.source_id != source_id)
                .order_by(table.c.id)
            )
            for slug, source in connection.execute(query):
                line = f"{name} {slug!r} of {source!r} ({fk.parent.name.removesuffix('_id')})"
                found.append((table, fk.parent, line))
    return found
