"""The bulk load path: new sources written with one executemany per table and batch,
producing the rows ``load_plans`` would (same ids, same values, same search documents).
The conflicts between reports are the same too, but found once per batch rather than
after each source, so their ids (and with them the content version) can differ.

It only inserts: a source, or a fact key, that is already stored is a SeedError naming
it, and that batch writes nothing. Entities and topics, which sources share, are matched,
described, refused or updated as the ORM writer does. Ids are taken in the order the ORM writer's
flushes take them, from the largest stored id (and, on PostgreSQL, the sequence, which
is advanced past the batch's ids). The entities, aliases, entity documents and topics
are read once per call and kept in memory: no other writer may run meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Table, bindparam, func, insert, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from factdb.loader import PlanMaker
from factdb.loader.across import resolve_across
from factdb.loader.apply import update_content_version
from factdb.loader.bulk_batch import Rows, Written
from factdb.loader.bulk_catalog import Catalog
from factdb.loader.bulk_rows import SourceRows
from factdb.loader.conflicts import refresh_conflicts
from factdb.loader.errors import Problem, SeedError
from factdb.loader.fact_rows import SECTIONS
from factdb.loader.lookup import one_of
from factdb.loader.plan import Plan
from factdb.loader.reports import link_problems, links_hold, regroup, regroup_sources
from factdb.loader.shared import Loaded
from factdb.models import Base, Source

__all__ = ["bulk_load_plans"]

TABLES = {table.name: table for table in Base.metadata.sorted_tables}
# Tables whose rows get an id of the loader's: all but the link tables and the dataset.
ID_TABLES = tuple(
    name
    for name, table in TABLES.items()
    if list(table.primary_key.columns.keys()) == ["id"]
    and name not in ("dataset", "conflicts", "conflict_values")  # found after the inserts
)


def bulk_load_plans(
    engine: Engine,
    makers: Iterable[PlanMaker],
    batch_size: int,
    progress: Callable[[Plan, Loaded], None] | None = None,
) -> int:
    """Insert new sources in transactions of ``batch_size`` sources; return how many.

    The calling convention of ``load_plans``: each maker builds its plan given the
    entity and topic slugs stored so far. Only one batch's plans (as rows) are held.
    """
    loaded = 0
    pending = iter(makers)
    catalog: Catalog | None = None
    expected_ids: dict[str, int] | None = None
    while True:
        with Session(engine) as session, session.begin():
            connection = session.connection()
            if catalog is None:
                catalog = Catalog(connection)
            first_ids = _next_ids(connection)
            rows = Rows(dict(first_ids))
            written: list[Written] = []
            for make in pending:
                plan = make(catalog.entity_slugs, catalog.topic_slugs)
                resolve_across(connection, plan)  # sources stored before this batch
                written.append(SourceRows(rows, catalog, plan).write())
                if progress is not None:
                    counts = {section: len(items) for section, items in plan.sections.items()}
                    progress(plan, Loaded(counts, written[-1].shared))
                if len(written) == batch_size:
                    break
            if written:
                _check_alone(written, expected_ids, first_ids)
                _check_new(connection, written)
                _write(connection, rows, catalog.changes())
                _link_reports(connection, written)
                _advance_sequences(connection, first_ids, rows.next_ids)
                update_content_version(session)
        if written:
            catalog.committed()
            expected_ids = rows.next_ids
        loaded += len(written)
        if len(written) < batch_size:
            return loaded


def _next_ids(connection: Connection) -> dict[str, int]:
    """The id the ORM would give the next row of each table."""
    ids = {}
    for name in ID_TABLES:
        largest = connection.scalar(select(func.max(TABLES[name].c.id))) or 0
        if connection.dialect.name == "postgresql":
            sequence = f"pg_sequence_last_value(pg_get_serial_sequence('{name}', 'id')::regclass)"
            largest = max(largest, connection.scalar(text(f"SELECT {sequence}")) or 0)
        ids[name] = largest + 1
    return ids


def _check_alone(
    written: list[Written], expected: dict[str, int] | None, found: dict[str, int]
) -> None:
    """Refuse a batch when another writer added rows since the last one: the entities
    kept in memory would no longer be those stored."""
    if expected is None or found == expected:
        return
    tables = ", ".join(name for name in found if found[name] != expected[name])
    message = (
        f"another writer added rows ({tables}) during the bulk load; this batch was not "
        "written (earlier batches were): load the remaining sources again"
    )
    raise SeedError([Problem(written[0].file, None, None, message)])


def _advance_sequences(
    connection: Connection, first: dict[str, int], after: dict[str, int]
) -> None:
    """On PostgreSQL, move each sequence past the ids this batch gave out."""
    if connection.dialect.name != "postgresql":
        return
    for name in ID_TABLES:
        if after[name] > first[name]:
            statement = text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :last)")
            connection.execute(statement, {"table": name, "last": after[name] - 1})


def _check_new(connection: Connection, written: list[Written]) -> None:
    """Raise a SeedError for the first source of the batch that is already stored, or
    that uses a fact key another source uses (stored, or earlier in the batch)."""
    slugs = [source.slug for source in written]
    stored = set(
        connection.scalars(select(Source.slug).where(one_of(connection, Source.slug, slugs)))
    )
    owners: dict[str, dict[str, str]] = {section: {} for section in SECTIONS}
    for section in SECTIONS:
        table, sources = TABLES[section], Source.__table__
        keys = [key for source in written for s, _, key in source.keys if s == section]
        if keys:  # one statement per kind of fact, whatever the batch's size
            query = (
                select(table.c.slug, sources.c.slug)
                .join(sources, sources.c.id == table.c.source_id)
                .where(one_of(connection, table.c.slug, keys))
            )
            owners[section].update({key: owner for key, owner in connection.execute(query)})
    seen: set[str] = set()
    for source in written:
        problems = []
        if source.slug in stored or source.slug in seen:
            message = (
                f"source {source.slug!r} is already loaded; the bulk path only adds new "
                "sources (load_plans updates one)"
            )
            problems.append(Problem(source.file, "source", "slug", message))
        seen.add(source.slug)
        for section, index, key in source.keys:
            owner = owners[section].setdefault(key, source.slug)
            if owner != source.slug:
                label = f"{section}[{index}] {key!r}"
                message = f"key {key!r} is already used by source {owner!r}"
                problems.append(Problem(source.file, label, "key", message))
        if problems:
            raise SeedError(problems)


def _write(connection: Connection, rows: Rows, changes: dict[str, Any]) -> None:
    """Insert the batch's rows, table after referenced table, then its updates."""
    for row in changes["new_entities"]:
        rows.refer("entities", row, "located_in_id", row["located_in_id"])
    rows.inserts["entities"] = changes["new_entities"]
    rows.inserts["topics"] = changes["new_topics"]
    documents = rows.inserts["search_documents"] + changes["new_documents"]
    rows.inserts["search_documents"] = sorted(documents, key=lambda row: row["id"])
    for name, table in TABLES.items():
        if rows.inserts.get(name):
            connection.execute(insert(table), rows.inserts[name])
    _update(connection, TABLES["entities"], changes["updated_entities"])
    _update(connection, TABLES["topics"], changes["updated_topics"])
    _update(connection, TABLES["search_documents"], changes["updated_documents"])
    for (name, column), values in rows.deferred.items():
        renamed = [{"id": row["id"], column: row["value"]} for row in values]
        _update(connection, TABLES[name], renamed)


