"""The text that full-text search indexes: one document per searchable fact."""

from sqlalchemy import Double, ForeignKey, Index, Integer, String, Text, UniqueConstraint
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


class SearchTopHit(Base):
    """One of the best-ranked documents of a frequent search term, as SQLite's bm25
    ranks a search for that term alone, with the score it gives.

    The best first page of a frequent word is otherwise found by scoring every document
    that holds it. Loading files, copying and ``factdb rank-search`` rank these rows
    again and record the content version they were ranked on
    (``Dataset.search_top_version``); the API uses them only while that is the current
    version. A cache of the index: no foreign key, so loads may delete documents before
    the rows are ranked again.
    """

    __tablename__ = "search_top"
    # Read backwards for the best first; ties on a score are few.
    __table_args__ = (Index("ix_search_top_term_score", "term", "score", "document_id"),)

    term: Mapped[str] = mapped_column(String(100), primary_key=True)
    document_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    score: Mapped[float] = mapped_column(Double)
