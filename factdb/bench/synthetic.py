"""Synthetic sources as the loader takes them: plan makers, prepared here or in other
processes (factdb.loader.background), as a large load of folders is."""

from __future__ import annotations

import json
from collections.abc import Generator
from functools import cache, partial
from pathlib import Path

from factdb.bench.corpus import generate_source
from factdb.bench.pools import entity_pools, topic_pool
from factdb.bench.shared import Newsroom
from factdb.loader import PlanMaker
from factdb.loader.background import prepared_makers
from factdb.loader.plan import PreparedPlan, prepare_from_data

ENTITIES = 20_000  # entities the sources draw from


def generate_plans(
    count: int,
    seed: int = 1,
    entities: int = ENTITIES,
    first: int = 1,
    processes: int = 0,
    shared: bool = True,
) -> Generator[PlanMaker, None, None]:
    """Plan makers for the loader's load_plans, one per synthetic source, numbered from
    ``first`` (a corpus of n sources is grown by starting at n + 1). With
    ``processes``, the sources are generated and prepared in that many processes.

    With ``shared``, sources also report facts of the sources before them
    (factdb.bench.shared), which must be stored first; without, each source reports
    only its own facts."""
    prepare = partial(prepare_synthetic, seed=seed, entities=entities, shared=shared)
    return prepared_makers(range(first, first + count), prepare, processes)


def prepare_synthetic(number: int, seed: int, entities: int, shared: bool = True) -> PreparedPlan:
    """Generate synthetic source ``number`` and check it as a facts file is checked."""
    if shared:
        slug, facts, text = _newsroom(entities, seed).source(number)
    else:
        pools, topics = _newsroom(entities, seed).pools, _newsroom(entities, seed).topics
        slug, facts, text = generate_source(number, seed, pools, topics)
    encoded = json.dumps(facts, sort_keys=True).encode()
    return prepare_from_data(Path("synthetic") / slug, facts, text.encode(), encoded)


@cache
def _newsroom(entities: int, seed: int) -> Newsroom:
    """The entity and topic pools and the sources just written, made once per process."""
    return Newsroom(seed, entity_pools(entities, seed), topic_pool())
