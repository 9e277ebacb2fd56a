"""Facts several sources report, through the API: each fact listed once with its
sources, the source, min_sources and conflicts filters, and /conflicts; the database
holds the seed and tests/second_report.py, which disagrees with it on 5 fields."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from factdb import create_app
from factdb.api.http import request_db
from tests.conftest import DatabaseFactory, seed
from tests.second_report import SLUG, write_report
from tests.test_readme import API_DOC, UPDATE, examples, run_curl

SEED = "netanyahu-fails-to-impress-putin"
# The second report's source as every document nests it.
SECOND_SOURCE = {
    "slug": SLUG,
    "title": "Sochi Talks Ran Long, Aides Say",
    "publisher": "The Coastal Ledger",
    "published_on": "2019-09-14",
    "url": f"http://localhost/api/v1/sources/{SLUG}",
}
FACTS = ("statements", "events", "positions", "roles", "quantities")
# The second report's rows of facts the seed reports first: never listed as facts.
LATER_REPORTS = {"second-report-talks", "second-report-vote-matters", "second-report-talks-length"}
# The 5 disagreements of the second report: (kind, fact, field, seed's value, its value).
CONFLICTS = [
    ("event", "netanyahu-putin-meeting", "date", "2019-09-12", "2019-09-13"),
    ("event", "netanyahu-putin-meeting", "place", "putin-summer-residence", "sochi"),
    ("statement", "putin-election-important", "mode", "direct", "indirect"),
    ("statement", "putin-election-important", "date", "2019-09-12", "2019-09-13"),
    ("quantity", "meeting-length", "value", "3", "5"),
]


@pytest.fixture(scope="module")
def client(corroborated_app: Flask) -> FlaskClient:
    return corroborated_app.test_client()


def _get(client: FlaskClient, path: str, status: int = 200) -> Any:
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def _csv(client: FlaskClient, path: str) -> list[dict[str, str]]:
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_a_fact_lists_every_source_that_reports_it(client: FlaskClient) -> None:
    statement = _get(client, "/api/v1/statements/putin-election-important")["data"]
    assert statement["source_count"] == 2
    assert statement["conflicts"] == ["mode", "date"]
    first, second = statement["sources"]
    assert (first["source"]["slug"], first["key"], first["mode"]) == (
        SEED,
        statement["slug"],
        "direct",
    )
    assert second == {
        "source": SECOND_SOURCE,
        "key": "second-report-vote-matters",
        "text": "the outcome of the Israeli vote mattered a great deal to Russia",
        "speaker_text": "Putin",
        "mode": "indirect",
        "date": {"start": "2019-09-13", "end": "2019-09-13", "text": "September 13th"},
        "evidence": [
            {"start": 164, "end": 184, "text": "Putin told reporters"},
            {
                "start": 190,
                "end": 253,
                "text": "the outcome of the Israeli vote mattered a great deal to Russia",
            },
        ],
    }
    # The fact's own fields, source and evidence stay its first report's.
    assert statement["mode"] == "direct" and statement["source"] == SEED
    assert {span["source"] for span in statement["evidence"]} == {SEED}
    assert first["evidence"] == [
        {key: span[key] for key in ("start", "end", "text")} for span in statement["evidence"]
    ]


def test_each_kind_words_its_reports_its_own_way(client: FlaskClient) -> None:
    event = _get(client, "/api/v1/events/netanyahu-putin-meeting")["data"]["sources"][1]
    assert (event["title"], event["status"]) == ("Netanyahu and Putin meet in Sochi", "held")
    # The report's own title does not hide its source's.
    assert event["source"]["title"] == "Sochi Talks Ran Long, Aides Say"
    assert event["date"]["text"] == "September 13th"
    quantity = _get(client, "/api/v1/quantities/meeting-length")["data"]["sources"][1]
    assert quantity["text"] == "five hours" and "date" not in quantity
    role = _get(client, "/api/v1/roles?limit=1")["data"][0]
    assert role["source_count"] == 1 and set(role["sources"][0]) == {
        "source", "key", "title", "date", "evidence"
    }  # fmt: skip
    assert role["sources"][0]["title"] == role["title"]
    assert set(role["sources"][0]["source"]) == {
        "slug", "title", "publisher", "published_on", "url"
    }  # fmt: skip


@pytest.mark.parametrize("resource", FACTS)
def test_collections_list_each_fact_once(client: FlaskClient, resource: str) -> None:
    page = _get(client, f"/api/v1/{resource}?limit=500&fields=slug,source_count,sources.key")
    slugs = [row["slug"] for row in page["data"]]
    keys = [source["key"] for row in page["data"] for source in row["sources"]]
    assert not set(slugs) & LATER_REPORTS
    assert len(keys) == len(set(keys)) and set(slugs) <= set(keys)
    assert page["meta"]["total"] == len(slugs)
    assert all(row["source_count"] == len(row["sources"]) for row in page["data"])
    reports = [row for row in page["data"] if row["source_count"] == 2]
    assert len(reports) == {"statements": 1, "events": 1, "quantities": 1}.get(resource, 0)


def test_csv_shows_the_new_fields_as_json_shows_them(client: FlaskClient) -> None:
    path = "/api/v1/statements?source=" + SLUG + "&fields=slug,source_count,conflicts,sources"
    rows = _csv(client, path + "&format=csv")
    documents = _get(client, path)["data"]
    assert [row["slug"] for row in rows] == ["putin-election-important"]
    assert rows[0]["source_count"] == "2"
    assert json.loads(rows[0]["conflicts"]) == ["mode", "date"]
    assert json.loads(rows[0]["sources"]) == documents[0]["sources"]


def test_the_source_filter_keeps_the_facts_a_source_reports(client: FlaskClient) -> None:
    events = _get(client, f"/api/v1/events?source={SLUG}&fields=slug")["data"]
    assert [e["slug"] for e in events] == [
        "netanyahu-putin-meeting",
        "second-report-further-meeting",
    ]
    seed_events = _get(client, f"/api/v1/events?source={SEED}&limit=500")["meta"]["total"]
    assert seed_events == 13
    quantities = _get(client, f"/api/v1/quantities?source={SLUG}&fields=slug")["data"]
    assert quantities == [{"slug": "meeting-length"}]
    assert _get(client, f"/api/v1/roles?source={SLUG}")["data"] == []


def test_min_sources_and_conflicts(client: FlaskClient) -> None:
    two = _get(client, "/api/v1/statements?min_sources=2&fields=slug")["data"]
    assert two == [{"slug": "putin-election-important"}]
    assert _get(client, "/api/v1/statements?min_sources=3")["data"] == []
    every = _get(client, "/api/v1/statements?min_sources=1&limit=500")["meta"]["total"]
    assert every == _get(client, "/api/v1/statements?limit=500")["meta"]["total"]
    conflicted = _get(client, "/api/v1/events?conflicts=true&fields=slug")["data"]
    assert conflicted == [{"slug": "netanyahu-putin-meeting"}]
    calm = _get(client, "/api/v1/events?conflicts=false&limit=500")["meta"]["total"]
    assert calm == _get(client, "/api/v1/events?limit=500")["meta"]["total"] - 1
    assert _get(client, "/api/v1/positions?conflicts=true")["data"] == []


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("min_sources=0", "min_sources"),
        ("min_sources=abc", "min_sources"),
        ("min_sources=-2", "min_sources"),
        ("min_sources=1.5", "min_sources"),
        ("conflicts=yes", "conflicts"),
        ("conflicts=1", "conflicts"),
        ("source=no-such-source", "source"),
    ],
)
@pytest.mark.parametrize("resource", FACTS)
def test_bad_filters_are_problems_naming_the_parameter(
    client: FlaskClient, resource: str, query: str, parameter: str
) -> None:
    response = client.get(f"/api/v1/{resource}?{query}")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert [error["parameter"] for error in response.get_json()["errors"]] == [parameter]


def test_group_by_source_counts_each_source_s_facts(client: FlaskClient) -> None:
    groups = _get(client, "/api/v1/events?group_by=source")["data"]
    assert [(g["key"], g["count"]) for g in groups] == [(SEED, 13), (SLUG, 2)]


def test_timeline_search_and_evidence_name_facts(client: FlaskClient) -> None:
    timeline = _get(client, "/api/v1/timeline?limit=500&fields=slug")["data"]
    assert "second-report-vote-matters" not in {row["slug"] for row in timeline}
    hits = _get(client, "/api/v1/search?q=vote+mattered")["data"]
    assert [(hit["slug"], hit["id"]) for hit in hits] == [("putin-election-important", 2)]
    assert hits[0]["url"].endswith("/statements/putin-election-important")
    spans = _get(client, f"/api/v1/evidence?source={SLUG}&type=statement")["data"]
    assert {span["fact_slug"] for span in spans} == {"putin-election-important"}
    putin = _get(client, "/api/v1/entities/vladimir-putin")["data"]["counts"]
    assert putin["statements"] == 5  # the second report's statement is one of them


def test_conflicts_lists_every_disagreement(client: FlaskClient) -> None:
    body = _get(client, "/api/v1/conflicts")
    found = [
        (c["kind"], c["fact"]["slug"], c["field"], *(v["value"] for v in c["values"]))
        for c in body["data"]
    ]
    assert found == CONFLICTS and body["meta"]["total"] == 5
    date = body["data"][0]
    assert date["fact"]["url"] == "http://localhost/api/v1/events/netanyahu-putin-meeting"
    seed_value, second = date["values"]
    assert seed_value["source"]["slug"] == SEED and seed_value["key"] == "netanyahu-putin-meeting"
    assert second == {
        "source": SECOND_SOURCE,
        "key": "second-report-talks",
        "value": "2019-09-13",
        "evidence": [{"start": 52, "end": 80, "text": "sat down with Vladimir Putin"}],
    }


def test_conflicts_page_by_keyset(client: FlaskClient) -> None:
    first = client.get("/api/v1/conflicts?limit=2&fields=id")
    assert first.get_json()["data"] == [{"id": 1}, {"id": 2}]
    following = first.get_json()["links"]["next"]
    assert first.headers["Link"] == f'<{following}>; rel="next"'
    rest = _get(client, following.removeprefix("http://localhost"))
    assert rest["data"] == [{"id": 3}, {"id": 4}] and rest["meta"]["total"] == 5
    by_field = _get(client, "/api/v1/conflicts?sort=field&fields=field,id&limit=500")["data"]
    assert [c["field"] for c in by_field] == ["date", "date", "mode", "place", "value"]


def test_conflicts_filter_facet_and_csv(client: FlaskClient) -> None:
    dates = _get(client, "/api/v1/conflicts?field=date&fields=fact.slug")["data"]
    assert dates == [
        {"fact": {"slug": "netanyahu-putin-meeting"}},
        {"fact": {"slug": "putin-election-important"}},
    ]
    assert _get(client, "/api/v1/conflicts?kind=quantity&fields=id")["data"] == [{"id": 5}]
    assert _get(client, f"/api/v1/conflicts?source={SEED}")["meta"]["total"] == 5
    fields = _get(client, "/api/v1/conflicts?group_by=field")["data"]
    assert [(g["key"], g["count"]) for g in fields] == [
        ("date", 2), ("mode", 1), ("place", 1), ("value", 1)
    ]  # fmt: skip
    kinds = _get(client, "/api/v1/conflicts?group_by=kind")["data"]
    assert [(g["key"], g["count"]) for g in kinds] == [
        ("event", 2),
        ("statement", 2),
        ("quantity", 1),
    ]
    rows = _csv(client, "/api/v1/conflicts?format=csv")
    assert list(rows[0]) == ["id", "field", "kind", "fact.slug", "fact.url", "values"]
    assert [row["field"] for row in rows] == [field for _, _, field, _, _ in CONFLICTS]
    values = json.loads(rows[4]["values"])
    assert [v["value"] for v in values] == ["3", "5"]
    for query, parameter in [("field=colour", "field"), ("kind=topic", "kind")]:
        problem = _get(client, f"/api/v1/conflicts?{query}", status=400)
        assert problem["errors"][0]["parameter"] == parameter
    assert _get(client, "/api/v1/conflicts?source=nope", status=400)["errors"][0]["parameter"] == (
        "source"
    )


def test_the_seed_alone_has_no_conflicts(client: FlaskClient, app: Flask) -> None:
    seeded = app.test_client()
    assert _get(seeded, "/api/v1/conflicts")["data"] == []
    assert _get(seeded, "/api/v1/statements?min_sources=2")["data"] == []


# docs/api.md's examples run against the seed and this second report, not the seed alone.
SECOND_REPORT_BLOCK = re.compile(r"```console second-report\n(.*?)```", re.DOTALL)


def test_the_second_report_examples_print_what_the_api_doc_shows(client: FlaskClient) -> None:
    document = API_DOC.read_text(encoding="utf-8")
    found = [
        example
        for block in SECOND_REPORT_BLOCK.findall(document)
        for example in examples(f"```console\n{block}```")
    ]
    assert len(found) >= 2, "the second report's examples"
    if UPDATE:
        for command, shown in found:
            actual = run_curl(client, command)
            document = document.replace(f"$ {command}\n{shown}", f"$ {command}\n{actual}", 1)
        API_DOC.write_text(document, encoding="utf-8")
        pytest.skip(f"{API_DOC.name}'s second-report answers rewritten; review the diff")
    for command, shown in found:
        assert run_curl(client, command) == shown, f"{API_DOC.name} is stale: {command}"


# Both engines answer these byte for byte (search scores differ: not compared here).
SAME = [
    "/api/v1/statements?limit=500",
    "/api/v1/events?limit=500&format=csv",
    "/api/v1/quantities/second-report-talks-length",
    "/api/v1/statements?source=" + SLUG,
    "/api/v1/events?min_sources=2&conflicts=true",
    "/api/v1/events?group_by=source",
    "/api/v1/conflicts",
    "/api/v1/conflicts?format=csv",
    "/api/v1/conflicts?limit=2&sort=field",
    "/api/v1/conflicts?group_by=field",
    "/api/v1/statements?min_sources=0",
]


def _engine_client(databases: DatabaseFactory, engine: str, folder: Any) -> Iterator[FlaskClient]:
    from factdb.db import make_engine
    from factdb.loader import load_folders

    url = databases.new(engine)
    seed(url)
    database = make_engine(url)
    load_folders(database, [write_report(folder)])
    database.dispose()
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    yield app.test_client()
    request_db.dispose(app)


@pytest.fixture(scope="module")
def both_engines(
    databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[FlaskClient, FlaskClient]]:
    folder = tmp_path_factory.mktemp("both-engines")
    for sqlite_client in _engine_client(databases, "sqlite", folder):
        for postgres_client in _engine_client(databases, "postgresql", folder):
            yield sqlite_client, postgres_client


@pytest.mark.postgres
@pytest.mark.parametrize("path", SAME)
def test_same_answer_on_both_engines(
    both_engines: tuple[FlaskClient, FlaskClient], path: str
) -> None:
    answers = set()
    for client in both_engines:
        response = client.get(path)  # read before the next request: CSV is streamed
        answers.add((response.status_code, response.content_type, response.data))
    assert len(answers) == 1, path
