"""A nazorg case driven through the engine facade, and the steps the scenario tests
(test_scenarios_*.py) take with it; the form data is that of tests/processes/nazorg_steps.py."""

from __future__ import annotations

from datetime import datetime

from engine import (
    Engine,
    ManualClock,
    TaskInfo,
)
from tests.processes.harness import (
    PROVISIONS,
    agreement,
    entry_data,
    screening,
    status,
)
from tests.processes.nazorg_steps import (
    ACTIONS,
    MUNICIPAL_INFORMATION,
    NOTICE,
    REACTIVATE_INSURANCE,
    SUSPEND_INSURANCE,
)


class Case:
    """One case driven through the facade."""

    def __init__(self, engine: Engine, clock: ManualClock, key: str = "case-1", **data) -> None:
        self.engine, self.clock, self.key = engine, clock, key
        self.id = engine.start("nazorg_detentie", entry_data(**data), business_key=key).id

    def tasks(self) -> list[TaskInfo]:
        return self.engine.tasks(business_key=self.key, limit=200)

    def ready(self) -> list[str]:
        return sorted(t.bpmn_id for t in self.tasks())

    def task(self, bpmn_id: str) -> TaskInfo:
        found = [t for t in self.tasks() if t.bpmn_id == bpmn_id]
        assert len(found) == 1, f"{bpmn_id}: {self.ready()}"
        return found[0]

    def do(self, bpmn_id: str, data: dict, user: str = "medewerker") -> None:
        task = self.task(bpmn_id)
        if task.claimed_by != user:
            self.engine.claim(task.id, user)
        self.engine.complete(task.id, data, user)

    def message(self, name: str, payload: dict) -> None:
        self.engine.send_message(name, self.key, payload)

    def at(self, moment: datetime) -> int:
        self.clock.set(moment)
        return self.engine.fire_due_timers()

    def timers(self) -> dict[str, datetime]:
        return {t.bpmn_id: t.due_at for t in self.engine.timers(self.id) if t.status == "waiting"}

    @property
    def data(self) -> dict:
        return self.engine.instance(self.id).data

    @property
    def status(self) -> str:
        return self.engine.instance(self.id).status


def suspend_insurance(case: Case) -> None:
    case.do("care_suspend_insurance", SUSPEND_INSURANCE)


def screen_all(case: Case, needed: bool) -> None:
    suspend_insurance(case)
    for p in PROVISIONS:
        case.do(f"{p}_screening", screening(p, needed))
    case.do("municipal_information", MUNICIPAL_INFORMATION)


def actions(case: Case) -> None:
    for p in PROVISIONS:
        case.do(f"{p}_agreement", agreement(p), user="coordinator")
    for bpmn_id, data in ACTIONS:
        if bpmn_id == "work_income_uwv_assessment":
            assert case.task(bpmn_id).organisation == "UWV-RDM"
        case.do(bpmn_id, data)


def release(case: Case, notice: dict | None = None, statuses: dict | None = None) -> None:
    case.do("release_notice", notice or NOTICE)
    case.do("care_reactivate_insurance", REACTIVATE_INSURANCE)
    for p in PROVISIONS:
        if f"{p}_release_status" in case.ready():
            case.do(f"{p}_release_status", status(p, (statuses or {}).get(p, "arranged")))
