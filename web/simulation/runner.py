"""The simulator: N people arrive over a period and their detentions run through the real engine
(the app's Engine wiring, so every projection is filled) with a simulated clock.

Time moves by a queue of planned actions (arrivals, claims, completions, messages about the
release date); before each action the clock advances and every timer due by then fires, in order,
as the scheduler would. New tasks are those the simulator's own commands opened (seen by a
projector of its engine, web/simulation/tracking.py) and are planned by the response model.
Randomness comes from generators seeded with the run's seed and stable names (the person's
number, the task's element and occurrence), so the same seed gives the same figures.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from engine import (
    ConflictError,
    Engine,
    MessageNotDeliverableError,
    NotFoundError,
    TaskInfo,
)
from engine.clock import AMSTERDAM, ManualClock
from web.simulation.answers import answer
from web.simulation.profile import Person, draw_person
from web.simulation.queries import (
    SIMULATED_KEY_PREFIX,
)
from web.simulation.responses import ResponseModel
from web.simulation.setup import catch_up_dashboard, prepare, project_cases
from web.simulation.tracking import OpenedTasks, TimerBound

USERS = {
    "PI-ZWL": ("mmd.zwolle", "teamleider.zwolle"),
    "GM0363": ("nazorg.amsterdam", "teamleider.amsterdam"),
    "GM0599": ("nazorg.rotterdam", None),
    "RN-OOST": ("reclassering.oost", None),
}
"""Demo users (web/demo.py) who do the simulated work where they exist; elsewhere sim.<code>."""


SIMULATION_COMMAND_SECONDS = 600.0


@dataclass(frozen=True)
class Shard:
    """Which people one worker simulates: those whose number is ``index`` modulo ``count``.
    With several workers each case number names its worker, so that a worker finds its own
    cases' timers by their business keys."""

    index: int = 0
    count: int = 1

    def owns(self, number: int) -> bool:
        return number % self.count == self.index

    def key_prefix(self, seed: int) -> str:
        base = f"{SIMULATED_KEY_PREFIX}{seed}-"
        return base if self.count == 1 else f"{base}w{self.index}-"

    def business_key(self, seed: int, number: int) -> str:
        return f"{self.key_prefix(seed)}{number:05d}"


@dataclass
class Result:
    cases: int = 0
    completed: int = 0
    late: int = 0
    messages: int = 0
    timers: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)


