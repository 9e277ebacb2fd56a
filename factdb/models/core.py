"""The things facts are about: entities, their aliases, topics and dates."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Mapped, aliased, mapped_column, relationship

from factdb.models.base import Base, one_of
from factdb.models.evidence import EVIDENCE_ORDER, Evidence
from factdb.models.source import Source
from factdb.vocabulary import (
    ALIAS_KINDS,
    DATE_BASES,
    DATE_PRECISIONS,
    ENTITY_KINDS,
    OFFSET_UNITS,
    RELATIVE_ANCHORS,
    WEEKDAY_DIRECTIONS,
    WEEKDAYS,
    YEAR_BASES,
)

# A relative date's rule: from an anchor date or published_on, either a whole number of
# units (offset_days repeating it in days for days and weeks) or a weekday near it.
RELATIVE_RULE = (
    "(basis <> 'relative' AND relative_anchor IS NULL AND anchor_date_id IS NULL"
    " AND offset_days IS NULL AND relative_offset IS NULL AND relative_unit IS NULL"
    " AND relative_weekday IS NULL AND relative_direction IS NULL)"
    " OR (basis = 'relative'"
    " AND ((relative_anchor = 'date' AND anchor_date_id IS NOT NULL)"
    " OR (relative_anchor = 'published' AND anchor_date_id IS NULL))"
    " AND ((relative_offset IS NOT NULL AND relative_unit IS NOT NULL"
    " AND relative_weekday IS NULL AND relative_direction IS NULL)"
    " OR (relative_offset IS NULL AND relative_unit IS NULL"
    " AND relative_weekday IS NOT NULL AND relative_direction IS NOT NULL))"
    " AND ((relative_unit IN ('days', 'weeks') AND offset_days = relative_offset"
    " * CASE relative_unit WHEN 'weeks' THEN 7 ELSE 1 END)"
    " OR ((relative_unit IS NULL OR relative_unit IN ('months', 'years'))"
    " AND offset_days IS NULL)))"
)


def _first_of_each(model: Any, value: Any) -> Any:
    """``model``'s rows (aliases or descriptions), only the first (by id) of each value
    an entity has. The filter on the rank sits inside the aliased subquery so that the
    loader's ``entity_id IN (...)`` reaches the window's partition, and each engine
    reads only the listed entities' rows (PostgreSQL pushes it down only then)."""
    ranked = select(
        model,
        func.row_number()
        .over(partition_by=(model.entity_id, value), order_by=model.id)
        .label("rank"),
    ).subquery()
    first = select(ranked).where(ranked.c.rank == 1).subquery()
    return aliased(model, first)


# Made when the mappers are configured: an aliased class needs them all.
@cache
def _first_alias() -> Any:
    return _first_of_each(EntityAlias, EntityAlias.alias_key)


@cache
def _first_description() -> Any:
    return _first_of_each(EntityDescription, EntityDescription.description)


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
    # The defining source's description (entity_descriptions holds every source's).
    description: Mapped[str] = mapped_column(Text)
    located_in_id: Mapped[int | None] = mapped_column(
        ForeignKey("entities.id", ondelete="SET NULL"), index=True
    )

    aliases: Mapped[list[EntityAlias]] = relationship(
        back_populates="entity", cascade="all, delete-orphan", order_by="EntityAlias.id"
    )
    # Every source's description, the defining source's first.
    descriptions: Mapped[list[EntityDescription]] = relationship(
        back_populates="entity", cascade="all, delete-orphan", order_by="EntityDescription.id"
    )
    located_in: Mapped[Entity | None] = relationship(remote_side="Entity.id")

    # Each alias and each description once, from the first source that gave it, picked
    # in SQL: a popular entity has a row for every source that names it (hundreds),
    # and the API shows only the distinct ones.
    distinct_aliases: Mapped[list[EntityAlias]] = relationship(
        lambda: _first_alias(),
        primaryjoin=lambda: _first_alias().entity_id == Entity.id,
        order_by=lambda: _first_alias().id,
        viewonly=True,
    )
    distinct_descriptions: Mapped[list[EntityDescription]] = relationship(
        lambda: _first_description(),
        primaryjoin=lambda: _first_description().entity_id == Entity.id,
        order_by=lambda: _first_description().id,
        viewonly=True,
    )

    evidence: Mapped[list[Evidence]] = relationship(
        cascade="all, delete-orphan", order_by=EVIDENCE_ORDER
    )


class EntityDescription(Base):
    """One source's description of an entity. The first row (by id) is the defining
    source's, and the entity's own ``description`` repeats it; another source that
    describes the entity otherwise keeps its words here without changing the entity's."""

    __tablename__ = "entity_descriptions"
    __table_args__ = (
        UniqueConstraint("entity_id", "source_id"),
        # The defining source's row, and the next ones, without reading all of a popular
        # entity's.
        Index("ix_entity_descriptions_entity_id_id", "entity_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"))
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text)

    entity: Mapped[Entity] = relationship(back_populates="descriptions")
    source: Mapped[Source] = relationship(lazy="joined", innerjoin=True)


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
        one_of("relative_anchor", RELATIVE_ANCHORS),
        one_of("relative_unit", OFFSET_UNITS),
        one_of("relative_weekday", WEEKDAYS),
        one_of("relative_direction", WEEKDAY_DIRECTIONS),
        CheckConstraint(RELATIVE_RULE, name="relative_rule"),
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
    offset_days: Mapped[int | None] = mapped_column(
        Integer, comment="A relative date's offset in days, when it counts days or weeks."
    )
    length_days: Mapped[int] = mapped_column(Integer, default=1)
    note: Mapped[str | None] = mapped_column(
        Text, comment="Why an inferred date was inferred, or how its own year was."
    )
    relative_anchor: Mapped[str | None] = mapped_column(
        String(10), comment="date (anchor_date_id) or published (the source's published_on)."
    )
    relative_offset: Mapped[int | None] = mapped_column(
        Integer, comment="Units from the anchor's first day."
    )
    relative_unit: Mapped[str | None] = mapped_column(String(10))
    relative_weekday: Mapped[str | None] = mapped_column(
        String(10), comment="The weekday on or before (after) the anchor's first day."
    )
    relative_direction: Mapped[str | None] = mapped_column(String(15))

    source: Mapped[Source] = relationship()
    anchor: Mapped[DateInterval | None] = relationship(remote_side="DateInterval.id")
    evidence: Mapped[list[Evidence]] = relationship(
        cascade="all, delete-orphan", order_by=EVIDENCE_ORDER
    )

    @property
    def rule(self) -> dict[str, str | int | None] | None:
        """A relative date's rule as the API shows it (None for the others): the anchor
        (published, or the anchor date's slug), then the offset or the weekday."""
        if self.relative_anchor is None:
            return None
        anchor = self.anchor.slug if self.anchor is not None else self.relative_anchor
        return {
            "anchor": anchor,
            "offset": self.relative_offset,
            "unit": self.relative_unit,
            "weekday": self.relative_weekday,
            "direction": self.relative_direction,
        }
