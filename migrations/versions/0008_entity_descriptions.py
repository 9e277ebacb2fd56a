"""entity descriptions

Revision ID: 0008
Revises: 0007

Entities are shared by all sources, and until now each source that listed an entity
under its slug rewrote its one description (and its name and kind): a second article
about the same meeting silently replaced what the first had said. From here on each
source's description is its own row of `entity_descriptions` (unique per entity and
source); the first row by id is the defining source's, and `entities.description`
keeps repeating it, so that readers of the entities table see what they saw.

Existing entities: every source with evidence of an entity (a source lists the
entities it names, each with evidence) gets a row holding the entity's description,
the only one stored; each source's own words replace it when it is next loaded. The
rows are written by source id within each entity, so the defining source is the one
loaded first: source ids are given on a source's first load and kept by its reloads,
whereas evidence ids change whenever a source edits an excerpt. An entity without
evidence (one its sources dropped while another still refers to it, which `factdb
check` reports) has no source to credit and gets no row.

Downgrading drops the table: it refuses while a row holds another description than
its entity's, which the earlier schema cannot store.
Create Date: 2026-12-08 09:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from factdb.loader.statistics import large_enough
from factdb.sql import analyze

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COPY = """
    INSERT INTO entity_descriptions (entity_id, source_id, description)
    SELECT listed.entity_id, listed.source_id, entities.description
    FROM (SELECT DISTINCT entity_id, source_id FROM evidence
          WHERE entity_id IS NOT NULL) listed
    JOIN entities ON entities.id = listed.entity_id
    ORDER BY listed.entity_id, listed.source_id"""
# The rows the earlier schema would lose: another description than their entity's.
LOST = """
    SELECT entities.slug, sources.slug FROM entity_descriptions d
    JOIN entities ON entities.id = d.entity_id
    JOIN sources ON sources.id = d.source_id
    WHERE d.description <> entities.description
    ORDER BY entities.slug, d.id"""
SHOWN = 10  # entities named in a refusal; the rest are counted


def upgrade() -> None:
    op.create_table(
        "entity_descriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.id"],
            name=op.f("fk_entity_descriptions_entity_id_entities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_entity_descriptions_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entity_descriptions")),
        sa.UniqueConstraint(
            "entity_id", "source_id", name=op.f("uq_entity_descriptions_entity_id_source_id")
        ),
    )
    with op.batch_alter_table("entity_descriptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_entity_descriptions_source_id"), ["source_id"], unique=False
        )
        # The loader reads an entity's first rows in id order (the defining source's
        # first) without reading all of a popular entity's.
        batch_op.create_index(
            "ix_entity_descriptions_entity_id_id", ["entity_id", "id"], unique=False
        )
    op.execute(COPY)
    if large_enough(op.get_bind()):
        analyze(op.get_bind(), ["entity_descriptions"])


def downgrade() -> None:
    lost: dict[str, list[str]] = {}
    for entity, source in op.get_bind().execute(sa.text(LOST)):
        lost.setdefault(entity, []).append(source)
    if lost:
        named = [
            f"{entity} (from {', '.join(sources)})"
            for entity, sources in list(lost.items())[:SHOWN]
        ]
        more = f", and {len(lost) - SHOWN} more" if len(lost) > SHOWN else ""
        raise RuntimeError(
            "cannot downgrade below 0008: these entities have descriptions from more than"
            " one source, and the earlier schema keeps only the defining source's; the"
            f" others would be lost: {'; '.join(named)}{more}"
        )
    with op.batch_alter_table("entity_descriptions", schema=None) as batch_op:
        batch_op.drop_index("ix_entity_descriptions_entity_id_id")
        batch_op.drop_index(batch_op.f("ix_entity_descriptions_source_id"))
    op.drop_table("entity_descriptions")
