"""When simulated caseworkers claim and complete a task: on working days, in working hours, mostly
before the deadline, with a share late per party and organisation (processes/simulation.json).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from engine import TaskInfo, WorkingDayCalendar
from engine.clock import AMSTERDAM


@dataclass(frozen=True)
class Plan:
    claim_at: datetime
    complete_at: datetime
    late: bool


class ResponseModel:
    def __init__(self, settings: dict[str, Any], calendar: WorkingDayCalendar) -> None:
        self.settings = settings
        self.calendar = calendar
        self.opens, self.closes = settings["working_hours"]

    def late_share(self, task: TaskInfo) -> float:
        by_org = self.settings["late_share_by_organisation"]
        if task.organisation in by_org:
            return by_org[task.organisation]
        return self.settings["late_share"].get(task.party or "", 0.1)

    def plan(self, task: TaskInfo, rng: random.Random) -> Plan:
        ready = task.created_at.astimezone(AMSTERDAM)
        late = False
        if task.role == "team_lead":
            low, high = self.settings["escalation_working_days"]
            done = self._moment(self._working_day(ready, rng.randint(low, high)), ready, rng)
        elif task.due_at is not None:
            last_day = (task.due_at.astimezone(AMSTERDAM) - timedelta(microseconds=1)).date()
            late = rng.random() < self.late_share(task)
            if late:
                low, high = self.settings["late_by_working_days"]
                day = self.calendar.add_working_days(last_day, rng.randint(low, high))
                done = self._moment(day, ready, rng)
            else:
                done = self._on_time(ready, last_day, rng)
        else:
            low, high = self.settings["without_deadline_working_days"]
            done = self._moment(self._working_day(ready, rng.randint(low, high)), ready, rng)
        work = timedelta(
            hours=rng.lognormvariate(math.log(self.settings["work_hours_median"]), 0.8)
        )
        claim = max(done - work, ready + timedelta(minutes=rng.randint(1, 20)))
        return Plan(claim.astimezone(AMSTERDAM), max(done, claim + timedelta(minutes=1)), late)

    def _working_day(self, ready: datetime, days: int) -> date:
        return self.calendar.add_working_days(ready.date(), days)

    def _on_time(self, ready: datetime, last_day: date, rng: random.Random) -> datetime:
        """A moment from ``ready`` to the end of ``last_day``, earlier days more likely."""
        days = []
        day = ready.date()
        while day <= last_day:
            if self.calendar.is_working_day(day):
                days.append(day)
            day += timedelta(days=1)
        if not days:  # a deadline on a day off (the release day): that same day
            return self._moment(last_day, ready, rng, latest=time(23, 0))
        chosen = days[min(int(len(days) * rng.random() ** 1.6), len(days) - 1)]
        return self._moment(chosen, ready, rng)

    def _moment(
        self, day: date, ready: datetime, rng: random.Random, latest: time | None = None
    ) -> datetime:
        """A random moment in working hours on ``day``, never before ``ready``."""
        opens = datetime.combine(day, time(self.opens), AMSTERDAM)
        closes = datetime.combine(day, latest or time(self.closes), AMSTERDAM)
        start = max(opens, ready + timedelta(minutes=5))
        if start >= closes:
            return start + timedelta(minutes=rng.randint(5, 60))
        span = (closes - start).total_seconds()
        return start + timedelta(seconds=int(span * rng.random()))