def _link_reports(connection: Connection, written: list[Written]) -> None:
    """reports.regroup and the conflicts for the sources that name other sources'
    facts under same_as: new sources that do not cannot change another fact.

    The whole batch is linked at once (source by source, linking took twice as long
    as writing the rows). When a link is wrong, the batch is linked again source by
    source from a savepoint, so that the problems name the source and fact that
    load_plans would."""
    linking = [source for source in written if source.declared]
    if not linking:
        return
    savepoint = connection.begin_nested()
    if _link_batch(connection, linking):
        savepoint.commit()
        return
    savepoint.rollback()
    for source in linking:
        problems = []
        for section, declared in source.declared.items():
            found = link_problems(connection, source.file, source.source_id, section, declared)
            if not found:
                touched, found = regroup(
                    connection, source.file, source.source_id, section, declared
                )
                if not found:
                    refresh_conflicts(connection, section, touched)
            problems += found
        if problems:
            raise SeedError(problems)


def _link_batch(connection: Connection, linking: list[Written]) -> bool:
    """Link the sources' facts, all at once; False (with some written) when a link is
    wrong or would give a fact two reports of one source."""
    sections = {section for source in linking for section in source.declared}
    for section in sorted(sections):
        declared = {
            source.source_id: source.declared[section]
            for source in linking
            if section in source.declared
        }
        if not links_hold(connection, section, declared):
            return False
        touched, alone = regroup_sources(connection, declared, section)
        if not alone:
            return False
        refresh_conflicts(connection, section, touched)
    return True


def _update(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Set the columns of each row (all rows give the same columns), by id."""
    if not rows:
        return
    columns = [column for column in rows[0] if column != "id"]
    statement = (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values({column: bindparam(f"new_{column}") for column in columns})
    )
    parameters = [
        {"row_id": row["id"], **{f"new_{column}": row[column] for column in columns}}
        for row in rows
    ]
    connection.execute(statement, parameters)
