"""Run the app under gunicorn from Python, for `factdb serve`."""

from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def serve(app: Flask, host: str, port: int, workers: int) -> None:
    """Serve ``app`` on host:port with ``workers`` gunicorn worker processes."""
    _Gunicorn(
        app,
        {"bind": f"{host}:{port}", "workers": workers, "accesslog": "-", "timeout": 30},
    ).run()
