"""What every fact shares: its source and slug, the fact it reports, and for dated facts
a copy of the date's bounds with the indexes that serve date order and date ranges."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from factdb.models.core import DateInterval
from factdb.models.evidence import EVIDENCE_ORDER, Evidence
from factdb.models.source import Source


class SourcedFact:
    """One source's report of a fact: its source, a slug unique per kind of fact, and
    the fact it reports.

    Several sources may report one fact. Each keeps its own row (its values, wording
    and evidence); the rows that ``same_as`` links are one fact, named by ``fact_id``:
    the smallest id among them, so the first report of a fact has ``fact_id = id``.
    The API serves that first report's values as the fact's, and lists every report.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    # No default: every writer says whether the fact is reviewed (a draft never
    # becomes reviewed by omission).
    reviewed: Mapped[bool] = mapped_column(Boolean, comment="false while the fact is a draft.")

    same_as: Mapped[str | None] = mapped_column(
        Text, comment="The keys its file names under same_as, space-separated."
    )

    @declared_attr
    def fact_id(cls) -> Mapped[int]:
        return mapped_column(
            ForeignKey(f"{cls.__tablename__}.id"),  # type: ignore[attr-defined]
            index=True,
            comment="The fact it reports: the smallest id among the rows same_as links.",
        )

    @declared_attr
    def source(cls) -> Mapped[Source]:
        return relationship(Source)

    @declared_attr
    def reports(cls) -> Mapped[list[Any]]:
        """Every report of the fact, this row among them, in id order (the first report
        first); meaningful on a fact's first report."""
        name = cls.__name__  # type: ignore[attr-defined]  # declared_attr types cls oddly
        return relationship(
            name,
            primaryjoin=f"{name}.id == {name}.fact_id",
            foreign_keys=f"[{name}.fact_id]",
            remote_side=f"[{name}.fact_id]",
            order_by=f"{name}.id",
            viewonly=True,
        )

    @declared_attr
    def evidence(cls) -> Mapped[list[Evidence]]:
        return relationship(Evidence, cascade="all, delete-orphan", order_by=EVIDENCE_ORDER)


# The sort date of an undated fact: undated facts come after every dated one.
UNDATED = dt.date(9999, 12, 31)


class DatedFact(SourcedFact):
    """A fact that may have a date, with a copy of the date's bounds on the fact's own row.

    The copy lets one index serve "this speaker's statements in date order" and keyset
    pages in date order; CHECK constraints (``date_checks``) keep it consistent.
    """

    date_id: Mapped[int | None] = mapped_column(ForeignKey("dates.id"), index=True)
    date_start: Mapped[dt.date | None] = mapped_column(
        Date, comment="A copy of the date's start_date."
    )
    date_end: Mapped[dt.date | None] = mapped_column(Date, comment="A copy of the date's end_date.")
    date_days: Mapped[int | None] = mapped_column(
        Integer, comment="Days from date_start to date_end: 0 for a single day."
    )
    sort_date: Mapped[dt.date] = mapped_column(
        Date,
        server_default=UNDATED.isoformat(),
        comment="date_start, or 9999-12-31 when undated: the default order.",
    )

    @declared_attr
    def date(cls) -> Mapped[DateInterval | None]:
        return relationship(DateInterval)


def date_copies(start: dt.date | None, end: dt.date | None) -> dict[str, dt.date | int | None]:
    """The columns a dated fact copies from its date (bounds ``start``, ``end``, or none):
    the one definition of them, which the loader's row descriptions (fact_rows) use."""
    return {
        "date_start": start,
        "date_end": end,
        "sort_date": start or UNDATED,
        "date_days": None if start is None or end is None else (end - start).days,
    }


def date_checks() -> tuple[CheckConstraint, CheckConstraint]:
    """The CHECK constraints that keep a DatedFact's copied bounds consistent."""
    return (
        CheckConstraint(
            "(date_id IS NULL AND date_start IS NULL AND date_end IS NULL)"
            " OR (date_id IS NOT NULL AND date_start IS NOT NULL AND date_end IS NOT NULL"
            " AND date_start <= date_end)",
            name="date_copied",
        ),
        CheckConstraint(
            f"sort_date = coalesce(date_start, '{UNDATED.isoformat()}')", name="sort_date"
        ),
    )


def date_order(table: str, *prefix: str) -> Index:
    """An index for date order (sort_date, id), after the columns of ``prefix``."""
    name = "_".join(("ix", table, *prefix, "date_order"))
    return Index(name, *prefix, "sort_date", "id")


def date_length(table: str) -> Index:
    """An index on date_days, so the longest interval of a kind of fact is read at once:
    it bounds how long before a date range a fact overlapping it can start."""
    return Index(f"ix_{table}_date_days", "date_days")


def link_sort_date(fact: str) -> Mapped[dt.date]:
    """A link row's copy of its fact's sort_date, written by the loader with the link
    (``factdb check`` compares the two). No default: a writer that forgot the copy fails
    as NOT NULL instead of dating the link 9999-12-31."""
    return mapped_column(Date, comment=f"A copy of the {fact}'s sort_date.")


def link_date_order(table: str, fact_column: str) -> Index:
    """Entity first, then date order: one entity's facts within some months are one
    range of the index, which also holds the fact's id."""
    return Index(f"ix_{table}_entity_id_date_order", "entity_id", "sort_date", fact_column)
