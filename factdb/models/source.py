"""Sources: the articles, their text stored verbatim, that every fact points into."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, String, Text, false, func
from sqlalchemy.orm import Mapped, column_property, mapped_column

from factdb.models.base import Base


class Source(Base):
    """One article, its text stored verbatim."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    # Deferred: evidence rows name their source, and must not drag its text along.
    text: Mapped[str] = mapped_column(Text, deferred=True)
    # Characters (code points) on both engines; read without loading the text.
    length: Mapped[int] = column_property(func.length(text))
    sha256: Mapped[str] = mapped_column(String(64))
    publisher: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(2000))
    published_on: Mapped[dt.date | None] = mapped_column(Date)
    year_note: Mapped[str | None] = mapped_column(
        Text, comment="How the year of dates written without one was established."
    )
    facts_sha256: Mapped[str] = mapped_column(String(64), comment="SHA-256 of the facts file.")
    drafted: Mapped[bool] = mapped_column(
        Boolean, server_default=false(), comment="Its facts file was drafted by factdb draft."
    )
