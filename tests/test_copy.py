"""`factdb copy`: ids kept, --replace, revision checks, failures that leave the target
recognisably incomplete, and a SQLite -> PostgreSQL -> SQLite round trip."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

import factdb.copy
from factdb import migrate
from factdb.check import check_database
from factdb.commands import copy_command
from factdb.copy import CopyError, copy_database
from factdb.db import make_engine
from factdb.loader import load_folders
from factdb.loader.search_top import ranked_version
from factdb.models import Base, Dataset, DateInterval
from tests.conftest import DatabaseFactory
from tests.second_report import write_report
from tests.test_api_drafting import load_drafting_source

Rows = dict[str, list[dict[str, Any]]]
BOTH_ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


# Not copied but ranked on the target after a copy (SQLite only): search_top, and the
# content version it was ranked on.
DERIVED = (Base.metadata.tables["search_top"], Dataset.__table__.c.search_top_version)


def _rows(url: str) -> Rows:
    """Every row of every table but the derived search_top, ordered by primary key."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table.name: [
                    {
                        key: value
                        for key, value in row._mapping.items()
                        if key != "search_top_version"
                    }
                    for row in connection.execute(
                        select(table).order_by(*table.primary_key.columns)
                    )
                ]
                for table in Base.metadata.sorted_tables
                if table is not DERIVED[0]
            }
    finally:
        engine.dispose()


def _ranked_on(url: str) -> tuple[str, str | None]:
    """(content version, the version search_top was ranked on)."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            content_version, ranked_on = connection.execute(
                select(Dataset.content_version, DERIVED[1])
            ).one()
            return content_version, ranked_on
    finally:
        engine.dispose()


def _execute(url: str, statement: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def _check(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return check_database(session)
    finally:
        engine.dispose()


def _migrated(databases: DatabaseFactory, engine: str, revision: str = "head") -> str:
    url = databases.new(engine)
    migrate.upgrade(url, revision)
    return url


@pytest.fixture(scope="module")
def source(databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite database holding the seed, a drafted source (every column of
    drafting filled) and a second report of the seed's facts (conflicts filled), read
    only by the tests."""
    url = databases.new("sqlite")
    _load_source(url, tmp_path_factory.mktemp("copy-source"))
    return url


def _load_source(url: str, folder: Path) -> None:
    load_drafting_source(url, folder)
    engine = make_engine(url)
    load_folders(engine, [write_report(folder)])
    engine.dispose()


@pytest.fixture(scope="module")
def source_rows(source: str) -> Rows:
    rows = _rows(source)
    assert all(rows.values()), "the seed fills every table"
    return rows


