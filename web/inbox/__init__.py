"""The inbox: my organisation's open tasks, mine and unassigned."""
