"""dates on the links

Revision ID: 0004
Revises: 0003

Dated facts get date_days, the days from date_start to date_end, indexed: the longest
interval of a kind of fact is then read at once, and bounds how long before a date
range a fact overlapping it can start (so "from June" is a range of the date-order
indexes, not everything before the end of June).
Event participants and statement mentions get a copy of their fact's sort_date, and
their entity index becomes (entity_id, sort_date, fact id): one entity's events or
mentions within some months are then one range of one index, however many the entity
has in other years. The copies are filled from the facts here; the loader writes them
with the links and `factdb check` compares them. The single-column indexes on events'
place, roles' organization and positions' target entity become (column, sort_date,
id) likewise. Roles get (holder_id, id) and (organization_id, id), the order of an
entity's embedded roles and of /roles?holder= and ?organization=, which the
date-order indexes cannot give without sorting all of a holder's roles.
Create Date: 2026-11-25 17:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from factdb.loader.statistics import large_enough
from factdb.sql import analyze

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNDATED = "9999-12-31"
# Link table -> (its fact's table, the column pointing at it, the fact's name).
LINKS = {
    "event_participants": ("events", "event_id", "event"),
    "statement_mentions": ("statements", "statement_id", "statement"),
}


DATED = ("events", "roles", "statements", "positions")
# Rebuilt (SQLite's batch mode copies a table, and its statistics go with the old one),
# filled and given new indexes here: analyzed at the end.
REWRITTEN = [*DATED, *LINKS]
# Table -> an entity column whose single-column index becomes (column, sort_date, id).
ENTITY_DATE_ORDER = {
    "events": "place_id",
    "roles": "organization_id",
    "positions": "target_entity_id",
}
# Whole days from date_start to date_end, as each engine spells it.
DAYS = {
    "sqlite": "CAST(julianday(date_end) - julianday(date_start) AS INTEGER)",
    "postgresql": "date_end - date_start",
}


def upgrade() -> None:
    days = DAYS[op.get_bind().dialect.name]
    for table in DATED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "date_days",
                    sa.Integer(),
                    nullable=True,
                    comment="Days from date_start to date_end: 0 for a single day.",
                )
            )
        op.execute(f"UPDATE {table} SET date_days = {days} WHERE date_start IS NOT NULL")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f"ix_{table}_date_days", ["date_days"], unique=False)
    for table, (facts, fact_column, fact) in LINKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "sort_date",
                    sa.Date(),
                    server_default=UNDATED,
                    nullable=False,
                    comment=f"A copy of the {fact}'s sort_date.",
                )
            )
        op.execute(
            f"UPDATE {table} SET sort_date ="
            f" (SELECT sort_date FROM {facts} WHERE {facts}.id = {table}.{fact_column})"
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            # The default only filled the rows already stored: writers set the copy.
            batch_op.alter_column("sort_date", server_default=None)
            batch_op.drop_index(f"ix_{table}_entity_id_{fact_column}")
            batch_op.create_index(
                f"ix_{table}_entity_id_date_order",
                ["entity_id", "sort_date", fact_column],
                unique=False,
            )
    with op.batch_alter_table("roles", schema=None) as batch_op:
        batch_op.create_index("ix_roles_holder_id_id", ["holder_id", "id"], unique=False)
        batch_op.create_index(
            "ix_roles_organization_id_id", ["organization_id", "id"], unique=False
        )
    for table, column in ENTITY_DATE_ORDER.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))
            batch_op.create_index(
                f"ix_{table}_{column}_date_order", [column, "sort_date", "id"], unique=False
            )
    _analyze()


def downgrade() -> None:
    for table, column in reversed(ENTITY_DATE_ORDER.items()):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_{column}_date_order")
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)
    with op.batch_alter_table("roles", schema=None) as batch_op:
        batch_op.drop_index("ix_roles_organization_id_id")
        batch_op.drop_index("ix_roles_holder_id_id")
    for table in reversed(DATED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_date_days")
            batch_op.drop_column("date_days")
    for table, (_, fact_column, _) in reversed(LINKS.items()):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_entity_id_date_order")
            batch_op.create_index(
                f"ix_{table}_entity_id_{fact_column}", ["entity_id", fact_column], unique=False
            )
            batch_op.drop_column("sort_date")
    _analyze()


def _analyze() -> None:
    """The rewritten tables' statistics, in a database large enough to need them (none
    in an empty one, which is then left without a statistics table)."""
    if large_enough(op.get_bind()):
        analyze(op.get_bind(), REWRITTEN)
