"""The development corpus under tests/corpus: each source loads through the real loader
and passes `factdb check`, alone and all together with the seed; the hand-reviewed files
agree with one another; and the articles cover the styles a drafter has to meet."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factdb import create_app, migrate
from factdb.api.http import request_db
from factdb.config import SEED_DIR
from factdb.db import make_engine
from factdb.loader import load_folders, source_folders
from factdb.models import DateInterval, Entity, Event, Position, Quantity, Role, Source, Statement
from factdb.names import fold

CORPUS_DIR = Path(__file__).parent / "corpus"
FOLDERS = source_folders(CORPUS_DIR)
SEED_FOLDERS = source_folders(SEED_DIR)
FILES: dict[str, dict[str, Any]] = {
    folder.name: yaml.safe_load((folder / "facts.yaml").read_text(encoding="utf-8"))
    for folder in FOLDERS
}
ARTICLES = {folder.name: (folder / "article.txt").read_text(encoding="utf-8") for folder in FOLDERS}
SEED_FILES = [yaml.safe_load((f / "facts.yaml").read_text(encoding="utf-8")) for f in SEED_FOLDERS]
FACT_SECTIONS = {
    "dates": DateInterval,
    "events": Event,
    "roles": Role,
    "statements": Statement,
    "positions": Position,
    "quantities": Quantity,
}
OPEN, CLOSE = "\u201c", "\u201d"  # the articles' curly double quotes


def items(section: str, files: list[dict[str, Any]] | None = None) -> Iterator[dict[str, Any]]:
    for data in FILES.values() if files is None else files:
        yield from data.get(section) or []


def run(runner: FlaskCliRunner, *args: str) -> Result:
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize("folder", FOLDERS, ids=[folder.name for folder in FOLDERS])
def test_each_source_loads_alone_and_passes_check(folder: Path, databases: Any) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": databases.new()})
    try:
        runner = app.test_cli_runner()
        run(runner, "db", "upgrade")
        run(runner, "load", str(folder))
        assert run(runner, "check").output.startswith("check passed")
    finally:
        request_db.dispose(app)


@pytest.fixture(scope="module")
def everything(databases: Any) -> Iterator[tuple[str, Session]]:
    """One database holding the seed and the whole corpus, loaded in one call."""
    url = databases.new()
    migrate.upgrade(url, "head")
    engine = make_engine(url)
    load_folders(engine, [*SEED_FOLDERS, *FOLDERS])
    with Session(engine) as session:
        yield url, session
    engine.dispose()


def test_whole_corpus_loads_with_the_seed_and_passes_check(everything: tuple[str, Session]) -> None:
    url, session = everything
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    try:
        assert run(app.test_cli_runner(), "check").output.startswith("check passed")
    finally:
        request_db.dispose(app)
    every_file = [*FILES.values(), *SEED_FILES]
    assert session.scalar(select(func.count()).select_from(Source)) == len(every_file)
    # No entity was merged into another by name, none was lost, no fact dropped.
    slugs = {entity["slug"] for entity in items("entities", every_file)}
    assert set(session.scalars(select(Entity.slug))) == slugs
    for section, model in FACT_SECTIONS.items():
        stored = session.scalar(select(func.count()).select_from(model))
        assert stored == len(list(items(section, every_file))), section


# The dates whose rule the annotator meant (weekdays, offsets in weeks, months and years,
# a year of its own), as the loader must compute them.
EXPECTED_DATES = {
    "km-monday": ("2025-03-03", "2025-03-03"),
    "km-next-month": ("2025-04-01", "2025-04-30"),
    "ta-postal-closure-day": ("2025-05-13", "2025-05-13"),
    "ta-speech-night": ("2025-05-18", "2025-05-18"),
    "pc-strike-day": ("2025-06-14", "2025-06-14"),
    "pc-this-year": ("2025-01-01", "2025-12-31"),
    "fd-talvenia-day": ("2025-09-11", "2025-09-11"),
    "fd-price-deadline": ("2025-12-21", "2025-12-31"),
    "mb-next-year": ("2026-01-01", "2026-12-31"),
    "kb-address-day": ("2025-10-19", "2025-10-19"),
    "kb-vote-day": ("2025-10-12", "2025-10-12"),
    "kb-handover-day": ("2025-10-24", "2025-10-24"),
    "vp-drones-day": ("2025-11-11", "2025-11-11"),
    "vp-last-month": ("2025-10-01", "2025-10-31"),
    "vo-helicopters-day": ("2025-10-16", "2025-10-16"),
    "vo-visit-day": ("2025-10-17", "2025-10-17"),
    "im-march-day": ("2025-07-07", "2025-07-07"),
    "im-talks-offer-day": ("2025-07-05", "2025-07-05"),
    "im-reform-announced": ("2025-06-01", "2025-06-30"),
    "gs-summit-month": ("2026-01-01", "2026-01-31"),
    "gs-council-founded": ("1950-01-01", "1950-12-31"),
    "bk-association-urged-day": ("2025-02-05", "2025-02-05"),
    "bk-last-year": ("2024-01-01", "2024-12-31"),
    "ab-shooting-day": ("2025-08-11", "2025-08-11"),
    "ab-second-round-time": ("2025-09-21", "2025-09-30"),
    "lf-terminal-opened": ("2026-04-13", "2026-04-13"),
    "en-fifteen-days-after-election": ("2025-06-02", "2025-06-02"),
    "en-agreement-signed": ("2025-05-31", "2025-05-31"),
    "en-later-this-month": ("2025-06-01", "2025-06-30"),
}


def test_dates_are_computed_as_annotated(everything: tuple[str, Session]) -> None:
    _, session = everything
    rows = session.execute(
        select(DateInterval.slug, DateInterval.start_date, DateInterval.end_date).where(
            DateInterval.slug.in_(EXPECTED_DATES)
        )
    ).all()
    stored = {slug: (start.isoformat(), end.isoformat()) for slug, start, end in rows}
    assert stored == EXPECTED_DATES


def test_a_quote_in_parts_is_stored_as_its_words_joined(everything: tuple[str, Session]) -> None:
    _, session = everything
    quote = session.scalars(select(Statement).where(Statement.slug == "km-rell-will-not-wait"))
    text = (
        "We will not wait for another incident on the water, The talks must resume, and they will."
    )
    assert quote.one().text == text


def test_articles_have_a_title_line_and_paragraphs() -> None:
    assert len(FOLDERS) >= 12
    for slug, article in ARTICLES.items():
        title, blank, *paragraphs = article.split("\n")
        assert (title, blank) == (FILES[slug]["source"]["title"], ""), slug
        assert FILES[slug]["source"]["slug"] == slug
        assert 950 <= len(article) <= 2600, slug
        assert len([p for p in paragraphs if p.strip()]) >= 4, slug


def test_entities_agree_across_files_and_never_share_a_name() -> None:
    every_file = [*FILES.values(), *SEED_FILES]
    defined: dict[str, tuple[str, str]] = {}
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    for entity in items("entities", every_file):
        slug, name, kind = entity["slug"], entity["name"], entity["kind"]
        assert defined.setdefault(slug, (name, kind)) == (name, kind), slug
        for alias in [name, *entity.get("aliases", [])]:
            owners[(kind, fold(alias))].add(slug)
    # The loader matches an entity of another file by name or alias: two entities of a
    # kind sharing one would be merged.
    shared = {key: slugs for key, slugs in owners.items() if len(slugs) > 1}
    assert shared == {}
    # The corpus is a world of its own: none of the seed's (real) entities.
    seed_slugs = {entity["slug"] for entity in items("entities", SEED_FILES)}
    assert not seed_slugs & {entity["slug"] for entity in items("entities")}


def test_fact_keys_are_unique_across_the_corpus_and_the_seed() -> None:
    every_file = [*FILES.values(), *SEED_FILES]
    for section in FACT_SECTIONS:
        keys = [fact["key"] for fact in items(section, every_file)]
        assert len(keys) == len(set(keys)), section


def test_the_readme_lists_every_article() -> None:
    readme = (CORPUS_DIR / "README.md").read_text(encoding="utf-8")
    for slug in FILES:
        assert f"`{slug}`" in readme, slug


def texts(section: str) -> list[str]:
    """Each fact's text excerpt as written (the `text` of a {before, text} mapping)."""
    found = []
    for fact in items(section):
        for part in fact["text"] if isinstance(fact["text"], list) else [fact["text"]]:
            found.append(part["text"] if isinstance(part, dict) else part)
    return found


