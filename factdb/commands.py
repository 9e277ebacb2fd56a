"""The factdb commands: migrations, loading, checking and serving."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from factdb import migrate
from factdb.app import create_api_app
from factdb.bench.cli import bench_command
from factdb.bench.draft import bench_draft_command
from factdb.bench.replica_cli import bench_replica_command
from factdb.bench.soak import soak_command
from factdb.bench.upgrade import bench_upgrade_command
from factdb.check import check_database
from factdb.config import SEED_DIR
from factdb.db import make_engine
from factdb.draft.command import draft_command
from factdb.loader import Loaded, SeedError, load_folders, source_folders
from factdb.loader.bulk import bulk_load_plans
from factdb.loader.remove import remove_source
from factdb.loader.search_top import rebuild_search_top
from factdb.match.command import match_command
from factdb.models import Source


def init_app(app: Flask) -> None:
    """Register the commands on the app, so `factdb` and `flask` both offer them."""
    app.cli.add_command(db_group)
    app.cli.add_command(seed_command)
    app.cli.add_command(load_command)
    app.cli.add_command(remove_command)
    app.cli.add_command(check_command)
    app.cli.add_command(rank_search_command)
    app.cli.add_command(serve_command)
    app.cli.add_command(diagram_command)
    app.cli.add_command(copy_command)
    app.cli.add_command(bench_command)
    app.cli.add_command(soak_command)
    app.cli.add_command(draft_command)
    app.cli.add_command(bench_draft_command)
    app.cli.add_command(match_command)
    app.cli.add_command(bench_upgrade_command)
    app.cli.add_command(bench_replica_command)


def _url() -> str:
    return str(current_app.config["DATABASE_URL"])


@click.group("db", help="Create, upgrade or remove the schema with the Alembic migrations.")
def db_group() -> None:
    pass


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Upgrade the database to REVISION (default: head)."""
    migrate.upgrade(_url(), revision)
    click.echo(f"database upgraded to {revision}")


