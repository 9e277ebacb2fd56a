"""`factdb match SOURCE_SLUG`: propose links from a stored source's facts to other
sources' facts, write them into its facts file for review, and print them."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from factdb.config import SEED_DIR
from factdb.db import make_engine
from factdb.loader.plan import FACTS_FILE
from factdb.match.matcher import (
    KINDS,
    MIN_SCORE,
    Matches,
    UnknownSource,
    match_source,
    source_id,
)
from factdb.match.writer import (
    FactsFileError,
    FactsText,
    read_facts_text,
    save,
    write_proposals,
)


def _match(url: str, slug: str, path: Path, min_score: float) -> tuple[FactsText, Matches]:
    """The facts file and the source's proposals, its facts with same_as skipped."""
    engine = make_engine(url)
    try:
        if not inspect(engine).has_table("sources"):
            raise click.ClickException("the database has no schema (factdb db upgrade)")
        with Session(engine) as session:
            source_id(session, slug)  # an unknown source is said before any file is read
            facts = read_facts_text(path)
            if facts.data.get("source", {}).get("slug") != slug:
                raise FactsFileError(f"{path}: the facts file is not of the source {slug!r}")
            return facts, match_source(session, slug, min_score, facts.decided(KINDS))
    except (UnknownSource, FactsFileError) as error:
        raise click.ClickException(str(error)) from None
    finally:
        engine.dispose()


def echo_matches(matches: Matches) -> None:
    """Print each fact's proposals, best first, with their reasons."""
    for kind in KINDS:
        for key, proposals in matches.proposals(kind).items():
            click.echo(f"{kind} {key}:")
            for proposal in proposals:
                click.echo(f"  {proposal.score:.2f} {proposal.key} ({proposal.source})")
                for reason in proposal.reasons:
                    click.echo(f"       {reason}")


@click.command("match")
@click.argument("source_slug")
@click.option(
    "--folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="The source's folder, whose facts.yaml gets the proposals (default: seed/<slug>).",
)
@click.option(
    "--min-score",
    type=click.FloatRange(0, 1),
    default=MIN_SCORE,
    show_default=True,
    help="The score a candidate needs to be proposed.",
)
@click.option("--dry-run", is_flag=True, help="Print the proposals; write nothing.")
@with_appcontext
def match_command(source_slug: str, folder: Path | None, min_score: float, dry_run: bool) -> None:
    """Propose, under each fact of the stored source SOURCE_SLUG, the facts of other
    stored sources that may report it (same_as_proposals, best first, with the reasons).

    Events, roles, statements, positions and quantities are matched; facts that already
    name same_as are left alone. Nothing is linked until a reviewer moves a proposal's
    key under same_as and loads the file again."""
    path = (folder if folder is not None else SEED_DIR / source_slug) / FACTS_FILE
    url = str(current_app.config["DATABASE_URL"])
    facts, matches = _match(url, source_slug, path, min_score)
    try:
        text = write_proposals(facts, {kind: matches.proposals(kind) for kind in KINDS})
    except FactsFileError as error:
        raise click.ClickException(str(error)) from None
    echo_matches(matches)
    counts = matches.counts()
    summary = ", ".join(f"{counts[kind]} {kind}" for kind in KINDS)
    total = sum(counts.values())
    where = "not written (--dry-run)" if dry_run else f"written to {path}"
    click.echo(f"{total} proposal(s) at or above {min_score:.2f}: {summary}; {where}")
    if skip := facts.decided(KINDS):
        click.echo(f"{len(skip)} fact(s) with same_as left alone")
    if not dry_run:
        save(path, text)
