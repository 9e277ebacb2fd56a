"""`factdb bench-replica`: the API served from a streaming hot standby (factdb.bench.
replica), its figures printed and written to replica-results.json."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from factdb.bench.replica import ReplicaReport, run_replica
from factdb.bench.servers import BenchError


def machine() -> dict[str, Any]:
    """What the figures were measured on: CPU model, cores, load average."""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": model or platform.processor(),
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def print_report(report: ReplicaReport) -> None:
    """The settings used and the figures, as text."""
    for role, settings in report.settings.items():
        click.echo(f"{role}:")
        for name, value in settings.items():
            click.echo(f"  {name} = {value}")
    if report.lags:
        replay = [lag.replay_ms for lag in report.lags]
        api = [lag.api_ms for lag in report.lags]
        click.echo(
            f"lag after the primary's commit, {len(report.lags)} sources: replayed on the"
            f" standby {min(replay):.1f}-{max(replay):.1f} ms, on its API"
            f" {min(api):.1f}-{max(api):.1f} ms"
        )
    for seen in report.outages:
        click.echo(
            f"{seen.how}: statuses {seen.statuses}; server down {seen.down_ms:.0f} ms,"
            f" clients failed for {seen.outage_ms:.0f} ms, 200 again {seen.recovery_ms:.0f} ms"
            f" after it took connections; 503s not as documented: {seen.undocumented_503};"
            f" failures after recovery: {seen.late_failures}"
        )
    same = sorted(report.workers_before) == sorted(report.workers_after)
    click.echo(
        f"gunicorn workers {report.workers_before} -> {report.workers_after}"
        f" ({'the same' if same else 'CHANGED'}); {report.requests:,} requests under load"
    )
    for problem in report.problems:
        click.echo(f"FAIL: {problem}", err=True)


@click.command("bench-replica")
@click.option(
    "--sources",
    type=click.IntRange(1),
    default=5,
    show_default=True,
    help="Sources loaded on the primary one at a time, each one's lag measured.",
)
@click.option(
    "--clients",
    type=click.IntRange(1),
    default=4,
    show_default=True,
    help="Client threads loading the standby's API during the outages.",
)
@click.option(
    "--workers",
    type=click.IntRange(1),
    default=2,
    show_default=True,
    help="gunicorn workers serving the API from the standby.",
)
@click.option(
    "--down-seconds",
    type=click.FloatRange(0),
    default=2.0,
    show_default=True,
    help="How long the killed standby stays down before it is started.",
)
@click.option(
    "--settle-seconds",
    type=click.FloatRange(0.5),
    default=3.0,
    show_default=True,
    help="Load before the first outage and after each.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where replica-results.json and gunicorn's log go [default: instance/bench/replica].",
)
def bench_replica_command(
    sources: int,
    clients: int,
    workers: int,
    down_seconds: float,
    settle_seconds: float,
    out_dir: Path | None,
) -> None:
    """Serve the API from a hot standby of a scratch primary; measure replication lag
    and the standby's restart and kill under load.

    Runs PostgreSQL's binaries (initdb, pg_basebackup, pg_ctl; FACTDB_PG_BIN, default
    /usr/lib/postgresql/15/bin) on free ports in a scratch folder, removed afterwards.
    Exits 1 when an answer was neither 200 nor the documented 503, a failure came after
    recovery, or a gunicorn worker was replaced.
    """
    from factdb.bench.cli import DEFAULT_OUT

    out_dir = out_dir or DEFAULT_OUT / "replica"
    before = machine()
    try:
        report = run_replica(
            out_dir,
            sources=sources,
            clients=clients,
            workers=workers,
            down_s=down_seconds,
            settle_s=settle_seconds,
            echo=lambda line: click.echo(line, err=True),
        )
    except BenchError as error:
        raise click.ClickException(str(error)) from None
    print_report(report)
    results = {
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": before,
        "load_average_after": machine()["load_average"],
        "options": {"clients": clients, "workers": workers, "down_seconds": down_seconds},
        **asdict(report),
        "problems": report.problems,
    }
    (out_dir / "replica-results.json").write_text(json.dumps(results, indent=2))
    click.echo(f"wrote {out_dir / 'replica-results.json'}", err=True)
    if report.problems:
        raise SystemExit(1)
