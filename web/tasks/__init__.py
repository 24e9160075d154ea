"""A task's page: its form rendered from JSON Schema, and claim, unclaim and complete."""
