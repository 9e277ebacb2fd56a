"""Fixtures: a migrated and seeded database (SQLite, or PostgreSQL when asked), the app,
its test client and its CLI runner.

FACTDB_TEST_ENGINE=postgresql runs the suite on PostgreSQL; FACTDB_TEST_POSTGRES_URL
names the server (a maintenance database such as .../test). Each session and each
test that needs an empty database gets a fresh database of its own, dropped after.
Tests marked `postgres` need that server; without one they skip, unless
FACTDB_TEST_REQUIRE_POSTGRES=1 (CI), where a missing server is an error. Tests marked
`postgresql_run` run on the PostgreSQL run only (they start servers of their own).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from factdb import create_app, migrate
from factdb.api.http import request_db
from factdb.config import SEED_DIR
from factdb.db import make_engine
from factdb.loader import load_folders, source_folders

ENGINE = os.environ.get("FACTDB_TEST_ENGINE", "sqlite")
POSTGRES_URL = os.environ.get("FACTDB_TEST_POSTGRES_URL", "")
REQUIRE_POSTGRES = os.environ.get("FACTDB_TEST_REQUIRE_POSTGRES") == "1"


def postgres_available() -> str | None:
    """Why PostgreSQL tests cannot run, or None when they can."""
    if not POSTGRES_URL:
        return "no PostgreSQL configured (set FACTDB_TEST_POSTGRES_URL)"
    try:
        engine = create_engine(POSTGRES_URL)
        with engine.connect():
            pass
        engine.dispose()
    except Exception as error:  # any failure to connect means: no server here
        return f"PostgreSQL at {POSTGRES_URL} unreachable: {type(error).__name__}"
    return None


def require_postgres() -> None:
    reason = postgres_available()
    if reason is None:
        return
    if REQUIRE_POSTGRES:
        pytest.fail(f"PostgreSQL is required here but {reason}")
    pytest.skip(reason)


def pytest_configure(config: pytest.Config) -> None:
    if ENGINE not in ("sqlite", "postgresql"):
        raise pytest.UsageError(f"FACTDB_TEST_ENGINE must be sqlite or postgresql, not {ENGINE}")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `postgresql_run` run once, on the PostgreSQL run: on SQLite they are
    deselected (not skipped, which CI refuses)."""
    if ENGINE == "postgresql":
        return
    once = [item for item in items if item.get_closest_marker("postgresql_run") is not None]
    if once:
        config.hook.pytest_deselected(items=once)
        items[:] = [item for item in items if item not in once]


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres") is not None:
        require_postgres()


class DatabaseFactory:
    """Makes empty databases of the engine under test, and drops them afterwards."""

    def __init__(self, engine: str, tmp_dir: Path) -> None:
        self.engine = engine
        self.tmp_dir = tmp_dir
        self.created: list[str] = []

    def new(self, engine: str | None = None) -> str:
        engine = engine or self.engine
        name = f"factdb_test_{uuid.uuid4().hex[:12]}"
        if engine == "sqlite":
            return f"sqlite:///{self.tmp_dir / name}.sqlite3"
        require_postgres()
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self.created.append(name)
        return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if not self.created:
            return
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(ENGINE, tmp_path_factory.mktemp("databases"))
    yield factory
    factory.drop_all()


def seed(url: str) -> None:
    migrate.upgrade(url, "head")
    engine = make_engine(url)
    load_folders(engine, source_folders(SEED_DIR))
    engine.dispose()


def seeded_sqlite_for_wrk(databases: DatabaseFactory, corroborated: bool = False) -> str:
    """The path of a new seeded SQLite file, for the benchmark and soak harnesses, which
    load SQLite servers with wrk whatever the engine under test. Without wrk: a skip, or
    a failure where CI installs it. ``corroborated``: with a second and a third report
    of the seed's Sochi meeting (tests/second_report.py), which three sources then
    report, as the benchmark's Q7 asks."""
    if shutil.which("wrk") is None:
        message = "wrk is not installed (apt-get install -y wrk)"
        if REQUIRE_POSTGRES:  # set by CI, which installs wrk
            pytest.fail(message)
        pytest.skip(message)
    url = databases.new("sqlite")
    seed(url)
    path = url.removeprefix("sqlite:///")
    if corroborated:
        from tests.second_report import THIRD_SLUG, third_report, write_report

        folder = Path(path).with_suffix(".reports")
        engine = make_engine(url)
        load_folders(engine, [write_report(folder)])
        load_folders(engine, [write_report(folder, third_report(), slug=THIRD_SLUG)])
        engine.dispose()
    return path


@pytest.fixture(scope="session")
def seeded_url(databases: DatabaseFactory) -> str:
    """A database migrated to head and loaded with the seed, shared by read-only tests."""
    url = databases.new()
    seed(url)
    return url


@pytest.fixture
def empty_url(databases: DatabaseFactory) -> str:
    """A database migrated to head with no data, for one test."""
    url = databases.new()
    migrate.upgrade(url, "head")
    return url


@pytest.fixture
def blank_url(databases: DatabaseFactory) -> str:
    """A database with no tables at all, for one test."""
    return databases.new()


@pytest.fixture(scope="session")
def corroborated_url(databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The seed and a second report of some of its facts (tests/second_report.py), which
    disagrees with it on 5 fields: read only by the tests."""
    from tests.second_report import write_report

    url = databases.new()
    seed(url)
    engine = make_engine(url)
    load_folders(engine, [write_report(tmp_path_factory.mktemp("second-report"))])
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def corroborated_app(corroborated_url: str) -> Iterator[Flask]:
    app = create_app({"TESTING": True, "DATABASE_URL": corroborated_url})
    yield app
    request_db.dispose(app)


@pytest.fixture(scope="session")
def app(seeded_url: str) -> Iterator[Flask]:
    app = create_app({"TESTING": True, "DATABASE_URL": seeded_url})
    yield app
    request_db.dispose(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()
