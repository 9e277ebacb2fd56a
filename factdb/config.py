"""Where the database is, and the settings the app and the commands share."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = PROJECT_ROOT / "seed"
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "instance" / "factdb.sqlite3"
DATABASE_URL_VARIABLE = "FACTDB_DATABASE_URL"


def database_url() -> str:
    """The SQLAlchemy URL from FACTDB_DATABASE_URL, else the default SQLite file."""
    url = os.environ.get(DATABASE_URL_VARIABLE, "").strip()
    return url or f"sqlite:///{DEFAULT_SQLITE_PATH}"
