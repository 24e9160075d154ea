"""The JSON API under /api/v1 (views.py, cases.py, tasks.py), its schemas (schemas.py for what
it accepts, resources.py for what it returns), the OpenAPI document (openapi.py), and personal
API tokens (tokens.py, with the page pages.py)."""
