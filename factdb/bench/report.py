"""The benchmark's reports: the markdown table of one run, and p50 by corpus size."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from factdb.bench.parameters import LEAST_SOURCES

DASH = "—"
COLUMNS = (
    "query",
    "floor in-process ms",
    "floor WSGI req/s",
    "factdb req/s",
    "factdb p50 / p95 / p99 ms",
    "Datasette req/s (defaults)",
    "Datasette req/s (suggest_facets off)",
    "factdb / Datasette",
    "Datasette ?sql= req/s (suggest_facets off)",
    "factdb / Datasette ?sql=",
    "factdb / floor",
)


def _ms(value: float | None) -> str:
    if value is None:
        return DASH
    digits = 3 if value < 1 else 2 if value < 10 else 1 if value < 100 else 0
    return f"{value:.{digits}f}"


def _rate(value: float | None) -> str:
    if value is None:
        return DASH
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _ratio(value: float | None) -> str:
    return f"{value:.2f}" if value else DASH


def paired_ratio(top: dict[str, Any] | None, bottom: dict[str, Any] | None) -> float | None:
    """The median, over rounds, of ``top``'s req/s divided by ``bottom``'s in the same
    round; None when either is missing or answered nothing."""
    if not top or not bottom:
        return None
    pairs = zip(top["rounds_req_per_s"], bottom["rounds_req_per_s"], strict=True)
    ratios = [a / b for a, b in pairs if a and b]
    return statistics.median(ratios) if ratios else None


def _row(qid: str, query: dict[str, Any]) -> list[str]:
    servers = query["servers"]

    def rate(name: str) -> float | None:
        return servers[name]["req_per_s"] if name in servers else None

    factdb = servers.get("factdb")
    latency = DASH
    if factdb is not None:
        latency = " / ".join(_ms(factdb["latency_ms"][p]) for p in ("p50", "p95", "p99"))
    faster = max(
        (servers[name] for name in ("datasette_default", "datasette_nofacets") if name in servers),
        key=lambda result: result["req_per_s"],
        default=None,
    )
    return [
        f"{qid} {query['title']}",
        _ms(query["floor_in_process"]["median_ms"]),
        _rate(rate("floor")),
        _rate(rate("factdb")),
        latency,
        _rate(rate("datasette_default")),
        _rate(rate("datasette_nofacets")),
        _ratio(paired_ratio(factdb, faster)),
        _rate(rate("datasette_nofacets_sql")),
        _ratio(paired_ratio(factdb, servers.get("datasette_nofacets_sql"))),
        _ratio(paired_ratio(factdb, servers.get("floor"))),
    ]


def _notes(results: dict[str, Any]) -> list[str]:
    queries, notes = results["queries"], []
    notes.append(
        "Every server is up at once; each (query, server) is loaded in turn, round after"
        " round. A ratio is the median over rounds of factdb's req/s divided by the other's"
        " in the same round. factdb / Datasette divides by the faster Datasette"
        " configuration on its closest table/filter URL; factdb / Datasette ?sql= by"
        " Datasette (with suggest_facets off) running the floor's SQL through its query"
        " view; factdb / floor by the floor's WSGI req/s under the same gunicorn. req/s"
        " counts all rounds; each latency percentile is the median of the rounds'."
    )
    kinds = [f"{q} {v['datasette_kind']}" for q, v in queries.items() if v["datasette_kind"]]
    none = [q for q, v in queries.items() if not v["datasette_kind"]]
    notes.append(f"Datasette URLs: {'; '.join(kinds)}; no equivalent for {', '.join(none)}.")
    with_sql = [q for q, v in queries.items() if v.get("datasette_sql_path")]
    notes.append(f"Datasette ?sql= runs for {', '.join(with_sql) or 'no query'}.")
    if results["parameters"].get("sourced_events_in_year") == 0:
        notes.append(
            f"Q7: no event of this corpus has {LEAST_SOURCES} sources or more, so its page"
            " is empty: it measures finding none in a year."
        )
    q5 = queries.get("Q5", {})
    if q5:
        reached = f"; Datasette page {q5['datasette_page']}" if "datasette_page" in q5 else ""
        notes.append(f"Q5: factdb {q5['note']}{reached}.")
    for qid, query in queries.items():
        for name, result in query["servers"].items():
            errors = {k: v for k, v in result["errors"].items() if v}
            if errors or result["preflight"]["status"] != 200:
                status = result["preflight"]["status"]
                notes.append(f"{qid} {name}: first answer {status}, wrk errors {errors}.")
    for name, processes in results["rss_kb"].items():
        if processes:
            peak = max(processes.values()) / 1024
            count = len(processes)
            notes.append(
                f"Peak RSS (VmHWM) of {name}: {peak:.1f} MB, the most of {count} process(es)."
            )
    for qid, query in queries.items():
        for line in query["plans"]["table_scans"]:
            verdict = "FAIL" if query["filtered"] else "unfiltered query"
            notes.append(f"{qid} reads a whole table ({verdict}): `{line}`")
        for line in query["plans"]["index_scans"]:
            notes.append(f"{qid} reads every row of a table through an index: `{line}`")
        for line in query["plans"]["open_ranges"]:
            notes.append(f"{qid} searches an index on one open-ended bound: `{line}`")
    notes += [f"Failure: {failure}" for failure in results["failures"]]
    return notes


def markdown(results: dict[str, Any]) -> str:
    """The results as a markdown report: a header, the table (Q1…Q7) and notes."""
    machine, settings, database = results["machine"], results["settings"], results["database"]
    rows = ", ".join(f"{count:,} {table}" for table, count in database["rows"].items())
    datasette = settings.get("datasette_version")
    lines = [
        "# factdb bench",
        "",
        f"{machine['date']}: {machine['cpu_model']}, {machine['cores']} cores,"
        f" {machine['memory_kb'] / 1024 / 1024:.1f} GB; Python {machine['python']},"
        f" SQLite {machine['sqlite']}, {machine['wrk']}."
        + (f" Load average {machine['load_average']}" if "load_average" in machine else "")
        + (f", {results['load_average_end']} at the end." if "load_average_end" in results else ""),
        f"Database {Path(database['path']).name} ({database['bytes'] / 1e6:.1f} MB): {rows}.",
        f"Load: wrk, {settings['connections']} connections, {settings['threads']} threads,"
        f" {settings['duration']} s per query and server in each of"
        f" {settings.get('rounds', 1)} round(s); gunicorn with"
        f" {settings['gunicorn_workers']} sync workers (factdb, floor)"
        + (f"; Datasette {datasette}, one process." if datasette else "; no Datasette."),
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "|".join(" --- " for _ in COLUMNS) + "|",
    ]
    for qid, query in results["queries"].items():
        lines.append("| " + " | ".join(_row(qid, query)) + " |")
    if "postgresql" in results or results["settings"].get("single"):
        from factdb.bench.engines import engines_table

        lines += ["", "## Both engines", "", *engines_table(results)]
    if "profile" in results:
        from factdb.bench.profile import markdown as profile_markdown

        lines += ["", *profile_markdown(results["profile"])]
    if "profile_postgresql" in results:
        from factdb.bench.profile import markdown as profile_markdown

        lines += ["", "On PostgreSQL:", *profile_markdown(results["profile_postgresql"])]
    lines += ["", *(f"- {note}" for note in _notes(results))]
    params = ", ".join(f"{key}={value}" for key, value in results["parameters"].items())
    lines += ["", f"Parameters: {params}.", ""]
    return "\n".join(lines)


def p50_by_size(scaling: dict[str, Any]) -> dict[str, dict[int, float]]:
    """{qid: {sources: p50 ms}} from an interleaved run across sizes (run_scaling)."""
    return {
        qid: {int(size): result["latency_ms"]["p50"] for size, result in sizes.items()}
        for qid, sizes in scaling["queries"].items()
    }


def scaling_table(runs: dict[int, dict[str, Any]], scaling: dict[str, Any]) -> str:
    """p50 of every query for each corpus size, measured in the same minutes, with the
    growth from the smallest size to the largest; then the build's load figures."""
    scales = sorted(runs)
    p50 = p50_by_size(scaling)
    head = [
        "query",
        *(f"{runs[n]['build']['facts']:,} facts p50 ms" for n in scales),
        "largest ÷ smallest",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(" --- " for _ in head) + "|"]
    for qid in QUERY_IDS:
        values = [p50.get(qid, {}).get(n) for n in scales]
        first, last = values[0], values[-1]
        growth = f"{last / first:.2f}" if first and last else DASH
        lines.append(f"| {qid} | " + " | ".join(map(_ms, values)) + f" | {growth} |")
    settings = scaling["settings"]
    lines += [
        "",
        f"factdb on every size at once ({scaling['machine']['date']}), each query loaded on"
        f" each size in turn for {settings['duration']} s, {settings['rounds']} rounds;"
        " each p50 is the median of the rounds'. Each size is asked about parameters"
        " matching as many facts as the smallest size's where the corpus has them (the"
        " busiest speaker and entity otherwise, as in each size's own benchmark):",
        "",
    ]
    for n in scales:
        params = scaling.get("parameters", {}).get(str(n))
        if params is not None:
            lines.append(
                f"- {n:,} sources: Q2 {params['pair'][0]} and {params['pair'][1]} in"
                f" {params['pair_year']} ({params['pair_shared_events_in_year']} shared"
                f' events); Q3 and Q3id "{params["word"]}" (held by'
                f" {params['word_documents']:,} documents); Q4"
                f" {params['timeline_entity']} in {params['timeline_month']}"
                f" ({params['timeline_month_facts']} of its statements and events); Q7"
                f" {params['sourced_year']} ({params['sourced_events_in_year']} events at"
                f" least {LEAST_SOURCES} sources report)."
            )
    lines.append("")
    for n in scales:
        build = runs[n]["build"]
        load, floor = build["load_seconds"], build["executemany_seconds"]
        lines.append(
            f"- {n:,} sources, {build['facts']:,} facts: loaded in {load:,.1f} s"
            f" against {floor:,.1f} s of raw executemany ({load / floor:.2f}x), ranking"
            f" the search terms {build['ranking_seconds']:,.1f} s of it; CPU"
            f" {build['writer_cpu_seconds']:,.1f} s writing and"
            f" {build['preparer_cpu_seconds']:,.1f} s generating and preparing in a second"
            f" process; peak RSS {build['loader_peak_rss_mb']:.0f} MB and"
            f" {build['preparer_peak_rss_mb']:.0f} MB; `factdb check` failures:"
            f" {build['check_failures']}."
        )
    return "\n".join(lines) + "\n"


QUERY_IDS = ("Q1", "Q2", "Q3", "Q3id", "Q4", "Q5", "Q6", "Q7")
