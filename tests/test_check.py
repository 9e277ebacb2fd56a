"""check_database: silent on the seed, and it notices each kind of tampering."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from factdb.check import check_database
from factdb.config import SEED_DIR
from factdb.db import make_engine
from factdb.loader import load_folders, source_folders
from factdb.models import DateInterval, Event, EventParticipant, Evidence, Statement


def failures(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return check_database(session)


@pytest.fixture
def engine(empty_url: str) -> Iterator[Engine]:
    """A database of the test's own, loaded with the seed, free to tamper with."""
    engine = make_engine(empty_url)
    load_folders(engine, source_folders(SEED_DIR))
    assert failures(engine) == []
    yield engine
    engine.dispose()


def test_seeded_database_passes(seeded_url: str) -> None:
    engine = make_engine(seeded_url)
    try:
        assert failures(engine) == []
    finally:
        engine.dispose()


def test_changed_evidence_text_is_reported(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        row = session.scalars(
            select(Evidence).where(Evidence.text == "Russian President Vladimir Putin")
        ).first()
        assert row is not None
        evidence_id = row.id
        row.text = "Russian President Boris Yeltsin"

    found = failures(engine)

    assert found == [
        f"evidence {evidence_id}: stored text 'Russian President Boris Yeltsin' differs "
        "from the source's 'Russian President Vladimir Putin'"
    ]


def test_changed_relative_date_is_reported(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        session.execute(
            update(DateInterval)
            .where(DateInterval.slug == "moscow-objection-day")
            .values(start_date=dt.date(2019, 9, 9), end_date=dt.date(2019, 9, 9))
        )

    found = failures(engine)

    assert "'moscow-objection-day'" in found[0]
    assert "2019-09-10" in found[0]  # what the anchor gives
    # The facts dated by it still hold the old bounds in their copies.
    assert found[1:] and all("copied dates 2019-09-10..2019-09-10 differ" in f for f in found[1:])


def test_stale_copied_dates_are_reported(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        session.execute(
            update(Statement)
            .where(Statement.slug == "putin-hopes-close-ties")
            .values(date_start=dt.date(2019, 1, 1), sort_date=dt.date(2019, 1, 1))
        )

    found = failures(engine)

    assert found[0].startswith("statements 'putin-hopes-close-ties': copied dates 2019-01-01..")
    assert found[1] == (
        "statements 'putin-hopes-close-ties': date_days is 0, but its copied dates are "
        "254 days apart"
    )
    # Its mentions still hold the old sort_date, which now differs from the statement's.
    assert found[2:] and all(
        line.startswith("statement_mentions of statements 'putin-hopes-close-ties' and entity ")
        and line.endswith("differs from the fact's 2019-01-01")
        for line in found[2:]
    )


def test_a_wrong_date_length_is_reported(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        session.execute(update(Event).where(Event.slug == "sochi-visit").values(date_days=40))

    assert failures(engine) == [
        "events 'sochi-visit': date_days is 40, but its copied dates are 0 days apart"
    ]


def test_stale_link_sort_date_is_reported(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        event_id = session.scalars(select(Event.id).where(Event.slug == "sochi-visit")).one()
        session.execute(
            update(EventParticipant)
            .where(EventParticipant.event_id == event_id)
            .values(sort_date=dt.date(2001, 2, 3))
        )

    found = failures(engine)

    assert found and all(
        line.startswith("event_participants of events 'sochi-visit' and entity ")
        and "copied sort_date 2001-02-03 differs" in line
        for line in found
    )


def test_statement_without_evidence_is_reported(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        statement_id = session.scalars(
            select(Statement.id).where(Statement.slug == "putin-hopes-close-ties")
        ).one()
        deleted = session.execute(delete(Evidence).where(Evidence.statement_id == statement_id))
        assert deleted.rowcount == 2  # the quote and "Putin said at a press briefing"

    found = failures(engine)

    assert "statements 'putin-hopes-close-ties': no evidence span" in found
    assert all("putin-hopes-close-ties" in line for line in found)
