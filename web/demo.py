"""Demo data for `make run` (`terugkeer run`): organisations, one user per role, and cases at
different stages. Idempotent: what exists is left alone.

Passwords are generated on the first run, printed, and kept in the instance folder
(``instance/demo-credentials.txt``, readable by the owner only, never committed) so that later
runs can print them again. `terugkeer run` hashes them in a background thread while the demo
year loads (``DemoPasswords``): argon2 takes about 0.2 s per password. Cases need the main
process deployed; their tasks are completed with data generated from each task's JSON Schema,
so they follow whatever the models ask.
"""

from __future__ import annotations

import contextlib
import os
import random
import secrets
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from engine import (
    Engine,
    EngineError,
    FormValidationError,
    NotFoundError,
    TaskInfo,
    organisation_kind,
    validate_form_data,
)
from engine.bsn import generate_bsn
from engine.clock import AMSTERDAM
from engine.db.connect import open_database
from web.accounts import create_user, ensure_organisation
from web.cases import fields
from web.extensions import db
from web.models import User, hash_password
from web.tasks.context import recorded_facts
from web.tasks.formschema import properties

CREDENTIALS_FILE = "demo-credentials.txt"
GIVE_WAY_NICE = 19

ORGANISATIONS = (
    ("PI-ZWL", "PI Zwolle", "prison"),
    ("PI-AMS", "Justitieel Complex Schiphol", "prison"),
    ("PI-VUG", "PI Vught", "prison"),
    ("GM0363", "Gemeente Amsterdam", "municipality"),
    ("GM0599", "Gemeente Rotterdam", "municipality"),
    ("GM0193", "Gemeente Zwolle", "municipality"),
    ("GM0344", "Gemeente Utrecht", "municipality"),
    ("RN-OOST", "Reclassering Nederland, regio Oost", "probation"),
    ("UWV-ZWL", "UWV WERKbedrijf Zwolle", "uwv"),
    ("MIN-JV", "Ministerie van Justitie en Veiligheid", "ministry"),
)

USERS = (
    ("mmd.zwolle", "Mira de Boer", "PI-ZWL", ("caseworker",)),
    ("nazorg.amsterdam", "Sanne Visser", "GM0363", ("coordinator",)),
    ("nazorg.rotterdam", "Daan Smit", "GM0599", ("coordinator",)),
    ("reclassering.oost", "Youssef El Amrani", "RN-OOST", ("probation_officer",)),
    ("teamleider.zwolle", "Anouk Mulder", "PI-ZWL", ("manager",)),
    ("teamleider.amsterdam", "Fatima Yilmaz", "GM0363", ("manager",)),
    ("procesbeheer", "Pieter Bakker", "MIN-JV", ("process_owner",)),
    ("landelijk", "Henk de Vries", "MIN-JV", ("manager",)),
    ("beheer", "Beheerder Terugkeer", "MIN-JV", ("admin",)),
)

FIRST_NAMES = ("Jan", "Mohamed", "Kevin", "Dennis", "Sandra", "Ricardo", "Priya", "Tom", "Ilse")
LAST_NAMES = ("Jansen", "Bakker", "El Idrissi", "de Groot", "Pinas", "Kaya", "Vermeulen", "Dijk")

# How often a generated yes/no answer is yes, where the default (0.6) makes odd demo cases.
BOOLEAN_CHANCES = {"entry_settle_elsewhere": 0.1}

# (days since entry, expected stay in days or None, tasks to complete)
STAGES = ((0, None, 0), (3, 40, 1), (8, 200, 2), (12, 60, 4), (20, 25, 6), (35, 300, 9))


class DemoPasswords:
    """New passwords for demo users, hashed one after another in a background thread from the
    moment this is made. The hashes have the app's parameters (``hash_password``). argon2 hashes
    outside the GIL in threads of its own (one per lane, four), which would take the main thread's
    core half the time: on Linux the hashing thread therefore gives way (``_give_way``), and so
    do argon2's threads, which inherit that; the main thread keeps its core."""

    def __init__(self, usernames: Iterable[str]) -> None:
        self._made: dict[str, tuple[str, Future[str]]] = {}
        pool = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="demo-passwords", initializer=_give_way
        )
        for username in usernames:
            password = new_password()
            self._made[username] = (password, pool.submit(hash_password, password))
        pool.shutdown(wait=False)  # the thread ends when the hashes are made

    def take(self, username: str) -> tuple[str, str | None]:
        """A new password for ``username`` and its hash (None: not prepared, hash it)."""
        made = self._made.pop(username, None)
        if made is None:
            return new_password(), None
        password, hashed = made
        return password, hashed.result()


