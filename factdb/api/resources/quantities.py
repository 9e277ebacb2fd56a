"""/quantities: the numbers of the text, with their units and subjects."""

from __future__ import annotations

from typing import Any

from flask import Response
from sqlalchemy import func, select

from factdb.api.collections.collection import Collection, SortKey
from factdb.api.collections.facets import by_source, grouped
from factdb.api.documents.envelopes import item_of, page_of
from factdb.api.documents.schemas import QuantityOut
from factdb.api.filters import params
from factdb.api.filters.names import resolve_entity
from factdb.api.filters.params import Filtering, Param, Params
from factdb.api.http import request_db
from factdb.api.http.parsing import Blueprint, text_field
from factdb.api.http.problems import BadParameter
from factdb.api.sqljson.reader import DocumentReader
from factdb.models import Event, Quantity
from factdb.vocabulary import APPROXIMATIONS

NO_VALUE = 1e308
blp = Blueprint("quantities", __name__, description="Numbers, units and what they describe.")


def _subject(filtering: Filtering, name: str, value: str) -> None:
    event_id = _event_id(value)
    if event_id is not None:
        filtering.where(Quantity.subject_event_id == event_id)
    else:
        filtering.where(Quantity.subject_entity_id == resolve_entity(name, value))


def _unit(filtering: Filtering, name: str, value: str) -> None:
    units = set(request_db.session().scalars(select(Quantity.unit).distinct()))
    if value not in units:
        raise BadParameter(name, f"no quantity has the unit {value!r}", units=sorted(units))
    filtering.where(Quantity.unit == value)


PARAMS = Params(
    "quantities",
    {
        "reviewed": params.reviewed(Quantity),
        "subject": Param(
            text_field("What the number describes: an event slug, or an entity's name."),
            _subject,
            rows=lambda e: select(Quantity.id).where(Quantity.subject_entity_id == e),
        ),
        "unit": Param(text_field("The unit, e.g. person, hour, day."), _unit),
        "approximation": params.choices(APPROXIMATIONS, Quantity.approximation),
        **params.corroboration(Quantity),
    },
    facts=Quantity,
)

quantities = Collection(
    name="quantities",
    id_column=Quantity.id,
    schema=QuantityOut(),
    documents=DocumentReader(Quantity),
    params=PARAMS,
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
        "source": by_source(Quantity),
    },
)


@blp.route("/quantities")
@blp.arguments(quantities.arguments, location="query")
@blp.response(200, page_of(QuantityOut))
def list_quantities(args: dict[str, Any]) -> Response:
    """Quantities."""
    return quantities.answer(args)


def _event_id(slug: str) -> int | None:
    return request_db.session().scalar(select(Event.id).where(Event.slug == slug.strip().lower()))


@blp.route("/quantities/<ref>")
@blp.arguments(quantities.item_arguments, location="query")
@blp.response(200, item_of(QuantityOut))
def get_quantity(args: dict[str, Any], ref: str) -> Response:
    """One quantity, by id or slug."""
    return quantities.item(ref, args)
