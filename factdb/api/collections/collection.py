"""Collections: filters in, then sorting, keyset paging (keyset.py), facets, CSV and
the envelope."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import Response, request, stream_with_context
from marshmallow import Schema
from sqlalchemy import func, select

from factdb.api.collections.csv_pages import CSV_PAGE, csv_rows, typed_after
from factdb.api.collections.facets import GroupQuery, facet_counts
from factdb.api.collections.keyset import (
    Expression,
    SortKey,
    decode_cursor,
    encode_cursor,
    keyset_after,
    parse_sort,
)
from factdb.api.collections.lookup import get_document
from factdb.api.documents.envelopes import FacetOut
from factdb.api.documents.shapes import Shape, shape_of
from factdb.api.documents.urls import api_root
from factdb.api.filters.params import Params
from factdb.api.filters.resolved import FilterRows, described, header
from factdb.api.http import request_db
from factdb.api.http.counts import counted
from factdb.api.http.output import csv_stream, json_response, url_with
from factdb.api.sqljson.kept import StatementsByShape
from factdb.api.sqljson.reader import DocumentReader, parsed
from factdb.models.base import Base
from factdb.sql import AnySelect

# Parameters that choose a page or its shape but not which rows match.
PAGING = frozenset({"cursor", "limit", "sort", "only_fields", "format"})


@dataclass
class Collection:
    """What a resource's collection endpoint needs besides its filters."""

    name: str
    id_column: Expression
    schema: Schema
    sort_keys: dict[str, SortKey]
    default_sort: str
    group_keys: dict[str, GroupQuery] = field(default_factory=dict)
    options: tuple[Any, ...] = ()
    # What the schema dumps from a row: the ORM object, or the row's mapping.
    row_object: Callable[[Any], Any] = lambda row: row[0]
    # Reads a page's rows by id, in order, without the ORM, given the rows' sort values
    # by sort key; the page query then selects ids and sort values only.
    records: Callable[[list[int], dict[str, list[Any]]], list[Any]] | None = None
    # Or has the database build each row's JSON document, with the page in one statement.
    documents: DocumentReader | None = None
    # The rows each entity-valued filter gives for one entity: the resolved member's counts
    # (derived from ``params`` where the collection declares them).
    name_filters: dict[str, FilterRows] = field(default_factory=dict)
    # The query parameters and what each does to the query, applied to select(model)
    # (the documents' model where the database builds them).
    params: Params | None = None
    model: type[Base] | None = None
    _pages: StatementsByShape = field(default_factory=StatementsByShape, init=False, repr=False)
    # Sort expressions and ORDER BY terms by order; bounded by the sort keys' choices.
    _orderings: dict[tuple[tuple[str, bool], ...], tuple[list[Expression], list[Any]]] = field(
        default_factory=dict, init=False, repr=False
    )

    def __post_init__(self) -> None:
        if self.params is not None:
            self.name_filters = self.params.name_filters()

    @property
    def arguments(self) -> type[Schema]:
        """The query-string schema of the declared parameters."""
        assert self.params is not None, f"{self.name} declares no parameters"
        return self.params.schema(self.schema)

    @property
    def item_arguments(self) -> type[Schema]:
        """The query-string schema of an item: its fields parameter."""
        assert self.params is not None, f"{self.name} declares no parameters"
        return self.params.item_schema(self.schema)

    def answer(self, args: dict[str, Any], rows: AnySelect | None = None) -> Response:
        """The page (or facets, or CSV) of the rows the declared parameters keep, of
        ``rows`` if given, else of the collection's model."""
        if rows is None:
            model = self.documents.model if self.documents is not None else self.model
            assert model is not None, f"{self.name}: give the rows or a model"
            rows = select(model)
        assert self.params is not None, f"{self.name}: no parameters declared"
        filtering = self.params.filtered(rows, args)
        return self.respond(filtering.query, args, page_order=filtering.page_order)

    def respond(
        self,
        query: AnySelect,
        args: dict[str, Any],
        counted_query: AnySelect | None = None,
        page_order: dict[str, Expression] | None = None,
    ) -> Response:
        """The page (or facets, or CSV) of ``query``; its total counts ``counted_query``
        when given (the same rows, read another way). ``page_order`` names, for some sort
        keys, a column of the query equal to it to choose the page by (an index's order)."""
        if "group_by" in args:
            return self._facets(query, args)
        order = parse_sort(self.sort_keys, args.get("sort", self.default_sort))
        shape = self._shape(args.get("only_fields"))
        after = decode_cursor(self.sort_keys, args["cursor"], order) if "cursor" in args else None
        if wants_csv(args):
            return self._csv(query, order, shape, after)
        limit = args["limit"]
        total = self._total(query if counted_query is None else counted_query, args)
        page_query = query if after is None else query.where(keyset_after(after))
        rows = self._fetch(page_query, order, limit + 1, shape, page_order or {})
        # The cursor holds the sort values of the last row shown.
        last = rows[limit - 1] if len(rows) > limit else None
        next_cursor = None if last is None else encode_cursor(order, last[-len(order) :])
        data = self._dumped(rows[:limit], shape, order)
        links = {"self": request.url, "next": url_with(cursor=next_cursor) if next_cursor else None}
        body = {
            "data": data,
            "meta": {"total": total, "limit": limit, "next_cursor": next_cursor},
            "links": links,
        }
        headers = {"Link": f'<{links["next"]}>; rel="next"'} if next_cursor else {}
        return json_response(*self._with_resolved(body, headers))

    def item(self, ref: str, args: dict[str, Any]) -> Response:
        """The item whose slug or id is ``ref``, its document built as in a page (narrowed
        by the fields parameter as a page is)."""
        assert self.documents is not None, f"{self.name}: items need a DocumentReader"
        schema = self._shape(args.get("only_fields")).schema
        return json_response({"data": get_document(self.documents, schema, ref)}, {})

    def _with_resolved(
        self, body: dict[str, Any], headers: dict[str, str]
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """The body and headers, with how the filters' entity names were resolved."""
        resolved = described(self.name, self.name_filters)
        body = {**body, "resolved": resolved} if resolved else body
        return body, {**headers, **header(resolved)}

    def _total(self, query: AnySelect, args: dict[str, Any]) -> int:
        """How many rows the filters match, counted once per content version."""

        def count() -> int:  # built only when not yet counted: most pages repeat a total
            rows = select(func.count()).select_from(query.order_by(None).subquery())
            return int(request_db.session().scalar(rows) or 0)

        return counted(("total", self.name, _filters_key(args)), count)

    def _fetch(
        self,
        query: AnySelect,
        order: list[tuple[str, bool]],
        limit: int,
        shape: Shape,
        page_order: dict[str, Expression] | None = None,
    ) -> list[Any]:
        """The page's rows, each ending with its sort values."""
        if self.documents is not None:
            return self._read(query, order, limit, shape, page_order)
        expressions, ordering = self._sorted_by(order)
        if self.records is not None:
            query = query.with_only_columns(self.id_column)
        ordered = query.add_columns(*expressions).order_by(*ordering)
        if self.records is None:
            ordered = ordered.options(*self.options)
        return list(request_db.session().execute(ordered.limit(limit)).all())

    def _sorted_by(self, order: list[tuple[str, bool]]) -> tuple[list[Expression], list[Any]]:
        """The sort keys' expressions and the ORDER BY terms of ``order``, made once per
        order (a page request spent 2% of its time making them again)."""
        key = tuple(order)
        found = self._orderings.get(key)
        if found is None:
            expressions = [self.sort_keys[name].expression for name, _ in order]
            found = self._orderings[key] = (expressions, _ordering(expressions, order))
        return found

    def _read(
        self,
        query: AnySelect,
        order: list[tuple[str, bool]],
        limit: int,
        shape: Shape,
        page_order: dict[str, Expression] | None,
    ) -> list[Any]:
        """The page and its rows' documents in one statement: the documents of the ids
        the page query selects, ordered by ``page_order``'s columns where it names one.
        The page is chosen first, on the sort index as on its own; joining the rows'
        references in the page query itself would look them up for every matching row
        that a filter leaves to be sorted, not only the page's."""
        documents = self.documents
        assert documents is not None
        expressions, ordering = self._sorted_by(order)
        page_ordering = ordering
        if page_order:
            chosen_by = [
                page_order.get(name, e) for (name, _), e in zip(order, expressions, strict=True)
            ]
            page_ordering = _ordering(chosen_by, order)
        page = query.with_only_columns(self.id_column).order_by(*page_ordering).limit(limit)

        def build() -> AnySelect:
            # correlate(None): the page query reads its own table, not the outer query's.
            return (
                documents.select(shape.schema)
                .add_columns(*expressions)
                .where(self.id_column.in_(page.correlate(None)))
                .order_by(*ordering)
            )

        kept, values = self._pages.statement(page, build, tuple(order), shape.fields)
        values["api_root"] = api_root()
        return kept.rows(request_db.connection(), values)

    def _dumped(self, rows: list[Any], shape: Shape, order: list[tuple[str, bool]]) -> list[Any]:
        """The rows as the schema dumps them, in order."""
        if self.documents is not None:  # the database dumped them
            return parsed([row[0] for row in rows])
        return [shape.dump(obj) for obj in self._objects(rows, order)]

    def _objects(self, rows: list[Any], order: list[tuple[str, bool]]) -> list[Any]:
        """What the schema dumps for each fetched row, in order."""
        if self.records is None:
            return [self.row_object(row) for row in rows]
        if not rows:
            return []
        # A records row is the id, then the sort values in the order's order.
        sort_values = {name: [row[1 + i] for row in rows] for i, (name, _) in enumerate(order)}
        return self.records([row[0] for row in rows], sort_values)

    def _shape(self, only: list[str] | None) -> Shape:
        return shape_of(self.schema, only)

    def _csv(
        self,
        query: AnySelect,
        order: list[tuple[str, bool]],
        shape: Shape,
        cursor: list[tuple[Expression, bool, Any]] | None,
    ) -> Response:
        """Every row from the cursor on (or from the first), not one page."""

        def page(after: list[Any] | None) -> list[Any]:
            page_query = query if cursor is None else query.where(keyset_after(cursor))
            if after is not None:
                page_query = query.where(keyset_after(typed_after(self.sort_keys, order, after)))
            return self._fetch(page_query, order, CSV_PAGE, shape)

        rows = csv_rows(page, lambda rows: self._dumped(rows, shape, order), len(order), CSV_PAGE)
        disposition = {"Content-Disposition": f'inline; filename="{self.name}.csv"'}
        return Response(
            stream_with_context(csv_stream(shape.schema, rows)),
            mimetype="text/csv",
            headers=self._with_resolved({}, disposition)[1],
        )

    def _facets(self, query: AnySelect, args: dict[str, Any]) -> Response:
        ids = query.with_only_columns(self.id_column.label("id")).order_by(None).subquery()
        body = facet_counts(self.name, self.group_keys, ids, args["group_by"], _filters_key(args))
        body, headers = self._with_resolved(body, {})
        if wants_csv(args):
            text = csv_stream(FacetOut(), iter(body["data"]))
            return Response(text, mimetype="text/csv", headers=headers)
        return json_response(body, headers)


def _ordering(expressions: Sequence[Any], order: list[tuple[str, bool]]) -> list[Any]:
    return [
        expression.desc() if desc else expression.asc()
        for expression, (_, desc) in zip(expressions, order, strict=True)
    ]


def _filters_key(args: dict[str, Any]) -> str:
    """The filters of a request, whatever their order: what its counts are kept by."""
    return repr(sorted((name, repr(value)) for name, value in args.items() if name not in PAGING))


def wants_csv(args: dict[str, Any]) -> bool:
    if "format" in args:
        return bool(args["format"] == "csv")
    best = request.accept_mimetypes.best_match(["application/json", "text/csv"])
    return best == "text/csv"
