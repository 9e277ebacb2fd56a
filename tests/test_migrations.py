"""The Alembic migrations: the schema they make, unmake and remake, and its constraints."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from factdb import migrate
from factdb.check import check_database
from factdb.config import SEED_DIR
from factdb.db import make_engine
from factdb.loader import load_folders, source_folders
from factdb.models import Base
from tests.drafting_source import facts, write_source
from tests.second_report import write_report

VIEWS = {
    "statements_view",
    "events_view",
    "event_participants_view",
    "positions_view",
    "roles_view",
    "quantities_view",
    "evidence_view",
    "conflicts_view",
}
MODEL_TABLES = {table.name for table in Base.metadata.sorted_tables}


def schema(url: str) -> tuple[set[str], set[str]]:
    """(tables, views) of the database, without the engine's own full-text tables."""
    engine = make_engine(url)
    try:
        inspector = inspect(engine)
        tables = {
            name
            for name in inspector.get_table_names()
            if not name.startswith(("search_fts", "entity_name_fts"))
        }
        return tables, set(inspector.get_view_names())
    finally:
        engine.dispose()


def scalar(url: str, query: str) -> Any:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(query)).scalar()
    finally:
        engine.dispose()


@pytest.fixture
def engine(empty_url: str) -> Iterator[Engine]:
    engine = make_engine(empty_url)
    yield engine
    engine.dispose()


def test_upgrade_creates_every_table_and_view(blank_url: str) -> None:
    assert schema(blank_url) == (set(), set())
    migrate.upgrade(blank_url, "head")
    assert schema(blank_url) == (MODEL_TABLES | {"alembic_version"}, VIEWS)
    assert scalar(blank_url, "SELECT version_num FROM alembic_version") == "0009"


def test_downgrade_to_base_removes_everything(blank_url: str) -> None:
    migrate.upgrade(blank_url, "head")
    migrate.downgrade(blank_url, "base")

    engine = make_engine(blank_url)
    try:
        inspector = inspect(engine)
        # Not even the FTS5 tables are left: only Alembic's own, empty, table.
        assert inspector.get_table_names() == ["alembic_version"]
        assert inspector.get_view_names() == []
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 0
            if engine.dialect.name == "sqlite":
                leftovers = connection.execute(
                    text("SELECT type, name FROM sqlite_master WHERE name <> 'alembic_version'")
                ).all()
                assert [row for row in leftovers if row[0] != "index"] == []
    finally:
        engine.dispose()


def test_downgrade_to_base_with_data(empty_url: str) -> None:
    """Relative dates point at their anchors: dropping a full dates table must work too."""
    engine = make_engine(empty_url)
    try:
        load_folders(engine, source_folders(SEED_DIR))
    finally:
        engine.dispose()

    migrate.downgrade(empty_url, "base")

    assert schema(empty_url) == ({"alembic_version"}, set())


def test_round_trip_up_down_up(blank_url: str) -> None:
    migrate.upgrade(blank_url, "head")
    migrate.downgrade(blank_url, "base")
    migrate.upgrade(blank_url, "head")

    assert schema(blank_url) == (MODEL_TABLES | {"alembic_version"}, VIEWS)
    engine = make_engine(blank_url)
    try:
        loaded = load_folders(engine, source_folders(SEED_DIR))
    finally:
        engine.dispose()
    assert loaded["netanyahu-fails-to-impress-putin"].counts["statements"] == 12
    assert scalar(blank_url, "SELECT count(*) FROM statements_view") == 12
    # The search index (FTS5 triggers or the tsvector column) was rebuilt too.
    if blank_url.startswith("sqlite"):
        query = "SELECT count(*) FROM search_fts WHERE search_fts MATCH 'Sochi'"
    else:
        query = "SELECT count(*) FROM search_documents WHERE document @@ 'sochi'::tsquery"
    assert scalar(blank_url, query) > 0


DATED = ("events", "roles", "statements", "positions")
COPIES = "SELECT slug, date_start, date_end, sort_date FROM {table} ORDER BY id"


