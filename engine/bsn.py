"""The citizen service number (BSN) and its eleven test (elfproef)."""

from __future__ import annotations

import random

_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def is_valid_bsn(value: str) -> bool:
    """Nine digits whose weighted sum (9..2, and -1 for the last) is a multiple of 11."""
    if not isinstance(value, str) or len(value) != 9 or not value.isdigit() or value == "0" * 9:
        return False
    return sum(int(d) * w for d, w in zip(value, _WEIGHTS, strict=True)) % 11 == 0


def generate_bsn(rng: random.Random) -> str:
    """A synthetic BSN that passes the elfproef, for test and demo data."""
    while True:
        head = [rng.randint(0, 9) for _ in range(8)]
        if head[0] == 0 and head[1] == 0:
            continue
        last = sum(d * w for d, w in zip(head, _WEIGHTS[:8], strict=True)) % 11
        if last < 10:
            return "".join(map(str, head)) + str(last)
