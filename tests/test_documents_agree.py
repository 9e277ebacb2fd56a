"""One definition of each fact document: an item, and the same fact inside its
collection's page, are the same document, in JSON and in CSV, for the whole document
and for narrowed ones (the suite runs on SQLite and on PostgreSQL). The database holds
the seed and a second report of some of its facts, so that facts list two sources."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from factdb.api.http.output import csv_stream
from factdb.api.resources import events, positions, quantities, roles, statements

COLLECTIONS = {
    "statements": statements.statements,
    "events": events.events,
    "positions": positions.positions,
    "roles": roles.roles,
    "quantities": quantities.quantities,
}
SELECTIONS: dict[str, list[str | None]] = {
    "statements": [
        None,
        "slug",
        "speaker.name,date,evidence",
        "mentions,relayed_by,url",
        "source_count,conflicts,sources.key,sources.mode,sources.evidence.start",
    ],
    "events": [
        None,
        "participants.role,topics",
        "date.relative,place,quantities",
        "sources.title,sources.source.title,sources.date,source_count",
    ],
    "positions": [None, "target,stance", "statement,date.start", "sources,conflicts"],
    "roles": [None, "holder.url,organization", "title,reviewed,source", "sources.date.text"],
    "quantities": [None, "subject,value,approximation", "min,max,evidence", "conflicts,sources"],
}
# The facts the second report also reports, by resource.
SHARED = {
    "statements": "second-report-vote-matters",
    "events": "second-report-talks",
    "quantities": "second-report-talks-length",
}
CASES = [(resource, only) for resource, selections in SELECTIONS.items() for only in selections]


def _query(only: str | None, **more: str) -> str:
    given = {"fields": only, **more} if only else more
    return "&".join(f"{name}={value}" for name, value in given.items())


def _page(client: FlaskClient, resource: str, only: str | None) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/{resource}?{_query(only, limit='500', sort='id')}")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["meta"]["next_cursor"] is None, "the seed fits in one page"
    return list(body["data"])


@pytest.fixture(scope="module")
def app(corroborated_app: Flask) -> Flask:
    return corroborated_app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.mark.parametrize(("resource", "only"), CASES)
def test_an_item_is_its_document_in_the_collection(
    client: FlaskClient, resource: str, only: str | None
) -> None:
    page = _page(client, resource, only)
    slugs = [row["slug"] for row in _page(client, resource, "slug")]  # in the same order
    assert page and len(page) == len(slugs), resource
    for slug, in_page in zip(slugs, page, strict=True):
        item = client.get(f"/api/v1/{resource}/{slug}?{_query(only)}")
        assert item.status_code == 200, item.get_json()
        assert item.get_json()["data"] == in_page


@pytest.mark.parametrize(("resource", "only"), [c for c in CASES if c[0] in SHARED])
def test_a_later_report_s_item_is_its_fact_s_document(
    client: FlaskClient, resource: str, only: str | None
) -> None:
    full = client.get(f"/api/v1/{resource}/{SHARED[resource]}").get_json()["data"]
    assert full["source_count"] == 2 and full["sources"][1]["key"] == SHARED[resource]
    in_page = [row for row in _page(client, resource, None) if row["slug"] == full["slug"]]
    assert in_page == [full]
    item = client.get(f"/api/v1/{resource}/{SHARED[resource]}?{_query(only)}")
    fact = client.get(f"/api/v1/{resource}/{full['slug']}?{_query(only)}")
    assert item.status_code == 200 and item.get_json() == fact.get_json()


@pytest.mark.parametrize(("resource", "only"), CASES)
def test_the_csv_rows_are_the_item_documents(
    app: Flask, client: FlaskClient, resource: str, only: str | None
) -> None:
    collection = COLLECTIONS[resource]
    slugs = [row["slug"] for row in _page(client, resource, "slug")]
    items = [
        client.get(f"/api/v1/{resource}/{slug}?{_query(only)}").get_json()["data"] for slug in slugs
    ]
    response = client.get(f"/api/v1/{resource}?{_query(only, format='csv', sort='id')}")
    assert response.status_code == 200
    with app.test_request_context("/"):
        shape = collection._shape(only.split(",") if only else None)
        expected = "".join(csv_stream(shape.schema, iter(items)))
    assert response.get_data(as_text=True) == expected
    assert len(list(csv.reader(io.StringIO(expected)))) == len(slugs) + 1


def test_an_unknown_field_of_an_item_is_a_problem(client: FlaskClient) -> None:
    response = client.get("/api/v1/statements/1?fields=nope")
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["parameter"] == "fields"
