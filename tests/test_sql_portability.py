"""The SQL pieces written once per engine give the same answers on each."""

from __future__ import annotations

from sqlalchemy import literal, select, union_all

from factdb.db import make_engine
from factdb.sql import code_point_order, folded, search_words


def test_folding_is_unicode_aware_on_every_engine(seeded_url: str) -> None:
    engine = make_engine(seeded_url)
    with engine.connect() as connection:
        assert connection.scalar(select(folded(literal("PRÉSIDENT Élysée")))) == "président élysée"
    engine.dispose()


def test_text_sorts_by_code_point_on_every_engine(seeded_url: str) -> None:
    words = ["b", "B", "é", "a", "Z", "ä"]
    rows = union_all(*(select(literal(word).label("word")) for word in words)).subquery()
    engine = make_engine(seeded_url)
    with engine.connect() as connection:
        ordered = connection.scalars(
            select(rows.c.word).order_by(code_point_order(rows.c.word))
        ).all()
    engine.dispose()
    assert ordered == sorted(words)  # Python sorts str by code point


def test_search_input_keeps_only_words() -> None:
    assert search_words('"Putin" AND * NEAR(x, y) -- DROP') == [
        "Putin",
        "AND",
        "NEAR",
        "x",
        "y",
        "DROP",
    ]


def test_month_and_year_of_a_date_on_every_engine(seeded_url: str) -> None:
    import datetime as dt

    from factdb.sql import year_month, year_of

    day = literal(dt.date(2019, 8, 21))
    engine = make_engine(seeded_url)
    with engine.connect() as connection:
        assert connection.execute(select(year_month(day), year_of(day))).one() == (
            "2019-08",
            "2019",
        )
    engine.dispose()