class Simulator:
    def __init__(
        self,
        engine: Engine,
        profile: dict[str, Any],
        *,
        process_id: str,
        seed: int,
        shard: Shard | None = None,
        opened: OpenedTasks,
    ) -> None:
        """``opened`` must be a projector of ``engine`` (web/simulation/tracking.py)."""
        if not isinstance(engine.clock, ManualClock):
            raise TypeError("the simulator needs an engine with a ManualClock")
        self.engine = engine
        self.clock: ManualClock = engine.clock
        self.profile = profile
        self.process_id = process_id
        self.seed = seed
        self.responses = ResponseModel(profile["response"], engine.calendar)
        self.result = Result()
        self._queue: list[tuple[datetime, int, Callable[[], None]]] = []
        self._order = itertools.count()
        self._people: dict[str, Person] = {}
        self._seen: dict[tuple[str, str], int] = {}
        self._forms: dict[int, dict[str, Any]] = {}
        self._opened = opened
        self._timers = TimerBound()
        engine.add_timer_listener(self._timers.armed)
        self.shard = shard or Shard()
        self._key_prefix = self.shard.key_prefix(seed)

    def run(
        self,
        cases: int,
        start: date,
        days: int,
        *,
        arrival_days: int | None = None,
        day_done: Callable[[int], None] | None = None,
    ) -> Result:
        """Simulate ``cases`` arrivals from ``start`` over ``arrival_days`` (default: all
        ``days``), until ``days`` days after ``start``; the clock ends there. This worker plans
        only its shard's people. Time moves a day at a time; ``day_done(day)`` is called after
        each simulated day (workers wait for each other there: one shared calendar)."""
        begin = datetime.combine(start, time(0), AMSTERDAM)
        end = begin + timedelta(days=days)
        arrivals_end = begin + timedelta(days=min(arrival_days or days, days))
        self.clock.set(begin)
        self._opened.take()  # nothing of this run yet
        arrivals = random.Random(f"{self.seed}/arrivals")
        moments = sorted(
            begin
            + timedelta(seconds=arrivals.randrange(int((arrivals_end - begin).total_seconds())))
            for _ in range(cases)
        )
        for number, moment in enumerate(moments, start=1):
            if self.shard.owns(number):
                self._plan(moment, lambda n=number, m=moment: self._arrive(n, m))
        for day in range(1, days + 1):
            self._run_until(min(begin + timedelta(days=day), end))
            if day_done is not None:
                day_done(day)
        self.clock.set(max(end, self.clock.now()))
        return self.result

    def _run_until(self, moment: datetime) -> None:
        """Every planned action up to ``moment``, in time order, each after the timers due
        before it; then the timers due before ``moment``."""
        while self._queue and self._queue[0][0] <= moment:
            when = self._queue[0][0]
            if self._fire_timer_before(when):
                continue  # new work may now come before ``when``
            when, _, action = heapq.heappop(self._queue)
            if when > self.clock.now():
                self.clock.set(when)
            action()
            self._discover()
        while self._fire_timer_before(moment):
            pass

    # Time ------------------------------------------------------------------------------------

    def _plan(self, when: datetime, action: Callable[[], None]) -> None:
        heapq.heappush(self._queue, (when.astimezone(UTC), next(self._order), action))

    def _fire_timer_before(self, moment: datetime) -> bool:
        """Fire the timers due at the earliest due time before ``moment``, as the scheduler would
        at that time; False when none is due before it. The database is asked only when a timer
        may be due before ``moment`` (``TimerBound``)."""
        if not self._timers.may_be_due_before(moment):
            return False
        due = self.engine.next_timer_due(key_prefix=self._key_prefix)
        self._timers.learned(due)
        if due is None or due >= moment:
            return False
        # The engine fires timers due before now: stand just past the due time.
        self.clock.set(max(due + timedelta(microseconds=1), self.clock.now()))
        self._timers.forget()  # firing may arm, cancel or postpone (retry) timers
        fired = self.engine.fire_due_timers(limit=1000, key_prefix=self._key_prefix)
        self.result.timers += fired
        self._discover()
        if not fired:
            self.result.problems.append(f"a timer due {due.isoformat()} did not fire")
            return False
        return True

    def _today(self) -> date:
        return self.clock.now().astimezone(AMSTERDAM).date()

    # People ----------------------------------------------------------------------------------

    def _arrive(self, number: int, moment: datetime) -> None:
        person = draw_person(self.profile, self.seed, number, moment)
        person.key = self.shard.business_key(self.seed, number)
        self._people[person.key] = person
        self.engine.start(
            self.process_id,
            person.start_data,
            person.key,
            user=self._worker(person.prison, "caseworker"),
        )
        self.result.cases += 1
        release = "ontslagdatum_gewijzigd"
        if person.known_on is not None:
            payload = {
                "expected_release_date": person.planned_release.isoformat(),
                "reason": "Vonnis in eerste aanleg",
            }
            self._message(person, person.known_on, release, payload)
        if person.moved_on is not None and person.moved_to is not None:
            payload = {
                "expected_release_date": person.moved_to.isoformat(),
                "reason": "Ontslagdatum gewijzigd",
            }
            self._message(person, person.moved_on, release, payload)
        if person.immediate_on is not None:
            payload = {"release_date": person.immediate_on.isoformat(), "reason": "Schorsing"}
            self._message(person, person.immediate_on, "directe_invrijheidstelling", payload)

    def _message(self, person: Person, day: date, name: str, payload: dict[str, Any]) -> None:
        rng = random.Random(f"{self.seed}/{person.key}/{name}/{day}")
        when = datetime.combine(day, time(9), AMSTERDAM) + timedelta(minutes=rng.randint(0, 480))

        def send() -> None:
            try:
                self.engine.send_message(name, person.key, payload, user="berichtenbox")
                self.result.messages += 1
            except (MessageNotDeliverableError, NotFoundError):
                self.result.skipped += 1  # released already, or the date was past

        self._plan(when, send)

    # Tasks -----------------------------------------------------------------------------------

    def _discover(self) -> None:
        tasks = self._opened.take()
        for task in sorted(tasks, key=lambda t: (t.business_key, t.bpmn_id, t.created_at)):
            person = self._people.get(task.business_key)
            if person is None:
                continue  # a case of someone else (demo data)
            occurrence = self._seen.get((task.business_key, task.bpmn_id), 0) + 1
            self._seen[(task.business_key, task.bpmn_id)] = occurrence
            rng = random.Random(f"{self.seed}/{task.business_key}/{task.bpmn_id}/{occurrence}")
            plan = self.responses.plan(task, rng)
            worker = self._worker(task.organisation, task.role)
            self._plan(plan.claim_at, lambda t=task, w=worker: self._claim(t, w))
            self._plan(
                plan.complete_at,
                lambda t=task, w=worker, p=person, r=rng, late=plan.late: self._complete(
                    t, w, p, r, late
                ),
            )

    def _claim(self, task: TaskInfo, worker: str) -> None:
        with contextlib.suppress(ConflictError, NotFoundError):  # cancelled by a release
            self.engine.claim(task.id, worker)

    def _complete(
        self, task: TaskInfo, worker: str, person: Person, rng: random.Random, late: bool
    ) -> None:
        forms = self._forms.get(task.version_id)
        if forms is None:
            forms = self._forms[task.version_id] = self.engine.version_forms(task.version_id)
        form = forms.get(task.form) if task.form else None
        codes = {
            "prison": person.prison,
            "municipality": person.settle_in or person.municipality,
            "probation": self.profile["organisations"]["probation"],
            "uwv": self.profile["organisations"]["uwv"],
        }
        data = (
            answer(form["schema"], task.bpmn_id, person, self._today(), rng, codes)
            if (form)
            else {}
        )
        try:
            self.engine.complete(task.id, data, worker)
        except (ConflictError, NotFoundError):
            self.result.skipped += 1
            return
        except Exception as exc:  # noqa: BLE001  (a model or profile problem: report, go on)
            self.result.problems.append(f"{task.business_key} {task.bpmn_id}: {exc}")
            return
        self.result.completed += 1
        self.result.late += late

    @staticmethod
    def _worker(organisation: str | None, role: str | None) -> str:
        caseworker, lead = USERS.get(organisation or "", (None, None))
        if role == "team_lead":
            return lead or f"teamleider.{(organisation or 'onbekend').lower()}"
        return caseworker or f"sim.{(organisation or 'onbekend').lower()}"


