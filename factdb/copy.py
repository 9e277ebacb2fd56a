"""Copy a whole factdb database to another, typically a SQLite file into PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Table, delete, func, insert, select, text, union
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from factdb.check import check_database
from factdb.db import make_engine
from factdb.loader.search_top import rebuild_search_top
from factdb.loader.statistics import large_enough
from factdb.models import Base, Dataset, SearchTopHit
from factdb.sql import analyze

BATCH_SIZE = 1000
Progress = Callable[[str, int, int], None]  # table, rows copied so far, rows in all
# Copied last: a target without its row (the content version) is recognisably incomplete.
DATASET = Base.metadata.tables[Dataset.__tablename__]
# Derived from the search index: not copied, ranked again on the target after the copy.
SEARCH_TOP = Base.metadata.tables[SearchTopHit.__tablename__]
COPIED = [table for table in Base.metadata.sorted_tables if table is not SEARCH_TOP]
INCOMPLETE = "the target is incomplete (it has no dataset row): copy again with --replace"


class CopyError(Exception):
    """The copy cannot start, failed or did not verify; the message says why."""


@contextmanager
def _database_errors(doing: str, incomplete: bool = True) -> Iterator[None]:
    """Turn a database error while ``doing`` something into a CopyError saying so."""
    try:
        yield
    except SQLAlchemyError as error:
        cause = getattr(error, "orig", None) or error
        message = f"{doing} failed: {type(cause).__name__}: {str(cause).strip()}"
        raise CopyError(f"{message}; {INCOMPLETE}" if incomplete else message) from error


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _count(connection: Connection, table: Table) -> int:
    return int(connection.scalar(select(func.count()).select_from(table)) or 0)


def copy_database(
    source_url: str,
    target_url: str,
    *,
    replace: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Copy every row, ids included, from ``source_url`` into ``target_url``.

    The target must be migrated to the source's revision and empty, unless ``replace``
    (its rows are then deleted first, in one transaction). Each batch of rows is one
    transaction. The row counts are compared and ``factdb check`` runs on the target
    before the ``dataset`` row is copied, last: until then the target is incomplete.
    Then the frequent search terms are ranked on the target (search_top, SQLite only).
    Every table written is analyzed (the planner's statistics), the copied ones before
    the check, unless the database is too small to need it (loader.statistics).
    """
    source, target = make_engine(source_url), make_engine(target_url)
    try:
        reading = _database_errors("reading the databases", incomplete=False)
        with reading, source.connect() as src, target.connect() as dst:
            _check_revisions(src, dst)
            filled = [t.name for t in Base.metadata.sorted_tables if _count(dst, t)]
        if filled and not replace:
            raise CopyError(f"the target is not empty ({', '.join(filled)}); pass --replace")
        if filled:
            with _database_errors("emptying the target", incomplete=False), target.begin() as dst:
                for table in reversed(Base.metadata.sorted_tables):
                    _delete_all(dst, table)
        counts = {}
        for table in COPIED:
            if table is not DATASET:
                with _database_errors(f"copying table {table.name}"):
                    counts[table.name] = _copy_table(source, target, table, batch_size, progress)
        # Before the check: its queries are planned with the statistics too.
        with _database_errors("analyzing the copied tables"), target.begin() as dst:
            if large_enough(dst):
                analyze(dst, list(counts))
        _verify(target, counts)
        with _database_errors(f"copying table {DATASET.name}"):
            counts[DATASET.name] = _copy_dataset(source, target, progress)
        with _database_errors("ranking the frequent search terms", incomplete=False):
            rebuild_search_top(target)  # which analyzes search_top
        analyzing = _database_errors("analyzing the dataset table", incomplete=False)
        with analyzing, target.begin() as dst:
            if large_enough(dst):
                analyze(dst, [DATASET.name])
        return counts
    finally:
        source.dispose()
        target.dispose()


def _check_revisions(src: Connection, dst: Connection) -> None:
    have, want = _revision(dst), _revision(src)
    if want is None:
        raise CopyError("the source has no factdb schema (no Alembic revision)")
    if have != want:
        raise CopyError(
            f"the target is at revision {have or 'none (no factdb schema)'}, the source at "
            f"{want}: run `factdb db upgrade` on the target first"
        )


