"""facts reported by several sources

Revision ID: 0009
Revises: 0008

A fact can be reported by several sources. Each source's row of a fact stays its own
report (its values, wording and evidence); the rows its facts file links with `same_as`
(kept as written, in `same_as`) are one fact, named by `fact_id`, the smallest id among
them. Existing rows each report a fact of their own: `fact_id = id`.
Where the reports of one fact disagree (a date that does not overlap, another place,
speaker, mode or value), `conflicts` holds the field and `conflict_values` each
report's value. The sqlite3 views show each row's fact and its source count, and
`conflicts_view` the conflicts.
Downgrading refuses while a fact has more than one report: the earlier schema has one
source per fact, and would lose the links and conflicts.
Create Date: 2026-12-07 17:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from factdb.loader.statistics import large_enough
from factdb.sql import analyze

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REPORTED = ("events", "roles", "statements", "positions", "quantities")
REPORTED_COLUMNS = ("role_id", "event_id", "statement_id", "position_id", "quantity_id")
CONFLICT_FIELDS = (
    "date", "holder", "kind", "mode", "organization", "outcome", "place", "speaker",
    "stance", "status", "subject", "target", "title", "unit", "value",
)  # fmt: skip
ONE_OF = " + ".join(f"(CASE WHEN {c} IS NOT NULL THEN 1 ELSE 0 END)" for c in REPORTED_COLUMNS)

# The views of 0006, as they were, and from here on with each row's fact.
OLD_VIEWS = {
    "statements_view": """
        SELECT st.id, st.slug, sp.name AS speaker, sp.slug AS speaker_slug,
               st.speaker_text, rb.name AS relayed_by, st.relayed_by_text, st.mode, st.text,
               ev.title AS event,
               d.start_date AS date_start, d.end_date AS date_end, d.text AS date_text,
               st.reviewed, so.slug AS source
        FROM statements st
        JOIN entities sp ON sp.id = st.speaker_id
        JOIN sources so ON so.id = st.source_id
        LEFT JOIN entities rb ON rb.id = st.relayed_by_id
        LEFT JOIN events ev ON ev.id = st.event_id
        LEFT JOIN dates d ON d.id = st.date_id""",
    "events_view": """
        SELECT ev.id, ev.slug, ev.kind, ev.status, ev.title, pl.name AS place,
               d.start_date AS date_start, d.end_date AS date_end, d.text AS date_text,
               parent.title AS part_of, ev.reviewed, so.slug AS source
        FROM events ev
        JOIN sources so ON so.id = ev.source_id
        LEFT JOIN entities pl ON pl.id = ev.place_id
        LEFT JOIN dates d ON d.id = ev.date_id
        LEFT JOIN events parent ON parent.id = ev.part_of_id""",
    "positions_view": """
        SELECT po.id, po.slug, ho.name AS holder, ho.slug AS holder_slug, po.stance,
               COALESCE(te.name, tt.name) AS target, po.outcome, po.description,
               d.start_date AS date_start, d.end_date AS date_end, d.text AS date_text,
               po.reviewed, so.slug AS source
        FROM positions po
        JOIN entities ho ON ho.id = po.holder_id
        JOIN sources so ON so.id = po.source_id
        LEFT JOIN entities te ON te.id = po.target_entity_id
        LEFT JOIN topics tt ON tt.id = po.target_topic_id
        LEFT JOIN dates d ON d.id = po.date_id""",
    "roles_view": """
        SELECT ro.id, ro.slug, ho.name AS holder, ho.slug AS holder_slug, ro.title,
               org.name AS organization, d.start_date AS date_start, d.text AS date_text,
               ro.reviewed, so.slug AS source
        FROM roles ro
        JOIN entities ho ON ho.id = ro.holder_id
        JOIN sources so ON so.id = ro.source_id
        LEFT JOIN entities org ON org.id = ro.organization_id
        LEFT JOIN dates d ON d.id = ro.date_id""",
    "quantities_view": """
        SELECT qu.id, qu.slug, qu.text, qu.value, qu.min_value, qu.max_value, qu.unit,
               qu.approximate, qu.approximation, COALESCE(en.name, ev.title) AS subject,
               qu.description, qu.reviewed, so.slug AS source
        FROM quantities qu
        JOIN sources so ON so.id = qu.source_id
        LEFT JOIN entities en ON en.id = qu.subject_entity_id
        LEFT JOIN events ev ON ev.id = qu.subject_event_id""",
}

VIEWS = {
    "statements_view": """
        SELECT st.id, st.slug, st.fact_id,
               (SELECT count(*) FROM statements r WHERE r.fact_id = st.fact_id) AS source_count,
               st.same_as, sp.name AS speaker, sp.slug AS speaker_slug,
               st.speaker_text, rb.name AS relayed_by, st.relayed_by_text, st.mode, st.text,
               ev.title AS event,
               d.start_date AS date_start, d.end_date AS date_end, d.text AS date_text,
               st.reviewed, so.slug AS source
        FROM statements st
        JOIN entities sp ON sp.id = st.speaker_id
        JOIN sources so ON so.id = st.source_id
        LEFT JOIN entities rb ON rb.id = st.relayed_by_id
        LEFT JOIN events ev ON ev.id = st.event_id
        LEFT JOIN dates d ON d.id = st.date_id""",
    "events_view": """
        SELECT ev.id, ev.slug, ev.fact_id,
               (SELECT count(*) FROM events r WHERE r.fact_id = ev.fact_id) AS source_count,
               ev.same_as, ev.kind, ev.status, ev.title, pl.name AS place,
               d.start_date AS date_start, d.end_date AS date_end, d.text AS date_text,
               parent.title AS part_of, ev.reviewed, so.slug AS source
        FROM events ev
        JOIN sources so ON so.id = ev.source_id
        LEFT JOIN entities pl ON pl.id = ev.place_id
        LEFT JOIN dates d ON d.id = ev.date_id
        LEFT JOIN events parent ON parent.id = ev.part_of_id""",
    "positions_view": """
        SELECT po.id, po.slug, po.fact_id,
               (SELECT count(*) FROM positions r WHERE r.fact_id = po.fact_id) AS source_count,
               po.same_as, ho.name AS holder, ho.slug AS holder_slug, po.stance,
               COALESCE(te.name, tt.name) AS target, po.outcome, po.description,
               d.start_date AS date_start, d.end_date AS date_end, d.text AS date_text,
               po.reviewed, so.slug AS source
        FROM positions po
        JOIN entities ho ON ho.id = po.holder_id
        JOIN sources so ON so.id = po.source_id
        LEFT JOIN entities te ON te.id = po.target_entity_id
        LEFT JOIN topics tt ON tt.id = po.target_topic_id
        LEFT JOIN dates d ON d.id = po.date_id""",
    "roles_view": """
        SELECT ro.id, ro.slug, ro.fact_id,
               (SELECT count(*) FROM roles r WHERE r.fact_id = ro.fact_id) AS source_count,
               ro.same_as, ho.name AS holder, ho.slug AS holder_slug, ro.title,
               org.name AS organization, d.start_date AS date_start, d.text AS date_text,
               ro.reviewed, so.slug AS source
        FROM roles ro
        JOIN entities ho ON ho.id = ro.holder_id
        JOIN sources so ON so.id = ro.source_id
        LEFT JOIN entities org ON org.id = ro.organization_id
        LEFT JOIN dates d ON d.id = ro.date_id""",
    "quantities_view": """
        SELECT qu.id, qu.slug, qu.fact_id,
               (SELECT count(*) FROM quantities r WHERE r.fact_id = qu.fact_id) AS source_count,
               qu.same_as, qu.text, qu.value, qu.min_value, qu.max_value, qu.unit,
               qu.approximate, qu.approximation, COALESCE(en.name, ev.title) AS subject,
               qu.description, qu.reviewed, so.slug AS source
        FROM quantities qu
        JOIN sources so ON so.id = qu.source_id
        LEFT JOIN entities en ON en.id = qu.subject_entity_id
        LEFT JOIN events ev ON ev.id = qu.subject_event_id""",
}

CONFLICTS_VIEW = """
    SELECT co.id, co.field,
           CASE WHEN co.role_id IS NOT NULL THEN 'role'
                WHEN co.event_id IS NOT NULL THEN 'event'
                WHEN co.statement_id IS NOT NULL THEN 'statement'
                WHEN co.position_id IS NOT NULL THEN 'position'
                ELSE 'quantity' END AS kind,
           COALESCE(ro.slug, ev.slug, st.slug, po.slug, qu.slug) AS fact,
           so.slug AS source, cv.value
    FROM conflicts co
    JOIN conflict_values cv ON cv.conflict_id = co.id
    JOIN sources so ON so.id = cv.source_id
    LEFT JOIN roles ro ON ro.id = co.role_id
    LEFT JOIN events ev ON ev.id = co.event_id
    LEFT JOIN statements st ON st.id = co.statement_id
    LEFT JOIN positions po ON po.id = co.position_id
    LEFT JOIN quantities qu ON qu.id = co.quantity_id"""


def _fact_columns(owner: str) -> list[sa.Column[int]]:
    """The columns naming one of the facts (or reports), by the name of their table."""
    tables = ("roles", "events", "statements", "positions", "quantities")
    return [
        sa.Column(
            column,
            sa.Integer(),
            sa.ForeignKey(f"{table}.id", name=f"fk_{owner}_{column}_{table}", ondelete="CASCADE"),
            nullable=True,
        )
        for column, table in zip(REPORTED_COLUMNS, tables, strict=True)
    ]


def upgrade() -> None:
    for name in VIEWS:
        op.execute(f"DROP VIEW {name}")
    for table in REPORTED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "same_as",
                    sa.Text(),
                    nullable=True,
                    comment="The keys its file names under same_as, space-separated.",
                )
            )
            batch_op.add_column(sa.Column("fact_id", sa.Integer(), nullable=True))
        op.execute(f"UPDATE {table} SET fact_id = id")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                "fact_id",
                existing_type=sa.Integer(),
                nullable=False,
                comment="The fact it reports: the smallest id among the rows same_as links.",
            )
            batch_op.create_foreign_key(f"fk_{table}_fact_id_{table}", table, ["fact_id"], ["id"])
            batch_op.create_index(f"ix_{table}_fact_id", ["fact_id"], unique=False)
    op.create_table(
        "conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=20), nullable=False),
        *_fact_columns("conflicts"),
        sa.CheckConstraint(f"{ONE_OF} = 1", name=op.f("ck_conflicts_one_fact")),
        sa.CheckConstraint(
            "field IN (" + ", ".join(f"'{f}'" for f in CONFLICT_FIELDS) + ")",
            name=op.f("ck_conflicts_field"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflicts")),
    )
    op.create_index("ix_conflicts_field_id", "conflicts", ["field", "id"])
    for column in REPORTED_COLUMNS:
        op.create_index(f"ix_conflicts_{column}", "conflicts", [column])
    op.create_table(
        "conflict_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conflict_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False, comment="The report's value, as text."),
        *_fact_columns("conflict_values"),
        sa.CheckConstraint(f"{ONE_OF} = 1", name=op.f("ck_conflict_values_one_report")),
        sa.ForeignKeyConstraint(
            ["conflict_id"],
            ["conflicts.id"],
            name=op.f("fk_conflict_values_conflict_id_conflicts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_conflict_values_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict_values")),
    )
    for column in ("conflict_id", "source_id", *REPORTED_COLUMNS):
        op.create_index(f"ix_conflict_values_{column}", "conflict_values", [column])
    for name, query in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {query}")
    op.execute(f"CREATE VIEW conflicts_view AS {CONFLICTS_VIEW}")
    _analyze([*REPORTED, "conflicts", "conflict_values"])


def downgrade() -> None:
    bind = op.get_bind()
    shared = {
        table: bind.scalar(sa.text(f"SELECT count(*) FROM {table} WHERE fact_id <> id"))
        for table in REPORTED
    }
    if any(shared.values()):
        counts = ", ".join(f"{count} {table}" for table, count in shared.items() if count)
        raise RuntimeError(
            f"cannot downgrade below 0009: reports of facts that another source reports "
            f"first ({counts}) would lose their links and conflicts; the earlier schema "
            f"has one source per fact. Remove those sources (factdb remove) first."
        )
    op.execute("DROP VIEW conflicts_view")
    for name in VIEWS:
        op.execute(f"DROP VIEW {name}")
    op.drop_table("conflict_values")
    op.drop_table("conflicts")
    for table in reversed(REPORTED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_fact_id")
            batch_op.drop_constraint(f"fk_{table}_fact_id_{table}", type_="foreignkey")
            batch_op.drop_column("fact_id")
            batch_op.drop_column("same_as")
    for name, query in OLD_VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {query}")
    _analyze(list(REPORTED))


def _analyze(tables: list[str]) -> None:
    """Planner statistics for the rebuilt ``tables``, once the database is worth it (a
    downgrade has dropped the conflicts)."""
    if large_enough(op.get_bind()):
        analyze(op.get_bind(), tables)
