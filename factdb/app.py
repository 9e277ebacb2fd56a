"""The read-only API app: its configuration and the API, without the commands."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from factdb.api import init_app as init_api
from factdb.config import database_url


def create_api_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Application factory of the read-only API; the commands layer adds the CLI."""
    app = Flask("factdb")
    app.config.from_mapping(
        DATABASE_URL=database_url(),
        # Seconds a request's queries may run before the API answers 503.
        QUERY_TIMEOUT_SECONDS=5.0,
        # SQLite VM steps between two checks of that deadline.
        SQLITE_PROGRESS_STEPS=10_000,
        # Connections per API worker process (PostgreSQL).
        POOL_SIZE=4,
    )
    # FACTDB_QUERY_TIMEOUT_SECONDS=2 sets QUERY_TIMEOUT_SECONDS, and so on.
    app.config.from_prefixed_env("FACTDB")
    if test_config is not None:
        app.config.from_mapping(test_config)
    _check_config(app)
    init_api(app)
    return app


def _check_config(app: Flask) -> None:
    """Fail at start-up, naming the setting, rather than on the first request."""
    numbers = {"QUERY_TIMEOUT_SECONDS": float, "SQLITE_PROGRESS_STEPS": int, "POOL_SIZE": int}
    for name, kind in numbers.items():
        value = app.config[name]
        # Zero would mean "no limit" to PostgreSQL and to SQLAlchemy's pool.
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ValueError(f"FACTDB_{name} must be a positive number, not {value!r}")
        app.config[name] = kind(value)