def _self_references(table: Table) -> list[Column[Any]]:
    """The columns by which a row points at another row of its table. Not fact_id: it
    is never past the row's own id, so id order inserts the row it names first, and
    it is checked at the end of a statement (NO ACTION), so one DELETE removes both."""
    return [
        fk.parent
        for fk in table.foreign_keys
        if fk.column.table is table and fk.parent.name != "fact_id"
    ]


def _delete_all(dst: Connection, table: Table) -> None:
    """Delete every row; rows that others of the table point at (ON DELETE RESTRICT, as
    dates.anchor_date_id) go only once nothing points at them any more."""
    self_refs = _self_references(table)
    if not self_refs:
        dst.execute(delete(table))
        return
    (key,) = table.primary_key.columns
    referenced = union(*(select(column).where(column.is_not(None)) for column in self_refs))
    while _count(dst, table):
        if not dst.execute(delete(table).where(key.not_in(referenced))).rowcount:
            raise CopyError(f"{table.name}: the target's rows refer to each other in a cycle")


def _copy_table(
    source: Engine, target: Engine, table: Table, batch_size: int, progress: Progress | None
) -> int:
    copied = 0
    with source.connect() as src:
        total = _count(src, table)
        for values in _rows_in_insert_order(src, table, batch_size):
            with target.begin() as dst:
                dst.execute(insert(table), values)
            copied += len(values)
            if progress is not None:
                progress(table.name, copied, total)
    return copied


def _copy_dataset(source: Engine, target: Engine, progress: Progress | None) -> int:
    """The dataset row and the sequences' reset, in one transaction, after all else."""
    with source.connect() as src:
        # No search_top was copied: its version is set when it is ranked on the target.
        values = [
            {**row._mapping, "search_top_version": None} for row in src.execute(select(DATASET))
        ]
    with target.begin() as dst:
        if values:
            dst.execute(insert(DATASET), values)
        _reset_sequences(dst)
    if values and progress is not None:
        progress(DATASET.name, len(values), len(values))
    return len(values)


def _rows_in_insert_order(
    src: Connection, table: Table, batch_size: int
) -> Iterator[list[dict[str, Any]]]:
    """Batches of rows; a row that points at another row of its table comes after it."""
    query = select(table).order_by(*table.primary_key.columns)
    if not _self_references(table):
        rows = src.execution_options(stream_results=True, yield_per=batch_size).execute(query)
        for batch in rows.partitions(batch_size):
            yield [dict(row._mapping) for row in batch]
        return
    # Such tables (entities, dates, events) are a small part of a corpus: sort in memory.
    self_refs = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    pending = {row.id: dict(row._mapping) for row in src.execute(query)}
    ordered: list[dict[str, Any]] = []
    placed: set[Any] = set()
    while pending:
        ready = [
            row_id
            for row_id, row in pending.items()
            if all(row[c] is None or row[c] in placed or row[c] == row_id for c in self_refs)
        ]
        if not ready:
            raise CopyError(f"{table.name}: rows refer to each other in a cycle")
        for row_id in ready:
            ordered.append(pending.pop(row_id))
            placed.add(row_id)
    for start in range(0, len(ordered), batch_size):
        yield ordered[start : start + batch_size]


def _reset_sequences(dst: Connection) -> None:
    """PostgreSQL: move each id sequence past the copied ids."""
    if dst.dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key:
            dst.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table.name}"
                )
            )


def _verify(target: Engine, counts: dict[str, int]) -> None:
    """Row counts, then ``factdb check``, on the target (still without its dataset row)."""
    with _database_errors("verifying the target"):
        with target.connect() as dst:
            found = {name: _count(dst, Base.metadata.tables[name]) for name in counts}
        wrong = {name: (n, found[name]) for name, n in counts.items() if found[name] != n}
        if wrong:
            raise CopyError(
                f"row counts differ after the copy (copied, found): {wrong}; {INCOMPLETE}"
            )
        with Session(target) as session:
            failures = check_database(session)
    if failures:
        raise CopyError(
            "factdb check failed on the target:\n" + "\n".join(failures) + f"\n{INCOMPLETE}"
        )
