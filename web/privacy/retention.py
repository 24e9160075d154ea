"""Retention: a closed case is pseudonymised a configurable time after its last step, the
measurement six months after release (TERUGKEER_RETENTION_MONTHS, default 24). Its identity data
(name, birth date, BSN, addresses, children: the keys of class ``identity``) is overwritten in
the engine (the case data and every task's data) and so in the projections; the case number,
dates, statuses and organisations stay for the figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from engine import Engine, InstanceInfo
from web.cases.diagram import version_forms
from web.privacy.classes import key_class, key_classes

PSEUDONYMISED_KEY = "pseudonymised_on"
DAYS_PER_MONTH = 30.44


@dataclass(frozen=True)
class RetentionRun:
    pseudonymised: list[str]  # case numbers
    kept: int  # closed cases not yet due


def due(instance: InstanceInfo, now: datetime, months: int) -> bool:
    """Closed (completed) longer than ``months`` ago and not yet pseudonymised."""
    return (
        instance.status == "completed"
        and instance.ended_at is not None
        and instance.ended_at <= now - timedelta(days=months * DAYS_PER_MONTH)
        and not instance.data.get(PSEUDONYMISED_KEY)
    )


def identity_values(instance: InstanceInfo, now: datetime) -> dict[str, object]:
    """The overwrite: None for each identity key the case holds, and the day it was done."""
    declared = key_classes(version_forms(instance.version_id))
    found: dict[str, object] = {
        key: None for key in instance.data if key_class(key, declared) == "identity"
    }
    found[PSEUDONYMISED_KEY] = now.date().isoformat()
    return found


def pseudonymise_closed(engine: Engine, months: int, *, dry_run: bool = False) -> RetentionRun:
    """Pseudonymise every closed case past the retention period (in an app context)."""
    now = engine.clock.now()
    done, kept = [], 0
    for instance in list(engine.each_instance()):
        if due(instance, now, months):
            if not dry_run:
                engine.redact(instance.id, identity_values(instance, now), user="retention")
            done.append(instance.business_key)
        elif instance.status == "completed" and not instance.data.get(PSEUDONYMISED_KEY):
            kept += 1
    return RetentionRun(done, kept)
