"""Query parameters and the SQL conditions they become.

- params.py: a parameter declared once: how it parses and what it does to the query
- names.py: entity names and slugs resolved like a person would, with suggestions
- resolved.py: how each name was resolved, for the response
- conditions.py: date windows and overlap, links on their indexes, text search
"""