def test_the_corpus_covers_the_styles_of_news_copy() -> None:
    bodies = list(ARTICLES.values())
    # Wire copy with a dateline; British, American and abbreviated dates.
    assert any(re.search(r"^[A-Z]{3,}, [A-Z][a-z]+ \d{1,2} \(\w+\) - ", b, re.M) for b in bodies)
    dates = texts("dates")
    assert any(re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", d) for d in dates)
    assert any(re.fullmatch(r"[A-Z][a-z]+ \d{1,2}, \d{4}", d) for d in dates)
    assert any(re.fullmatch(r"Sept\. \d{1,2}", d) for d in dates)
    assert any(re.fullmatch(r"Oct \d{1,2}", d) for d in dates)
    # A quote split around its attribution; one running over paragraphs: a paragraph
    # that leaves its quote open, the next opening another.
    parted = [s for s in items("statements") if isinstance(s["text"], list)]
    assert parted and max(len(s["text"]) for s in parted) >= 3
    assert any(
        a.count(OPEN) > a.count(CLOSE) and b.startswith(OPEN)
        for body in bodies
        for a, b in zip(body.split("\n\n"), body.split("\n\n")[1:], strict=False)
    )
    assert {s["mode"] for s in items("statements")} == {"direct", "indirect", "mixed"}
    assert any(s.get("relayed_by") for s in items("statements"))
    evidence = [str(e) for s in items("statements") for e in s.get("evidence", [])]
    assert any(e.lower().startswith("according to") for e in evidence)
    assert {"he", "she", "He", "She"} <= {s["speaker_text"] for s in items("statements")}
    # Files without any statement, and without any quote at all.
    assert any(not data["statements"] for data in FILES.values())
    assert any(OPEN not in body for body in bodies)
    # Titles before and after names, names with letters beyond ASCII, metonyms.
    names = {e["slug"]: e["name"] for e in items("entities")}
    roles = [(names[r["holder"]], r["title"], str(r["evidence"])) for r in items("roles")]
    assert any(f"{title} {name}" in ev for name, title, ev in roles)
    assert any(f"{name}, the {title.lower()}" in ev for name, title, ev in roles)
    assert any(not name.isascii() for name in names.values())
    assert any(e.get("metonyms") for e in items("entities"))


def test_the_corpus_covers_every_kind_of_date_quantity_and_event() -> None:
    relative = [d["relative"] for d in items("dates") if d.get("relative")]
    assert any(r["anchor"] == "published" and "weekday" in r for r in relative)
    assert {r.get("direction") for r in relative if "weekday" in r} == {
        "on_or_before",
        "on_or_after",
    }
    assert {"weeks", "months", "years"} <= {r.get("unit") for r in relative}
    assert any("offset_days" in r and r["anchor"] != "published" for r in relative)
    assert any(d.get("year") for d in items("dates"))
    assert any(d.get("part") for d in items("dates"))
    quantities = list(items("quantities"))
    kinds = {q.get("approximation") for q in quantities}
    assert {"about", "nearly", "over", "at_least", "under", "at_most", None} <= kinds
    assert any(not re.search(r"\d", text) for text in texts("quantities"))
    assert any(q["value"] is None and q["min"] is not None for q in quantities)
    events = list(items("events"))
    kinds = {e["kind"] for e in events}
    assert {"meeting", "visit", "press_briefing", "election", "military_strike"} <= kinds
    assert any(e.get("status") == "planned" and e["kind"] == "meeting" for e in events)
    stances = {p["stance"] for p in items("positions")}
    assert {"supports", "opposes", "seeks", "concerned_about"} <= stances


def test_published_on_is_set_where_a_date_counts_from_it() -> None:
    for slug, data in FILES.items():
        anchored = [
            d for d in data["dates"] if (d.get("relative") or {}).get("anchor") == "published"
        ]
        if anchored:
            assert isinstance(data["source"]["published_on"], dt.date), slug
