"""Facts drawn from one source: roles, events, statements, positions and quantities."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factdb.models.base import Base, exactly_one, one_of
from factdb.models.core import Entity, Topic
from factdb.models.fact_base import (
    DatedFact,
    SourcedFact,
    date_checks,
    date_length,
    date_order,
    link_date_order,
    link_sort_date,
)
from factdb.vocabulary import (
    APPROXIMATIONS,
    EVENT_KINDS,
    EVENT_STATUSES,
    POSITION_OUTCOMES,
    STANCES,
    STATEMENT_MODES,
)


class Role(DatedFact, Base):
    """An office or affiliation: its holder, title and organization, when attested."""

    __tablename__ = "roles"
    __table_args__ = (
        *date_checks(),
        date_order("roles"),
        date_length("roles"),
        date_order("roles", "holder_id"),
        date_order("roles", "organization_id"),
        # A holder's or organization's roles in id order, the default order of /roles.
        Index("ix_roles_holder_id_id", "holder_id", "id"),
        Index("ix_roles_organization_id_id", "organization_id", "id"),
    )

    holder_id: Mapped[int] = mapped_column(ForeignKey("entities.id"))
    title: Mapped[str] = mapped_column(String(300))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"))

    holder: Mapped[Entity] = relationship(foreign_keys=[holder_id])
    organization: Mapped[Entity | None] = relationship(foreign_keys=[organization_id])


class EventParticipant(Base):
    """An entity taking part in an event, in a role (host, visitor, candidate…)."""

    __tablename__ = "event_participants"
    # Entity first, and covering: "this entity's events in these months" reads one range.
    __table_args__ = (link_date_order("event_participants", "event_id"),)

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(100))
    sort_date: Mapped[dt.date] = link_sort_date("event")

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
    __table_args__ = (
        one_of("kind", EVENT_KINDS),
        one_of("status", EVENT_STATUSES),
        *date_checks(),
        date_order("events"),
        date_order("events", "place_id"),
        date_length("events"),
    )

    kind: Mapped[str] = mapped_column(String(30), index=True)
    title: Mapped[str] = mapped_column(String(500))
    place_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"))
    part_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(
        String(10), comment="held, planned or cancelled, as the source saw it at its date."
    )

    place: Mapped[Entity | None] = relationship()
    part_of: Mapped[Event | None] = relationship(
        remote_side="Event.id", foreign_keys="Event.part_of_id"
    )
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
    __table_args__ = (link_date_order("statement_mentions", "statement_id"),)

    statement_id: Mapped[int] = mapped_column(
        ForeignKey("statements.id", ondelete="CASCADE"), primary_key=True
    )
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"), primary_key=True)
    sort_date: Mapped[dt.date] = link_sort_date("statement")

    entity: Mapped[Entity] = relationship()


class Statement(DatedFact, Base):
    """What someone said, quoted directly, reported, or a paraphrase around a quote."""

    __tablename__ = "statements"
    __table_args__ = (
        one_of("mode", STATEMENT_MODES),
        *date_checks(),
        date_order("statements"),
        date_length("statements"),
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
    relayed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("entities.id"), index=True, comment="Who relays the speaker's words."
    )
    relayed_by_text: Mapped[str | None] = mapped_column(
        String(300), comment="Who relays them, as the text names them."
    )

    speaker: Mapped[Entity] = relationship(foreign_keys=[speaker_id])
    relayed_by: Mapped[Entity | None] = relationship(foreign_keys=[relayed_by_id])
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
        date_length("positions"),
        date_order("positions", "holder_id"),
        date_order("positions", "target_entity_id"),
    )

    holder_id: Mapped[int] = mapped_column(ForeignKey("entities.id"))
    stance: Mapped[str] = mapped_column(String(20), index=True)
    target_entity_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"))
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
        one_of("approximation", APPROXIMATIONS),
        CheckConstraint(
            "approximation IS NULL OR approximate", name="approximation_is_approximate"
        ),
    )

    text: Mapped[str] = mapped_column(Text, comment="The quantity as written.")
    value: Mapped[float | None] = mapped_column(Float)
    min_value: Mapped[float | None] = mapped_column(Float)
    max_value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(50), index=True)
    approximate: Mapped[bool] = mapped_column(Boolean)
    approximation: Mapped[str | None] = mapped_column(
        String(10), comment="about, nearly, over, at_least, under or at_most; null as stated."
    )
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
    search_top_version: Mapped[str | None] = mapped_column(
        String(64), comment="The content version search_top was ranked on."
    )
