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
