"""`factdb bench`: run the benchmark and print its table (registered on the factdb CLI
with ``app.cli.add_command(bench_command)``)."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from factdb.bench.postgres import DEFAULT_POSTGRES_URL, BenchDatabaseError, bench_name
from factdb.bench.report import QUERY_IDS, markdown, p50_by_size, scaling_table
from factdb.config import PROJECT_ROOT

DEFAULT_OUT = PROJECT_ROOT / "instance" / "bench"


def _scales(value: str | None) -> list[int]:
    if not value:
        return []
    try:
        scales = [int(part) for part in value.split(",")]
    except ValueError:
        raise click.BadParameter(
            "give source counts separated by commas, e.g. 1000,10000"
        ) from None
    if any(scale < 1 for scale in scales):
        raise click.BadParameter("source counts must be positive")
    return scales


@click.command("bench")
@click.option(
    "--scales",
    help="Synthetic corpus sizes in sources, e.g. 1000,10000,20000 (built once, cached).",
)
@click.option(
    "--sqlite",
    "sqlite_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Benchmark an already built SQLite database instead.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Where corpora, bench-results.json/.md, logs and Datasette's venv go.",
)
@click.option(
    "--duration",
    type=click.IntRange(1),
    default=4,
    show_default=True,
    help="Seconds of load per query and server in each round.",
)
@click.option(
    "--rounds",
    type=click.IntRange(1),
    default=3,
    show_default=True,
    help="Rounds: every (query, server) is loaded once in each, in turn.",
)
@click.option(
    "--connections",
    type=click.IntRange(1),
    default=16,
    show_default=True,
    help="wrk's concurrent connections.",
)
@click.option(
    "--threads", type=click.IntRange(1), default=2, show_default=True, help="wrk's threads."
)
@click.option("--no-datasette", is_flag=True, help="Skip Datasette (no venv, no install).")
@click.option(
    "--engines",
    default="sqlite",
    show_default=True,
    help="sqlite, or sqlite,postgresql: the same corpus copied into PostgreSQL too.",
)
@click.option(
    "--postgres-url",
    default=DEFAULT_POSTGRES_URL,
    show_default=True,
    help="The bench database, created and dropped by the run (its name starts with factdb_bench).",
)
@click.option(
    "--single/--no-single",
    default=False,
    help="Also load factdb and the floors at 1 connection (p50 of lone requests).",
)
@click.option(
    "--keep-postgres",
    is_flag=True,
    help="Leave the last bench database in place (for EXPLAIN); the next run drops it.",
)
def bench_command(
    scales: str | None,
    sqlite_path: Path | None,
    out_dir: Path,
    duration: int,
    connections: int,
    threads: int,
    rounds: int,
    no_datasette: bool,
    engines: str,
    postgres_url: str,
    single: bool,
    keep_postgres: bool,
) -> None:
    """Benchmark Q1…Q7 against the floor and Datasette; print the tables.

    Exits 1 when a filtered query reads a whole table (the reports are still written).
    """
    from factdb.bench.build import build_database

    with_postgres = _engines(engines)
    if with_postgres:
        try:
            bench_name(postgres_url)
        except BenchDatabaseError as error:
            raise click.BadParameter(str(error), param_hint="--postgres-url") from None
    sizes = _scales(scales)
    if bool(sizes) == (sqlite_path is not None):
        raise click.UsageError("give either --scales or --sqlite")
    targets: list[tuple[Path, Path, dict[str, Any] | None]] = []
    for size in sizes:
        click.echo(f"corpus of {size:,} sources: building or reusing the cache", err=True)

        def progress(done: int, size: int = size) -> None:
            click.echo(f"  {done:,}/{size:,} sources loaded", err=True)

        path, report = build_database(out_dir / "corpora", size, progress=progress)
        targets.append((path, out_dir / f"scale-{size}", asdict(report)))
    if sqlite_path is not None:
        targets.append((sqlite_path, out_dir, None))
    runs: dict[int, dict[str, Any]] = {}
    failed = False
    for path, target_dir, build in targets:
        options = {
            "datasette": not no_datasette,
            "rounds": rounds,
            "single": single,
            "build": build,
        }
        keep = keep_postgres and target_dir == targets[-1][1]
        results = _run(
            path,
            target_dir,
            (duration, connections, threads),
            options,
            postgres_url if with_postgres else None,
            keep,
        )
        click.echo(markdown(results))
        click.echo(f"wrote {target_dir / 'bench-results.json'} and bench-results.md", err=True)
        for failure in results["failures"]:
            click.echo(f"FAILED: {failure}", err=True)
        failed |= not results["ok"]
        if build is not None:
            runs[build["sources"]] = {"build": build, "results": results, "path": str(path)}
    if len(runs) > 1:
        settings = {"duration": duration, "connections": connections, "threads": threads}
        scale_run(runs, out_dir, settings, rounds)
    if failed:
        sys.exit(1)


def _engines(value: str) -> bool:
    """Whether PostgreSQL is benchmarked too (the corpus is always built on SQLite)."""
    names = {part.strip() for part in value.split(",") if part.strip()}
    if "sqlite" not in names or not names <= {"sqlite", "postgresql"}:
        raise click.BadParameter("give sqlite or sqlite,postgresql", param_hint="--engines")
    return "postgresql" in names


def _run(
    path: Path,
    target_dir: Path,
    settings: tuple[int, int, int],
    options: dict[str, Any],
    postgres_url: str | None,
    keep: bool = False,
) -> dict[str, Any]:
    """One corpus's benchmark; with ``postgres_url``, in a bench database loaded from the
    corpus by ``factdb copy`` and dropped afterwards."""
    from factdb.bench.postgres import bench_database, prepare_postgres
    from factdb.bench.runner import BenchError, run_benchmark

    duration, connections, threads = settings
    try:
        if postgres_url is None:
            return run_benchmark(path, target_dir, duration, connections, threads, **options)
        with bench_database(postgres_url, keep) as url:
            click.echo(f"copying {path.name} into {bench_name(url)}", err=True)
            load = prepare_postgres(str(path.resolve()), url)
            postgres = {"url": url, "load": load}
            return run_benchmark(
                path, target_dir, duration, connections, threads, postgres=postgres, **options
            )
    except BenchError as error:
        raise click.ClickException(str(error)) from None


def scale_run(
    runs: dict[int, dict[str, Any]], out_dir: Path, settings: dict[str, int], rounds: int
) -> None:
    """The p50 of every query on every corpus size, factdb serving all at once, with
    parameters matching as many facts on every size; writes the table and the plot."""
    from factdb.bench.plot import plot_p50
    from factdb.bench.runner import BenchError, matched_queries, run_scaling

    click.echo("p50 by size: factdb on every corpus at once", err=True)
    matched = matched_queries({n: run["path"] for n, run in runs.items()})
    corpora = {n: (runs[n]["path"], paths) for n, (_, paths) in matched.items()}
    try:
        scaling = run_scaling(corpora, out_dir, settings, rounds)
    except BenchError as error:
        raise click.ClickException(str(error)) from None
    scaling["parameters"] = {str(n): params for n, (params, _) in matched.items()}
    (out_dir / "bench-scaling.json").write_text(json.dumps(scaling, indent=2))
    table = scaling_table(runs, scaling)
    (out_dir / "bench-scaling.md").write_text(table, encoding="utf-8")
    click.echo(table)
    facts = {n: run["build"]["facts"] for n, run in runs.items()}
    if plot_p50(p50_by_size(scaling), facts, out_dir / "bench-p50.png", QUERY_IDS):
        click.echo(f"wrote {out_dir / 'bench-p50.png'}", err=True)
    else:
        click.echo("no plot: pip install -e '.[bench]' for matplotlib", err=True)
