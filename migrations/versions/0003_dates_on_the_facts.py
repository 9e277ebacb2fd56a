"""dates on the facts

Revision ID: 0003
Revises: 0002

Each dated kind of fact gets a copy of its date's bounds (date_start, date_end) and a
sort_date (date_start, or 9999-12-31 when undated), so that one index serves "this
speaker's statements in date order" and keyset pages in date order. The copies are
filled from `dates` here and kept consistent by CHECK constraints. The link tables'
entity indexes become (entity_id, fact id), so "the facts of this entity" reads an
index alone; evidence's entity index becomes (entity_id, source_id, start_offset,
end_offset, id), the order in which an entity's detail embeds its first spans.
Create Date: 2026-11-25 13:59:39.037581
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from factdb.loader.statistics import large_enough
from factdb.sql import analyze

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNDATED = "9999-12-31"
# Table -> the column its entity-first date-order index starts with (it replaces the
# single-column index on that column).
DATED = {"events": None, "roles": "holder_id", "statements": "speaker_id", "positions": "holder_id"}
# Link table -> its fact column: the entity index gains it.
LINKS = {"event_participants": "event_id", "statement_mentions": "statement_id"}
# Rebuilt (SQLite's batch mode copies a table, and its statistics go with the old one),
# filled, or given new indexes here: analyzed at the end.
REWRITTEN = [*DATED, *LINKS, "evidence"]
ENTITY_EVIDENCE_INDEX = ["entity_id", "source_id", "start_offset", "end_offset", "id"]
DATE_COPIED = (
    "(date_id IS NULL AND date_start IS NULL AND date_end IS NULL)"
    " OR (date_id IS NOT NULL AND date_start IS NOT NULL AND date_end IS NOT NULL"
    " AND date_start <= date_end)"
)


def upgrade() -> None:
    for table, lead in DATED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "date_start",
                    sa.Date(),
                    nullable=True,
                    comment="A copy of the date's start_date.",
                )
            )
            batch_op.add_column(
                sa.Column(
                    "date_end", sa.Date(), nullable=True, comment="A copy of the date's end_date."
                )
            )
            batch_op.add_column(
                sa.Column(
                    "sort_date",
                    sa.Date(),
                    server_default=UNDATED,
                    nullable=False,
                    comment="date_start, or 9999-12-31 when undated: the default order.",
                )
            )
        op.execute(
            f"UPDATE {table} SET"
            f" date_start = (SELECT start_date FROM dates WHERE dates.id = {table}.date_id),"
            f" date_end = (SELECT end_date FROM dates WHERE dates.id = {table}.date_id)"
            " WHERE date_id IS NOT NULL"
        )
        op.execute(f"UPDATE {table} SET sort_date = date_start WHERE date_start IS NOT NULL")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint(op.f(f"ck_{table}_date_copied"), DATE_COPIED)
            batch_op.create_check_constraint(
                op.f(f"ck_{table}_sort_date"), f"sort_date = coalesce(date_start, '{UNDATED}')"
            )
            batch_op.create_index(f"ix_{table}_date_order", ["sort_date", "id"], unique=False)
            if lead is not None:
                batch_op.drop_index(batch_op.f(f"ix_{table}_{lead}"))
                batch_op.create_index(
                    f"ix_{table}_{lead}_date_order", [lead, "sort_date", "id"], unique=False
                )

    for table, fact_column in LINKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_entity_id"))
            batch_op.create_index(
                f"ix_{table}_entity_id_{fact_column}", ["entity_id", fact_column], unique=False
            )

    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_entity_id"))
        batch_op.create_index("ix_evidence_entity_id_order", ENTITY_EVIDENCE_INDEX, unique=False)
    _analyze()


def downgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index("ix_evidence_entity_id_order")
        batch_op.create_index(batch_op.f("ix_evidence_entity_id"), ["entity_id"], unique=False)
    for table, fact_column in LINKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_entity_id_{fact_column}")
            batch_op.create_index(batch_op.f(f"ix_{table}_entity_id"), ["entity_id"], unique=False)
    for table, lead in reversed(DATED.items()):
        with op.batch_alter_table(table, schema=None) as batch_op:
            if lead is not None:
                batch_op.drop_index(f"ix_{table}_{lead}_date_order")
                batch_op.create_index(batch_op.f(f"ix_{table}_{lead}"), [lead], unique=False)
            batch_op.drop_index(f"ix_{table}_date_order")
            batch_op.drop_constraint(op.f(f"ck_{table}_sort_date"), type_="check")
            batch_op.drop_constraint(op.f(f"ck_{table}_date_copied"), type_="check")
            batch_op.drop_column("sort_date")
            batch_op.drop_column("date_end")
            batch_op.drop_column("date_start")
    _analyze()


def _analyze() -> None:
    """The rewritten tables' statistics, in a database large enough to need them (none
    in an empty one, which is then left without a statistics table)."""
    if large_enough(op.get_bind()):
        analyze(op.get_bind(), REWRITTEN)
