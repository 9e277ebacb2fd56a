"""Entities shared by sources: a second source's description is kept as its own, another
kind or name is refused, what it adds is reported; on both writers (ORM and bulk)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload

from factdb import create_app, migrate
from factdb.api.http import request_db
from factdb.check import check_database
from factdb.config import SEED_DIR
from factdb.db import make_engine
from factdb.loader import Enriched, Loaded, SeedError, Writer, load_folders, load_plans
from factdb.loader.bulk import bulk_load_plans
from factdb.models import Entity, EntityDescription, SearchDocument, Source
from tests.shared_source import HEZBOLLAH_HERE, SLUG, facts, write_source
from tests.test_loader import dump_tables

SEED_FOLDER = SEED_DIR / "netanyahu-fails-to-impress-putin"
SEED_SLUG = SEED_FOLDER.name
HEZBOLLAH_SEED = "Armed organization with positions in Syria that Israel has been striking"
WRITERS = {"orm": load_plans, "bulk": bulk_load_plans}
REPORT = (
    Enriched("hezbollah", ("Hizbullah", "Party of God"), (), True),
    Enriched("vladimir-putin", ("Kremlin leader",)),
)


@pytest.fixture
def engine(empty_url: str) -> Iterator[Engine]:
    engine = make_engine(empty_url)
    load_folders(engine, [SEED_FOLDER])
    yield engine
    engine.dispose()


def load(engine: Engine, folder: Path, writer: Writer | None = None) -> Loaded:
    return load_folders(engine, [folder], writer=writer)[folder.name]


def descriptions(engine: Engine, slug: str) -> list[tuple[str, str]]:
    """(source, description) of the entity, in id order."""
    with Session(engine) as session:
        rows = session.execute(
            select(Source.slug, EntityDescription.description)
            .join(EntityDescription, EntityDescription.source_id == Source.id)
            .join(Entity, Entity.id == EntityDescription.entity_id)
            .where(Entity.slug == slug)
            .order_by(EntityDescription.id)
        )
        return [(source, text) for source, text in rows]


def entity(engine: Engine, slug: str) -> tuple[str, str, str]:
    with Session(engine) as session:
        found = session.scalars(select(Entity).where(Entity.slug == slug)).one()
        return found.name, found.kind, found.description


def checked(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return check_database(session)


def edit_seed(parent: Path, edit: Any) -> Path:
    """A copy of the seed's folder under ``parent``, its facts changed by ``edit``."""
    folder = parent / SEED_SLUG
    folder.mkdir(parents=True)
    (folder / "article.txt").write_bytes((SEED_FOLDER / "article.txt").read_bytes())
    data = yaml.safe_load((SEED_FOLDER / "facts.yaml").read_text(encoding="utf-8"))
    edit({item["slug"]: item for item in data["entities"]}, data)
    (folder / "facts.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return folder


@pytest.mark.parametrize("writer", WRITERS)
def test_a_second_description_is_the_sources_own(
    engine: Engine, tmp_path: Path, writer: str
) -> None:
    loaded = load(engine, write_source(tmp_path, facts()), WRITERS[writer])

    assert loaded.shared == REPORT
    assert entity(engine, "hezbollah") == ("Hezbollah", "organization", HEZBOLLAH_SEED)
    both = [(SEED_SLUG, HEZBOLLAH_SEED), (SLUG, HEZBOLLAH_HERE)]
    assert descriptions(engine, "hezbollah") == both
    # The same words as the seed's: a row of its own, no new description reported.
    putin = descriptions(engine, "vladimir-putin")
    assert [source for source, _ in putin] == [SEED_SLUG, SLUG] and putin[0][1] == putin[1][1]
    assert descriptions(engine, "oren-dalmi")[0][0] == SLUG
    assert checked(engine) == []


def test_both_writers_write_the_same_rows(databases: Any, tmp_path: Path) -> None:
    tables = []
    for writer in WRITERS.values():
        url = databases.new()
        migrate.upgrade(url, "head")
        engine = make_engine(url)
        try:
            load_folders(engine, [SEED_FOLDER])
            load(engine, write_source(tmp_path / writer.__name__, facts()), writer)
            tables.append(dump_tables(engine))
        finally:
            engine.dispose()
    assert tables[0] == tables[1]
    assert len(tables[0]["entity_descriptions"]) == 26 + 4


def test_the_entity_document_lists_each_sources_description(empty_url: str, tmp_path: Path) -> None:
    engine = make_engine(empty_url)
    try:
        load_folders(engine, [SEED_FOLDER, write_source(tmp_path, facts())])
    finally:
        engine.dispose()
    app = create_app({"TESTING": True, "DATABASE_URL": empty_url})
    try:
        client = app.test_client()
        item = client.get("/api/v1/entities/hezbollah").get_json()["data"]
        page = client.get("/api/v1/entities?q=hezbollah").get_json()["data"]
        putin = client.get("/api/v1/entities/vladimir-putin").get_json()["data"]
    finally:
        request_db.dispose(app)
    assert item["description"] == HEZBOLLAH_SEED
    assert item["descriptions"] == [
        {"source": SEED_SLUG, "description": HEZBOLLAH_SEED},
        {"source": SLUG, "description": HEZBOLLAH_HERE},
    ]
    assert page[0]["descriptions"] == item["descriptions"]
    # Two sources in the same words: the words once, from the first.
    assert [row["source"] for row in putin["descriptions"]] == [SEED_SLUG]


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize(
    ("field", "value", "stored"),
    [("kind", "organization", "party"), ("name", "Yisrael Beiteinu", "Yisrael Beytenu")],
)
def test_another_kind_or_name_is_refused_and_nothing_loads(
    engine: Engine, tmp_path: Path, writer: str, field: str, value: str, stored: str
) -> None:
    data = facts()
    data["entities"][1][field] = value
    folder = write_source(tmp_path, data)
    before = dump_tables(engine)

    with pytest.raises(SeedError) as caught:
        load(engine, folder, WRITERS[writer])

    (problem,) = caught.value.problems
    assert problem.file == str(folder / "facts.yaml")
    assert problem.fact == "entities[1] 'yisrael-beytenu'"
    assert problem.field == field
    assert problem.message == (
        f"entity 'yisrael-beytenu' is stored as {field} {stored!r} (source {SEED_SLUG!r});"
        f" this file says {value!r}"
    )
    assert dump_tables(engine) == before


def test_the_load_command_reports_what_a_source_added(empty_url: str, tmp_path: Path) -> None:
    app: Flask = create_app({"TESTING": True, "DATABASE_URL": empty_url})
    try:
        cli = app.test_cli_runner()
        assert cli.invoke(args=["load", str(SEED_FOLDER)]).exit_code == 0
        folder = write_source(tmp_path, facts())
        first = cli.invoke(args=["load", str(folder)])
        again = cli.invoke(args=["load", str(folder)])
    finally:
        request_db.dispose(app)
    assert first.exit_code == 0, first.output
    lines = first.stderr.splitlines()
    assert lines[0].startswith(f"[1/1] {SLUG}: 4 entities, ")
    assert lines[1:] == [
        "  shared entity hezbollah: +2 aliases (Hizbullah, Party of God), +description",
        "  shared entity vladimir-putin: +1 alias (Kremlin leader)",
    ]
    # Reloaded unchanged, it adds nothing.
    assert again.exit_code == 0 and len(again.stderr.splitlines()) == 1


def test_the_defining_source_keeps_its_kind_while_another_lists_the_entity(
    engine: Engine, tmp_path: Path
) -> None:
    load(engine, write_source(tmp_path, facts()))

    def retype(entities: dict[str, Any], _: Any) -> None:
        entities["hezbollah"]["kind"] = "group"

    with pytest.raises(SeedError, match=f"stored as kind 'organization' \\(source '{SLUG}'\\)"):
        load(engine, edit_seed(tmp_path / "retyped", retype))
    assert entity(engine, "hezbollah")[1] == "organization"


def test_the_defining_source_may_change_its_own_description(engine: Engine, tmp_path: Path) -> None:
    load(engine, write_source(tmp_path, facts()))

    def redescribe(entities: dict[str, Any], _: Any) -> None:
        entities["hezbollah"]["description"] = "Lebanese armed organization"

    load(engine, edit_seed(tmp_path / "redescribed", redescribe))
    assert entity(engine, "hezbollah")[2] == "Lebanese armed organization"
    assert descriptions(engine, "hezbollah") == [
        (SEED_SLUG, "Lebanese armed organization"),
        (SLUG, HEZBOLLAH_HERE),
    ]
    assert checked(engine) == []


def test_when_the_defining_source_drops_an_entity_the_next_one_defines_it(
    engine: Engine, tmp_path: Path
) -> None:
    load(engine, write_source(tmp_path, facts()))

    def drop(entities: dict[str, Any], data: Any) -> None:
        data["entities"] = [item for slug, item in entities.items() if slug != "hezbollah"]

    load(engine, edit_seed(tmp_path / "dropped", drop))
    assert entity(engine, "hezbollah")[2] == HEZBOLLAH_HERE
    assert descriptions(engine, "hezbollah") == [(SLUG, HEZBOLLAH_HERE)]
    with Session(engine) as session:
        hezbollah = session.scalars(select(Entity.id).where(Entity.slug == "hezbollah")).one()
        body = session.scalars(
            select(SearchDocument.body).where(
                SearchDocument.fact_type == "entity", SearchDocument.fact_id == hezbollah
            )
        ).one()
    assert body.startswith(HEZBOLLAH_HERE)
    assert checked(engine) == []


def test_a_file_that_names_an_entity_twice_is_refused(engine: Engine, tmp_path: Path) -> None:
    data = facts()
    twin = {**data["entities"][2], "slug": "vladimir-putin-again", "evidence": ["Kremlin"]}
    data["entities"].append(twin)

    with pytest.raises(SeedError) as caught:
        load(engine, write_source(tmp_path, data))
    (problem,) = caught.value.problems
    assert (problem.fact, problem.field) == ("entities[4] 'vladimir-putin-again'", "slug")
    assert problem.message == "is the entity 'vladimir-putin' again; list each entity once"


@pytest.mark.parametrize("relation", ["distinct_descriptions", "distinct_aliases"])
def test_distinct_names_read_only_the_listed_entities_rows(
    engine: Engine, tmp_path: Path, relation: str
) -> None:
    """The first row of each description or alias is picked by a window in SQL; the
    entities' ids must reach the window's partition, or every request reads the whole
    table (a popular entity has a row for each of thousands of sources)."""
    load(engine, write_source(tmp_path, facts()))
    ran: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "row_number" in statement:
            ran.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        with Session(engine) as session:
            listed = session.scalars(
                select(Entity).options(selectinload(getattr(Entity, relation))).limit(50)
            ).all()
            assert any(getattr(entity, relation) for entity in listed)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    ((statement, parameters),) = ran
    table = "entity_descriptions" if relation == "distinct_descriptions" else "entity_aliases"
    with engine.connect() as connection:
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        if engine.dialect.name == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
            plan = [row[-1] for row in cursor.fetchall()]
            assert not [step for step in plan if step.startswith(f"SCAN {table}")], plan
            assert [step for step in plan if step.startswith(f"SEARCH {table}")], plan
        else:
            # The table is small here, so the planner would scan it anyway: forbid that,
            # and see whether the ids still reach an index condition.
            cursor.execute("SET enable_seqscan = off")
            cursor.execute(f"EXPLAIN (FORMAT JSON) {statement}", parameters)
            ((explained,),) = cursor.fetchall()
            conditions = [
                node.get("Index Cond", "")
                for node in _nodes(explained[0]["Plan"])
                if node.get("Relation Name") == table or table in node.get("Index Name", "")
            ]
            assert any("entity_id" in condition for condition in conditions), explained
        connection.rollback()


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)