def rows(url: str, query: str) -> list[tuple[Any, ...]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(query))]
    finally:
        engine.dispose()


def test_0003_copies_the_dates_of_facts_already_stored(empty_url: str) -> None:
    seeded_url = empty_url
    engine = make_engine(seeded_url)
    try:
        load_folders(engine, source_folders(SEED_DIR))
    finally:
        engine.dispose()
    loaded = {table: rows(seeded_url, COPIES.format(table=table)) for table in DATED}

    migrate.downgrade(seeded_url, "0002")
    migrate.upgrade(seeded_url, "head")

    for table in DATED:
        assert rows(seeded_url, COPIES.format(table=table)) == loaded[table], table
    undated = "SELECT count(*) FROM positions WHERE date_id IS NULL AND sort_date = '9999-12-31'"
    assert scalar(seeded_url, undated) > 0
    # The rebuilt tables kept their earlier CHECK constraints and gained the new ones.
    engine = make_engine(seeded_url)
    try:
        for values, constraint in (
            ("mode = 'shouted'", "mode"),
            ("sort_date = '2000-01-01'", "sort_date"),
            ("date_end = NULL", "date_copied"),
        ):
            update = f"UPDATE statements SET {values} WHERE id = (SELECT min(id) FROM statements)"
            with pytest.raises(IntegrityError, match=constraint), engine.begin() as connection:
                connection.execute(text(update))
    finally:
        engine.dispose()


LINK_COPIES = {
    "event_participants": "SELECT event_id, entity_id, sort_date FROM event_participants"
    " ORDER BY event_id, entity_id",
    "statement_mentions": "SELECT statement_id, entity_id, sort_date FROM statement_mentions"
    " ORDER BY statement_id, entity_id",
}


def test_0004_copies_the_sort_dates_of_links_already_stored(empty_url: str) -> None:
    engine = make_engine(empty_url)
    try:
        load_folders(engine, source_folders(SEED_DIR))
    finally:
        engine.dispose()
    loaded = {table: rows(empty_url, query) for table, query in LINK_COPIES.items()}
    assert all(loaded.values())
    dated = "SELECT count(*) FROM event_participants WHERE sort_date < '9999-12-31'"
    assert scalar(empty_url, dated) > 0

    migrate.downgrade(empty_url, "0003")
    migrate.upgrade(empty_url, "head")

    for table, query in LINK_COPIES.items():
        assert rows(empty_url, query) == loaded[table], table
    engine = make_engine(empty_url)
    try:
        with Session(engine) as session:
            assert check_database(session) == []
    finally:
        engine.dispose()


def test_models_and_migrations_do_not_drift(empty_url: str) -> None:
    # Raises alembic.util.exc.AutogenerateDiffsDetected when they differ.
    command.check(migrate.alembic_config(empty_url))


def insert(connection: Connection, table: str, **values: Any) -> int:
    names = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    query = f"INSERT INTO {table} ({names}) VALUES ({marks}) RETURNING id"
    return int(connection.execute(text(query), values).scalar_one())


def add_source(connection: Connection) -> int:
    return insert(
        connection, "sources", slug="s", title="S", text="Some text", sha256="0", facts_sha256="0"
    )


def add_entity(connection: Connection, kind: str = "person") -> int:
    return insert(
        connection, "entities", slug="e", name="E", name_key="e", kind=kind, description="d"
    )


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with engine.begin() as connection:
        source_id = add_source(connection)
        entity_id = add_entity(connection)
        span = {"start_offset": 0, "end_offset": 4, "text": "Some", "entity_id": entity_id}
        insert(connection, "evidence", source_id=source_id, **span)  # a real source: fine

    with pytest.raises(IntegrityError, match=r"(?i)foreign key"), engine.begin() as connection:
        insert(connection, "evidence", source_id=source_id + 1000, **span)

    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM evidence")).scalar() == 1


def test_check_constraint_rejects_unknown_entity_kind(engine: Engine) -> None:
    with pytest.raises(IntegrityError, match=r"(?i)check"), engine.begin() as connection:
        add_entity(connection, kind="city")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM entities")).scalar() == 0


