"""Evidence: the exact characters of a source that a fact rests on."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factdb.models.base import Base, exactly_one
from factdb.models.source import Source

# One nullable foreign key per kind of fact (an "exclusive arc"): real foreign keys,
# unlike a (fact_type, fact_id) pair, and exactly one of them is set.
FACT_COLUMNS = (
    "entity_id",
    "topic_id",
    "date_id",
    "role_id",
    "event_id",
    "statement_id",
    "position_id",
    "quantity_id",
)


def _fact_fk(table: str, index: bool = True) -> Mapped[int | None]:
    return mapped_column(ForeignKey(f"{table}.id", ondelete="CASCADE"), index=index)


class Evidence(Base):
    """A span [start_offset, end_offset) of a source's text, in Unicode code points."""

    __tablename__ = "evidence"
    __table_args__ = (
        CheckConstraint("start_offset >= 0 AND start_offset < end_offset", name="span_order"),
        exactly_one(FACT_COLUMNS, name="one_fact"),
        Index("ix_evidence_source_id_start_offset", "source_id", "start_offset"),
        # An entity's evidence in the order its detail embeds it: a popular entity has
        # evidence in thousands of sources, and its first 20 are read without a sort.
        Index(
            "ix_evidence_entity_id_order",
            "entity_id",
            "source_id",
            "start_offset",
            "end_offset",
            "id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    start_offset: Mapped[int] = mapped_column(Integer)
    end_offset: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, comment="The source's characters in the span.")

    entity_id: Mapped[int | None] = _fact_fk("entities", index=False)
    topic_id: Mapped[int | None] = _fact_fk("topics")
    date_id: Mapped[int | None] = _fact_fk("dates")
    role_id: Mapped[int | None] = _fact_fk("roles")
    event_id: Mapped[int | None] = _fact_fk("events")
    statement_id: Mapped[int | None] = _fact_fk("statements")
    position_id: Mapped[int | None] = _fact_fk("positions")
    quantity_id: Mapped[int | None] = _fact_fk("quantities")

    source: Mapped[Source] = relationship(lazy="joined", innerjoin=True)


# How a fact's evidence is listed: in text order, ties broken for a stable answer.
EVIDENCE_ORDER = (Evidence.start_offset, Evidence.end_offset, Evidence.id)
