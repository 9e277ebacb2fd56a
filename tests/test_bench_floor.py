"""The floor answers what factdb answers: on a small synthetic corpus with shared
reporting, Q1, Q2, Q5 and Q7 list the same facts (first reports only), each with the
same source_count, conflicts and sources, so that a ratio to the floor compares equal
work."""

from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from factdb import create_app
from factdb.bench.build import build_database
from factdb.bench.floor import connect, fetch
from factdb.bench.parameters import LEAST_SOURCES
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
