"""Facts drawn from one source: roles, events, statements, positions and quantities."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, Date, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from factdb.models.base import Base, exactly_one, one_of
from factdb.models.core import DateInterval, Entity, Source, Topic
from factdb.models.evidence import EVIDENCE_ORDER, Evidence
from factdb.vocabulary import EVENT_KINDS, POSITION_OUTCOMES, STANCES, STATEMENT_MODES


class SourcedFact:
    """Columns every fact of a source has: its source and a slug unique per kind of fact."""

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)

    @declared_attr
    def source(cls) -> Mapped[Source]:
        return relationship(Source)

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
    sort_date: Mapped[dt.date] = mapped_column(
        Date,
        server_default=UNDATED.isoformat(),
        comment="date_start, or 9999-12-31 when undated: the default order.",
    )

    @declared_attr
    def date(cls) -> Mapped[DateInterval | None]:
        return relationship(DateInterval)

    def set_date(self, date: DateInterval | None) -> None:
        """Point at ``date`` (or none) and copy its bounds."""
        self.date = date
        bounds = (None, None) if date is None else (date.start_date, date.end_date)
        for column, value in date_copies(*bounds).items():
            setattr(self, column, value)


def date_copies(start: dt.date | None, end: dt.date | None) -> dict[str, dt.date | None]:
    """The columns a dated fact copies from its date (bounds ``start``, ``end``, or none):
    the one definition of them, for the ORM writer and the bulk path."""
    return {"date_start": start, "date_end": end, "sort_date": start or UNDATED}


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


class Role(DatedFact, Base):
    """An office or affiliation: its holder, title and organization, when attested."""

    __tablename__ = "roles"
    __table_args__ = (*date_checks(), date_order("roles"), date_order("roles", "holder_id"))

    holder_id: Mapped[int] = mapped_column(ForeignKey("entities.id"))
    title: Mapped[str] = mapped_column(String(300))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"), index=True)

    holder: Mapped[Entity] = relationship(foreign_keys=[holder_id])
    organization: Mapped[Entity | None] = relationship(foreign_keys=[organization_id])


class EventParticipant(Base):
    """An entity taking part in an event, in a role (host, visitor, candidate…)."""

    __tablename__ = "event_participants"
    # Entity first, and covering: "the events of this entity" reads the index alone.
    __table_args__ = (Index("ix_event_participants_entity_id_event_id", "entity_id", "event_id"),)

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(100))

    entity: Mapped[Entity] = relationship()


class EventTopic(Base):
    """A topic discussed at, or concerned by, an event."""

    __tablename__ = "event_topics"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"), primary_key=True, index=True)

    topic: Mapped[Topic] = relationship()


class Event(DatedFact, Base):
    """Something that happened: a meeting, a visit, an election, a strike…"""

    __tablename__ = "events"
    __table_args__ = (one_of("kind", EVENT_KINDS), *date_checks(), date_order("events"))

    kind: Mapped[str] = mapped_column(String(30), index=True)
    title: Mapped[str] = mapped_column(String(500))
    place_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"), index=True)
    part_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), index=True
    )

    place: Mapped[Entity | None] = relationship()
    part_of: Mapped[Event | None] = relationship(remote_side="Event.id")
    participants: Mapped[list[EventParticipant]] = relationship(
        cascade="all, delete-orphan", order_by=EventParticipant.entity_id
    )
    topics: Mapped[list[EventTopic]] = relationship(
        cascade="all, delete-orphan", order_by=EventTopic.topic_id
    )
    quantities: Mapped[list[Quantity]] = relationship(viewonly=True, order_by="Quantity.id")


class StatementMention(Base):
    """An entity that a statement mentions."""

    __tablename__ = "statement_mentions"
    __table_args__ = (
        Index("ix_statement_mentions_entity_id_statement_id", "entity_id", "statement_id"),
    )

    statement_id: Mapped[int] = mapped_column(
        ForeignKey("statements.id", ondelete="CASCADE"), primary_key=True
    )
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"), primary_key=True)

    entity: Mapped[Entity] = relationship()


class Statement(DatedFact, Base):
    """What someone said, quoted directly, reported, or a paraphrase around a quote."""

    __tablename__ = "statements"
    __table_args__ = (
        one_of("mode", STATEMENT_MODES),
        *date_checks(),
        date_order("statements"),
        date_order("statements", "speaker_id"),
    )

    speaker_id: Mapped[int] = mapped_column(ForeignKey("entities.id"))
    speaker_text: Mapped[str] = mapped_column(
        String(300), comment="The speaker as the text names it, e.g. Moscow for Russia."
    )
    mode: Mapped[str] = mapped_column(String(10), index=True)
    text: Mapped[str] = mapped_column(Text, comment="The source's own words.")
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), index=True
    )

    speaker: Mapped[Entity] = relationship()
    event: Mapped[Event | None] = relationship()
    mentions: Mapped[list[StatementMention]] = relationship(
        cascade="all, delete-orphan", order_by=StatementMention.entity_id
    )

    @property
    def mentioned_entities(self) -> list[Entity]:
        """The entities it mentions, in the order of their ids."""
        return [mention.entity for mention in self.mentions]


class Position(DatedFact, Base):
    """A stance of an entity for or against an entity or a topic."""

    __tablename__ = "positions"
    __table_args__ = (
        one_of("stance", STANCES),
        one_of("outcome", POSITION_OUTCOMES),
        exactly_one(("target_entity_id", "target_topic_id"), name="one_target"),
        *date_checks(),
        date_order("positions"),
        date_order("positions", "holder_id"),
    )

    holder_id: Mapped[int] = mapped_column(ForeignKey("entities.id"))
    stance: Mapped[str] = mapped_column(String(20), index=True)
    target_entity_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"), index=True)
    target_topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id"), index=True)
    outcome: Mapped[str | None] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(Text)
    statement_id: Mapped[int | None] = mapped_column(
        ForeignKey("statements.id", ondelete="SET NULL"), index=True
    )

    holder: Mapped[Entity] = relationship(foreign_keys=[holder_id])
    target_entity: Mapped[Entity | None] = relationship(foreign_keys=[target_entity_id])
    target_topic: Mapped[Topic | None] = relationship()
    statement: Mapped[Statement | None] = relationship()

    @property
    def target(self) -> Entity | Topic:
        """The entity or the topic the stance is about."""
        target = self.target_entity or self.target_topic
        assert target is not None, "CHECK one_target guarantees one"
        return target


class Quantity(SourcedFact, Base):
    """A number in the text: its value or range, unit, and the fact it describes."""

    __tablename__ = "quantities"
    __table_args__ = (
        exactly_one(("subject_entity_id", "subject_event_id"), name="one_subject"),
        CheckConstraint(
            "value IS NOT NULL OR min_value IS NOT NULL OR max_value IS NOT NULL",
            name="has_value",
        ),
        CheckConstraint(
            "min_value IS NULL OR max_value IS NULL OR min_value <= max_value", name="range_order"
        ),
    )

    text: Mapped[str] = mapped_column(Text, comment="The quantity as written.")
    value: Mapped[float | None] = mapped_column(Float)
    min_value: Mapped[float | None] = mapped_column(Float)
    max_value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(50), index=True)
    approximate: Mapped[bool] = mapped_column(Boolean)
    description: Mapped[str] = mapped_column(Text)
    subject_entity_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"), index=True)
    subject_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True
    )

    subject_entity: Mapped[Entity | None] = relationship()
    subject_event: Mapped[Event | None] = relationship()

    @property
    def subject(self) -> Entity | Event:
        """The entity or the event the number describes."""
        subject = self.subject_entity or self.subject_event
        assert subject is not None, "CHECK one_subject guarantees one"
        return subject


class Dataset(Base):
    """A single row whose content_version changes whenever loaded content changes."""

    __tablename__ = "dataset"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    content_version: Mapped[str] = mapped_column(String(64))
