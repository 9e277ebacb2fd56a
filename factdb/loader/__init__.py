"""The seed loader: facts files in, validated rows out, one transaction per call."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from factdb.loader.apply import apply_plan
from factdb.loader.errors import Problem, SeedError
from factdb.loader.plan import FACTS_FILE, Plan, read_plan
from factdb.models import Entity, Topic

__all__ = ["Problem", "SeedError", "load_folders", "source_folders"]


def source_folders(seed_dir: Path) -> list[Path]:
    """Every folder under ``seed_dir`` that holds a facts file, in name order."""
    return sorted(path.parent for path in seed_dir.glob(f"*/{FACTS_FILE}"))


def load_folders(
    engine: Engine,
    folders: Iterable[Path],
    progress: Callable[[Path, dict[str, int]], None] | None = None,
) -> dict[str, dict[str, int]]:
    """Load ``folders`` in one transaction: all of them, or nothing and a SeedError."""
    loaded: dict[str, dict[str, int]] = {}
    with Session(engine) as session, session.begin():
        for folder in folders:
            known_entities = set(session.scalars(select(Entity.slug)))
            known_topics = set(session.scalars(select(Topic.slug)))
            plan: Plan = read_plan(folder, known_entities, known_topics)
            counts = apply_plan(session, plan)
            loaded[plan.source["slug"]] = counts
            if progress is not None:
                progress(folder, counts)
    return loaded
