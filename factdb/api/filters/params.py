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
from sqlalchemy import ColumnElement, func, inspect, select
from sqlalchemy.orm import aliased

from factdb.api.documents.urls import SINGULAR
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
    true_or_false,
    whole_number,
)
from factdb.models import Conflict, Source
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


def first_report(model: type[SourcedFact]) -> Condition:
    """A fact's first report, the row a collection lists for the fact."""
    return model.fact_id == model.id


def source(model: type[SourcedFact]) -> Param:
    """The facts one source reports (first or not), by its slug."""
    reports = aliased(model, name="by_source")

    def apply(filtering: Filtering, name: str, value: str) -> None:
        source_id = resolve_slug(name, Source, value)
        filtering.where(model.id.in_(select(reports.fact_id).where(reports.source_id == source_id)))

    description = "The slug of a source: the facts it reports, first or not."
    return Param(text_field(description), apply)


def min_sources(model: type[SourcedFact]) -> Param:
    """The facts that at least N sources report."""
    reports = aliased(model, name="reports")
    count = select(func.count()).where(reports.fact_id == model.id).scalar_subquery()
    description = "Facts that at least this many sources report (1 or more)."
    return Param(whole_number(description, lowest=1), lambda f, _, value: f.where(count >= value))


def conflicts(model: type[SourcedFact]) -> Param:
    """conflicts=true: facts whose reports disagree on a field; false: those that do not."""
    kind = SINGULAR[inspect(model).class_.__tablename__]
    column = Conflict.__table__.c[f"{kind}_id"]
    found = select(column).where(column == model.id).exists()
    description = "true: facts whose sources disagree on some field; false: the others."
    return Param(
        true_or_false(description),
        lambda f, _, value: f.where(found if value else ~found),
    )


def corroboration(model: type[SourcedFact]) -> dict[str, Param]:
    """The parameters every fact collection takes about its sources."""
    return {
        "source": source(model),
        "min_sources": min_sources(model),
        "conflicts": conflicts(model),
    }


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
    # The kind of fact a fact collection lists: one row per fact, its first report.
    facts: type[SourcedFact] | None = None
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
        if self.facts is not None:
            filtering.where(first_report(self.facts))
        for name, param in self.declared.items():
            given = name in args or (name == DATES and ("date_from" in args or "date_to" in args))
            if given:
                param.apply(filtering, name, args.get(name))
        return filtering

    def name_filters(self) -> dict[str, FilterRows]:
        """The rows each entity-valued parameter gives one entity (``resolved``): facts,
        not reports, in a fact collection."""
        found = {name: p.rows for name, p in self.declared.items() if p.rows is not None}
        model = self.facts
        if model is None:
            return found

        def facts_of(rows: FilterRows) -> FilterRows:
            return lambda e: select(model.id).where(first_report(model), model.id.in_(rows(e)))

        return {name: facts_of(rows) for name, rows in found.items()}
