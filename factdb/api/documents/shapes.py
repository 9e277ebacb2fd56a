"""What a response shows of each row: the collection's schema, narrowed by the fields
parameter."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from marshmallow import Schema, fields

from factdb.api.documents.pydump import Dump, dumper
from factdb.api.http.problems import BadParameter


class Shape(NamedTuple):
    """What a response shows of each row: the schema, narrowed by the fields parameter
    to the names in ``fields``."""

    schema: Schema
    fields: tuple[str, ...] | None

    @property
    def dump(self) -> Dump:
        """The schema's compiled dump, for rows read as Python objects (a collection
        whose documents the database builds never needs it)."""
        return dumper(self.schema)


def shape_of(schema: Schema, only: list[str] | None) -> Shape:
    """``schema`` narrowed to ``only`` (the fields parameter's names), and its compiled
    dump function; BadParameter naming what is unknown."""
    if only is None:
        return Shape(schema, None)
    names = list(dict.fromkeys(only))  # a name given twice is shown once
    unknown = [name for name in names if not _has_field(schema, name.split("."))]
    if unknown:
        choices = ", ".join(schema.fields)
        listed = ", ".join(map(repr, unknown))
        raise BadParameter("fields", f"unknown field(s) {listed}; fields are {choices}")
    return Shape(_narrowed(type(schema), tuple(names)), tuple(names))


@lru_cache(maxsize=128)
def _narrowed(schema_type: type[Schema], names: tuple[str, ...]) -> Schema:
    """A schema limited to ``names``, made once per choice (its dump and its SQL are
    kept per schema object)."""
    return schema_type(only=names)


def _has_field(schema: Schema, path: list[str]) -> bool:
    """Whether the dotted ``path`` names a field of ``schema`` (through nested schemas)."""
    field = schema.fields.get(path[0])
    if field is None:
        return False
    if len(path) == 1:
        return True
    inner = getattr(field, "inner", field)
    return isinstance(inner, fields.Nested) and _has_field(inner.schema, path[1:])
