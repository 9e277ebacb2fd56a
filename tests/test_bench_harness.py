"""The benchmark harness, end to end on the seeded database: it starts the servers, loads
them with wrk, collects plans and memory, and writes both reports. The database is tiny,
so this proves the harness works; it asserts no timings."""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import pytest
from click.testing import CliRunner

from factdb.bench.cli import bench_command
from factdb.bench.floor import application
from factdb.bench.plans import explain
from factdb.bench.runner import BenchError, run_benchmark
from tests.conftest import DatabaseFactory, seeded_sqlite_for_wrk

QUERIES = ("Q1", "Q2", "Q3", "Q3id", "Q4", "Q5", "Q6", "Q7")
Bench = tuple[dict[str, Any], Path]


@pytest.fixture(scope="module")
def bench(databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory) -> Bench:
    """(results, output directory) of one short run, without Datasette, on a seeded SQLite
    file whatever the engine under test (the benchmark compares SQLite servers), with
    an event three sources report (Q7)."""
    path = seeded_sqlite_for_wrk(databases, corroborated=True)
    out = tmp_path_factory.mktemp("bench")
    return run_benchmark(path, out, duration=1, connections=2, datasette=False, rounds=2), out


def test_every_query_is_loaded_on_factdb_and_the_floor(bench: Bench) -> None:
    results, _ = bench
    assert tuple(results["queries"]) == QUERIES
    for qid in QUERIES:
        query = results["queries"][qid]
        assert set(query["servers"]) == {"factdb", "floor"}, qid
        for name, result in query["servers"].items():
            assert result["preflight"]["status"] == 200, (qid, name)
            assert result["requests"] > 0 and result["req_per_s"] > 0, (qid, name)
            assert len(result["rounds_req_per_s"]) == 2, (qid, name)  # one per round
            assert result["non_2xx"] == 0, (qid, name)  # wrk counts statuses >= 400
            assert set(result["latency_ms"]) >= {"p50", "p95", "p99"}
        assert query["floor_in_process"]["median_ms"] > 0
        assert query["floor_in_process"]["rows"] > 0, qid


def test_plans_are_collected_and_no_filtered_query_reads_a_whole_table(bench: Bench) -> None:
    results, _ = bench
    for qid in QUERIES:
        plans = results["queries"][qid]["plans"]
        assert plans["factdb_status"] == 200 and plans["same_rows"], qid
        assert plans["factdb"] and all(plan["plan"] for plan in plans["factdb"]), qid
        assert len(plans["floor"]) == 1 and plans["floor"][0]["plan"]
    assert results["failures"] == []
    assert results["ok"] is True


def test_memory_parameters_and_reports(bench: Bench) -> None:
    results, out = bench
    workers = results["rss_kb"]["factdb"]
    assert len(workers) == results["settings"]["gunicorn_workers"]
    assert all(kb > 0 for kb in workers.values())
    assert results["machine"]["cores"] and results["machine"]["memory_kb"] > 0
    params = results["parameters"]
    assert len(set(params["pair"])) == 2 and len(params["word"]) >= 5
    assert "page 1 reached" in results["queries"]["Q5"]["note"]  # one page of 50 here
    # The seed's Sochi meeting, in 2019, is the one event three sources report.
    assert (params["sourced_year"], params["sourced_events_in_year"]) == ("2019", 1)
    assert results["queries"]["Q7"]["floor_in_process"]["rows"] == 1
    assert json.loads((out / "bench-results.json").read_text())["ok"] is True
    table = (out / "bench-results.md").read_text()
    assert "| query | floor in-process ms |" in table
    for qid in QUERIES:
        assert f"| {qid} " in table


def test_datasette_is_asked_by_table_url_and_by_the_floor_sql(bench: Bench) -> None:
    """Q2, Q3 and Q7 go to Datasette twice: its closest table/filter URL, and ?sql= with
    the floor's SQL; the table URLs carry this run's parameters."""
    results, _ = bench
    queries, params = results["queries"], results["parameters"]
    with sqlite3.connect(results["database"]["path"]) as connection:
        ids = [
            connection.execute("SELECT id FROM entities WHERE slug = ?", (slug,)).fetchone()[0]
            for slug in params["pair"]
        ]
    q2 = unquote_plus(queries["Q2"]["datasette_path"])
    assert q2.startswith("/{db}/events.json?_where=fact_id = id&")
    # Datasette's rows are factdb's facts: first reports only, as factdb lists them.
    assert "_where=fact_id = id&" in unquote_plus(queries["Q1"]["datasette_path"])
    assert "e.fact_id = e.id" in unquote_plus(queries["Q2"]["datasette_sql_path"])
    for entity_id in ids:
        assert f"where entity_id = {entity_id}" in q2
    year = params["pair_year"]
    assert f"date_end__gte={year}-01-01" in q2 and f"date_start__lte={year}-12-31" in q2
    q3 = unquote_plus(queries["Q3"]["datasette_path"])
    assert q3.startswith("/{db}/search_documents.json?")
    assert f"_search={params['word']}" in q3 and "_fts_table=search_fts" in q3
    q7 = unquote_plus(queries["Q7"]["datasette_path"])
    assert q7.startswith("/{db}/events.json?_where=fact_id = id&")
    assert "where r.fact_id = events.id) >= 3" in q7
    year = params["sourced_year"]
    assert f"date_end__gte={year}-01-01" in q7 and f"date_start__lte={year}-12-31" in q7
    for qid in ("Q2", "Q3", "Q7"):
        assert queries[qid]["datasette_sql_path"].startswith("/{db}.json?sql="), qid
    assert queries["Q1"]["datasette_sql_path"] is None
    # The unranked search is asked of factdb in id order, the order Datasette lists it in.
    assert queries["Q3id"]["datasette_path"] == queries["Q3"]["datasette_path"]
    assert queries["Q3id"]["factdb_path"] == queries["Q3"]["factdb_path"] + "&sort=id"


