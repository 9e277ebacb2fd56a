"""Controlled vocabularies shared by the schema, the loader and the API."""

ENTITY_KINDS = ("person", "country", "organization", "party", "place", "group")
EVENT_KINDS = (
    "meeting",
    "visit",
    "election",
    "press_briefing",
    "military_strike",
    "war",
    "other",
)
STATEMENT_MODES = ("direct", "indirect", "mixed")
STANCES = ("supports", "opposes", "seeks", "concerned_about", "cool_towards")
POSITION_OUTCOMES = ("achieved", "failed")
DATE_PRECISIONS = ("day", "month", "part_of_month", "year", "unknown")
DATE_BASES = ("explicit", "relative", "inferred")
YEAR_BASES = ("explicit", "inferred")
ALIAS_KINDS = ("alias", "metonym")
MONTH_PARTS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}
# How a quantity is approximated, as the text words it ("some" -> about, "more than" ->
# over...); null when it is stated as it is.
APPROXIMATIONS = ("about", "nearly", "over", "at_least", "under", "at_most")
# An event as its source saw it at its own date.
EVENT_STATUSES = ("held", "planned", "cancelled")
# Relative dates: what they count from, in which units, or the weekday they name.
RELATIVE_ANCHORS = ("date", "published")
OFFSET_UNITS = ("days", "weeks", "months", "years")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAY_DIRECTIONS = ("on_or_before", "on_or_after")
# The fields on which the sources reporting one fact can disagree, by kind of fact (a
# statement's quote and a date's wording are each source's own, not a disagreement).
CONFLICT_FIELDS_BY_KIND = {
    "events": ("kind", "date", "place", "status"),
    "roles": ("holder", "title", "organization", "date"),
    "statements": ("speaker", "mode", "date"),
    "positions": ("holder", "stance", "target", "outcome", "date"),
    "quantities": ("subject", "value", "unit"),
}
CONFLICT_FIELDS = tuple(
    sorted({field for fields in CONFLICT_FIELDS_BY_KIND.values() for field in fields})
)
