"""The factdb commands, run through Flask's CLI runner on a fresh database."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, inspect, select, update
from sqlalchemy.orm import Session

from factdb import create_app
from factdb.api.http import request_db
from factdb.config import SEED_DIR
from factdb.db import make_engine
from factdb.models import Evidence, Statement

SEED_FOLDER = SEED_DIR / "netanyahu-fails-to-impress-putin"


@pytest.fixture
def url(databases: Any) -> str:
    """A database with no tables yet."""
    return str(databases.new())


@pytest.fixture
def app(url: str) -> Iterator[Flask]:
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    yield app
    request_db.dispose(app)


@pytest.fixture
def cli(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


def run(cli: FlaskCliRunner, *args: str) -> Result:
    return cli.invoke(args=list(args))


def upgrade_and_seed(cli: FlaskCliRunner) -> None:
    for args in (("db", "upgrade"), ("seed",)):
        result = run(cli, *args)
        assert result.exit_code == 0, result.output


def statement_count(url: str) -> int:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return session.scalar(select(func.count()).select_from(Statement)) or 0
    finally:
        engine.dispose()


def test_upgrade_seed_and_check(cli: FlaskCliRunner, url: str) -> None:
    result = run(cli, "db", "upgrade")
    assert result.exit_code == 0, result.output
    assert result.stdout == "database upgraded to head\n"

    result = run(cli, "seed")
    assert result.exit_code == 0, result.output
    assert result.stdout == "loaded 1 source(s)\n"
    assert result.stderr.startswith("[1/1] netanyahu-fails-to-impress-putin: 26 entities, ")
    assert statement_count(url) == 12

    result = run(cli, "check")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("check passed")
    assert "FAIL" not in result.output


def test_seed_new_only_writes_what_seed_writes_and_refuses_a_second_time(
    cli: FlaskCliRunner, url: str, databases: Any
) -> None:
    assert run(cli, "db", "upgrade").exit_code == 0
    result = run(cli, "seed", "--new-only")
    assert result.exit_code == 0, result.output
    assert result.stdout == "loaded 1 source(s)\n"
    assert statement_count(url) == 12
    assert run(cli, "check").exit_code == 0

    # The same source again: the bulk path only adds new sources, and says so.
    result = run(cli, "seed", "--new-only")
    assert result.exit_code == 1
    # Progress is reported as each source is read; the batch is checked before writing.
    assert "nothing was loaded:" in result.stderr.splitlines()
    assert "source 'netanyahu-fails-to-impress-putin' is already loaded" in result.stderr
    assert statement_count(url) == 12


def test_load_bad_folder_prints_problems_and_exits_1(
    cli: FlaskCliRunner, url: str, tmp_path: Path
) -> None:
    upgrade_and_seed(cli)
    folder = tmp_path / SEED_FOLDER.name
    shutil.copytree(SEED_FOLDER, folder)
    facts_path = folder / "facts.yaml"
    data = yaml.safe_load(facts_path.read_text(encoding="utf-8"))
    statement = next(s for s in data["statements"] if s["key"] == "putin-hopes-close-ties")
    statement["text"] = "Russia hopes for nothing at all"
    statement["mode"] = "direct"
    facts_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    result = run(cli, "load", str(folder))

    assert result.exit_code == 1
    assert "loaded" not in result.stdout
    lines = result.stderr.splitlines()
    assert lines[0] == "nothing was loaded:"
    assert lines[1:] == [
        f"  {facts_path}: statements[2] 'putin-hopes-close-ties', field 'text': "
        "excerpt not found in the text: 'Russia hopes for nothing at all'"
    ]
    assert statement_count(url) == 12


def test_check_on_tampered_database_lists_failures(cli: FlaskCliRunner, url: str) -> None:
    upgrade_and_seed(cli)
    engine = make_engine(url)
    try:
        with Session(engine) as session, session.begin():
            session.execute(
                update(Evidence).where(Evidence.text == "He noted").values(text="He denied")
            )
    finally:
        engine.dispose()

    result = run(cli, "check")

    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    failures = [line for line in lines if line.startswith("FAIL ")]
    assert len(failures) == 1
    assert failures[0].startswith("FAIL evidence ")
    assert "'He denied'" in failures[0] and "'He noted'" in failures[0]
    assert lines[-1] == "1 failure(s)"


def test_downgrade_base_empties_the_schema(cli: FlaskCliRunner, url: str) -> None:
    upgrade_and_seed(cli)

    result = run(cli, "db", "downgrade", "base")

    assert result.exit_code == 0, result.output
    assert result.stdout == "database downgraded to base\n"
    engine = make_engine(url)
    try:
        inspector = inspect(engine)
        assert inspector.get_table_names() == ["alembic_version"]
        assert inspector.get_view_names() == []
    finally:
        engine.dispose()
