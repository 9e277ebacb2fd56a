"""Conflicts: where the sources that report one fact disagree on one of its fields."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factdb.models.base import Base, exactly_one, one_of
from factdb.models.facts import Event, Position, Quantity, Role, Statement
from factdb.models.source import Source
from factdb.vocabulary import CONFLICT_FIELDS

# The kinds of fact that several sources may report, by the column naming one of them.
REPORTED_COLUMNS = ("role_id", "event_id", "statement_id", "position_id", "quantity_id")


def _fact(table: str) -> Mapped[int | None]:
    return mapped_column(ForeignKey(f"{table}.id", ondelete="CASCADE"), index=True)


class Conflict(Base):
    """One field of one fact on which its reports disagree: a date that does not
    overlap, another place, speaker, mode or value. The fact is named by its first
    report (one of the columns is set); each report's value is a ConflictValue."""

    __tablename__ = "conflicts"
    __table_args__ = (
        exactly_one(REPORTED_COLUMNS, name="one_fact"),
        one_of("field", CONFLICT_FIELDS),
        Index("ix_conflicts_field_id", "field", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    field: Mapped[str] = mapped_column(String(20))
    role_id: Mapped[int | None] = _fact("roles")
    event_id: Mapped[int | None] = _fact("events")
    statement_id: Mapped[int | None] = _fact("statements")
    position_id: Mapped[int | None] = _fact("positions")
    quantity_id: Mapped[int | None] = _fact("quantities")

    role: Mapped[Role | None] = relationship()
    event: Mapped[Event | None] = relationship()
    statement: Mapped[Statement | None] = relationship()
    position: Mapped[Position | None] = relationship()
    quantity: Mapped[Quantity | None] = relationship()
    values: Mapped[list[ConflictValue]] = relationship(
        cascade="all, delete-orphan", order_by="ConflictValue.id"
    )


class ConflictValue(Base):
    """One report's value of a conflicting field: the report (one column is set), its
    source, and the value as text."""

    __tablename__ = "conflict_values"
    __table_args__ = (exactly_one(REPORTED_COLUMNS, name="one_report"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conflict_id: Mapped[int] = mapped_column(
        ForeignKey("conflicts.id", ondelete="CASCADE"), index=True
    )
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    value: Mapped[str] = mapped_column(Text, comment="The report's value, as text.")
    role_id: Mapped[int | None] = _fact("roles")
    event_id: Mapped[int | None] = _fact("events")
    statement_id: Mapped[int | None] = _fact("statements")
    position_id: Mapped[int | None] = _fact("positions")
    quantity_id: Mapped[int | None] = _fact("quantities")

    source: Mapped[Source] = relationship()
    role: Mapped[Role | None] = relationship()
    event: Mapped[Event | None] = relationship()
    statement: Mapped[Statement | None] = relationship()
    position: Mapped[Position | None] = relationship()
    quantity: Mapped[Quantity | None] = relationship()
