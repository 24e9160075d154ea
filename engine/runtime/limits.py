"""The limits every command runs under (architecture principle 11: no command runs forever)."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.script_limits import ScriptLimits


@dataclass(frozen=True)
class CommandLimits:
    """``scripts``: what the scripts and expressions of one command may spend together (loop
    passes, seconds, sizes); ``engine_steps``: how many steps (tasks run without waiting) one
    command may take; ``lock_timeout_ms`` and ``statement_timeout_ms``: how long a command's
    transaction on PostgreSQL waits for a lock and for one statement (0: no limit)."""

    scripts: ScriptLimits = field(default_factory=ScriptLimits)
    engine_steps: int = 1_000
    lock_timeout_ms: int = 10_000
    statement_timeout_ms: int = 30_000
