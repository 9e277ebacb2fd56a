"""The floor answers what factdb answers: on a small synthetic corpus with shared
reporting, Q1, Q2, Q5 and Q7 list the same facts (first reports only), each with the
same source_count, conflicts and sources, and Q3 and Q3id name the same facts, so that
a ratio to the floor compares equal work."""

from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from factdb import create_app
from factdb.bench.build import build_database
from factdb.bench.floor import connect, fetch
from factdb.bench.parameters import LEAST_SOURCES, WORD
from factdb.bench.queries import build_queries, pick_parameters

COMPARED = ("Q1", "Q2", "Q5", "Q7")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, report = build_database(tmp_path_factory.mktemp("corpus"), 40, shared=True)
    assert report.check_failures == 0
    return path


def _report(entry: dict[str, Any]) -> dict[str, Any]:
    """A sources entry as both sides show it: the floor leaves out URLs, and lists
    evidence in storage order."""
    source = {key: value for key, value in entry["source"].items() if key != "url"}
    spans = sorted((span["start"], span["end"], span["text"]) for span in entry["evidence"])
    return {**entry, "source": source, "evidence": spans}


def test_the_floor_lists_what_factdb_lists_with_the_same_sources(corpus: Path) -> None:
    app = create_app({"DATABASE_URL": f"sqlite:///{corpus}"})
    client = app.test_client()
    params = pick_parameters(str(corpus))
    queries = {q.qid: q for q in build_queries(str(corpus), params)}
    shared = 0
    with closing(connect(str(corpus))) as connection:
        for qid in COMPARED:
            query = queries[qid]
            response = client.get(query.factdb_path)
            assert response.status_code == 200, (qid, response.get_data(as_text=True))
            api = response.get_json()["data"]
            floor = json.loads(fetch(connection, qid, query.floor_params))["data"]
            assert [row["id"] for row in floor] == [row["id"] for row in api], qid
            assert api, f"{qid} found nothing to compare"
            for mine, theirs in zip(floor, api, strict=True):
                assert mine["source_count"] == theirs["source_count"] == len(mine["sources"])
                assert mine["conflicts"] == theirs["conflicts"], (qid, mine["id"])
                assert [_report(r) for r in mine["sources"]] == [
                    _report(r) for r in theirs["sources"]
                ], (qid, mine["id"])
                shared += theirs["source_count"] > 1
            if qid == "Q7":  # the year's events that several sources report, and only them
                assert len(api) == min(50, params["sourced_events_in_year"]) > 0
                assert all(row["source_count"] >= LEAST_SOURCES for row in api)
                year = client.get(query.factdb_path.replace(f"min_sources={LEAST_SOURCES}&", ""))
                assert min(row["source_count"] for row in year.get_json()["data"]) < LEAST_SOURCES
    assert shared, "no fact with several reports was compared"


@pytest.mark.parametrize("qid", ["Q3", "Q3id"])
def test_the_floors_search_hits_name_the_facts_factdb_names(corpus: Path, qid: str) -> None:
    """A hit in a later report's words is shown as its fact (id and slug) by factdb; the
    floor must name the same facts, or the two compare different rows. The word searched
    is the rarest of a later report's statement, so that such a hit is on the page."""
    with closing(connect(str(corpus))) as connection:
        body, report, fact, fact_slug = connection.execute(
            "SELECT sd.body, s.id, f.id, f.slug FROM search_documents sd JOIN statements s"
            " ON s.id = sd.fact_id JOIN statements f ON f.id = s.fact_id"
            " WHERE sd.fact_type = 'statement' AND s.fact_id <> s.id ORDER BY sd.id LIMIT 1"
        ).fetchone()
        connection.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.terms"
            " USING fts5vocab(main, 'search_fts', 'row')"
        )
        words = {w for w in WORD.findall(body.lower()) if w.isalpha()}
        counts = dict(connection.execute("SELECT term, doc FROM terms").fetchall())
        word = min(sorted(words & counts.keys()), key=lambda w: counts[w])
        params = (f'"{word}"', word) if qid == "Q3" else (f'"{word}"',)
        floor = json.loads(fetch(connection, qid, params))["data"]
    app = create_app({"DATABASE_URL": f"sqlite:///{corpus}"})
    order = "" if qid == "Q3" else "&sort=id"
    response = app.test_client().get(f"/api/v1/search?q={word}&limit=50{order}")
    assert response.status_code == 200, response.get_data(as_text=True)
    api = response.get_json()["data"]
    assert api
    assert [(r["type"], r["id"], r["slug"]) for r in floor] == [
        (r["type"], r["id"], r["slug"]) for r in api
    ]
    # The later report's hit is there, named as its fact, and not as the report.
    named = {(r["id"], r["slug"]) for r in api if r["type"] == "statement"}
    assert (fact, fact_slug) in named
    assert report not in {statement_id for statement_id, _ in named}


@pytest.mark.parametrize("qid", ["Q2", "Q7"])
def test_datasettes_sql_lists_factdbs_facts(corpus: Path, qid: str) -> None:
    """The SQL the benchmark gives Datasette's ?sql= view, run as that view runs it (the
    query string's values bound as text), lists the events factdb lists."""
    queries = {q.qid: q for q in build_queries(str(corpus), pick_parameters(str(corpus)))}
    query = queries[qid]
    assert query.datasette_sql_path is not None
    arguments = {
        key: values[0] for key, values in parse_qs(urlsplit(query.datasette_sql_path).query).items()
    }
    sql = arguments.pop("sql")
    with closing(connect(str(corpus))) as connection:
        listed = [row[0] for row in connection.execute(sql, arguments)]
    app = create_app({"DATABASE_URL": f"sqlite:///{corpus}"})
    api = app.test_client().get(query.factdb_path).get_json()["data"]
    assert api
    assert listed == [row["id"] for row in api]