def add_date(connection: Connection, source_id: int, start: str, end: str) -> int:
    return insert(
        connection,
        "dates",
        source_id=source_id,
        slug=f"d-{start}-{end}",
        text="then",
        start_date=start,
        end_date=end,
        precision="day",
        basis="explicit",
        year_basis="explicit",
        length_days=1,
    )


def test_check_constraint_rejects_date_ending_before_it_starts(engine: Engine) -> None:
    with engine.begin() as connection:
        source_id = add_source(connection)
        add_date(connection, source_id, "2019-09-12", "2019-09-12")

    with pytest.raises(IntegrityError, match="start_before_end"), engine.begin() as connection:
        add_date(connection, source_id, "2019-09-13", "2019-09-12")

    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM dates")).scalar() == 1


def test_views_answer_questions_without_ids(seeded_url: str) -> None:
    engine = make_engine(seeded_url)
    try:
        with engine.connect() as connection:
            texts = set(
                connection.execute(
                    text("SELECT text FROM statements_view WHERE speaker = 'Vladimir Putin'")
                ).scalars()
            )
    finally:
        engine.dispose()
    assert "The results of the Knesset election are very important to Moscow," in texts
    assert "It hopes that politicians will be elected who maintain close ties with Russia." in texts
    assert len(texts) == 5
    assert not any("Security coordination is always important" in t for t in texts)


def load_into(url: str, folders: list[Any]) -> None:
    engine = make_engine(url)
    try:
        load_folders(engine, folders)
    finally:
        engine.dispose()


RELATIVE = (
    "SELECT slug, start_date, end_date, offset_days, length_days FROM dates"
    " WHERE basis = 'relative' ORDER BY slug"
)


def test_0006_fills_the_new_columns_of_rows_already_stored(empty_url: str) -> None:
    load_into(empty_url, source_folders(SEED_DIR))
    relative = rows(empty_url, RELATIVE)
    texts = rows(empty_url, "SELECT slug, text FROM statements ORDER BY id")

    migrate.downgrade(empty_url, "0005")
    assert rows(empty_url, RELATIVE) == relative
    migrate.upgrade(empty_url, "head")

    assert rows(empty_url, RELATIVE) == relative
    rules = "SELECT DISTINCT relative_anchor, relative_unit FROM dates WHERE basis = 'relative'"
    assert rows(empty_url, rules) == [("date", "days")]
    same = "SELECT count(*) FROM dates WHERE relative_offset IS NOT DISTINCT FROM offset_days"
    assert scalar(empty_url, same) == scalar(empty_url, "SELECT count(*) FROM dates")
    for table in ("events", "roles", "statements", "positions", "quantities"):
        assert scalar(empty_url, f"SELECT count(*) FROM {table} WHERE NOT reviewed") == 0
    # Existing rows: held, not drafted, no approximation (the seed's own values come back
    # with the next load).
    assert rows(empty_url, "SELECT DISTINCT status FROM events") == [("held",)]
    assert scalar(empty_url, "SELECT count(*) FROM sources WHERE drafted") == 0
    assert scalar(empty_url, "SELECT count(*) FROM quantities WHERE approximation IS NULL") == 7
    assert rows(empty_url, "SELECT slug, text FROM statements ORDER BY id") == texts
    reviewed_in_view = "SELECT count(*) FROM statements_view WHERE reviewed"
    assert scalar(empty_url, reviewed_in_view) == len(texts)
    engine = make_engine(empty_url)
    try:
        with Session(engine) as session:
            assert check_database(session) == []
        for values, table, constraint in (
            ("approximation = 'roughly'", "quantities", "approximation"),
            ("approximation = 'about', approximate = false", "quantities", "is_approximate"),
            ("status = 'postponed'", "events", "status"),
            ("reviewed = NULL", "events", "reviewed"),
        ):
            update = f"UPDATE {table} SET {values} WHERE id = (SELECT min(id) FROM {table})"
            with (
                pytest.raises(IntegrityError, match=f"(?i){constraint}"),
                engine.begin() as connection,
            ):
                connection.execute(text(update))
        relative_without_rule = (
            "UPDATE dates SET relative_unit = NULL WHERE id = (SELECT min(id) FROM dates"
            " WHERE basis = 'relative')"
        )
        with pytest.raises(IntegrityError, match="relative_rule"), engine.begin() as connection:
            connection.execute(text(relative_without_rule))
    finally:
        engine.dispose()


