"""Persistence: the tables, the connection set-up and the schema migrations."""