@db_group.command("downgrade")
@click.argument("revision", default="-1")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Downgrade the database to REVISION (default: one step; 'base' removes everything)."""
    migrate.downgrade(_url(), revision)
    click.echo(f"database downgraded to {revision}")


def _load(folders: list[Path], bulk: bool = False) -> None:
    engine = make_engine(_url())
    total = len(folders)
    done = 0

    def progress(folder: Path, loaded: Loaded) -> None:
        nonlocal done
        done += 1
        summary = ", ".join(f"{count} {section}" for section, count in loaded.counts.items())
        click.echo(f"[{done}/{total}] {folder.name}: {summary}", err=True)
        for shared in loaded.shared:
            click.echo(f"  {shared}", err=True)

    try:
        load_folders(engine, folders, progress, bulk_load_plans if bulk else None)
    except SeedError as error:
        click.echo("nothing was loaded:", err=True)
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    click.echo(f"loaded {total} source(s)")


@click.command("seed")
@click.option(
    "--seed-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=SEED_DIR,
    show_default=True,
)
@click.option(
    "--new-only",
    is_flag=True,
    help="Insert-only bulk path, far faster: every source must be new (else nothing loads).",
)
@with_appcontext
def seed_command(seed_dir: Path, new_only: bool) -> None:
    """Load every source folder under the seed directory, in one transaction."""
    folders = source_folders(seed_dir)
    if not folders:
        raise click.ClickException(f"no source folders with a facts file under {seed_dir}")
    _load(folders, bulk=new_only)


@click.command("load")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def load_command(path: Path) -> None:
    """Load one source folder (its facts file and text) as an update."""
    _load([path])


@click.command("remove")
@click.argument("slug")
@with_appcontext
def remove_command(slug: str) -> None:
    """Remove the source SLUG: its reports of facts, its dates and evidence, and the
    entities and topics no other source supports. Facts that another source also
    reports stay."""
    engine = make_engine(_url())
    try:
        counts = remove_source(engine, slug)
    except LookupError as error:
        raise click.ClickException(str(error)) from None
    except SeedError as error:
        click.echo("nothing was removed:", err=True)
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    listed = ", ".join(f"{count} {section}" for section, count in counts.items())
    click.echo(f"removed {slug}: {listed}")


@click.command("check")
@with_appcontext
def check_command() -> None:
    """Verify spans, relative dates, references and evidence; exit 1 on any failure."""
    engine = make_engine(_url())
    try:
        with Session(engine) as session:
            failures = check_database(session)
    finally:
        engine.dispose()
    for failure in failures:
        click.echo(f"FAIL {failure}")
    if failures:
        click.echo(f"{len(failures)} failure(s)")
        sys.exit(1)
    click.echo("check passed: every span, date, reference and fact is consistent")


@click.command("rank-search")
@with_appcontext
def rank_search_command() -> None:
    """Rank the frequent search terms again (SQLite; loads and copies do it too)."""
    engine = make_engine(_url())
    try:
        terms = rebuild_search_top(engine)
    finally:
        engine.dispose()
    click.echo(f"ranked {terms} frequent search term(s)")


class _TableBars(ExitStack):
    """A click progress bar per table on stderr: redrawn in place on a terminal, else
    one line as each table starts."""

    def __init__(self) -> None:
        super().__init__()
        self._table: str | None = None
        self._update: Callable[[int], None] | None = None
        self._done = 0

    def __call__(self, table: str, done: int, total: int) -> None:
        if table != self._table or self._update is None:
            self.close()  # finishes the previous table's bar
            label = f"{table}, {total} row(s)"
            bar = self.enter_context(
                click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True)
            )
            self._update = bar.update
            self._table, self._done = table, 0
        self._update(done - self._done)
        self._done = done


@click.command("copy")
@click.option("--from", "source_url", required=True, help="SQLAlchemy URL to copy from.")
@click.option("--to", "target_url", required=True, help="SQLAlchemy URL to copy into.")
@click.option("--replace", is_flag=True, help="Empty a target that already holds rows.")
def copy_command(source_url: str, target_url: str, replace: bool) -> None:
    """Copy a whole database, ids included, e.g. a SQLite file into PostgreSQL.

    The target must be migrated first (factdb db upgrade). Row counts and factdb check
    are verified at the end.
    """
    from factdb.copy import CopyError, copy_database

    try:
        with _TableBars() as progress:
            counts = copy_database(source_url, target_url, replace=replace, progress=progress)
    except CopyError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"copied {sum(counts.values())} rows in {len(counts)} tables; check passed")


@click.command("diagram")
def diagram_command() -> None:
    """Print the schema as a Mermaid ER diagram, generated from the models."""
    from factdb.diagram import mermaid_er

    click.echo(mermaid_er(), nl=False)


def ensure_database(url: str) -> bool:
    """Create the schema when there is none, and load the seed when no source is
    loaded (so a first run whose seeding failed seeds again). True if it loaded."""
    engine = make_engine(url)
    try:
        if not inspect(engine).has_table("alembic_version"):
            migrate.upgrade(url, "head")
        with Session(engine) as session:
            if session.scalar(select(Source.id).limit(1)) is not None:
                return False
        load_folders(engine, source_folders(SEED_DIR))
        return True
    finally:
        engine.dispose()


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@with_appcontext
def serve_command(host: str, port: int, workers: int) -> None:
    """Serve the API with gunicorn, creating and seeding the database on first run."""
    if ensure_database(_url()):
        click.echo("created the database from the migrations and the seed", err=True)
    from factdb.serving import serve

    serve(current_app._get_current_object(), host=host, port=port, workers=workers)  # type: ignore[attr-defined]


def create_cli_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """The API app with the factdb commands registered on its CLI."""
    app = create_api_app(test_config)
    init_app(app)
    return app


main = FlaskGroup(
    name="factdb",
    help="factdb: a structured fact database for news articles.",
    create_app=create_cli_app,
    add_default_commands=False,
    add_version_option=False,
)
