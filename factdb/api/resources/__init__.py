"""The endpoints, one module per resource: its blueprint, the query parameters it takes
and what each does to the query, its sort and group_by keys. Add a filter here.

- statements.py, events.py, positions.py, roles.py, quantities.py: the facts
- conflicts.py: where the sources that report one fact disagree
- entities.py, sources.py: what the facts are about and where they come from
- timeline.py: every dated fact in one order; search.py: ranked full-text search
- evidence.py: which facts rest on which characters of a source
- index.py: /api/v1/, what there is to ask
"""
