"""Run the Alembic migrations programmatically, configured from pyproject.toml."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from factdb.config import PROJECT_ROOT


def alembic_config(url: str) -> Config:
    """An Alembic Config reading ``[tool.alembic]`` and migrating ``url``."""
    config = Config(toml_file=str(PROJECT_ROOT / "pyproject.toml"))
    config.attributes["database_url"] = url
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)
