"""Requests in and responses out, whatever the resource.

- parsing.py: strict query-string parsing (unknown parameters are 400s)
- problems.py: RFC 9457 problem details, the one error shape
- output.py: readable JSON, streamed CSV, link URLs
- openapi.py: what the generated OpenAPI document cannot say by itself
- request_db.py: the read-only connection and session of a request, the data's version
- counts.py: answers kept per version of the data
"""
