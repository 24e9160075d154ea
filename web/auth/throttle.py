"""Sign-in throttling per account and per address, with growing pauses.

Each failed sign-in counts for the account (the username as typed, known or not, so that the
answer never tells which usernames exist) and for the address it came from. After
TERUGKEER_SIGN_IN_ACCOUNT_FAILURES failures of one account (or ..._ADDRESS_FAILURES from one
address) that key pauses for TERUGKEER_SIGN_IN_PAUSE_SECONDS; every further failure doubles the
pause, up to TERUGKEER_SIGN_IN_MAX_PAUSE_SECONDS. During a pause every sign-in of that account
or from that address is refused, the right password too, without checking it. A successful
sign-in forgets the account's failures (not the address's). Each pause that starts is written
as a security event (``sign_in_paused``). The counts live in the store of
web/auth/throttle_stores.py, shared by every app process.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app, request

from web.auth.events import record_security_event
from web.auth.throttle_stores import ThrottleStore, store_for
from web.security import security_clock

STORE_KEY = "terugkeer_sign_in_throttle"
log = logging.getLogger("terugkeer.security")


@dataclass(frozen=True)
class Limit:
    kind: str  # "account" or "address"
    failures: int
    first_pause: int
    longest_pause: int

    def pause_after(self, failures: int) -> timedelta | None:
        """How long a key pauses after its ``failures``-th failure (None: not yet)."""
        if failures < self.failures:
            return None
        doublings = min(failures - self.failures, 32)
        return timedelta(seconds=min(self.first_pause * 2**doublings, self.longest_pause))


def init_throttle(app: Flask) -> None:
    app.extensions[STORE_KEY] = store_for(app.config["TERUGKEER_THROTTLE_STORAGE"])


def _store() -> ThrottleStore:
    return current_app.extensions[STORE_KEY]


def _limits() -> tuple[Limit, Limit]:
    config = current_app.config
    first, longest = (
        config["TERUGKEER_SIGN_IN_PAUSE_SECONDS"],
        config["TERUGKEER_SIGN_IN_MAX_PAUSE_SECONDS"],
    )
    return (
        Limit("account", config["TERUGKEER_SIGN_IN_ACCOUNT_FAILURES"], first, longest),
        Limit("address", config["TERUGKEER_SIGN_IN_ADDRESS_FAILURES"], first, longest),
    )


def _address() -> str:
    return request.remote_addr or "unknown"


def _keys(username: str) -> dict[str, str]:
    return {
        "account": "account:" + username.strip().lower()[:150],
        "address": "address:" + _address()[:150],
    }


def _now() -> datetime:
    return security_clock().now()


def seconds_to_wait(username: str) -> int:
    """Seconds until ``username`` may try to sign in from this address again (0: now)."""
    until = _store().paused_until(list(_keys(username).values()))
    if until is None:
        return 0
    return max(math.ceil((until - _now()).total_seconds()), 0)


def count_failure(username: str) -> None:
    """Count a failed sign-in for the account and the address; start a pause when due."""
    now = _now()
    keys = _keys(username)
    for limit in _limits():
        key = keys[limit.kind]
        failures = _store().add_failure(key, now)
        pause = limit.pause_after(failures)
        if pause is None:
            continue
        _store().pause(key, now + pause)
        seconds = int(pause.total_seconds())
        record_security_event(
            "sign_in_paused",
            username=username.strip()[:64],
            address=_address(),
            detail=f"{limit.kind}: {failures} failed sign-ins, paused {seconds} s",
            at=now,
        )
        log.warning(
            "sign-in paused for %s s after %s failures (%s %s)",
            seconds,
            failures,
            limit.kind,
            key.partition(":")[2],
        )


def forget_failures(username: str) -> None:
    """After a successful sign-in: the account starts again with no failures."""
    _store().forget(_keys(username)["account"])
