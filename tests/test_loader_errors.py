"""Bad facts files stop the load with the file, the fact and the field, and write nothing."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from factdb import migrate
from factdb.config import SEED_DIR
from factdb.db import make_engine
from factdb.loader import Problem, SeedError, load_folders, source_folders
from factdb.models import Base

SEED_FOLDER = SEED_DIR / "netanyahu-fails-to-impress-putin"

Facts = dict[str, Any]
Tables = dict[str, list[tuple[Any, ...]]]


@pytest.fixture(scope="module")
def loaded_url(databases: Any) -> str:
    """A database of this module's own, holding the seed; every test must leave it alone."""
    url: str = databases.new()
    migrate.upgrade(url, "head")
    load(url, source_folders(SEED_DIR))
    return url


def load(url: str, folders: list[Path]) -> None:
    engine = make_engine(url)
    try:
        load_folders(engine, folders)
    finally:
        engine.dispose()


def dump_tables(url: str) -> Tables:
    """Every row of every table, ordered by primary key."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table.name: [
                    tuple(row)
                    for row in connection.execute(
                        select(table).order_by(*table.primary_key.columns)
                    )
                ]
                for table in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def copy_seed(parent: Path) -> Path:
    """A copy of the seed folder; its name must stay the source slug."""
    folder = parent / SEED_FOLDER.name
    shutil.copytree(SEED_FOLDER, folder)
    return folder


def edit_facts(folder: Path, change: Callable[[Facts], None]) -> None:
    path = folder / "facts.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def item(data: Facts, section: str, key: str) -> dict[str, Any]:
    return next(i for i in data[section] if key in (i.get("key"), i.get("slug")))


def setter(section: str, key: str, field: str, value: Any) -> Callable[[Facts], None]:
    def change(data: Facts) -> None:
        target = item(data, section, key)
        *parents, last = field.split(".")
        for name in parents:
            target = target[name]
        target[last] = value

    return change


def add_ambiguous_evidence(data: Facts) -> None:
    item(data, "entities", "vladimir-putin")["evidence"].append("the Russian leader")


def duplicate_entity(data: Facts) -> None:
    data["entities"].append(dict(item(data, "entities", "sochi")))


def misspell_speaker(data: Facts) -> None:
    statement = item(data, "statements", "putin-election-important")
    statement["speeker"] = statement.pop("speaker")


# (test id, change, section of the fact, its key, field, words of the message)
CASES = [
    (
        "missing-excerpt",
        setter("statements", "putin-election-important", "text", "Putin never said this"),
        "statements[",
        "putin-election-important",
        "text",
        "not found",
    ),
    (
        "ambiguous-excerpt",
        add_ambiguous_evidence,
        "entities[",
        "vladimir-putin",
        "evidence.3",
        "occurs 2 times",
    ),
    (
        "unknown-entity",
        setter("statements", "putin-election-important", "speaker", "nobody-at-all"),
        "statements[",
        "putin-election-important",
        "speaker",
        "nobody-at-all",
    ),
    (
        "malformed-date",
        setter("dates", "arab-ministers-day", "when", "2019-9"),
        "dates[",
        "arab-ministers-day",
        "when",
        "YYYY",
    ),
    (
        "date-without-hyphen",  # YYYYMM is not one of the documented forms
        setter("dates", "late-august", "when", "201908"),
        "dates[",
        "late-august",
        "when",
        "YYYY",
    ),
    (
        "impossible-date",
        setter("dates", "arab-ministers-day", "when", "--02-30"),
        "dates[",
        "arab-ministers-day",
        "when",
        "impossible date",
    ),
    (
        "unknown-anchor",
        setter("dates", "moscow-objection-day", "relative.anchor", "no-such-event"),
        "dates[",
        "moscow-objection-day",
        "relative.anchor",
        "no-such-event",
    ),
    (
        "unknown-stance",
        setter("positions", "russia-opposes-annexation", "stance", "adores"),
        "positions[",
        "russia-opposes-annexation",
        "stance",
        "one of",
    ),
    (
        "unknown-entity-kind",
        setter("entities", "sochi", "kind", "city"),
        "entities[",
        "sochi",
        "kind",
        "one of",
    ),
    (
        "unknown-event-kind",
        setter("events", "sochi-visit", "kind", "party"),
        "events[",
        "sochi-visit",
        "kind",
        "one of",
    ),
    ("duplicate-slug", duplicate_entity, "entities[", "sochi", "slug", "duplicate slug"),
    (
        "unknown-field",
        misspell_speaker,
        "statements[",
        "putin-election-important",
        "speeker",
        "Unknown field",
    ),
]


def row_counts(tables: Tables) -> dict[str, int]:
    return {name: len(rows) for name, rows in tables.items()}


def load_expecting_error(url: str, folders: list[Path]) -> list[Problem]:
    """Load ``folders``; it must fail with a SeedError and leave every table as it was."""
    before = dump_tables(url)
    with pytest.raises(SeedError) as raised:
        load(url, folders)
    after = dump_tables(url)
    assert row_counts(after) == row_counts(before)
    assert after == before
    return raised.value.problems


@pytest.mark.parametrize(
    ("change", "section", "key", "field", "message"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_input_names_file_fact_and_field_and_writes_nothing(
    loaded_url: str,
    tmp_path: Path,
    change: Callable[[Facts], None],
    section: str,
    key: str,
    field: str,
    message: str,
) -> None:
    folder = copy_seed(tmp_path)
    edit_facts(folder, change)

    problems = load_expecting_error(loaded_url, [folder])

    facts_file = str(folder / "facts.yaml")
    assert all(problem.file == facts_file for problem in problems)
    matching = [p for p in problems if p.field == field]
    assert matching, f"no problem names field {field!r}: {problems}"
    problem = matching[0]
    assert problem.fact is not None
    assert problem.fact.startswith(section)
    assert repr(key) in problem.fact
    assert message in problem.message
    # The printed form, as the CLI shows it, carries all three.
    assert str(problem).startswith(f"{facts_file}: {problem.fact}, field {field!r}: ")


def test_invalid_yaml_names_the_file_and_line(loaded_url: str, tmp_path: Path) -> None:
    folder = copy_seed(tmp_path)
    path = folder / "facts.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("entities:\n", "entities:\n  - [unclosed\n", 1), encoding="utf-8")

    problems = load_expecting_error(loaded_url, [folder])

    assert len(problems) == 1
    assert problems[0].file == str(path)
    assert "YAML" in problems[0].message
    assert "line" in problems[0].message


def write_tiny_source(parent: Path, facts: Facts) -> Path:
    folder = parent / facts["source"]["slug"]
    folder.mkdir(parents=True)
    (folder / "article.txt").write_text("Putin flew to Sochi on 3 May 2020.", encoding="utf-8")
    (folder / "facts.yaml").write_text(yaml.safe_dump(facts, allow_unicode=True), encoding="utf-8")
    return folder


def tiny_facts(slug: str, date_key: str) -> Facts:
    return {
        "source": {"slug": slug, "title": "A tiny source"},
        "entities": [
            {
                "slug": "tiny-person",
                "name": "Tiny Person",
                "kind": "person",
                "description": "Someone only this source names",
                "evidence": ["Putin"],
            }
        ],
        "dates": [{"key": date_key, "text": "3 May 2020", "when": "2020-05-03"}],
    }


def test_failure_in_second_folder_leaves_first_unloaded(loaded_url: str, tmp_path: Path) -> None:
    good = write_tiny_source(tmp_path / "good", tiny_facts("tiny-good", "tiny-day"))
    bad = copy_seed(tmp_path / "bad")
    edit_facts(bad, setter("entities", "sochi", "kind", "city"))

    problems = load_expecting_error(loaded_url, [good, bad])

    assert {problem.file for problem in problems} == {str(bad / "facts.yaml")}


def test_failure_while_writing_rolls_back_earlier_folders(loaded_url: str, tmp_path: Path) -> None:
    """A key already used by another source is found only while writing: the first
    folder's rows, already flushed, must be rolled back too."""
    good = write_tiny_source(tmp_path / "good", tiny_facts("tiny-good", "tiny-day"))
    clash = write_tiny_source(tmp_path / "clash", tiny_facts("tiny-clash", "sochi-visit-day"))

    problems = load_expecting_error(loaded_url, [good, clash])

    assert len(problems) == 1
    problem = problems[0]
    assert problem.file == str(clash / "facts.yaml")
    assert problem.fact is not None and "'sochi-visit-day'" in problem.fact
    assert problem.field == "key"
    assert "netanyahu-fails-to-impress-putin" in problem.message
