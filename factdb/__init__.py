"""factdb: a structured fact database for news articles, served read-only over REST."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """The API app with the factdb commands: for gunicorn and `flask --app factdb`."""
    # The package root sits above every layer (pyproject.toml's import contracts): it is
    # imported by whatever imports a factdb module, so it loads the commands only here.
    from factdb.commands import create_cli_app

    return create_cli_app(test_config)
