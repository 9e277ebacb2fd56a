"""The API shows and filters the fields of drafting: reviewed, drafted, status,
approximation, relayed_by and the rules of relative dates, in items, collections and
CSV alike."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from factdb import create_app
from factdb.api.collections.lookup import documents_of
from factdb.api.documents.schemas import EventOut, PositionOut, QuantityOut, RoleOut, StatementOut
from factdb.api.http import request_db
from factdb.api.sqljson.reader import DocumentReader
from factdb.db import make_engine
from factdb.loader import load_folders
from factdb.models import Event, Position, Quantity, Role, Statement
from tests.conftest import DatabaseFactory, seed
from tests.drafting_source import SLUG, facts, write_source
from tests.test_sqljson import dumped_fact

API = "/api/v1"
FACTS = ["events", "roles", "statements", "positions", "quantities"]


def load_drafting_source(url: str, parent: Path) -> None:
    """The seed, then the drafting source."""
    seed(url)
    engine = make_engine(url)
    load_folders(engine, [write_source(parent, facts())])
    engine.dispose()


@pytest.fixture(scope="module")
def drafting_app(
    databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    url = databases.new()
    load_drafting_source(url, tmp_path_factory.mktemp("drafting-api"))
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    yield app
    request_db.dispose(app)


@pytest.fixture
def api(drafting_app: Flask) -> FlaskClient:
    return drafting_app.test_client()


def data(client: FlaskClient, path: str) -> Any:
    response = client.get(f"{API}/{path}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()["data"]


def csv_rows(client: FlaskClient, path: str) -> list[dict[str, str]]:
    response = client.get(f"{API}/{path}{'&' if '?' in path else '?'}format=csv")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def by_slug(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["slug"]: row for row in rows}


@pytest.mark.parametrize("resource", FACTS)
def test_every_fact_document_says_whether_it_is_reviewed(api: FlaskClient, resource: str) -> None:
    rows = data(api, f"{resource}?limit=500")
    assert {type(row["reviewed"]) for row in rows} == {bool}
    for row in rows:
        assert data(api, f"{resource}/{row['slug']}") == row  # item and collection agree
    table = by_slug(csv_rows(api, resource))
    assert {slug: row["reviewed"] for slug, row in table.items()} == {
        row["slug"]: "true" if row["reviewed"] else "false" for row in rows
    }


@pytest.mark.parametrize("resource", [*FACTS, "timeline"])
def test_reviewed_filter_splits_reviewed_facts_and_drafts(api: FlaskClient, resource: str) -> None:
    everything = data(api, f"{resource}?limit=500")
    drafts = data(api, f"{resource}?reviewed=false&limit=500")
    reviewed = data(api, f"{resource}?reviewed=true&limit=500")
    assert drafts and reviewed
    assert all(row["reviewed"] is False for row in drafts)
    assert all(row["reviewed"] is True for row in reviewed)
    assert len(drafts) + len(reviewed) == len(everything)


@pytest.mark.parametrize("resource", [*FACTS, "timeline"])
@pytest.mark.parametrize("value", ["maybe", "1", "yes", "True", ""])
def test_reviewed_takes_only_true_or_false(api: FlaskClient, resource: str, value: str) -> None:
    response = api.get(f"{API}/{resource}?reviewed={value}")
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"
    errors = response.get_json()["errors"]
    assert [error["parameter"] for error in errors] == ["reviewed"]


def test_drafts_of_the_drafted_source(api: FlaskClient) -> None:
    drafts = data(api, f"statements?reviewed=false&source={SLUG}")
    assert {row["slug"] for row in drafts} == {"varga-talks-useful", "pell-residents-wrote"}
    assert data(api, "statements?reviewed=false&source=netanyahu-fails-to-impress-putin") == []
    events = by_slug(data(api, f"events?source={SLUG}"))
    assert events["council-talks"]["reviewed"] is True  # marked by its reviewer


def test_sources_show_drafted(api: FlaskClient) -> None:
    sources = by_slug(data(api, "sources"))
    assert sources[SLUG]["drafted"] is True
    assert sources["netanyahu-fails-to-impress-putin"]["drafted"] is False
    assert data(api, f"sources/{SLUG}")["drafted"] is True
    assert {row["slug"]: row["drafted"] for row in csv_rows(api, "sources")}[SLUG] == "true"


def test_event_status_field_and_filter(api: FlaskClient) -> None:
    events = by_slug(data(api, "events?limit=500"))
    assert events["knesset-election"]["status"] == "planned"
    assert events["sochi-visit"]["status"] == "held"
    assert events["harbour-fair"]["status"] == "cancelled"
    planned = data(api, "events?status=planned")
    assert {row["slug"] for row in planned} == {
        "knesset-election",
        "west-bank-annexation-plan",
        "bridge-vote",
    }
    either = data(api, "events?status=planned,cancelled&limit=500")
    assert {row["status"] for row in either} == {"planned", "cancelled"}
    assert (
        by_slug(csv_rows(api, "events?status=cancelled"))["harbour-fair"]["status"] == "cancelled"
    )
    response = api.get(f"{API}/events?status=postponed")
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["parameter"] == "status"
    facets = {row["key"]: row["count"] for row in data(api, "events?group_by=status")}
    assert facets["planned"] == 3 and facets["cancelled"] == 1


def test_quantity_approximation_field_and_filter(api: FlaskClient) -> None:
    quantities = by_slug(data(api, "quantities?limit=500"))
    assert quantities["residents-who-wrote"]["approximation"] == "over"
    assert quantities["residents-who-wrote"]["approximate"] is True
    assert quantities["waiting-time"]["approximation"] == "about"
    assert quantities["russian-immigrants-sought"]["approximation"] is None
    over = data(api, "quantities?approximation=over")
    assert [row["slug"] for row in over] == ["residents-who-wrote"]
    assert csv_rows(api, "quantities?approximation=about")[0]["approximation"] == "about"
    response = api.get(f"{API}/quantities?approximation=roughly")
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["parameter"] == "approximation"
    embedded = data(api, "events/netanyahu-kept-waiting")["quantities"]
    assert [(q["approximation"], q["reviewed"]) for q in embedded] == [("about", True)]


def test_statement_relayed_by_field_and_filter(api: FlaskClient) -> None:
    relayed = data(api, "statements/pell-residents-wrote")
    assert relayed["speaker"]["slug"] == "dario-pell"
    assert relayed["relayed_by"] == {
        "slug": "ilse-varga",
        "name": "Ilse Varga",
        "url": "http://localhost/api/v1/entities/ilse-varga",
    }
    assert relayed["relayed_by_text"] == "her"
    assert data(api, "statements/putin-election-important")["relayed_by"] is None
    found = data(api, "statements?relayed_by=Ilse%20Varga")
    assert [row["slug"] for row in found] == ["pell-residents-wrote"]
    assert data(api, "statements?relayed_by=vladimir-putin") == []
    row = csv_rows(api, "statements?relayed_by=ilse-varga")[0]
    assert (row["relayed_by.slug"], row["relayed_by_text"]) == ("ilse-varga", "her")
    response = api.get(f"{API}/statements?relayed_by=Nobody%20Known")
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["parameter"] == "relayed_by"


def test_quote_in_parts_is_one_text(api: FlaskClient) -> None:
    quote = data(api, "statements/varga-talks-useful")
    assert quote["text"] == "The talks were useful, and they will go on."
    spans = [span["text"] for span in quote["evidence"]]
    assert "The talks were useful," in spans and "and they will go on." in spans


def test_dates_show_their_rule(api: FlaskClient) -> None:
    talks = data(api, "events/council-talks")["date"]
    assert talks["basis"] == "relative"
    assert talks["relative"] == {
        "anchor": "published",
        "offset": None,
        "unit": None,
        "weekday": "thursday",
        "direction": "on_or_before",
    }
    objection = data(api, "events/moscow-objection")["date"]
    assert objection["relative"] == {
        "anchor": "sochi-visit-day",
        "offset": -2,
        "unit": "days",
        "weekday": None,
        "direction": None,
    }
    assert data(api, "events/sochi-visit")["date"]["relative"] is None
    events = by_slug(data(api, "events?limit=500"))
    assert events["council-talks"]["date"] == talks  # built by the database
    row = by_slug(csv_rows(api, f"events?source={SLUG}"))["council-talks"]
    assert (row["date.relative.anchor"], row["date.relative.weekday"]) == ("published", "thursday")
    assert row["date.relative.offset"] == ""


def test_entity_roles_show_reviewed(api: FlaskClient) -> None:
    (role,) = data(api, "entities/ilse-varga")["roles"]
    assert (role["slug"], role["reviewed"]) == ("varga-mayor", False)


@pytest.mark.parametrize(
    ("model", "schema"),
    [
        (Statement, StatementOut),
        (Event, EventOut),
        (Position, PositionOut),
        (Role, RoleOut),
        (Quantity, QuantityOut),
    ],
)
def test_documents_built_in_sql_are_what_the_schema_dumps(
    drafting_app: Flask, model: Any, schema: Any
) -> None:
    with drafting_app.test_request_context("/"):
        objects = list(request_db.session().scalars(select(model).order_by(model.id)))
        documents = documents_of(DocumentReader(model), schema(), [obj.id for obj in objects])
        assert documents == [dumped_fact(schema(), obj) for obj in objects]
    assert any(document["reviewed"] is False for document in documents)
