"""A Mermaid entity-relationship diagram generated from the models' metadata."""

from __future__ import annotations

from sqlalchemy import MetaData, UniqueConstraint

from factdb.models import Base


def mermaid_er(metadata: MetaData = Base.metadata) -> str:
    """The schema as a Mermaid ``erDiagram``: tables, columns, keys and foreign keys."""
    lines = ["erDiagram"]
    for table in metadata.sorted_tables:
        lines.append(f"    {table.name} {{")
        for column in table.columns:
            keys = []
            if column.primary_key:
                keys.append("PK")
            if column.foreign_keys:
                keys.append("FK")
            if any(
                isinstance(c, UniqueConstraint) and list(c.columns.keys()) == [column.name]
                for c in table.constraints
            ):
                keys.append("UK")
            type_name = type(column.type).__name__.lower()
            marker = f" {','.join(keys)}" if keys else ""
            lines.append(f"        {type_name} {column.name}{marker}")
        lines.append("    }")
    for table in metadata.sorted_tables:
        for fk in sorted(table.foreign_keys, key=lambda fk: fk.parent.name):
            parent = fk.column.table.name
            optional = "o" if fk.parent.nullable else "|"
            lines.append(f'    {parent} |{optional}--o{{ {table.name} : "{fk.parent.name}"')
    return "\n".join(lines) + "\n"
