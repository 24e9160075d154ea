"""Retrying cases in error, one or many, on their version or after moving them to another: what
the console's buttons and the API do alike."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine import ConflictError, EngineError, NotFoundError
from web.engine_access import current_engine


@dataclass
class RetryOutcome:
    continued: list[int] = field(default_factory=list)  # running (or completed) again
    failed: list[int] = field(default_factory=list)  # in error again
    refused: list[tuple[int, str, list[str]]] = field(default_factory=list)  # could not move
    skipped: list[int] = field(default_factory=list)  # not (or no longer) in error


def retry_cases(ids: list[int], to_version_id: int | None, user: str) -> RetryOutcome:
    """Move the cases to ``to_version_id`` (when given; the engine's migration checks apply),
    then retry each one that is in error. NotFoundError for an unknown case or version."""
    engine = current_engine()
    outcome = RetryOutcome()
    if to_version_id is not None:
        checks = engine.migrate(ids, to_version_id, user=user)
        outcome.refused = [
            (c.instance_id, c.business_key, c.reasons) for c in checks if not c.can_move
        ]
        ids = [c.instance_id for c in checks if c.can_move]
    for instance_id in ids:
        try:
            result = engine.retry(instance_id, user=user)
        except (ConflictError, NotFoundError):
            outcome.skipped.append(instance_id)
            continue
        except EngineError:
            outcome.failed.append(instance_id)
            continue
        (outcome.failed if result.status == "error" else outcome.continued).append(instance_id)
    return outcome
