"""The seed loader: facts files in, validated rows out, one transaction per call."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from contextlib import closing
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from factdb.loader.apply import apply_plan, update_content_version
from factdb.loader.background import prepared_makers
from factdb.loader.errors import Problem, SeedError
from factdb.loader.plan import FACTS_FILE, Plan, PlanMaker, prepare_folder
from factdb.loader.search_top import rebuild_search_top
from factdb.loader.shared import Enriched, Loaded
from factdb.loader.statistics import analyze_if_grown
from factdb.models import Entity, Topic

__all__ = [
    "Enriched",
    "Loaded",
    "PlanMaker",
    "Problem",
    "SeedError",
    "load_folders",
    "load_plans",
    "source_folders",
]

# From this many folders on, they are read and validated in another process while this
# one writes (background.py). Starting it takes about 0.6 s, which folders the size of
# the seed's (20 ms each to prepare) repay from about 30 on.
BACKGROUND_FROM = 50
Progress = Callable[[Plan, Loaded], None]
# load_plans, or the insert-only bulk_load_plans (factdb.loader.bulk).
Writer = Callable[[Engine, Iterable[PlanMaker], int, Progress | None], int]


def source_folders(seed_dir: Path) -> list[Path]:
    """Every folder under ``seed_dir`` that holds a facts file, in name order."""
    return sorted(path.parent for path in seed_dir.glob(f"*/{FACTS_FILE}"))


def load_folders(
    engine: Engine,
    folders: Iterable[Path],
    progress: Callable[[Path, Loaded], None] | None = None,
    writer: Writer | None = None,
    processes: int | None = None,
) -> dict[str, Loaded]:
    """Load ``folders`` in one transaction: all of them, or nothing and a SeedError.
    Then rank the frequent search terms again (search_top.py), in transactions of
    their own: until that ends, searches rank every match; and gather the planner's
    statistics if the sources stored changed by a tenth since they last were.

    ``writer`` is load_plans unless given (the bulk path, for sources all new).
    ``processes`` read and validate the folders meanwhile; by default one, when there
    are at least BACKGROUND_FROM folders and more than one core."""
    loaded: dict[str, Loaded] = {}

    def report(plan: Plan, written: Loaded) -> None:
        loaded[plan.source["slug"]] = written
        if progress is not None:
            progress(plan.folder, written)

    folders = list(folders)
    if processes is None:
        many = len(folders) >= BACKGROUND_FROM and (os.cpu_count() or 1) > 1
        processes = 1 if many else 0
    with closing(prepared_makers(folders, prepare_folder, processes)) as makers:
        (writer or load_plans)(engine, makers, max(len(folders), 1), report)
    if loaded:
        rebuild_search_top(engine)
        analyze_if_grown(engine)
    return loaded


def load_plans(
    engine: Engine,
    makers: Iterable[PlanMaker],
    batch_size: int,
    progress: Progress | None = None,
) -> int:
    """Load sources in transactions of ``batch_size`` sources; return how many loaded.

    Each maker builds its plan given the entity and topic slugs stored so far, which
    are read once and kept up to date here rather than re-read for every source.
    """
    loaded = 0
    pending = iter(makers)
    while True:
        with Session(engine) as session, session.begin():
            entities = set(session.scalars(select(Entity.slug)))
            topics = set(session.scalars(select(Topic.slug)))
            in_batch = 0
            for make in pending:
                plan = make(entities, topics)
                applied = apply_plan(session, plan)
                entities |= applied.entity_slugs
                topics |= applied.topic_slugs
                in_batch += 1
                if progress is not None:
                    progress(plan, applied.loaded)
                if in_batch == batch_size:
                    break
            if in_batch:
                update_content_version(session)
        loaded += in_batch
        if in_batch < batch_size:
            return loaded
