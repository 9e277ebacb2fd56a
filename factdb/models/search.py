"""The text that full-text search indexes: one document per searchable fact."""

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from factdb.models.base import Base, one_of

SEARCH_TYPES = ("entity", "event", "statement", "position")


class SearchDocument(Base):
    """Searchable text of a fact. The engine's index over it is made by the migrations:
    an FTS5 table kept in step by triggers on SQLite, a generated tsvector column with a
    GIN index on PostgreSQL."""

    __tablename__ = "search_documents"
    __table_args__ = (UniqueConstraint("fact_type", "fact_id"), one_of("fact_type", SEARCH_TYPES))

    id: Mapped[int] = mapped_column(primary_key=True)
    fact_type: Mapped[str] = mapped_column(String(20))
    fact_id: Mapped[int] = mapped_column(Integer)
    slug: Mapped[str] = mapped_column(String(200))
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
