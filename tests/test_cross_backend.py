"""SQLite and PostgreSQL answer every request identically.

The only documented differences: search scores and snippet boundaries. Which hits a
search returns, and everything else, must match.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from factdb import create_app
from factdb.api.http import request_db
from factdb.copy import CopyError, copy_database
from tests.conftest import DatabaseFactory, seed
from tests.test_api_drafting import load_drafting_source
from tests.test_readme import all_examples

pytestmark = pytest.mark.postgres

REQUESTS = [
    "/api/v1/",
    "/api/v1/sources",
    "/api/v1/sources/netanyahu-fails-to-impress-putin",
    "/api/v1/entities?limit=500",
    "/api/v1/entities?kind=person,party&sort=-name",
    "/api/v1/entities?q=PUTIN",
    "/api/v1/entities?q=russ&group_by=kind",
    "/api/v1/entities/russia",
    "/api/v1/events?limit=3",
    "/api/v1/events?participant=Putin&participant=Netanyahu",
    "/api/v1/events?from=2019-08-28&to=2019-08-29",
    "/api/v1/events?to=2019-08-15",
    "/api/v1/events?group_by=month",
    "/api/v1/events?group_by=participant",
    "/api/v1/events?q=meeting&sort=-date,id",
    "/api/v1/events/press-briefing",
    "/api/v1/statements?limit=500",
    "/api/v1/statements?speaker=vladimir-putin&mode=direct,mixed",
    "/api/v1/statements?mentions=Israel&mentions=Russia",
    "/api/v1/statements?from=2019-09&to=2019-09-12&sort=-date",
    "/api/v1/statements?q=security",
    "/api/v1/statements?group_by=month",
    "/api/v1/positions?stance=opposes,seeks&limit=500",
    "/api/v1/positions?target=annexation",
    "/api/v1/positions?holder=Netanyahu&group_by=stance",
    "/api/v1/roles?holder=Putin",
    "/api/v1/roles?q=PRESIDENT",
    "/api/v1/quantities?unit=hour",
    "/api/v1/quantities?subject=russian-immigrants-in-israel",
    "/api/v1/timeline?limit=500",
    "/api/v1/timeline?entity=Putin&type=statement,event&from=2019-09-12&to=2019-09-12",
    "/api/v1/evidence?source=netanyahu-fails-to-impress-putin&start=0&end=400",
    "/api/v1/statements?format=csv",
    "/api/v1/statements?speaker=Putn",
    "/api/v1/statements?speaker=Moscow",
    "/api/v1/statements?speaker=MOSCOW&group_by=mode",
    "/api/v1/timeline?entity=Moscow",
    "/api/v1/evidence?entity=moscow",
    "/api/v1/statements?from=2019-02-30",
    "/api/v1/statements?cursor=bogus",
    "/api/v1/events/no-such-event",
    "/api/v1/statements?speaker=%00",
]
SEARCHES = [
    "/api/v1/search?q=annexation&limit=500",
    "/api/v1/search?q=security+coordination&type=statement,position",
    "/api/v1/search?q=%22%20AND%20*%20NEAR(",
]


def _app(url: str) -> Iterator[Flask]:
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    yield app
    request_db.dispose(app)


@pytest.fixture(scope="module")
def sqlite_client(databases: DatabaseFactory) -> Iterator[FlaskClient]:
    url = databases.new("sqlite")
    seed(url)
    for app in _app(url):
        yield app.test_client()


@pytest.fixture(scope="module")
def postgres_client(databases: DatabaseFactory) -> Iterator[FlaskClient]:
    url = databases.new("postgresql")
    seed(url)
    for app in _app(url):
        yield app.test_client()


def _answer(client: FlaskClient, path: str) -> tuple[int, str, bytes]:
    response = client.get(path)
    return response.status_code, response.content_type, response.data


def _documented_paths() -> list[str]:
    paths = []
    for command, _ in all_examples():
        if command.startswith("curl "):
            paths.append(command.split("'")[1].removeprefix("http://127.0.0.1:5000"))
    return paths


@pytest.mark.parametrize("path", REQUESTS + _documented_paths())
def test_same_answer_on_both_engines(
    sqlite_client: FlaskClient, postgres_client: FlaskClient, path: str
) -> None:
    assert _answer(sqlite_client, path) == _answer(postgres_client, path)


# How names were resolved, as the header says it, in CSV and in JSON.
RESOLVED = [
    "/api/v1/statements?speaker=Moscow&format=csv",
    "/api/v1/events?participant=Putin&participant=Netanyahu&format=csv",
    "/api/v1/positions?holder=Russia&target=Israel",
    "/api/v1/roles?holder=Vladimir%20Putin&organization=russia&format=csv",
    "/api/v1/quantities?subject=Russian%20immigrants&format=csv",
]


@pytest.mark.parametrize("path", RESOLVED)
def test_same_resolved_header_on_both_engines(
    sqlite_client: FlaskClient, postgres_client: FlaskClient, path: str
) -> None:
    found = sqlite_client.get(path).headers.get("Factdb-Resolved")
    assert found is not None
    assert found == postgres_client.get(path).headers.get("Factdb-Resolved")


def _hits(client: FlaskClient, path: str) -> tuple[int, Any]:
    response = client.get(path)
    body = response.get_json()
    if response.status_code != 200:
        return response.status_code, body
    # Scores and snippets are the engines' own; membership and identity are not.
    hits = {(hit["type"], hit["id"], hit["slug"], hit["title"]) for hit in body["data"]}
    return response.status_code, (hits, body["meta"]["total"])


@pytest.mark.parametrize("path", SEARCHES)
def test_same_search_hits_on_both_engines(
    sqlite_client: FlaskClient, postgres_client: FlaskClient, path: str
) -> None:
    assert _hits(sqlite_client, path) == _hits(postgres_client, path)


def test_copy_sqlite_into_postgresql_keeps_ids_and_answers(
    databases: DatabaseFactory, sqlite_client: FlaskClient
) -> None:
    source = databases.new("sqlite")
    seed(source)
    target = databases.new("postgresql")
    from factdb import migrate

    migrate.upgrade(target, "head")
    seen: list[tuple[str, int, int]] = []
    counts = copy_database(source, target, progress=lambda *step: seen.append(step))
    assert counts["statements"] == 12 and counts["evidence"] > 100
    assert {table for table, _, _ in seen} >= {"statements", "evidence"}
    with pytest.raises(CopyError, match="not empty"):
        copy_database(source, target)
    for app in _app(target):
        copied = app.test_client()
        for path in REQUESTS:
            assert _answer(copied, path) == _answer(sqlite_client, path), path


# The fields of drafting, on the seed and a drafted source using all of them.
DRAFTING_REQUESTS = [
    "/api/v1/sources",
    "/api/v1/events?limit=500",
    "/api/v1/events?status=planned,cancelled&reviewed=false",
    "/api/v1/events?group_by=status",
    "/api/v1/events/council-talks",
    "/api/v1/events?source=harbour-council-delays-bridge&format=csv",
    "/api/v1/statements?limit=500",
    "/api/v1/statements?relayed_by=Ilse%20Varga",
    "/api/v1/statements/varga-talks-useful",
    "/api/v1/statements?reviewed=false&format=csv",
    "/api/v1/positions?reviewed=false",
    "/api/v1/roles?reviewed=true",
    "/api/v1/quantities?approximation=over,about",
    "/api/v1/quantities?group_by=approximation",
    "/api/v1/timeline?reviewed=false",
    "/api/v1/entities/ilse-varga",
    "/api/v1/statements?reviewed=maybe",
]


@pytest.fixture(scope="module")
def drafting_clients(
    databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[FlaskClient, FlaskClient]]:
    clients = []
    apps = []
    for engine in ("sqlite", "postgresql"):
        url = databases.new(engine)
        load_drafting_source(url, tmp_path_factory.mktemp(f"drafting-{engine}"))
        app = create_app({"TESTING": True, "DATABASE_URL": url})
        apps.append(app)
        clients.append(app.test_client())
    yield clients[0], clients[1]
    for app in apps:
        request_db.dispose(app)


@pytest.mark.parametrize("path", DRAFTING_REQUESTS)
def test_drafting_fields_same_on_both_engines(
    drafting_clients: tuple[FlaskClient, FlaskClient], path: str
) -> None:
    on_sqlite, on_postgres = (_answer(client, path) for client in drafting_clients)
    assert on_sqlite[0] in (200, 400)
    assert on_sqlite == on_postgres