def test_a_whole_table_scan_is_detected_through_an_alias(tmp_path: Path) -> None:
    connection = sqlite3.connect(tmp_path / "t.sqlite3")
    connection.execute("CREATE TABLE statements (id INTEGER PRIMARY KEY, text TEXT)")
    plan = explain(connection, "SELECT id FROM statements st WHERE st.text LIKE ?", ["%a%"])
    assert plan["table_scans"] == ["SCAN st"]
    plan = explain(connection, "SELECT id FROM statements WHERE id = ?", [1])
    assert plan["table_scans"] == [] and plan["index_scans"] == []
    connection.execute("CREATE INDEX ix_text ON statements (text)")
    plan = explain(connection, "SELECT id FROM statements WHERE text < ?", ["m"])
    assert plan["open_ranges"] == ["SEARCH statements USING COVERING INDEX ix_text (text<?)"]


def test_the_floor_answers_404_to_an_unknown_query() -> None:
    statuses: list[str] = []
    body = application({"QUERY_STRING": "q=Q9"}, lambda status, _: statuses.append(status))
    assert statuses == ["404 Not Found"] and b"Q9" in b"".join(body)


def test_without_wrk_the_command_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(BenchError, match="apt-get install -y wrk"):
        run_benchmark(tmp_path / "missing.sqlite3", tmp_path)
    database = tmp_path / "x.sqlite3"
    database.touch()
    result = CliRunner().invoke(bench_command, ["--sqlite", str(database), "--out", str(tmp_path)])
    assert result.exit_code == 1 and "apt-get install -y wrk" in result.output


def test_q1_is_profiled_into_parts_that_add_up(bench: Bench) -> None:
    results, out = bench
    profile = results["profile"]
    assert profile["path"] == results["queries"]["Q1"]["factdb_path"]
    assert profile["ms_per_request"] > 0 and profile["calls"] > 0
    shares = {part["part"]: part["share"] for part in profile["parts"]}
    assert abs(sum(shares.values()) - 1) < 0.01
    assert any(part.startswith("SQL") for part in shares)
    assert "Where a request's time goes" in (out / "bench-results.md").read_text()


def test_a_tiny_synthetic_corpus_passes_check_and_is_cached(tmp_path: Path) -> None:
    from factdb.bench.build import build_database
    from factdb.bench.queries import pick_parameters
    from factdb.bench.words import TAIL_WORDS

    seen: list[int] = []
    path, report = build_database(tmp_path, 5, progress=seen.append)
    assert report.sources == 5 and report.check_failures == 0
    assert 40 * 5 <= report.facts <= 60 * 5  # about 50 facts a source
    assert report.executemany_seconds > 0 and report.load_seconds > 0
    assert 0 <= report.ranking_seconds < report.load_seconds  # no frequent terms yet
    # The sources were generated and prepared in a process of their own, which ran.
    assert report.writer_cpu_seconds > 0 and report.preparer_cpu_seconds > 0
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        sources = connection.execute("SELECT count(*) FROM sources").fetchone()[0]
    connection.close()
    assert sources == 5 and seen == [5]
    assert not list(tmp_path.glob("*.building.*")), "the build left files behind"
    assert 0 < report.loader_peak_rss_mb < 1000  # the child's own peak (VmHWM)
    assert 0 < report.preparer_peak_rss_mb < 1000
    again, cached = build_database(tmp_path, 5)
    assert again == path and cached == report
    # A word of the quotes is chosen by how many documents hold it, counted exactly:
    # the most held, or the nearest to a count given (a word of the long tail here).
    busiest = pick_parameters(str(path))
    fewest = pick_parameters(str(path), like={**busiest, "word_documents": 1})
    assert fewest["word"] in TAIL_WORDS
    assert fewest["word_documents"] < busiest["word_documents"]
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        for params in (busiest, fewest):
            match = f'"{params["word"]}"'
            held = connection.execute(
                "SELECT count(*) FROM search_fts WHERE search_fts MATCH ?", (match,)
            ).fetchone()[0]
            assert held == params["word_documents"], params["word"]


