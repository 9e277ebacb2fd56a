"""drafting fields

Revision ID: 0006
Revises: 0005

The facts-file fields that drafting needs. Sources get `drafted` (existing: false), and
events, roles, statements, positions and quantities `reviewed` (existing: true; no
default afterwards, so that a writer always says which). Events get `status` (held,
planned or cancelled; existing: held), quantities `approximation` (about, nearly, over,
at_least, under, at_most, or null as stated; it implies `approximate`), statements the
entity who relays them (`relayed_by_id`, `relayed_by_text`).
Relative dates store their rule: `relative_anchor` (date: `anchor_date_id`, or published:
the source's published_on), then either `relative_offset` and `relative_unit` (days,
weeks, months, years; `offset_days` repeats the offset in days for days and weeks) or
`relative_weekday` and `relative_direction`. Existing relative dates are offsets in
days from an anchor date. The sqlite3 views show the new columns.
Downgrading turns relative dates back into day offsets from their anchor date (the
interval stays as it is); it refuses while a date is anchored on published_on, which
the earlier schema cannot hold.
Create Date: 2026-12-07 01:34:15.447206
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REVIEWED = ("events", "roles", "statements", "positions", "quantities")
REVIEWED_COMMENT = "false while the fact is a draft."
RELATIVE_HAS_ANCHOR = (
    "(basis = 'relative' AND anchor_date_id IS NOT NULL AND offset_days IS NOT NULL)"
    " OR (basis <> 'relative' AND anchor_date_id IS NULL AND offset_days IS NULL)"
)
RELATIVE_RULE = (
    "(basis <> 'relative' AND relative_anchor IS NULL AND anchor_date_id IS NULL"
    " AND offset_days IS NULL AND relative_offset IS NULL AND relative_unit IS NULL"
    " AND relative_weekday IS NULL AND relative_direction IS NULL)"
    " OR (basis = 'relative'"
    " AND ((relative_anchor = 'date' AND anchor_date_id IS NOT NULL)"
    " OR (relative_anchor = 'published' AND anchor_date_id IS NULL))"
    " AND ((relative_offset IS NOT NULL AND relative_unit IS NOT NULL"
    " AND relative_weekday IS NULL AND relative_direction IS NULL)"
    " OR (relative_offset IS NULL AND relative_unit IS NULL"
    " AND relative_weekday IS NOT NULL AND relative_direction IS NOT NULL))"
    " AND ((relative_unit IN ('days', 'weeks') AND offset_days = relative_offset"
    " * CASE relative_unit WHEN 'weeks' THEN 7 ELSE 1 END)"
    " OR ((relative_unit IS NULL OR relative_unit IN ('months', 'years'))"
    " AND offset_days IS NULL)))"
)
DATE_VOCABULARIES = {
    "relative_anchor": "relative_anchor IN ('date', 'published')",
    "relative_unit": "relative_unit IN ('days', 'weeks', 'months', 'years')",
    "relative_weekday": "relative_weekday IN ('monday', 'tuesday', 'wednesday', 'thursday',"
    " 'friday', 'saturday', 'sunday')",
    "relative_direction": "relative_direction IN ('on_or_before', 'on_or_after')",
}
# Whole days from the anchor's start to the date's, as each engine spells it.
DAYS_FROM_ANCHOR = {
    "sqlite": "CAST(julianday(dates.start_date) - julianday(anchor.start_date) AS INTEGER)",
    "postgresql": "dates.start_date - anchor.start_date",
}

# The views of 0001, as they were, and as they are from here on: with the new columns.
OLD_VIEWS = {
    "statements_view": """
        SELECT st.id, st.slug, sp.name AS speaker, sp.slug AS speaker_slug,
               st.speaker_text, st.mode, st.text, ev.title AS event,
               d.start_date AS date_start, d.end_date AS date_end, d.text AS date_text,
               so.slug AS source
        FROM statements st
        JOIN entities sp ON sp.id = st.speaker_id
        JOIN sources so ON so.id = st.source_id
        LEFT JOIN events ev ON ev.id = st.event_id
        LEFT JOIN dates d ON d.id = st.date_id""",
    "events_view": """
        SELECT ev.id, ev.slug, ev.kind, ev.title, pl.name AS place,
               d.start_date AS date_start, d.end_date AS date_end, d.text AS date_text,
               parent.title AS part_of, so.slug AS source
        FROM events ev
        JOIN sources so ON so.id = ev.source_id
        LEFT JOIN entities pl ON pl.id = ev.place_id
        LEFT JOIN dates d ON d.id = ev.date_id
        LEFT JOIN events parent ON parent.id = ev.part_of_id""",
    "positions_view": """
        SELECT po.id, po.slug, ho.name AS holder, ho.slug AS holder_slug, po.stance,
               COALESCE(te.name, tt.name) AS target, po.outcome, po.description,
               d.start_date AS date_start, d.end_date AS date_end, d.text AS date_text,
               so.slug AS source
        FROM positions po
        JOIN entities ho ON ho.id = po.holder_id
        JOIN sources so ON so.id = po.source_id
        LEFT JOIN entities te ON te.id = po.target_entity_id
        LEFT JOIN topics tt ON tt.id = po.target_topic_id
        LEFT JOIN dates d ON d.id = po.date_id""",
    "roles_view": """
        SELECT ro.id, ro.slug, ho.name AS holder, ho.slug AS holder_slug, ro.title,
               org.name AS organization, d.start_date AS date_start, d.text AS date_text,
               so.slug AS source
        FROM roles ro
        JOIN entities ho ON ho.id = ro.holder_id
        JOIN sources so ON so.id = ro.source_id
        LEFT JOIN entities org ON org.id = ro.organization_id
        LEFT JOIN dates d ON d.id = ro.date_id""",
    "quantities_view": """
        SELECT qu.id, qu.slug, qu.text, qu.value, qu.min_value, qu.max_value, qu.unit,
               qu.approximate, COALESCE(en.name, ev.title) AS subject, qu.description,
               so.slug AS source
        FROM quantities qu
        JOIN sources so ON so.id = qu.source_id
        LEFT JOIN entities en ON en.id = qu.subject_entity_id
        LEFT JOIN events ev ON ev.id = qu.subject_event_id""",
}
VIEWS = {
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


def upgrade() -> None:
    for name in VIEWS:
        op.execute(f"DROP VIEW {name}")
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "drafted",
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
                comment="Its facts file was drafted by factdb draft.",
            )
        )
    for table in REVIEWED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "reviewed",
                    sa.Boolean(),
                    server_default=sa.true(),
                    nullable=False,
                    comment=REVIEWED_COMMENT,
                )
            )
            if table == "events":
                batch_op.add_column(
                    sa.Column(
                        "status",
                        sa.String(length=10),
                        server_default="held",
                        nullable=False,
                        comment="held, planned or cancelled, as the source saw it at its date.",
                    )
                )
        with op.batch_alter_table(table, schema=None) as batch_op:
            # The defaults only filled the rows already stored: writers set the values.
            batch_op.alter_column("reviewed", server_default=None)
            if table == "events":
                batch_op.alter_column("status", server_default=None)
                batch_op.create_check_constraint(
                    op.f("ck_events_status"), "status IN ('held', 'planned', 'cancelled')"
                )

    with op.batch_alter_table("quantities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "approximation",
                sa.String(length=10),
                nullable=True,
                comment="about, nearly, over, at_least, under or at_most; null as stated.",
            )
        )
        batch_op.create_check_constraint(
            op.f("ck_quantities_approximation"),
            "approximation IN ('about', 'nearly', 'over', 'at_least', 'under', 'at_most')",
        )
        batch_op.create_check_constraint(
            op.f("ck_quantities_approximation_is_approximate"),
            "approximation IS NULL OR approximate",
        )

    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "relayed_by_id",
                sa.Integer(),
                nullable=True,
                comment="Who relays the speaker's words.",
            )
        )
        batch_op.add_column(
            sa.Column(
                "relayed_by_text",
                sa.String(length=300),
                nullable=True,
                comment="Who relays them, as the text names them.",
            )
        )
        batch_op.create_index(
            batch_op.f("ix_statements_relayed_by_id"), ["relayed_by_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_statements_relayed_by_id_entities"),
            "entities",
            ["relayed_by_id"],
            ["id"],
        )

    with op.batch_alter_table("dates", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "relative_anchor",
                sa.String(length=10),
                nullable=True,
                comment="date (anchor_date_id) or published (the source's published_on).",
            )
        )
        batch_op.add_column(
            sa.Column(
                "relative_offset",
                sa.Integer(),
                nullable=True,
                comment="Units from the anchor's first day.",
            )
        )
        batch_op.add_column(sa.Column("relative_unit", sa.String(length=10), nullable=True))
        batch_op.add_column(
            sa.Column(
                "relative_weekday",
                sa.String(length=10),
                nullable=True,
                comment="The weekday on or before (after) the anchor's first day.",
            )
        )
        batch_op.add_column(sa.Column("relative_direction", sa.String(length=15), nullable=True))
    op.execute(
        "UPDATE dates SET relative_anchor = 'date', relative_offset = offset_days,"
        " relative_unit = 'days' WHERE basis = 'relative'"
    )
    with op.batch_alter_table("dates", schema=None) as batch_op:
        batch_op.alter_column(
            "offset_days",
            existing_type=sa.Integer(),
            existing_nullable=True,
            comment="A relative date's offset in days, when it counts days or weeks.",
        )
        batch_op.alter_column(
            "note",
            existing_type=sa.Text(),
            existing_nullable=True,
            comment="Why an inferred date was inferred, or how its own year was.",
            existing_comment="Why an inferred date was inferred.",
        )
        batch_op.drop_constraint(op.f("ck_dates_relative_has_anchor"), type_="check")
        for column, condition in DATE_VOCABULARIES.items():
            batch_op.create_check_constraint(op.f(f"ck_dates_{column}"), condition)
        batch_op.create_check_constraint(op.f("ck_dates_relative_rule"), RELATIVE_RULE)

    for name, query in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {query}")


def downgrade() -> None:
    bind = op.get_bind()
    published = bind.execute(
        sa.text("SELECT slug FROM dates WHERE relative_anchor = 'published' ORDER BY slug")
    ).scalars()
    slugs = list(published)
    if slugs:
        raise RuntimeError(
            "cannot downgrade below 0006: these dates are anchored on the published date,"
            f" which the earlier schema cannot store: {', '.join(slugs)}"
        )
    for name in VIEWS:
        op.execute(f"DROP VIEW {name}")
    days = DAYS_FROM_ANCHOR[bind.dialect.name]
    with op.batch_alter_table("dates", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_dates_relative_rule"), type_="check")
        for column in reversed(DATE_VOCABULARIES):
            batch_op.drop_constraint(op.f(f"ck_dates_{column}"), type_="check")
    # Months, years and weekdays become the days from the anchor they came to.
    op.execute(
        f"UPDATE dates SET offset_days = (SELECT {days} FROM dates anchor"
        " WHERE anchor.id = dates.anchor_date_id)"
        " WHERE basis = 'relative' AND offset_days IS NULL"
    )
    with op.batch_alter_table("dates", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f("ck_dates_relative_has_anchor"), RELATIVE_HAS_ANCHOR)
        batch_op.alter_column(
            "note",
            existing_type=sa.Text(),
            existing_nullable=True,
            comment="Why an inferred date was inferred.",
            existing_comment="Why an inferred date was inferred, or how its own year was.",
        )
        batch_op.alter_column(
            "offset_days",
            existing_type=sa.Integer(),
            existing_nullable=True,
            comment=None,
            existing_comment="A relative date's offset in days, when it counts days or weeks.",
        )
        batch_op.drop_column("relative_direction")
        batch_op.drop_column("relative_weekday")
        batch_op.drop_column("relative_unit")
        batch_op.drop_column("relative_offset")
        batch_op.drop_column("relative_anchor")

    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_statements_relayed_by_id_entities"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_statements_relayed_by_id"))
        batch_op.drop_column("relayed_by_text")
        batch_op.drop_column("relayed_by_id")

    with op.batch_alter_table("quantities", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_quantities_approximation_is_approximate"), type_="check")
        batch_op.drop_constraint(op.f("ck_quantities_approximation"), type_="check")
        batch_op.drop_column("approximation")

    for table in reversed(REVIEWED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table == "events":
                batch_op.drop_constraint(op.f("ck_events_status"), type_="check")
                batch_op.drop_column("status")
            batch_op.drop_column("reviewed")

    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_column("drafted")

    for name, query in OLD_VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {query}")
