"""/api/v1/: what there is to ask, with an example URL for each resource."""

from __future__ import annotations

from flask import Response
from marshmallow import Schema, fields

from factdb.api.documents.urls import api_root
from factdb.api.http.output import json_response
from factdb.api.http.parsing import Blueprint, NoArgs

blp = Blueprint("index", __name__, description="The API's table of contents.")

RESOURCES = {
    "sources": ("Articles with their full text.", "sources"),
    "entities": ("People, countries, parties, places…", "entities?kind=person"),
    "events": ("Meetings, visits, elections…", "events?participant=Putin&participant=Netanyahu"),
    "statements": ("Who said what, quoted or reported.", "statements?speaker=Putin&mode=direct"),
    "positions": ("Who stands for or against what.", "positions?target=annexation&stance=opposes"),
    "roles": ("Offices and affiliations.", "roles?holder=Netanyahu"),
    "quantities": ("Numbers and what they describe.", "quantities?unit=person"),
    "conflicts": ("Where the sources of a fact disagree.", "conflicts?group_by=field"),
    "timeline": ("Every dated fact, in order.", "timeline?from=2019-09-10&to=2019-09-17"),
    "search": ("Ranked full-text search.", "search?q=security+coordination"),
    "evidence": (
        "Which facts rest on which sentence.",
        "evidence?source=netanyahu-fails-to-impress-putin&sentence=torpedo",
    ),
    "openapi": ("The OpenAPI document.", "openapi.json"),
}


class ResourceOut(Schema):
    description = fields.String()
    url = fields.String()
    example = fields.String()


class IndexOut(Schema):
    data = fields.Dict(keys=fields.String(), values=fields.Nested(ResourceOut))


@blp.route("/")
@blp.arguments(NoArgs, location="query")
@blp.response(200, IndexOut)
def api_index(args: dict[str, object]) -> Response:
    """The resources, each with a description and an example URL."""
    root = api_root()
    data = {
        name: {
            "description": description,
            "url": f"{root}/{path.split('?')[0]}",
            "example": f"{root}/{path}",
        }
        for name, (description, path) in RESOURCES.items()
    }
    return json_response({"data": data}, {})
