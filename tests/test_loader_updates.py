"""Edits that remove things, and inputs found in review to slip past the loader's checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from factdb import create_app
from factdb.api.http import request_db
from factdb.check import check_database
from factdb.db import make_engine
from factdb.loader import SeedError, load_folders
from factdb.models import Dataset, Entity, EntityAlias, Event, SearchDocument, Statement
from factdb.models.fact_base import UNDATED
from tests.test_loader import SEED_FOLDER, Facts, copy_seed, item

SOURCE = "netanyahu-fails-to-impress-putin"


@pytest.fixture
def engine(empty_url: str) -> Iterator[Engine]:
    engine = make_engine(empty_url)
    load_folders(engine, [SEED_FOLDER])
    yield engine
    engine.dispose()


def reload(engine: Engine, tmp_path: Path, change: Any) -> None:
    load_folders(engine, [copy_seed(tmp_path, change)])


def aliases(engine: Engine, slug: str) -> set[tuple[str, str]]:
    with Session(engine) as session:
        query = (
            select(EntityAlias.alias, EntityAlias.kind)
            .join(Entity, Entity.id == EntityAlias.entity_id)
            .where(Entity.slug == slug)
        )
        return {(row.alias, row.kind) for row in session.execute(query)}


def test_a_removed_alias_and_metonym_are_removed(engine: Engine, tmp_path: Path) -> None:
    assert ("Moscow", "metonym") in aliases(engine, "russia")
    assert ("Putin", "alias") in aliases(engine, "vladimir-putin")

    def drop(data: Facts) -> None:
        item(data, "entities", "russia")["metonyms"] = []
        putin = item(data, "entities", "vladimir-putin")
        putin["aliases"] = [a for a in putin["aliases"] if a != "Putin"]

    reload(engine, tmp_path, drop)
    assert ("Moscow", "metonym") not in aliases(engine, "russia")
    assert ("Putin", "alias") not in aliases(engine, "vladimir-putin")


def test_located_in_set_to_null_is_applied(engine: Engine, tmp_path: Path) -> None:
    reload(engine, tmp_path, lambda data: item(data, "entities", "sochi").update(located_in=None))
    with Session(engine) as session:
        sochi = session.scalars(select(Entity).where(Entity.slug == "sochi")).one()
        assert sochi.located_in_id is None


def test_a_dropped_entity_leaves_no_search_document(engine: Engine, tmp_path: Path) -> None:
    def drop_moscow(data: Facts) -> None:
        data["entities"] = [e for e in data["entities"] if e["slug"] != "moscow"]

    reload(engine, tmp_path, drop_moscow)
    with Session(engine) as session:
        assert session.scalar(select(Entity.id).where(Entity.slug == "moscow")) is None
        documents = select(SearchDocument.slug).where(SearchDocument.fact_type == "entity")
        assert "moscow" not in set(session.scalars(documents))
        assert check_database(session) == []


def load_error(engine: Engine, folders: list[Path]) -> str:
    with pytest.raises(SeedError) as raised:
        load_folders(engine, folders)
    return str(raised.value)


def test_a_relative_date_beyond_the_calendar_is_a_named_error(
    engine: Engine, tmp_path: Path
) -> None:
    def far(data: Facts) -> None:
        item(data, "dates", "moscow-objection-day")["relative"]["offset_days"] = 100_000_000

    message = load_error(engine, [copy_seed(tmp_path, far)])
    assert "dates[" in message and "moscow-objection-day" in message
    assert "relative" in message and "offset_days" in message


def test_a_string_longer_than_its_column_is_a_named_error(engine: Engine, tmp_path: Path) -> None:
    role = "netanyahu-prime-minister"
    folder = copy_seed(tmp_path, lambda data: item(data, "roles", role).update(title="x" * 400))
    message = load_error(engine, [folder])
    assert "roles[" in message and role in message and "'title'" in message


def test_a_key_given_twice_in_a_mapping_is_an_error(engine: Engine, tmp_path: Path) -> None:
    folder = copy_seed(tmp_path, lambda data: None)
    path = folder / "facts.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  title: ", "  title: Twice\n  title: ", 1), encoding="utf-8")
    message = load_error(engine, [folder])
    assert "facts.yaml" in message and "'title' twice" in message


def test_a_matched_entity_is_referenced_by_its_stored_slug(engine: Engine, tmp_path: Path) -> None:
    # Source a defines "putin", matched by name to vladimir-putin; source b, loaded in
    # the same call, must not be able to use the slug "putin" that was never stored.
    folders = []
    for name, body in (
        ("a-source", "{slug: putin, name: Vladimir Putin, kind: person, description: x, "
         "evidence: [Vladimir Putin]}"),
        ("b-source", ""),
    ):  # fmt: skip
        folder = tmp_path / name
        folder.mkdir()
        (folder / "article.txt").write_text("Vladimir Putin spoke.", encoding="utf-8")
        facts = f"source: {{slug: {name}, title: T}}\n"
        if body:
            facts += f"entities:\n  - {body}\n"
        else:
            facts += (
                "statements:\n  - {key: b-said, speaker: putin, speaker_text: Putin, "
                "mode: indirect, text: spoke}\n"
            )
        (folder / "facts.yaml").write_text(facts, encoding="utf-8")
        folders.append(folder)
    message = load_error(engine, folders)
    assert "b-source" in message and "speaker" in message and "unknown entity 'putin'" in message


def test_a_fact_moved_to_another_date_moves_its_links(engine: Engine, tmp_path: Path) -> None:
    def move(data: Facts) -> None:
        item(data, "events", "sochi-visit")["date"] = "knesset-election-day"
        item(data, "statements", "putin-hopes-close-ties")["date"] = None

    reload(engine, tmp_path, move)
    with Session(engine) as session:
        assert check_database(session) == []
        event = session.scalars(select(Event).where(Event.slug == "sochi-visit")).one()
        assert event.participants
        assert {link.sort_date for link in event.participants} == {event.sort_date}
        assert event.sort_date == dt.date(2019, 9, 17)
        statement = session.scalars(
            select(Statement).where(Statement.slug == "putin-hopes-close-ties")
        ).one()
        assert statement.mentions
        assert {link.sort_date for link in statement.mentions} == {UNDATED}


def content_version(engine: Engine) -> str:
    with Session(engine) as session:
        return session.scalars(select(Dataset.content_version)).one()


def test_a_fact_removed_and_restored_gets_a_new_version_and_is_found_by_slug(
    engine: Engine, empty_url: str, tmp_path: Path
) -> None:
    """Restoring a removed event gives it a new id: same content, another version, so
    nothing kept for the first (ETags, the ids slugs name) is served for it."""
    app = create_app({"TESTING": True, "DATABASE_URL": empty_url})
    client = app.test_client()
    path = "/api/v1/statements?event=arab-ministers-statement&fields=slug"
    first = client.get(path)
    assert first.status_code == 200 and first.get_json()["data"]
    original = content_version(engine)

    def drop(data: Facts) -> None:
        data["events"] = [e for e in data["events"] if e["key"] != "arab-ministers-statement"]
        for statement in data["statements"]:
            if statement["event"] == "arab-ministers-statement":
                statement["event"] = None

    reload(engine, tmp_path / "dropped", drop)
    load_folders(engine, [SEED_FOLDER])

    assert content_version(engine) != original
    again = client.get(path)
    assert again.get_json() == first.get_json()
    assert again.headers["ETag"] != first.headers["ETag"]
    request_db.dispose(app)
