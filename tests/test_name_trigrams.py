"""Suggestions for an unknown name come from each engine's trigram index of entity names
and aliases (migration 0007), which loads and removals keep in step."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

from factdb.config import SEED_DIR
from factdb.db import make_engine
from factdb.loader import load_folders, source_folders
from tests.drafting_source import facts, write_source

API = "/api/v1"


def _suggestions(client: FlaskClient, name: str) -> list[str]:
    response = client.get(f"{API}/statements", query_string={"speaker": name})
    assert response.status_code == 400
    (error,) = response.get_json()["errors"]
    return list(error["suggestions"])


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("Vladimr Putn", "Vladimir Putin"),
        ("netanyahoo", "Benjamin Netanyahu"),
        ("Yisrael Beitenu", "Yisrael Beytenu"),
        ("vladimir", "Vladimir Putin"),  # a part of the name: the whole name
    ],
)
def test_a_misspelt_name_is_suggested_its_entity(
    client: FlaskClient, typed: str, first: str
) -> None:
    assert _suggestions(client, typed)[0] == first


def test_a_name_like_nothing_gets_no_suggestions(client: FlaskClient) -> None:
    assert _suggestions(client, "qqxzzjjw") == []
    assert _suggestions(client, "zq") == []  # too short for a trigram


def _indexed_keys(url: str) -> tuple[set[str], set[str]]:
    """The keys the trigram index holds (SQLite) or can find (PostgreSQL), and the
    names and aliases stored."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            stored = {
                row[0]
                for row in connection.execute(
                    text("SELECT name_key FROM entities UNION SELECT alias_key FROM entity_aliases")
                )
            }
            if engine.dialect.name == "sqlite":
                indexed = {
                    row[0] for row in connection.execute(text("SELECT key FROM entity_name_fts"))
                }
            else:
                indexes = {
                    row[0]
                    for row in connection.execute(
                        text("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%_trgm'")
                    )
                }
                assert indexes == {"ix_entities_name_key_trgm", "ix_entity_aliases_alias_key_trgm"}
                # PostgreSQL keeps its indexes in step itself: what is checked is that
                # a similarity lookup finds every stored key. (On the seed's few rows the
                # planner prefers the btree; on 50,000 names it takes the trigram index.)
                similar = text(
                    "SELECT count(*) FROM entities WHERE name_key % :key"
                    " UNION ALL SELECT count(*) FROM entity_aliases WHERE alias_key % :key"
                )
                indexed = {
                    key
                    for key in stored
                    if sum(count for (count,) in connection.execute(similar, {"key": key})) > 0
                }
        return indexed, stored
    finally:
        engine.dispose()


def test_loads_and_removals_keep_the_index_in_step(empty_url: str, tmp_path: Path) -> None:
    engine = make_engine(empty_url)
    try:
        load_folders(engine, source_folders(SEED_DIR))
        indexed, stored = _indexed_keys(empty_url)
        assert indexed == stored and "vladimir putin" in indexed
        drafted = write_source(tmp_path, facts())
        load_folders(engine, [drafted])
        indexed, stored = _indexed_keys(empty_url)
        assert indexed == stored
        with engine.begin() as connection:
            removed = connection.execute(
                text("DELETE FROM entity_aliases WHERE alias_key = 'putin'")
            )
            assert removed.rowcount > 0
            connection.execute(
                text(
                    "UPDATE entities SET name_key = 'vladimir vladimirovich putin'"
                    " WHERE name_key = 'vladimir putin'"
                )
            )
        indexed, stored = _indexed_keys(empty_url)
        assert indexed == stored
        assert "vladimir vladimirovich putin" in indexed and "vladimir putin" not in indexed
        assert "putin" not in indexed
    finally:
        engine.dispose()
