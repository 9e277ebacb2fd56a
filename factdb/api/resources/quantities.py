"""/quantities: the numbers of the text, with their units and subjects."""

from __future__ import annotations

from typing import Any

from flask import Response
from sqlalchemy import func, select

from factdb.api.collections.collection import AnySelect, Collection, SortKey, collection_view
from factdb.api.collections.facets import grouped
from factdb.api.documents.envelopes import item_of, page_of
from factdb.api.documents.schemas import QuantityOut
from factdb.api.filters.entities_dates import resolve_entity, review_state
from factdb.api.http import request_db
from factdb.api.http.parsing import (
    Blueprint,
    CommaSeparated,
    NoArgs,
    PageArgs,
    ReviewedArgs,
    field_names,
    text_field,
)
from factdb.api.http.problems import BadParameter
from factdb.api.sqljson.build import DocumentReader
from factdb.models import Event, Quantity
from factdb.vocabulary import APPROXIMATIONS

NO_VALUE = 1e308
blp = Blueprint("quantities", __name__, description="Numbers, units and what they describe.")
quantity_out = QuantityOut()


class QuantityArgs(PageArgs, ReviewedArgs):
    only_fields = field_names(quantity_out)
    subject = text_field("What the number describes: an event slug, or an entity's name.")
    unit = text_field("The unit, e.g. person, hour, day.")
    approximation = CommaSeparated(APPROXIMATIONS)


quantities = Collection(
    name="quantities",
    id_column=Quantity.id,
    schema=quantity_out,
    documents=DocumentReader(Quantity),
    sort_keys={
        # A range has no value: sorted after every number (a sort key is never NULL).
        "value": SortKey(func.coalesce(Quantity.value, NO_VALUE), "float"),
        "unit": SortKey(Quantity.unit, "str"),
        "id": SortKey(Quantity.id, "int"),
    },
    default_sort="id",
    group_keys={
        "unit": lambda ids: grouped(Quantity, ids, Quantity.unit),
        "approximation": lambda ids: grouped(Quantity, ids, Quantity.approximation),
    },
    name_filters={
        "subject": lambda e: select(Quantity.id).where(Quantity.subject_entity_id == e),
    },
)


@blp.route("/quantities")
@blp.arguments(QuantityArgs, location="query")
@blp.response(200, page_of(QuantityOut))
@collection_view(quantities)
def list_quantities(args: dict[str, Any]) -> AnySelect:
    """Quantities."""
    query = select(Quantity)
    if "subject" in args:
        event_id = _event_id(args["subject"])
        if event_id is not None:
            query = query.where(Quantity.subject_event_id == event_id)
        else:
            entity_id = resolve_entity("subject", args["subject"])
            query = query.where(Quantity.subject_entity_id == entity_id)
    if "unit" in args:
        units = set(request_db.session().scalars(select(Quantity.unit).distinct()))
        if args["unit"] not in units:
            raise BadParameter(
                "unit", f"no quantity has the unit {args['unit']!r}", units=sorted(units)
            )
        query = query.where(Quantity.unit == args["unit"])
    if "approximation" in args:
        query = query.where(Quantity.approximation.in_(args["approximation"]))
    return review_state(query, Quantity, args)


def _event_id(slug: str) -> int | None:
    return request_db.session().scalar(select(Event.id).where(Event.slug == slug.strip().lower()))


@blp.route("/quantities/<ref>")
@blp.arguments(NoArgs, location="query")
@blp.response(200, item_of(QuantityOut))
def get_quantity(args: dict[str, Any], ref: str) -> Response:
    """One quantity, by id or slug."""
    return quantities.item(ref)