def _give_way() -> None:
    """Lower the calling thread's priority (its nice value: per thread on Linux, inherited by the
    threads it starts); elsewhere nothing."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), GIVE_WAY_NICE)


def new_password() -> str:
    return secrets.token_urlsafe(9)


def missing_users(database_url: str) -> list[str]:
    """The demo users that the database does not hold yet."""
    users = User.__table__
    database = open_database(database_url)
    try:
        with database.connect() as conn:
            found = set(conn.execute(select(users.c.username)).scalars())
    finally:
        database.dispose()
    return [username for username, *_ in USERS if username not in found]


def ensure_accounts(
    instance_dir: Path, passwords: DemoPasswords | None = None
) -> list[tuple[str, str, str, str]]:
    """Demo organisations and users; (username, password or note, organisation, roles). New
    users get their passwords from ``passwords`` where it prepared them."""
    known = _read_credentials(instance_dir)
    for code, name, kind in ORGANISATIONS:
        ensure_organisation(code, name, kind)
    created = {}
    for username, display_name, code, roles in USERS:
        if User.by_username(username) is None:
            password, hashed = passwords.take(username) if passwords else (new_password(), None)
            organisation = ensure_organisation(code)
            create_user(
                username,
                organisation=organisation,
                roles=roles,
                password=password,
                display_name=display_name,
                password_hash=hashed,
            )
            created[username] = password
    db.session.commit()
    if created:
        known.update(created)
        _write_credentials(instance_dir, known)
    return [
        (username, known.get(username, "(eerder ingesteld)"), code, ", ".join(roles))
        for username, _name, code, roles in USERS
    ]


def _read_credentials(instance_dir: Path) -> dict[str, str]:
    path = instance_dir / CREDENTIALS_FILE
    if not path.exists():
        return {}
    pairs = (line.split(" ", 1) for line in path.read_text("utf-8").splitlines() if " " in line)
    return {name: password for name, password in pairs}


def _write_credentials(instance_dir: Path, credentials: Mapping[str, str]) -> None:
    instance_dir.mkdir(parents=True, exist_ok=True)
    path = instance_dir / CREDENTIALS_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.writelines(f"{name} {password}\n" for name, password in sorted(credentials.items()))


def ensure_cases(engine: Engine, process_id: str, log: Callable[[str], None]) -> int:
    """Start the demo cases that do not exist yet and walk each to its stage; how many new."""
    if not engine.versions(process_id):
        log(f"Process {process_id} is not deployed; no demo cases.")
        return 0
    rng = random.Random(2026)
    today = engine.clock.now().astimezone(AMSTERDAM).date()
    prisons = [c for c, _n, kind in ORGANISATIONS if kind == "prison"]
    municipalities = [c for c, _n, kind in ORGANISATIONS if kind == "municipality"]
    made = 0
    for number in range(1, 13):
        key = f"NZ-DEMO-{number:03d}"
        days, stay, steps = STAGES[number % len(STAGES)]
        data = _person(rng, today, days, stay, prisons[number % 3], municipalities[number % 4])
        try:
            engine.instance_by_key(key)
            continue
        except NotFoundError:
            pass
        try:
            instance = engine.start(process_id, data, key, user="mmd.zwolle")
            walk(engine, instance.id, steps, rng, data)
        except EngineError as exc:
            log(f"Demo case {key}: {exc}")
            continue
        made += 1
    return made


def _person(
    rng: random.Random, today: date, days: int, stay: int | None, prison: str, municipality: str
) -> dict[str, Any]:
    entry = today - timedelta(days=days)
    born = entry - timedelta(days=rng.randint(19 * 365, 55 * 365))
    data = {
        fields.NAME: f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        fields.BIRTH_DATE: born.isoformat(),
        fields.BSN: generate_bsn(rng),
        fields.PRISON: prison,
        fields.ENTRY_DATE: entry.isoformat(),
        fields.EXPECTED_RELEASE_DATE: (entry + timedelta(days=stay)).isoformat() if stay else None,
        fields.MUNICIPALITY: municipality,
        fields.PROBATION_OFFICE: "RN-OOST" if stay and stay > 120 else None,
        fields.HAS_MINOR_CHILDREN: rng.random() < 0.3,
    }
    return data


def walk(
    engine: Engine,
    instance_id: int,
    steps: int,
    rng: random.Random,
    case: dict[str, Any],
    *,
    pick: Callable[[list[TaskInfo]], TaskInfo] | None = None,
    user: str | None = None,
) -> None:
    """Complete up to ``steps`` open tasks with generated form data: each time the one ``pick``
    chooses (default: the earliest due), as ``user`` (default: a demo user of the task's
    organisation)."""
    for _step in range(steps):
        open_tasks = engine.tasks(instance_id=instance_id, limit=50)
        if not open_tasks:
            return
        task = pick(open_tasks) if pick else open_tasks[0]
        form = engine.form(task.id)
        data = form_data(form["schema"], rng, case) if form else {}
        engine.complete(task.id, data, user=user or _worker(task.organisation))


def form_data(schema: Mapping[str, Any], rng: random.Random, case: Mapping[str, Any]) -> dict:
    """Sample data that the schema accepts: fields it still asks for (conditionally required
    ones, say) are filled in and the data checked again, a few times."""
    # The facts the registration recorded are not asked again: the task page adds them, and
    # rules that depend on them (minor children "Onbekend") apply to the answers
    data = {**sample_data(schema, rng, case), **recorded_facts(schema, case)}
    props = properties(schema)
    for _attempt in range(4):
        try:
            validate_form_data(dict(schema), data, case)
        except FormValidationError as exc:
            for name in exc.errors:
                top = name.split(".")[0]
                if top in props:
                    data[top] = _sample_value(top, _merged(schema, top), rng, case)
            continue
        break
    return data


def _merged(schema: Mapping[str, Any], name: str) -> dict[str, Any]:
    """A field's schema with what if-then branches add to it (e.g. a minimum length)."""
    merged = dict(properties(schema)[name])
    for part in schema.get("allOf") or []:
        extra = ((part.get("then") or {}).get("properties") or {}).get(name)
        if isinstance(extra, Mapping):
            merged.update(extra)
    return merged


