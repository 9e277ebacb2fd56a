"""`factdb bench-replica` on a real primary and hot standby (PostgreSQL's binaries, in a
scratch folder): the API serves from the standby, sees the primary's loads within a
measured lag, and outlives the standby's restart and kill with nothing but 200s and
the documented 503s, on the same gunicorn workers.

Runs once, on the suite's PostgreSQL run (the test starts servers of its own; the
machine's server is not used). Without the binaries it fails, naming them.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from factdb.bench.pgcluster import pg_bin
from factdb.bench.replica_cli import bench_replica_command
from factdb.bench.servers import BenchError

pytestmark = pytest.mark.postgresql_run


def _scratch_folders() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("factdb-replica-*"))


def test_the_api_serves_from_a_hot_standby_through_its_restarts(tmp_path: Path) -> None:
    try:
        pg_bin()
    except BenchError as missing:
        pytest.fail(str(missing))
    scratch_before = _scratch_folders()
    options = ["--sources", "2", "--clients", "3", "--down-seconds", "0.5"]
    options += ["--settle-seconds", "1", "--out", str(tmp_path)]
    result = CliRunner().invoke(bench_replica_command, options)
    log = tmp_path / "factdb_standby.log"
    assert result.exit_code == 0, result.output + (log.read_text()[-3000:] if log.exists() else "")
    figures = json.loads((tmp_path / "replica-results.json").read_text())
    assert figures["problems"] == []

    settings = figures["settings"]
    assert settings["primary"]["wal_level"] == "replica"
    assert settings["standby"]["hot_standby"] == "on"
    basebackup = settings["pg_basebackup -R"]
    assert f"port={settings['primary']['port']}" in basebackup["primary_conninfo"]
    assert basebackup["primary_slot_name"] == "factdb_standby"

    # Each source loaded on the primary reached the standby's API, measured.
    assert [lag["slug"] for lag in figures["lags"]] == ["dispatch-000001", "dispatch-000002"]
    for lag in figures["lags"]:
        assert 0 < lag["replay_ms"] < 30_000
        assert 0 < lag["api_ms"] < 30_000

    assert [seen["how"] for seen in figures["outages"]] == [
        "pg_ctl restart -m fast",
        "pg_ctl stop -m immediate, down, pg_ctl start",
    ]
    for seen in figures["outages"]:
        statuses = {int(status): count for status, count in seen["statuses"].items()}
        assert set(statuses) == {200, 503}, seen  # the outage was seen, and nothing else
        assert seen["undocumented_503"] == 0
        assert seen["late_failures"] == 0
        assert seen["down_ms"] > 0
        assert 0 <= seen["recovery_ms"] < 10_000
    killed = figures["outages"][1]
    assert killed["outage_ms"] >= 500 * 0.9  # the clients saw the standby's time down

    # The workers that served before the outages served after them.
    assert len(figures["workers_before"]) == 2
    assert sorted(figures["workers_before"]) == sorted(figures["workers_after"])
    assert _scratch_folders() <= scratch_before  # the clusters' folder is gone
