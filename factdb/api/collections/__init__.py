"""A filtered query turned into a response: a page with keyset paging, facets, CSV, or
one item.

- collection.py: Collection, what a resource declares, and its page, item and CSV
- keyset.py: sort keys, the condition "after this row", opaque cursors
- facets.py: group_by counts
- csv_pages.py: CSV streamed page after page
- lookup.py: one item by slug or id
- search_top.py: the first pages of a frequent word's search, kept ranked
"""
