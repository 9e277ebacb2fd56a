"""Copy a whole factdb database to another, typically a SQLite file into PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Table, delete, func, insert, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from factdb.check import check_database
from factdb.db import make_engine
from factdb.models import Base

BATCH_SIZE = 1000
Progress = Callable[[str, int, int], None]  # table, rows copied so far, rows in all


class CopyError(Exception):
    """The copy cannot start or did not verify; the message says why."""


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
    (its rows are then deleted first). Each batch of rows is one transaction; at the
    end the row counts are compared and ``factdb check`` runs on the target.
    """
    source, target = make_engine(source_url), make_engine(target_url)
    try:
        with source.connect() as src, target.connect() as dst:
            _check_revisions(src, dst)
            _prepare_target(dst, replace)
        counts = {}
        for table in Base.metadata.sorted_tables:
            counts[table.name] = _copy_table(source, target, table, batch_size, progress)
        _reset_sequences(target)
        _verify(target, counts)
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
            f"the target is at revision {have}, the source at {want}: "
            "run `factdb db upgrade` on the target first"
        )


def _prepare_target(dst: Connection, replace: bool) -> None:
    filled = [t.name for t in Base.metadata.sorted_tables if _count(dst, t)]
    if filled and not replace:
        raise CopyError(f"the target is not empty ({', '.join(filled)}); pass --replace")
    for table in reversed(Base.metadata.sorted_tables):
        dst.execute(delete(table))
    dst.commit()


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


def _rows_in_insert_order(
    src: Connection, table: Table, batch_size: int
) -> Iterator[list[dict[str, Any]]]:
    """Batches of rows; a row that points at another row of its table comes after it."""
    query = select(table).order_by(*table.primary_key.columns)
    self_refs = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    if not self_refs:
        rows = src.execution_options(stream_results=True, yield_per=batch_size).execute(query)
        for batch in rows.partitions(batch_size):
            yield [dict(row._mapping) for row in batch]
        return
    # Such tables (entities, dates, events) are a small part of a corpus: sort in memory.
    pending = {row.id: dict(row._mapping) for row in src.execute(query)}
    ordered: list[dict[str, Any]] = []
    placed: set[Any] = set()
    while pending:
        ready = [
            row_id
            for row_id, row in pending.items()
            if all(row[c] is None or row[c] in placed for c in self_refs)
        ]
        if not ready:
            raise CopyError(f"{table.name}: rows refer to each other in a cycle")
        for row_id in ready:
            ordered.append(pending.pop(row_id))
            placed.add(row_id)
    for start in range(0, len(ordered), batch_size):
        yield ordered[start : start + batch_size]


def _reset_sequences(target: Engine) -> None:
    """PostgreSQL: move each id sequence past the copied ids."""
    if target.dialect.name != "postgresql":
        return
    with target.begin() as dst:
        for table in Base.metadata.sorted_tables:
            if "id" in table.c and table.c.id.primary_key:
                dst.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table.name}"
                    )
                )


def _verify(target: Engine, counts: dict[str, int]) -> None:
    with target.connect() as dst:
        wrong = {
            t.name: (counts[t.name], _count(dst, t))
            for t in Base.metadata.sorted_tables
            if _count(dst, t) != counts[t.name]
        }
    if wrong:
        raise CopyError(f"row counts differ after the copy (copied, found): {wrong}")
    with Session(target) as session:
        failures = check_database(session)
    if failures:
        raise CopyError("factdb check failed on the target:\n" + "\n".join(failures))
