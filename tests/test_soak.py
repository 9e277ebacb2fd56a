"""The soak harness, briefly, on the seeded database: mixed valid, invalid and hostile
load under gunicorn while a loader adds two sources. It asserts correctness (no 5xx, no
half-loaded source, no locked database), never timings."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from factdb.bench.soak import HOSTILE, INVALID, soak_command
from tests.conftest import DatabaseFactory, seeded_sqlite_for_wrk


def test_a_short_soak_with_a_concurrent_loader_passes(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    out = tmp_path / "soak"
    arguments = ["--sqlite", seeded_sqlite_for_wrk(databases), "--out", str(out)]
    arguments += ["--duration", "3", "--connections", "4", "--sources", "2"]

    outcome = CliRunner().invoke(soak_command, arguments)

    results = json.loads((out / "soak-results.json").read_text())
    assert outcome.exit_code == 0, outcome.output
    assert results["ok"] and results["status"]["5xx"] == 0
    assert results["status"]["2xx"] > 0 and results["status"]["4xx"] > 0
    assert results["sources_loaded"] == 2 and results["half_loaded"] == []
    assert results["watcher_checks"] > 0 and results["database_locked_in_log"] == 0
    assert set(INVALID) | set(HOSTILE) <= set(results["paths"])