def test_the_scaling_plot_and_table_are_drawn(tmp_path: Path) -> None:
    from factdb.bench.plot import plot_p50
    from factdb.bench.report import QUERY_IDS, p50_by_size, scaling_table

    def build(facts: int) -> dict[str, Any]:
        return {
            "build": {"sources": facts // 50, "facts": facts, "load_seconds": 2.0,
                      "ranking_seconds": 0.1, "writer_cpu_seconds": 1.5,
                      "preparer_cpu_seconds": 1.2, "executemany_seconds": 1.0,
                      "loader_peak_rss_mb": 80.0, "preparer_peak_rss_mb": 70.0,
                      "check_failures": 0},
        }  # fmt: skip

    def latency(p50: float) -> dict[str, Any]:
        return {"latency_ms": {"p50": p50, "p95": p50, "p99": p50}}

    runs = {20: build(1000), 200: build(10000)}
    scaling = {
        "machine": {"date": "2026-12-02T01:00:00+00:00"},
        "settings": {"duration": 4, "rounds": 3},
        "queries": {qid: {"20": latency(3.0), "200": latency(3.9)} for qid in QUERY_IDS},
    }
    p50 = p50_by_size(scaling)
    assert p50["Q1"] == {20: 3.0, 200: 3.9}
    assert plot_p50(p50, {20: 1000, 200: 10000}, tmp_path / "p50.png", QUERY_IDS)
    assert (tmp_path / "p50.png").read_bytes().startswith(b"\x89PNG")
    table = scaling_table(runs, scaling)
    assert "| query | 1,000 facts p50 ms | 10,000 facts p50 ms | largest ÷ smallest |" in table
    assert "| Q1 | 3.00 | 3.90 | 1.30 |" in table
    assert "each query loaded on each size in turn for 4 s, 3 rounds" in table
    assert "loaded in 2.0 s against 1.0 s of raw executemany (2.00x)" in table
    assert "CPU 1.5 s writing and 1.2 s generating and preparing" in table
    params = {"pair": ["a", "b"], "pair_year": "2019", "pair_shared_events_in_year": 3,
              "word": "talks", "word_documents": 1234, "timeline_entity": "c",
              "timeline_month": "2019-09", "timeline_month_facts": 7,
              "sourced_year": "2020", "sourced_events_in_year": 12}  # fmt: skip
    table = scaling_table(runs, {**scaling, "parameters": {"20": params}})
    assert (
        '- 20 sources: Q2 a and b in 2019 (3 shared events); Q3 and Q3id "talks" (held by'
        " 1,234 documents); Q4 c in 2019-09 (7 of its statements and events); Q7 2020"
        " (12 events at least 3 sources report)." in table
    )


def test_parameters_can_match_another_corpus(databases: DatabaseFactory) -> None:
    """Given another corpus's parameters, the years, word and month chosen are those
    with the counts nearest to its: the same counts for its own, smaller ones for 1."""
    from factdb.bench.queries import pick_parameters

    path = seeded_sqlite_for_wrk(databases, corroborated=True)
    busiest = pick_parameters(path)
    counts = ("pair_shared_events_in_year", "word_documents", "timeline_month_facts")
    counts += ("sourced_events_in_year",)
    assert all(busiest[name] > 0 for name in counts)
    same = pick_parameters(path, like=busiest)
    assert [same[name] for name in counts] == [busiest[name] for name in counts]
    fewest = pick_parameters(path, like={**busiest, **{name: 1 for name in counts}})
    for name in counts:
        assert 1 <= fewest[name] <= busiest[name], name
    assert fewest["word_documents"] < busiest["word_documents"]
    # Without an event three sources report, Q7 asks about the first year of events: 0.
    plain = pick_parameters(seeded_sqlite_for_wrk(databases))
    assert (plain["sourced_year"], plain["sourced_events_in_year"]) == ("2019", 0)


def test_sizes_are_loaded_in_the_same_rounds(databases: DatabaseFactory, tmp_path: Path) -> None:
    """run_scaling starts factdb on each corpus at once and loads them in turn."""
    from factdb.bench.runner import run_scaling

    path = seeded_sqlite_for_wrk(databases)
    paths = {"Q1": "/api/v1/statements?limit=5", "Q6": "/api/v1/entities?limit=5"}
    settings = {"duration": 1, "connections": 2, "threads": 1}
    scaling = run_scaling({1: (path, paths), 2: (path, paths)}, tmp_path, settings, 2)
    assert set(scaling["queries"]) == {"Q1", "Q6"}
    for sizes in scaling["queries"].values():
        assert set(sizes) == {"1", "2"}
        for result in sizes.values():
            assert result["preflight"]["status"] == 200 and result["non_2xx"] == 0
            assert len(result["rounds_req_per_s"]) == 2 and result["latency_ms"]["p50"] > 0
    assert (tmp_path / "logs" / "factdb-1.log").exists()


def test_a_ratio_is_the_median_of_the_rounds_ratios() -> None:
    from factdb.bench.report import paired_ratio

    top = {"rounds_req_per_s": [100.0, 50.0, 90.0]}
    bottom = {"rounds_req_per_s": [20.0, 25.0, 30.0]}
    assert paired_ratio(top, bottom) == 3.0  # median of 5, 2 and 3
    assert paired_ratio(top, None) is None
    assert paired_ratio(top, {"rounds_req_per_s": [0.0, 0.0, 0.0]}) is None
