"""A collection's query parameters, each declared once with what it does to the query.

A resource lists its parameters in order (``Params``); the query-string schema, the
OpenAPI parameters, the filtered query and the counts of the ``resolved`` member are
all derived from that one list.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from marshmallow import Schema, fields
from sqlalchemy import ColumnElement

from factdb.api.filters.conditions import date_overlaps, text_matches
from factdb.api.filters.names import resolve_entity, resolve_slug
from factdb.api.filters.resolved import FilterRows
from factdb.api.http.parsing import (
    CommaSeparated,
    DateRangeArgs,
    PageArgs,
    ReviewedArgs,
    StrictArgs,
    entity_field,
    field_names,
    text_field,
)
from factdb.models import Source
from factdb.models.fact_base import DatedFact, SourcedFact
from factdb.sql import AnySelect, Expression

Condition = ColumnElement[bool]


@dataclass
class Filtering:
    """A collection's query while its parameters are applied to it."""

    query: AnySelect
    args: Mapping[str, Any]
    # Sort keys whose page is chosen by another column (an index's order), if any.
    page_order: dict[str, Expression] | None = None

    def where(self, *conditions: Condition) -> None:
        self.query = self.query.where(*conditions)


Apply = Callable[[Filtering, str, Any], None]


@dataclass(frozen=True)
class Param:
    """One query parameter: how it parses (``field``, or the fields of ``mixin``), what
    it does to the query (``apply``, given the parameter's name and value), and, for an
    entity name, the rows that one entity alone gives (``rows``, for ``resolved``)."""

    field: fields.Field | None
    apply: Apply
    rows: FilterRows | None = None
    mixin: type[Schema] | None = None


def entity(description: str, condition: Callable[[int], Condition], rows: FilterRows) -> Param:
    """An entity, named by slug, name or alias: the facts ``condition`` keeps for it."""

    def apply(filtering: Filtering, name: str, value: str) -> None:
        filtering.where(condition(resolve_entity(name, value)))

    return Param(entity_field(description), apply, rows)


def choices(vocabulary: tuple[str, ...], column: Expression) -> Param:
    """Values of a vocabulary, comma-separated: any of them (OR)."""
    return Param(CommaSeparated(vocabulary), lambda f, _, values: f.where(column.in_(values)))


def slug_of(model: Any, column: Expression, description: str) -> Param:
    """A row of ``model`` by its slug: the facts whose ``column`` names it."""

    def apply(filtering: Filtering, name: str, value: str) -> None:
        filtering.where(column == resolve_slug(name, model, value))

    return Param(text_field(description), apply)


def source(model: type[SourcedFact]) -> Param:
    """The facts of one source, by its slug."""
    return slug_of(Source, model.source_id, "The slug of the source.")


def full_text(model: type[SourcedFact], fact_type: str) -> Param:
    """Words that must all occur in the fact's search document."""

    def apply(filtering: Filtering, name: str, value: str) -> None:
        filtering.where(model.id.in_(text_matches(name, fact_type, value)))

    description = f"Words that must all occur in the {fact_type}'s text (full-text)."
    return Param(text_field(description), apply)


def reviewed(model: type[SourcedFact]) -> Param:
    """reviewed=true|false: reviewed facts, or drafts (the field is ReviewedArgs')."""
    return Param(None, lambda f, _, value: f.where(model.reviewed == value), mixin=ReviewedArgs)


def dates(model: type[DatedFact]) -> Param:
    """from/to: the facts whose date interval overlaps [from, to]."""

    def apply(filtering: Filtering, _name: str, _value: Any) -> None:
        overlap = date_overlaps(model, filtering.args)
        if overlap is not None:
            filtering.where(overlap)

    return Param(None, apply, mixin=DateRangeArgs)


DATES = "dates"  # the name a dates() parameter is declared under (it reads from and to)


@dataclass
class Params:
    """The parameters of one collection, in the order they apply to its query."""

    name: str
    declared: dict[str, Param]
    _schema: type[Schema] | None = field(default=None, init=False, repr=False)
    _item_schema: type[Schema] | None = field(default=None, init=False, repr=False)

    def item_schema(self, rows: Schema) -> type[Schema]:
        """The query-string schema of one item: the fields parameter only."""
        if self._item_schema is None:
            title = self.name.title().replace("_", "")
            attrs = {"only_fields": field_names(rows)}
            self._item_schema = type(f"{title}ItemArgs", (StrictArgs,), attrs)
        return self._item_schema

    def schema(self, rows: Schema) -> type[Schema]:
        """The query-string schema: paging, the fields parameter of ``rows``, then each
        declared parameter (made once)."""
        if self._schema is None:
            attrs: dict[str, Any] = {"only_fields": field_names(rows)}
            mixins: list[type[Schema]] = []
            for name, param in self.declared.items():
                if param.field is not None:
                    attrs[name] = param.field
                if param.mixin is not None:
                    mixins.append(param.mixin)
            bases: tuple[type[Schema], ...] = (PageArgs, *mixins, StrictArgs)
            title = self.name.title().replace("_", "")
            self._schema = type(f"{title}Args", bases, attrs)
        return self._schema

    def filtered(self, query: AnySelect, args: Mapping[str, Any]) -> Filtering:
        """``query`` with every given parameter applied, in declared order."""
        filtering = Filtering(query, args)
        for name, param in self.declared.items():
            given = name in args or (name == DATES and ("date_from" in args or "date_to" in args))
            if given:
                param.apply(filtering, name, args.get(name))
        return filtering

    def name_filters(self) -> dict[str, FilterRows]:
        """The rows each entity-valued parameter gives one entity (``resolved``)."""
        return {name: p.rows for name, p in self.declared.items() if p.rows is not None}
