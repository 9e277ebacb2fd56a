"""Plans prepared in other processes while this one writes.

Validating a source (marshmallow, excerpts, dates) costs about as much as writing it,
and only the check of references to stored entities and topics needs the writer's
state (PreparedPlan.resolve), so on two cores the two overlap. Hand-written because
the standard library's Pool.imap and Executor.map read ahead without bound, and
prepared plans not yet written would fill memory.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import TypeVar

from factdb.loader.errors import SeedError
from factdb.loader.plan import Plan, PlanMaker, PreparedPlan

__all__ = ["prepared_makers"]

Task = TypeVar("Task")
CHUNK = 20  # tasks sent to a process at once
# Chunks asked for before the first of them is used: enough for the other processes to
# go on while the writer inserts a batch (the bulk path writes 200 sources at a time),
# few enough that the plans waiting stay a few tens of MB.
AHEAD = 24


def prepared_makers(
    tasks: Iterable[Task], prepare: Callable[[Task], PreparedPlan], processes: int
) -> Generator[PlanMaker, None, None]:
    """A plan maker (load_plans' convention) for each task, in order.

    ``prepare`` runs in ``processes`` spawned processes, so it must be picklable (a
    module-level function, or a functools.partial of one); with 0 it runs here when
    the maker is called. A task whose preparation raised SeedError gives a maker that
    raises it, so a load fails where it would have without the other processes.
    """
    if processes == 0:
        for task in tasks:
            yield _preparing_maker(prepare, task)
        return
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(processes, mp_context=context)
    pending: deque[Future[list[PreparedPlan | SeedError]]] = deque()
    try:
        remaining = iter(tasks)
        while chunk := list(islice(remaining, CHUNK)):
            pending.append(pool.submit(_prepare_chunk, prepare, chunk))
            if len(pending) == AHEAD:
                yield from map(_prepared_maker, pending.popleft().result())
        while pending:
            yield from map(_prepared_maker, pending.popleft().result())
    finally:
        # A load that stopped early (an error, a full batch) needs no more plans.
        pool.shutdown(wait=True, cancel_futures=True)


def _prepare_chunk(
    prepare: Callable[[Task], PreparedPlan], chunk: list[Task]
) -> list[PreparedPlan | SeedError]:
    results: list[PreparedPlan | SeedError] = []
    for task in chunk:
        try:
            results.append(prepare(task))
        except SeedError as error:
            results.append(error)
    return results


def _prepared_maker(prepared: PreparedPlan | SeedError) -> PlanMaker:
    def make(entities: set[str], topics: set[str]) -> Plan:
        if isinstance(prepared, SeedError):
            raise prepared
        return prepared.resolve(entities, topics)

    return make


def _preparing_maker(prepare: Callable[[Task], PreparedPlan], task: Task) -> PlanMaker:
    return lambda entities, topics: prepare(task).resolve(entities, topics)