def simulate(
    database: str,
    settings: dict[str, Any],
    *,
    cases: int,
    start: date,
    days: int,
    seed: int,
    process_id: str,
    progress: Callable[[int], None] | None = None,
    profile: dict[str, Any] | None = None,
    workers: int = 1,
    arrival_days: int | None = None,
    unsafe_commit: bool = False,
    feed_every_days: int | None = None,
    cases_at_end: bool = False,
) -> Result:
    """Run a simulation on ``database`` through the app's Engine wiring (web/engine_access.py)
    with a simulated clock; the processes must be deployed.

    ``workers`` processes each simulate their share of the people on one shared calendar
    (web/simulation/parallel.py). ``unsafe_commit`` turns synchronous commits off for the
    simulation's connections (``without_synchronous_commit``): a crash may lose the last commits
    (SQLite: a power loss may corrupt the file), so it is refused on a database that holds real
    cases (``RealCasesError``). The dashboard's feed catches up every ``feed_every_days`` simulated
    days (default ``FEED_EVERY_DAYS``; 0: at the end only). With ``cases_at_end`` the cases
    projection is not kept in step with each command but written for the run's cases once at the
    end (``project_cases``): the same rows, for a run nobody watches (the demo year)."""
    from web.simulation.parallel import FEED_EVERY_DAYS, Job, run_workers
    from web.simulation.profile import load_profile

    profile = profile or load_profile()
    prepare(database, settings, process_id, profile, unsafe_commit=unsafe_commit)
    job = Job(
        database,
        settings,
        cases=cases,
        start=start,
        days=days,
        seed=seed,
        process_id=process_id,
        profile=profile,
        arrival_days=arrival_days,
        unsafe_commit=unsafe_commit,
        feed_every_days=FEED_EVERY_DAYS if feed_every_days is None else feed_every_days,
        project_cases=not cases_at_end,
    )
    if workers <= 1:
        result = job.run(Shard(), day_done=_progress_by_day(progress))
    else:
        result = run_workers(job, workers, progress)
        catch_up_dashboard(database, settings)  # what a worker's last catch-up left to another
    if cases_at_end:
        project_cases(database, settings, Shard().key_prefix(seed))
    return result


def _progress_by_day(progress: Callable[[int], None] | None) -> Callable[[int], None] | None:
    if progress is None:
        return None
    return lambda _day: progress(1)
