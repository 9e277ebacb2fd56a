"""`factdb bench-upgrade`: how long `factdb db upgrade` takes on a large database made
before facts had several reports (migration 0009), and that it loses nothing.

Today's loader writes the columns 0009 adds, so the corpus is built at head without
shared reporting (each fact one source's, as before 0009), stepped down to the revision
before 0009, and upgraded again, timed. Before and after: the rows of every table, and
after: every fact its own (fact_id = id), and `factdb check`.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import click
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from factdb import migrate
from factdb.check import check_database
from factdb.db import make_engine

REPORTS_REVISION = "0009"  # facts reported by several sources
REPORTED = ("events", "roles", "statements", "positions", "quantities")


def revision_before(revision: str = REPORTS_REVISION) -> str:
    """The revision that ``revision`` upgrades from."""
    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    before = script.get_revision(revision).down_revision
    assert isinstance(before, str), f"{revision} has one parent"
    return before


@dataclass
class UpgradeReport:
    engine: str
    upgrade_seconds: float
    # Rows of every table before and after (the tables the upgrade adds are empty).
    rows_before: dict[str, int]
    rows_after: dict[str, int]
    # Facts whose fact_id is not their id after the upgrade (each is its own fact).
    not_their_own: int
    check_failures: list[str]

    @property
    def lost(self) -> dict[str, tuple[int, int]]:
        """Tables whose rows changed, as (before, after)."""
        return {
            name: (count, self.rows_after.get(name, -1))
            for name, count in self.rows_before.items()
            if self.rows_after.get(name) != count
        }

    @property
    def ok(self) -> bool:
        return not self.lost and not self.not_their_own and not self.check_failures


def table_rows(url: str) -> dict[str, int]:
    """The rows of every table of the database but Alembic's own."""
    engine = make_engine(url)
    try:
        names = sorted(set(inspect(engine).get_table_names()) - {"alembic_version"})
        with engine.connect() as connection:
            return {
                name: int(connection.scalar(text(f'SELECT count(*) FROM "{name}"')) or 0)
                for name in names
            }
    finally:
        engine.dispose()


def time_upgrade(url: str) -> UpgradeReport:
    """Upgrade the database at ``url`` (at the revision before 0009) to head, as
    `factdb db upgrade` does, timed; then count and check what it holds."""
    before = table_rows(url)
    started = time.perf_counter()
    migrate.upgrade(url, "head")
    seconds = time.perf_counter() - started
    after = table_rows(url)
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            not_their_own = sum(
                int(session.scalar(text(f"SELECT count(*) FROM {t} WHERE fact_id <> id")) or 0)
                for t in REPORTED
            )
            failures = check_database(session)
    finally:
        engine.dispose()
    return UpgradeReport(engine.dialect.name, seconds, before, after, not_their_own, failures)


def upgrade_sqlite(corpus: Path, scratch: Path) -> tuple[float, UpgradeReport]:
    """Step a copy of ``corpus`` (at head) down below 0009 and time its upgrade; the
    seconds the downgrade took and the report."""
    shutil.copyfile(corpus, scratch)
    url = f"sqlite:///{scratch}"
    started = time.perf_counter()
    migrate.downgrade(url, revision_before())
    downgrade = time.perf_counter() - started
    try:
        return downgrade, time_upgrade(url)
    finally:
        scratch.unlink()


def upgrade_postgres(corpus: Path, postgres_url: str) -> tuple[float, UpgradeReport]:
    """The same on PostgreSQL: the corpus copied into a bench database (factdb copy),
    stepped down, upgraded, and the database dropped."""
    from factdb.bench.postgres import bench_database, load_by_copy

    with bench_database(postgres_url) as url:
        load_by_copy(str(corpus.resolve()), url)
        started = time.perf_counter()
        migrate.downgrade(url, revision_before())
        downgrade = time.perf_counter() - started
        return downgrade, time_upgrade(url)


def _print(downgrade: float, report: UpgradeReport) -> dict[str, Any]:
    facts = sum(report.rows_before.get(name, 0) for name in REPORTED)
    click.echo(
        f"{report.engine}: upgrade {revision_before()} -> head {report.upgrade_seconds:.1f} s"
        f" ({facts:,} facts, {sum(report.rows_before.values()):,} rows);"
        f" downgrade {downgrade:.1f} s; rows lost or gained: {report.lost or 'none'};"
        f" facts not their own: {report.not_their_own};"
        f" check failures: {len(report.check_failures)}"
    )
    for failure in report.check_failures[:20]:
        click.echo(f"  {failure}", err=True)
    return {"downgrade_seconds": downgrade, **asdict(report), "ok": report.ok}


@click.command("bench-upgrade")
@click.option("--sources", type=click.IntRange(1), default=20_000, show_default=True)
@click.option(
    "--engines",
    default="sqlite",
    show_default=True,
    help="sqlite, or sqlite,postgresql: the corpus copied into PostgreSQL too.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the corpus is cached and upgrade-results.json goes [default: instance/bench].",
)
@click.option("--postgres-url", default=None, help="The bench database (factdb_bench…).")
def bench_upgrade_command(
    sources: int, engines: str, out_dir: Path | None, postgres_url: str | None
) -> None:
    """Time `factdb db upgrade` across 0009 on a corpus of SOURCES synthetic sources.

    Exits 1 when rows were lost, a fact is not its own, or `factdb check` fails.
    """
    from factdb.bench.build import build_database
    from factdb.bench.cli import DEFAULT_OUT, _engines
    from factdb.bench.postgres import DEFAULT_POSTGRES_URL, BenchDatabaseError, bench_name

    out_dir = out_dir or DEFAULT_OUT
    postgres_url = postgres_url or DEFAULT_POSTGRES_URL
    with_postgres = _engines(engines)
    if with_postgres:
        try:
            bench_name(postgres_url)
        except BenchDatabaseError as error:
            raise click.BadParameter(str(error), param_hint="--postgres-url") from None
    click.echo(f"corpus of {sources:,} sources, one per fact: building or reusing", err=True)
    corpus, build = build_database(out_dir / "corpora", sources, shared=False)
    runs = [_print(*upgrade_sqlite(corpus, out_dir / f"upgrade-{sources}.sqlite3"))]
    if with_postgres:
        runs.append(_print(*upgrade_postgres(corpus, postgres_url)))
    results = {
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "python": platform.python_version()},
        "sources": sources,
        "build": asdict(build),
        "runs": runs,
    }
    (out_dir / "upgrade-results.json").write_text(json.dumps(results, indent=2))
    click.echo(f"wrote {out_dir / 'upgrade-results.json'}", err=True)
    if not all(run["ok"] for run in runs):
        raise SystemExit(1)
