"""The bulk load path writes exactly the rows the loader writes, on both engines."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factdb import migrate
from factdb.bench.synthetic import generate_plans
from factdb.check import check_database
from factdb.config import SEED_DIR
from factdb.db import make_engine
from factdb.loader import PlanMaker, SeedError, load_plans, reports, source_folders
from factdb.loader.background import prepared_makers
from factdb.loader.bulk import bulk_load_plans
from factdb.loader.bulk_catalog import Catalog
from factdb.loader.fact_rows import LATER_REFERENCES, SECTIONS, fact_row
from factdb.loader.plan import prepare_folder
from factdb.models import Base, Dataset, Source
from tests.conftest import DatabaseFactory

SEED = 7
BATCH = 7  # small, so that batch boundaries fall inside the corpus


def seed_makers() -> list[PlanMaker]:
    return list(prepared_makers(source_folders(SEED_DIR), prepare_folder, 0))


def new_database(databases: DatabaseFactory) -> str:
    url = databases.new()
    migrate.upgrade(url, "head")
    return url


def dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, by primary key, and the content version."""
    engine = make_engine(url)
    with engine.connect() as connection:
        tables = {
            table.name: [
                tuple(row)
                for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
        }
    engine.dispose()
    return tables


def load_both(
    databases: DatabaseFactory, *loads: tuple[str, Iterable[PlanMaker]] | tuple[str, int]
) -> tuple[str, str]:
    """Two new databases: one loaded by load_plans, one by bulk_load_plans."""
    urls = new_database(databases), new_database(databases)
    for url, loader in zip(urls, (load_plans, bulk_load_plans), strict=True):
        engine = make_engine(url)
        for kind, first in loads:
            makers = seed_makers() if kind == "seed" else generate_plans(40, SEED, 300, first)
            loader(engine, makers, batch_size=BATCH)
        engine.dispose()
    return urls


# Found again after each source by load_plans, once per batch by the bulk path: the
# same conflicts, whose ids can differ.
CONFLICT_TABLES = ("conflicts", "conflict_values")


def conflicts(tables: dict[str, list[tuple[Any, ...]]]) -> list[tuple[Any, ...]]:
    """Every conflict value with its conflict's columns, without the ids of either."""
    by_id = {row[0]: row[1:] for row in tables["conflicts"]}
    return sorted((*by_id[row[1]], *row[2:]) for row in tables["conflict_values"])


def assert_same_rows(orm_url: str, bulk_url: str) -> None:
    orm, bulk = dump(orm_url), dump(bulk_url)
    assert orm["sources"], "nothing was loaded"
    for name in orm:
        if name in (*CONFLICT_TABLES, "dataset"):
            continue
        assert len(orm[name]) == len(bulk[name]), name
        for expected, got in zip(orm[name], bulk[name], strict=True):
            assert expected == got, name
    assert conflicts(orm) == conflicts(bulk)
    assert len(orm["conflicts"]) == len(bulk["conflicts"])
    # The content version counts the largest id of each table.
    same_ids = all(
        max(row[0] for row in orm[name]) == max(row[0] for row in bulk[name])
        for name in CONFLICT_TABLES
        if orm[name]
    )
    assert (orm["dataset"][0][1] == bulk["dataset"][0][1]) == same_ids


def test_synthetic_sources_give_the_loaders_rows(databases: DatabaseFactory) -> None:
    orm_url, bulk_url = load_both(databases, ("synthetic", 1))
    assert_same_rows(orm_url, bulk_url)
    tables = dump(bulk_url)
    assert tables["conflicts"], "the synthetic reports disagree somewhere"
    # (A row's first value is a column of its kind's, not its id: the shared columns
    # come last.)
    row_id, fact_id = (columns("events").index(name) for name in ("id", "fact_id"))
    assert any(row[row_id] != row[fact_id] for row in tables["events"]), "no event reported twice"


def columns(table: str) -> list[str]:
    return list(Base.metadata.tables[table].columns.keys())


def test_linking_a_batch_reads_the_reports_of_linked_facts_only(
    databases: DatabaseFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows a batch's linking reads are those of the facts that several sources
    report, each at least once: not the rows of a fact no other source names (two
    facts in three), and not every row of the batch's sources."""
    url = new_database(databases)
    engine = make_engine(url)
    read: set[tuple[str, int]] = set()
    reading = reports._rows

    def recorded(connection: Any, table: Any, by: Any, values: Any) -> Any:
        rows = list(reading(connection, table, by, values))
        read.update((table.name, row.id) for row in rows)
        return iter(rows)

    monkeypatch.setattr(reports, "_rows", recorded)
    bulk_load_plans(engine, generate_plans(40, SEED, 300), batch_size=BATCH)
    engine.dispose()
    tables = dump(url)
    shared = set()
    for section in reports.REPORTED:
        row_id, fact_id = (columns(section).index(name) for name in ("id", "fact_id"))
        sizes = Counter(row[fact_id] for row in tables[section])
        shared |= {(section, row[row_id]) for row in tables[section] if sizes[row[fact_id]] > 1}
    assert shared, "no fact was reported twice"
    assert read - shared == set(), "read but not shared"
    assert shared - read == set(), "shared but not read"
    reported = sum(len(tables[section]) for section in reports.REPORTED)
    assert len(read) < reported / 2


def test_a_batch_with_a_wrong_link_is_refused_naming_its_source(
    databases: DatabaseFactory,
) -> None:
    """The batch is linked again source by source: the problem names the first source
    that names a fact not stored (sources 40 and 41 report facts of sources 10 to 40)."""
    url = new_database(databases)
    engine = make_engine(url)
    bulk_load_plans(engine, generate_plans(3, SEED, 300), batch_size=BATCH)
    with pytest.raises(SeedError) as caught:
        bulk_load_plans(engine, generate_plans(2, SEED, 300, first=40), batch_size=BATCH)
    problem = caught.value.problems[0]
    assert problem.file == str(Path("synthetic") / "dispatch-000040" / "facts.yaml")
    assert problem.fact is not None and "dispatch-000040-retold-" in problem.fact
    assert problem.field == "same_as"
    assert problem.message.startswith("no stored ") and "in another source" in problem.message
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Source)) == 3
    engine.dispose()


