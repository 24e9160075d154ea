"""Preparing a load test's database (bench/load.py): settled after migrating, a checkpoint
right before the run, and the simulated users' accounts."""

from __future__ import annotations

import sqlalchemy as sa

from bench.load_users import Account
from bench.national_data import bench_config
from web import create_app
from web.accounts import create_user, ensure_organisation
from web.extensions import db
from web.models import User as UserRow

PASSWORD = "load-test-password"
SHARES = (("caseworker", 0.6), ("coordinator", 0.25), ("manager", 0.15))


def settle(url: str) -> None:
    """VACUUM (ANALYZE) the whole database, before the run: a migration that rewrote rows (0600
    filled the release date of some 1.75 million status rows at 150,000 cases) left dead rows
    that autovacuum would otherwise clean up in the middle of the measurement. About 20 s at
    150,000 cases when little is left to do."""
    _outside_a_transaction(url, "VACUUM (ANALYZE)")


def checkpoint(url: str) -> None:
    """A CHECKPOINT right before the run: the dataset's build or VACUUM dirtied many pages
    (more at 150,000 cases than at 1,000), and a checkpoint writing them out in the middle of
    the five minutes would slow one run and not the other; this also restarts
    checkpoint_timeout's clock."""
    _outside_a_transaction(url, "CHECKPOINT")


def _outside_a_transaction(url: str, statement: str) -> None:
    database = sa.create_engine(bench_config(url).SQLALCHEMY_DATABASE_URI)
    try:
        with database.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(statement)
    finally:
        database.dispose()


def accounts(url: str, users: int) -> list[Account]:
    """``users`` accounts: caseworkers and coordinators in the organisations with the most open
    tasks for their role (in proportion), managers national, of a prison and of a municipality."""
    counts = {kind: max(1, round(users * share)) for kind, share in SHARES}
    counts["caseworker"] = users - counts["coordinator"] - counts["manager"]
    with sa.create_engine(bench_config(url).DATABASE_URL).connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT h.organisation, h.role, count(*) AS n FROM human_tasks h"
                " WHERE h.status = 'ready' AND h.organisation IS NOT NULL"
                " GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2"
            )
        ).all()
    open_tasks: dict[tuple[str, str], int] = {}
    for row in rows:
        pair = (row.organisation, row.role or default_role(row.organisation))
        if pair[1] != "team_lead":
            open_tasks[pair] = open_tasks.get(pair, 0) + row.n
    municipal = {p: n for p, n in open_tasks.items() if p[0].startswith("GM")} or open_tasks
    other = {p: n for p, n in open_tasks.items() if not p[0].startswith("GM")} or open_tasks
    prison = next((code for code, _role in other if code.startswith("PI")), "MIN-JV")
    made: list[Account] = []
    app = create_app(bench_config(url))
    with app.app_context():
        plan = [("caseworker", pair) for pair in in_proportion(other, counts["caseworker"])]
        plan += [("coordinator", pair) for pair in in_proportion(municipal, counts["coordinator"])]
        managers = [
            ("MIN-JV", "manager"),
            (prison, "manager"),
            (next(iter(municipal))[0], "manager"),
        ]
        plan += [("manager", managers[n % 3]) for n in range(counts["manager"])]
        for number, (kind, (code, role)) in enumerate(plan, start=1):
            username = f"load.{kind}.{number}"
            if UserRow.by_username(username) is None:
                create_user(
                    username,
                    organisation=ensure_organisation(code),
                    roles=[role],
                    password=PASSWORD,
                )
            made.append(Account(username, PASSWORD, kind))
        db.session.commit()
        db.engine.dispose()
    return made


def in_proportion(open_tasks: dict[tuple[str, str], int], places: int) -> list[tuple[str, str]]:
    """``places`` (organisation, role) pairs, each as often as its share of the open tasks says
    (largest remainder; most first), so that every user's inbox holds about as much work: at a
    small dataset the organisations after the first few have a handful of tasks, which a user
    alone there finishes in minutes."""
    total = sum(open_tasks.values())
    if not total:
        return []
    quotas = {pair: places * n / total for pair, n in open_tasks.items()}
    seats = {pair: int(quota) for pair, quota in quotas.items()}
    rest = sorted(quotas, key=lambda pair: (seats[pair] - quotas[pair], pair))
    for pair in rest[: places - sum(seats.values())]:
        seats[pair] += 1
    return [pair for pair in quotas for _ in range(seats[pair])]


def default_role(code: str) -> str:
    """The role that works a task naming none, by the organisation's code."""
    return {"GM": "coordinator", "RN": "probation_officer"}.get(code[:2], "caseworker")