def test_sqlite_to_sqlite_keeps_ids_and_passes_check(
    databases: DatabaseFactory, source: str, source_rows: Rows
) -> None:
    target = _migrated(databases, "sqlite")
    seen: list[tuple[str, int, int]] = []
    counts = copy_database(source, target, batch_size=7, progress=lambda *s: seen.append(s))
    assert counts == {name: len(rows) for name, rows in source_rows.items()}
    assert _rows(target) == source_rows
    assert _check(target) == []
    content_version, ranked_on = _ranked_on(target)
    assert ranked_on == ranked_version(content_version), "search_top is ranked on the target"
    # One call per batch of 7, the last of each table at its total; the dataset comes last.
    evidence = [step for step in seen if step[0] == "evidence"]
    assert len(evidence) == -(-counts["evidence"] // 7)
    assert evidence[-1] == ("evidence", counts["evidence"], counts["evidence"])
    assert seen[-1] == ("dataset", 1, 1)


def test_the_command_writes_one_progress_line_per_table_when_not_a_terminal(
    databases: DatabaseFactory,
    source: str,
    source_rows: Rows,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Batches of 7: most tables report progress several times; CliRunner is no terminal.
    monkeypatch.setattr(factdb.copy, "copy_database", partial(copy_database, batch_size=7))
    target = _migrated(databases, "sqlite")
    result = CliRunner().invoke(copy_command, ["--from", source, "--to", target])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("copied ")
    assert "\r" not in result.stderr
    lines = result.stderr.splitlines()
    assert sorted(lines) == sorted(
        f"{name}, {len(rows)} row(s)" for name, rows in source_rows.items()
    )
    assert lines[-1] == "dataset, 1 row(s)"
    assert result.stderr.endswith("\n")


@pytest.mark.parametrize("engine", BOTH_ENGINES)
def test_replace_into_a_non_empty_target(
    databases: DatabaseFactory, source: str, source_rows: Rows, engine: str
) -> None:
    target = _migrated(databases, engine)  # first: skips when PostgreSQL is missing
    relative = [row for row in source_rows["dates"] if row["basis"] == "relative"]
    assert relative, "the seed has relative dates, whose anchors made DELETE FROM dates fail"
    copy_database(source, target)
    with pytest.raises(CopyError, match=r"not empty .*--replace"):
        copy_database(source, target)
    copy_database(source, target, replace=True)
    assert _rows(target) == source_rows
    assert _check(target) == []


@pytest.mark.parametrize("engine", BOTH_ENGINES)
def test_a_target_at_another_revision_is_refused(
    databases: DatabaseFactory, source: str, engine: str
) -> None:
    older = _migrated(databases, engine, "0001")
    with pytest.raises(CopyError, match="target is at revision 0001, the source at "):
        copy_database(source, older)
    blank = databases.new(engine)
    with pytest.raises(CopyError, match="target is at revision none"):
        copy_database(source, blank)
    with pytest.raises(CopyError, match="source has no factdb schema"):
        copy_database(blank, older)


@pytest.mark.postgres
def test_a_failed_copy_names_the_table_and_leaves_no_dataset_row(
    databases: DatabaseFactory, source_rows: Rows, tmp_path: Path
) -> None:
    target = _migrated(databases, "postgresql")
    bad_source = databases.new("sqlite")
    _load_source(bad_source, tmp_path)  # as the source
    fifth = source_rows["roles"][4]
    # SQLite keeps 400 characters in a VARCHAR(300); PostgreSQL refuses them.
    _execute(bad_source, f"UPDATE roles SET title = printf('%.400c', 'x') WHERE id = {fifth['id']}")
    with pytest.raises(CopyError, match=r"copying table roles failed.*--replace") as error:
        copy_database(bad_source, target, batch_size=3)
    assert "StringDataRightTruncation" in str(error.value)
    copied = _rows(target)
    assert copied["dataset"] == [], "no content version: the target is recognisably incomplete"
    assert copied["entities"] == source_rows["entities"]
    assert copied["roles"] == source_rows["roles"][:3], "the failing batch is rolled back"
    assert copied["evidence"] == []
    # The incomplete target must be replaced, not copied into.
    with pytest.raises(CopyError, match="not empty"):
        copy_database(bad_source, target)
    title = fifth["title"].replace("'", "''")
    _execute(bad_source, f"UPDATE roles SET title = '{title}' WHERE id = {fifth['id']}")
    copy_database(bad_source, target, replace=True)
    assert _rows(target) == source_rows


@pytest.mark.postgres
def test_sqlite_postgresql_sqlite_round_trip_is_identical(
    databases: DatabaseFactory, source: str, source_rows: Rows
) -> None:
    postgres = _migrated(databases, "postgresql")
    copy_database(source, postgres)
    assert _rows(postgres) == source_rows
    assert _ranked_on(postgres)[1] is None  # PostgreSQL ranks live
    back = _migrated(databases, "sqlite")
    copy_database(postgres, back)
    assert _rows(back) == source_rows
    assert _ranked_on(back)[1] == ranked_version(_ranked_on(back)[0])
    # The PostgreSQL sequences were moved past the copied ids.
    engine = make_engine(postgres)
    try:
        with engine.begin() as connection:
            for model in (DateInterval, Dataset):
                table = model.__table__
                highest = connection.scalar(select(func.max(table.c.id)))
                following = connection.scalar(
                    text(f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id'))")
                )
                assert following == highest + 1
    finally:
        engine.dispose()