def test_a_batch_giving_a_fact_two_reports_of_one_source_is_refused(
    databases: DatabaseFactory,
) -> None:
    url = new_database(databases)
    engine = make_engine(url)
    bulk_load_plans(engine, generate_plans(30, SEED, 300), batch_size=BATCH)
    (make,) = generate_plans(1, SEED, 300, first=31)

    def twice(entities: set[str], topics: set[str]) -> Any:
        """Two statements of the source report one fact of another."""
        plan = make(entities, topics)
        reports = [item for item in plan.sections["statements"] if item["same_as"]]
        reports[1]["same_as"] = reports[0]["same_as"]
        return plan

    with pytest.raises(SeedError) as caught:
        bulk_load_plans(engine, [twice], batch_size=BATCH)
    (problem,) = caught.value.problems
    assert problem.file == str(Path("synthetic") / "dispatch-000031" / "facts.yaml")
    assert problem.field == "same_as"
    assert problem.message.endswith("a fact has one report per source")
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Source)) == 30
    engine.dispose()


def test_the_seed_then_synthetic_sources_give_the_loaders_rows(
    databases: DatabaseFactory,
) -> None:
    orm_url, bulk_url = load_both(databases, ("seed", 0), ("synthetic", 1), ("synthetic", 41))
    assert_same_rows(orm_url, bulk_url)
    engine = make_engine(bulk_url)
    with Session(engine) as session:
        assert check_database(session) == []
    engine.dispose()


def test_a_stored_source_is_refused_and_its_batch_writes_nothing(
    databases: DatabaseFactory,
) -> None:
    url = new_database(databases)
    engine = make_engine(url)
    bulk_load_plans(engine, generate_plans(3, SEED, 300), batch_size=BATCH)
    with Session(engine) as session:
        version = session.scalar(select(Dataset.content_version))
    again = [*generate_plans(2, SEED, 300, first=10), *generate_plans(1, SEED, 300, first=2)]
    with pytest.raises(SeedError) as caught:
        bulk_load_plans(engine, again, batch_size=BATCH)
    (problem,) = caught.value.problems
    assert problem.file == str(Path("synthetic") / "dispatch-000002" / "facts.yaml")
    assert (problem.fact, problem.field) == ("source", "slug")
    assert "'dispatch-000002' is already loaded" in problem.message
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Source)) == 3
        assert session.scalar(select(Dataset.content_version)) == version
    engine.dispose()


