"""Plans prepared in another process are the plans prepared in the loading one, and
fail the same way."""

from __future__ import annotations

import multiprocessing
import pickle
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from factdb.bench.synthetic import generate_plans
from factdb.db import make_engine
from factdb.loader import Problem, SeedError, load_folders
from factdb.loader.background import prepared_makers
from factdb.loader.plan import Plan, PlanMaker, prepare_folder
from tests.conftest import DatabaseFactory
from tests.test_bulk_load import new_database
from tests.test_loader import SEED_FOLDER, TINY_FACTS, dump_tables, write_tiny_source
from tests.test_loader_errors import CASES, copy_seed, edit_facts

SEED = 7


def resolved(makers: list[PlanMaker]) -> list[Plan | list[Problem]]:
    """Each maker's plan (or problems), given the slugs of the plans before it."""
    entities: set[str] = set()
    topics: set[str] = set()
    results: list[Plan | list[Problem]] = []
    for make in makers:
        try:
            plan = make(entities, topics)
        except SeedError as error:
            results.append(error.problems)
            continue
        results.append(plan)
        entities |= {item["slug"] for item in plan.sections["entities"]}
        topics |= {item["slug"] for item in plan.sections["topics"]}
    return results


def test_synthetic_plans_are_the_same_prepared_in_another_process() -> None:
    here = resolved(list(generate_plans(30, SEED, 300, processes=0)))
    there = resolved(list(generate_plans(30, SEED, 300, processes=1)))
    assert len(there) == 30 and all(isinstance(plan, Plan) for plan in there)
    assert there == here


# Bad files whose fault only the writer finds: what other sources stored.
WRITER_CHECKS = {"unknown-anchor"}


def test_every_bad_file_fails_the_same_in_another_process(tmp_path: Path) -> None:
    """The loader's bad inputs (test_loader_errors), after the seed that defines what
    they may reference, all through one other process."""
    folders = [SEED_FOLDER]
    for name, change, *_ in CASES:
        folder = copy_seed(tmp_path / name)
        edit_facts(folder, change)
        folders.append(folder)
    here = resolved(list(prepared_makers(folders, prepare_folder, 0)))
    there = resolved(list(prepared_makers(folders, prepare_folder, 1)))
    assert isinstance(here[0], Plan)
    for (name, *_), result in zip(CASES, here[1:], strict=True):
        if name in WRITER_CHECKS:  # may name another source's event: the writer looks
            assert isinstance(result, Plan) and result.across, name
        else:
            assert isinstance(result, list) and result, name
    assert there == here


def new_engine(databases: DatabaseFactory) -> Engine:
    return make_engine(new_database(databases))


def test_a_load_prepared_in_another_process_writes_the_same_rows(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    """The tiny source references entities only the seed, loaded before it in the same
    call, defines: the writer resolves them, not the process that prepared it."""
    folders = [SEED_FOLDER, write_tiny_source(tmp_path, TINY_FACTS)]
    here, there = new_engine(databases), new_engine(databases)
    try:
        load_folders(here, folders, processes=0)
        load_folders(there, folders, processes=1)
        assert dump_tables(there) == dump_tables(here)
    finally:
        here.dispose()
        there.dispose()


def test_an_unknown_reference_fails_in_another_process_and_writes_nothing(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    folders = [SEED_FOLDER, write_tiny_source(tmp_path, TINY_FACTS.replace("sochi", "atlantis"))]
    engine = new_engine(databases)
    try:
        empty = dump_tables(engine)
        with pytest.raises(SeedError) as raised:
            load_folders(engine, folders, processes=1)
        assert dump_tables(engine) == empty
    finally:
        engine.dispose()
    (problem,) = raised.value.problems
    assert problem.file == str(folders[1] / "facts.yaml")
    assert (problem.field, problem.message) == ("place", "unknown entity 'atlantis'")


def test_a_seed_error_keeps_its_problems_through_pickling() -> None:
    error = SeedError([Problem("a/facts.yaml", "events[0] 'x'", "place", "unknown entity 'y'")])
    copy = pickle.loads(pickle.dumps(error))
    assert copy.problems == error.problems and str(copy) == str(error)


def test_a_load_that_stops_early_stops_the_other_process() -> None:
    makers = generate_plans(2_000, SEED, 300, processes=1)
    first = next(makers)
    assert isinstance(first(set(), set()), Plan)
    makers.close()  # as a load that failed, or ended its batches, leaves it
    assert multiprocessing.active_children() == []
