"""The response documents: the one definition of each (marshmallow schemas, whose
fields say where their SQL values come from), and how a response narrows it.

- schemas.py: every document's fields: facts, entities, sources
- reports.py: what every fact's document ends with: its first report's provenance,
  then every report (``sources``), ``source_count`` and ``conflicts``
- conflicts.py: the document of /conflicts
- envelopes.py: a page, an item, facets, the resolved member, a problem
- fields.py: field types of our own (an item's URL, a field's SQL value)
- urls.py: the request's API root and item URLs
- shapes.py: a document narrowed by the fields parameter
- pydump.py: schemas compiled into Python dump functions, for rows read as objects
  (entities, sources, the timeline, search hits, evidence)
"""