def test_a_stored_fact_key_is_refused(databases: DatabaseFactory) -> None:
    url = new_database(databases)
    engine = make_engine(url)
    bulk_load_plans(engine, generate_plans(1, SEED, 300), batch_size=BATCH)
    (make,) = generate_plans(1, SEED, 300, first=1)

    def renamed(entities: set[str], topics: set[str]) -> Any:
        plan = make(entities, topics)
        plan.source = {**plan.source, "slug": "another-source"}
        return plan

    with pytest.raises(SeedError) as caught:
        bulk_load_plans(engine, [renamed], batch_size=BATCH)
    problems = caught.value.problems
    assert problems[0].fact == "dates[0] 'dispatch-000001-visit-day'"
    assert problems[0].field == "key"
    assert problems[0].message == (
        "key 'dispatch-000001-visit-day' is already used by source 'dispatch-000001'"
    )
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Source)) == 1
    engine.dispose()


def test_the_loader_carries_on_after_a_bulk_load(databases: DatabaseFactory) -> None:
    """On PostgreSQL the sequences were moved past the bulk ids."""
    orm_url, bulk_url = new_database(databases), new_database(databases)
    orm, bulk = make_engine(orm_url), make_engine(bulk_url)
    load_plans(orm, generate_plans(20, SEED, 300), batch_size=BATCH)
    bulk_load_plans(bulk, generate_plans(10, SEED, 300), batch_size=BATCH)
    load_plans(bulk, generate_plans(10, SEED, 300, first=11), batch_size=BATCH)
    orm.dispose()
    bulk.dispose()
    assert_same_rows(orm_url, bulk_url)


def test_another_writer_between_batches_stops_the_bulk_load(
    databases: DatabaseFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The entities the bulk path keeps in memory would be stale: it refuses to go on."""
    url = new_database(databases)
    engine = make_engine(url)
    committed = Catalog.committed

    def and_another_writer(catalog: Catalog) -> None:  # right after the first batch
        committed(catalog)
        monkeypatch.setattr(Catalog, "committed", committed)
        load_plans(engine, generate_plans(1, SEED, 300, first=100, shared=False), batch_size=1)

    monkeypatch.setattr(Catalog, "committed", and_another_writer)
    with pytest.raises(SeedError) as caught:
        bulk_load_plans(engine, generate_plans(2 * BATCH, SEED, 300), batch_size=BATCH)
    (problem,) = caught.value.problems
    assert problem.message.startswith("another writer added rows (")
    assert problem.file == str(Path("synthetic") / f"dispatch-{BATCH + 1:06}" / "facts.yaml")
    with Session(engine) as session:  # the first batch and the other writer's source
        assert session.scalar(select(func.count()).select_from(Source)) == BATCH + 1
    engine.dispose()


class _AnyRow:
    """References for describing rows without a database: every reference is row 0."""

    def entity(self, slug: str) -> int:
        return 0

    def topic(self, slug: str) -> int:
        return 0

    def fact(self, section: str, key: str) -> int:
        return 0


def test_the_row_descriptions_give_every_column_of_the_fact_tables() -> None:
    """Both writers take a fact's columns from fact_rows alone: a column added to a
    fact's table but not described there would be written NULL by both, alike."""
    plans = [prepare_folder(folder).plan for folder in source_folders(SEED_DIR)]
    for section in SECTIONS:
        table = Base.metadata.tables[section]
        # fact_id is the writers' own: the row's id, until reports.regroup links it.
        expected = set(table.columns.keys()) - {"id", "source_id", "slug", "fact_id"}
        expected -= {LATER_REFERENCES[section][0]} if section in LATER_REFERENCES else set()
        described = [
            fact_row(section, plan, item, _AnyRow())
            for plan in plans
            for item in plan.sections[section]
        ]
        assert described, section
        for row in described:
            assert set(row.columns) == expected, section
            for links in row.links:
                link_columns = set(Base.metadata.tables[links.table].columns.keys())
                parent = f"{section.removesuffix('s')}_id"  # event_id, statement_id
                for _, values in links.wanted:
                    assert {parent, links.column, *values} == link_columns, links.table
