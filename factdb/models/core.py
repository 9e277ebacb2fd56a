"""The things facts are about: entities, their aliases, topics and dates."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factdb.models.base import Base, one_of
from factdb.models.evidence import EVIDENCE_ORDER, Evidence
from factdb.models.source import Source
from factdb.vocabulary import ALIAS_KINDS, DATE_BASES, DATE_PRECISIONS, ENTITY_KINDS, YEAR_BASES


class Entity(Base):
    """A person, country, organization, party, place or group, shared by all sources."""

    __tablename__ = "entities"
    __table_args__ = (one_of("kind", ENTITY_KINDS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(
        String(300), index=True, comment="casefold(name), for case-insensitive matching."
    )
    kind: Mapped[str] = mapped_column(String(20), index=True)
    description: Mapped[str] = mapped_column(Text)
    located_in_id: Mapped[int | None] = mapped_column(
        ForeignKey("entities.id", ondelete="SET NULL"), index=True
    )

    aliases: Mapped[list[EntityAlias]] = relationship(
        back_populates="entity", cascade="all, delete-orphan", order_by="EntityAlias.id"
    )
    located_in: Mapped[Entity | None] = relationship(remote_side="Entity.id")

    @property
    def distinct_aliases(self) -> list[EntityAlias]:
        """Each alias once, though several sources may give it."""
        first: dict[str, EntityAlias] = {}
        for alias in self.aliases:
            first.setdefault(alias.alias_key, alias)
        return list(first.values())

    evidence: Mapped[list[Evidence]] = relationship(
        cascade="all, delete-orphan", order_by=EVIDENCE_ORDER
    )


class EntityAlias(Base):
    """Another name of an entity, or a metonym that stands for it ("Moscow" for Russia),
    as one source gives it: a source's reload can then drop the aliases it dropped."""

    __tablename__ = "entity_aliases"
    __table_args__ = (
        UniqueConstraint("entity_id", "alias_key", "source_id"),
        one_of("kind", ALIAS_KINDS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"))
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(300))
    alias_key: Mapped[str] = mapped_column(String(300), index=True)
    kind: Mapped[str] = mapped_column(String(10))

    entity: Mapped[Entity] = relationship(back_populates="aliases")


class Topic(Base):
    """A subject that is not an entity: the annexation of parts of the West Bank."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(500))
    name_key: Mapped[str] = mapped_column(String(500), index=True)

    evidence: Mapped[list[Evidence]] = relationship(
        cascade="all, delete-orphan", order_by=EVIDENCE_ORDER
    )


class DateInterval(Base):
    """A date expression of a source, normalized to the interval [start_date, end_date]."""

    __tablename__ = "dates"
    __table_args__ = (
        one_of("precision", DATE_PRECISIONS),
        one_of("basis", DATE_BASES),
        one_of("year_basis", YEAR_BASES),
        CheckConstraint("start_date <= end_date", name="start_before_end"),
        CheckConstraint(
            "(basis = 'relative' AND anchor_date_id IS NOT NULL AND offset_days IS NOT NULL)"
            " OR (basis <> 'relative' AND anchor_date_id IS NULL AND offset_days IS NULL)",
            name="relative_has_anchor",
        ),
        CheckConstraint("length_days >= 1", name="length_positive"),
        Index("ix_dates_start_date_end_date", "start_date", "end_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    text: Mapped[str] = mapped_column(Text, comment="The expression as written.")
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    precision: Mapped[str] = mapped_column(String(20))
    basis: Mapped[str] = mapped_column(String(10))
    year_basis: Mapped[str] = mapped_column(String(10))
    anchor_date_id: Mapped[int | None] = mapped_column(
        ForeignKey("dates.id", ondelete="RESTRICT"), index=True
    )
    offset_days: Mapped[int | None] = mapped_column(Integer)
    length_days: Mapped[int] = mapped_column(Integer, default=1)
    note: Mapped[str | None] = mapped_column(Text, comment="Why an inferred date was inferred.")

    source: Mapped[Source] = relationship()
    anchor: Mapped[DateInterval | None] = relationship(remote_side="DateInterval.id")
    evidence: Mapped[list[Evidence]] = relationship(
        cascade="all, delete-orphan", order_by=EVIDENCE_ORDER
    )