def _code_for(kind: str, case: Mapping[str, Any]) -> str | None:
    own = {"municipality": fields.MUNICIPALITY, "prison": fields.PRISON}.get(kind)
    if own and case.get(own):
        return str(case[own])
    return next((code for code, _name, k in ORGANISATIONS if k == kind), None)


def _worker(organisation: str | None) -> str:
    return next((u for u, _n, code, _r in USERS if code == organisation), "demo")


def sample_data(schema: Mapping[str, Any], rng: random.Random, case: Mapping[str, Any]) -> dict:
    """Values for the required fields of ``schema`` (and some optional ones) that it accepts."""
    result: dict[str, Any] = {}
    required = set(schema.get("required") or [])
    for name, prop in properties(schema).items():
        if name in required or rng.random() < 0.5:
            value = _sample_value(name, prop, rng, case)
            if value is not None:
                result[name] = value
    return result


def _sample_value(name: str, prop: Mapping[str, Any], rng: random.Random, case: Mapping) -> Any:
    if "const" in prop:
        return prop["const"]
    if prop.get("enum"):
        return rng.choice([v for v in prop["enum"] if v is not None])
    options = [o["const"] for o in prop.get("oneOf") or [] if "const" in o]
    if options:
        return rng.choice(options)
    kind = prop.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind == "boolean":
        return rng.random() < BOOLEAN_CHANCES.get(name, 0.6)
    if kind in ("integer", "number"):
        low = int(prop.get("minimum", 0))
        return rng.randint(low, max(low, int(prop.get("maximum", low + 120))))
    if kind == "object":
        return sample_data(prop, rng, case)
    if kind == "array":
        item = prop.get("items") or {}
        value = _sample_value(name, item, rng, case) if isinstance(item, Mapping) else None
        return [value] if value is not None else []
    if kind == "string":
        if prop.get("format") == "date":
            return case.get(name) or case.get(fields.ENTRY_DATE)
        if prop.get("format") == "bsn":
            return case.get(fields.BSN)
        expected = organisation_kind(name, prop)
        if expected is not None:
            return _code_for(expected, case)
        if "pattern" in prop:
            return case.get(name)
        return "Besproken met betrokkene (demo)."[: int(prop.get("maxLength", 200))]
    return None