def test_0006_downgrade_refuses_dates_anchored_on_the_published_date(
    empty_url: str, tmp_path: Path
) -> None:
    load_into(empty_url, [write_source(tmp_path, facts())])
    migrate.downgrade(empty_url, "0006")
    with pytest.raises(RuntimeError, match="council-founded, council-thursday"):
        migrate.downgrade(empty_url, "0005")
    assert scalar(empty_url, "SELECT version_num FROM alembic_version") == "0006"
    assert scalar(empty_url, "SELECT count(*) FROM dates WHERE relative_weekday IS NOT NULL") == 1


def test_0006_downgrade_keeps_calendar_rules_as_days_from_the_anchor(
    empty_url: str, tmp_path: Path
) -> None:
    data = facts()
    dates = {date["key"]: date for date in data["dates"]}
    dates["council-thursday"] = {
        "key": "council-thursday",
        "text": "on Thursday",
        "when": "--03-12",
    }
    dates["council-founded"]["relative"] = {
        "anchor": "council-talks",
        "offset": -75,
        "unit": "years",
    }
    data["dates"] = list(dates.values())
    load_into(empty_url, [write_source(tmp_path, data)])
    relative = rows(
        empty_url, "SELECT slug, start_date, end_date, length_days FROM dates ORDER BY slug"
    )

    migrate.downgrade(empty_url, "0005")
    offsets = dict(rows(empty_url, "SELECT slug, offset_days FROM dates WHERE basis = 'relative'"))
    # 1 June 2026 (the month three months after 12 March) and 1 January 1951.
    assert offsets == {"next-meeting": 81, "council-founded": -27464, "day-before-talks": -1}
    migrate.upgrade(empty_url, "head")

    restored = "SELECT slug, start_date, end_date, length_days FROM dates ORDER BY slug"
    assert rows(empty_url, restored) == relative
    engine = make_engine(empty_url)
    try:
        with Session(engine) as session:
            assert check_database(session) == []
    finally:
        engine.dispose()


REPORTED_TABLES = ("events", "roles", "statements", "positions", "quantities")


def test_0009_makes_every_stored_fact_a_fact_of_one_report(empty_url: str) -> None:
    engine = make_engine(empty_url)
    try:
        load_folders(engine, source_folders(SEED_DIR))
    finally:
        engine.dispose()
    loaded = {
        table: rows(empty_url, f"SELECT * FROM {table} ORDER BY 1, 2") for table in MODEL_TABLES
    }
    migrate.downgrade(empty_url, "0008")
    migrate.upgrade(empty_url, "head")
    for table in MODEL_TABLES:
        assert rows(empty_url, f"SELECT * FROM {table} ORDER BY 1, 2") == loaded[table], table
    for table in REPORTED_TABLES:
        assert scalar(empty_url, f"SELECT count(*) FROM {table} WHERE fact_id <> id") == 0
        assert scalar(empty_url, f"SELECT count(*) FROM {table}") > 0


def test_0009_downgrade_refuses_while_a_fact_has_several_reports(
    empty_url: str, tmp_path: Path
) -> None:
    engine = make_engine(empty_url)
    try:
        load_folders(engine, [*source_folders(SEED_DIR), write_report(tmp_path)])
    finally:
        engine.dispose()
    with pytest.raises(RuntimeError, match=r"cannot downgrade below 0009: .*1 events"):
        migrate.downgrade(empty_url, "0008")
    assert scalar(empty_url, "SELECT version_num FROM alembic_version") == "0009"
    assert scalar(empty_url, "SELECT count(*) FROM conflicts") == 5
