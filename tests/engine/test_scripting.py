"""The RestrictedPython script engine, driven through real (tiny) BPMN and DMN models: helpers,
data, conditions, decisions and timers (tests/engine/scripted_models.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.util.task import TaskState

from engine.clock import ManualClock, active_clock
from tests.engine.scripted_models import (
    GATEWAY,
    MONDAY_4_MAY_2026,
    end_data,
    linear,
    make_engine,
    script_task,
    start,
)

DMN_TRACK = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="dmn" name="Track"
    namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="track_decision" name="Track">
    <decisionTable id="table" hitPolicy="UNIQUE">
      <input id="in_stay" label="Stay">
        <inputExpression id="in_stay_expr" typeRef="integer">
          <text>stay_days</text>
        </inputExpression>
      </input>
      <input id="in_entry" label="Entry on a working day">
        <inputExpression id="in_entry_expr" typeRef="boolean">
          <text>is_working_day(entry_date)</text>
        </inputExpression>
      </input>
      <output id="out_track" name="track" typeRef="string"/>
      <rule id="r1">
        <inputEntry id="r1a"><text>&lt; 14</text></inputEntry>
        <inputEntry id="r1b"><text></text></inputEntry>
        <outputEntry id="r1o"><text>"short"</text></outputEntry>
      </rule>
      <rule id="r2">
        <inputEntry id="r2a"><text>&gt;= 14</text></inputEntry>
        <inputEntry id="r2b"><text>True</text></inputEntry>
        <outputEntry id="r2o"><text>"long"</text></outputEntry>
      </rule>
      <rule id="r3">
        <inputEntry id="r3a"><text>&gt;= 14</text></inputEntry>
        <inputEntry id="r3b"><text>False</text></inputEntry>
        <outputEntry id="r3o"><text>"long, entered on a day off"</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>
"""


def test_script_uses_working_day_helpers_and_writes_task_data() -> None:
    script = "\n".join(
        [
            "deadline = add_working_days(entry_date, 2)",
            "between = working_days_between(entry_date, deadline)",
            "entered_on_working_day = is_working_day(entry_date)",
            "handover = add_weeks(release_date, -8)",
            "review = add_months('2026-01-31', 1)",
            "due = working_day_deadline(entry_date, 10)",
            "closes = end_of_day(parse_date(entry_date))",
            "year = parse_date(entry_date).year",
        ]
    )
    workflow = start(
        linear(script_task(script)), {"entry_date": "2026-05-04", "release_date": "2026-09-30"}
    )
    assert end_data(workflow) == {
        "entry_date": "2026-05-04",
        "release_date": "2026-09-30",
        "deadline": "2026-05-07",  # 5 May is a holiday every year
        "between": 2,
        "entered_on_working_day": True,
        "handover": "2026-08-05",
        "review": "2026-02-28",
        "due": "2026-05-21T00:00:00+02:00",  # 20 May: 5 May and Ascension Day 14 May skipped
        "closes": "2026-05-05T00:00:00+02:00",
        "year": 2026,
    }


def test_closure_days_reach_the_scripts() -> None:
    engine = make_engine(closures=("2026-05-06",))
    workflow = start(
        linear(script_task("deadline = add_working_days(entry_date, 2)")),
        {"entry_date": "2026-05-04"},
        engine,
    )
    assert end_data(workflow)["deadline"] == "2026-05-08"


def test_today_and_now_follow_the_engine_clock() -> None:
    # 22:30 UTC on 4 May is 00:30 on 5 May in Amsterdam.
    clock = ManualClock(datetime(2026, 5, 4, 22, 30, tzinfo=UTC))
    script = "d = today()\nt = now()\nhour = now().hour\nlater = today() > parse_date('2026-05-04')"
    workflow = start(linear(script_task(script)), engine=make_engine(clock))
    data = end_data(workflow)
    assert data == {"d": "2026-05-05", "t": "2026-05-04T22:30:00+00:00", "hour": 22, "later": True}


def test_helpers_and_sandbox_names_stay_out_of_task_data() -> None:
    script = "\n".join(
        [
            "f = add_working_days",
            "g = len",
            "cls = datetime",
            "n = len([1, 2, 3])",
            "def double(x):",
            "    return x * 2",
            "m = double(n)",
            "a, b = [1, 2]",
            "total = 0",
            "for i in [1, 2, 3]:",
            "    total += i",
        ]
    )
    workflow = start(linear(script_task(script)), {"entry_date": "2026-05-04"})
    assert end_data(workflow) == {
        "entry_date": "2026-05-04",
        "n": 3,
        "m": 6,
        "a": 1,
        "b": 2,
        "total": 6,
        "i": 3,
    }


def test_task_data_cannot_replace_the_guards() -> None:
    workflow = start(
        linear(script_task("shout = name.upper()")), {"_getattr_": "not a guard", "name": "ada"}
    )
    assert end_data(workflow) == {"_getattr_": "not a guard", "name": "ada", "shout": "ADA"}


def test_fields_may_shadow_helper_names() -> None:
    workflow = start(linear(script_task("date = date + '!'")), {"date": "2026-05-04"})
    assert end_data(workflow) == {"date": "2026-05-04!"}


def test_del_removes_a_variable() -> None:
    workflow = start(linear(script_task("del scratch\nkept = 1")), {"scratch": 1})
    assert end_data(workflow) == {"kept": 1}


def test_failed_script_changes_no_task_data() -> None:
    workflow_data = {"items": [1], "answer": 42}
    with pytest.raises(WorkflowTaskException) as caught:
        start(linear(script_task("a = 1\nitems.append(2)\nanswer = 0\nb = 1 / 0")), workflow_data)
    assert caught.value.task.task_spec.name == "work"
    assert caught.value.line_number == 4
    assert caught.value.task.data == {"items": [1], "answer": 42}


def test_values_that_are_not_json_are_refused() -> None:
    with pytest.raises(WorkflowTaskException, match="'pending' is a set"):
        start(linear(script_task("pending = {1, 2}")))
    script = "pending = {1, 2}\npending |= {3}\nresult = sorted(pending)\ndel pending"
    workflow = start(linear(script_task(script)))
    assert end_data(workflow) == {"result": [1, 2, 3]}


def test_nested_dates_become_iso_strings() -> None:
    workflow = start(linear(script_task("plan = {'steps': [date(2026, 5, 4)], 'at': (1, 2)}")))
    assert end_data(workflow) == {"plan": {"steps": ["2026-05-04"], "at": [1, 2]}}


@pytest.mark.parametrize(
    ("stay_days", "entry_date", "track"),
    [(5, "2026-05-04", "short"), (30, "2026-05-04", "long"), (5, "2026-05-05", "long")],
)
def test_gateway_condition(stay_days: int, entry_date: str, track: str) -> None:
    workflow = start(GATEWAY, {"stay_days": stay_days, "entry_date": entry_date})
    assert end_data(workflow)["track"] == track


@pytest.mark.parametrize(
    ("stay_days", "entry_date", "track"),
    [
        (5, "2026-05-04", "short"),
        (30, "2026-05-04", "long"),
        (30, "2026-05-05", "long, entered on a day off"),
    ],
)
def test_dmn_decision_uses_the_engine(stay_days: int, entry_date: str, track: str) -> None:
    rule_task = (
        '<bpmn:businessRuleTask id="decide"><bpmn:extensionElements>'
        "<spiffworkflow:calledDecisionId>track_decision</spiffworkflow:calledDecisionId>"
        "</bpmn:extensionElements></bpmn:businessRuleTask>"
    )
    workflow = start(
        linear(rule_task), {"stay_days": stay_days, "entry_date": entry_date}, dmn=DMN_TRACK
    )
    assert end_data(workflow)["track"] == track


def test_timer_waits_until_the_working_day_deadline() -> None:
    timer = (
        '<bpmn:intermediateCatchEvent id="wait" name="Melding binnenkomst termijn">'
        '<bpmn:timerEventDefinition><bpmn:timeDate xsi:type="bpmn:tFormalExpression">'
        "working_day_deadline(entry_date, 2)</bpmn:timeDate></bpmn:timerEventDefinition>"
        "</bpmn:intermediateCatchEvent>"
    )
    clock = ManualClock(MONDAY_4_MAY_2026)
    workflow = start(linear(timer), {"entry_date": "2026-05-04"}, make_engine(clock))
    waiting = workflow.get_tasks(spec_name="wait")[0]
    assert waiting.state == TaskState.WAITING
    # Domain example: entry Monday 4 May 2026 + 2 working days = Thursday 7 May, end of day.
    assert waiting.internal_data["event_value"] == "2026-05-08T00:00:00+02:00"

    with active_clock(clock):
        clock.set(datetime(2026, 5, 7, 21, 59, tzinfo=UTC))  # 23:59 in Amsterdam
        workflow.refresh_timers()
        workflow.do_engine_steps()
        assert not workflow.is_completed()
        clock.set(datetime(2026, 5, 7, 22, 1, tzinfo=UTC))
        workflow.refresh_timers()
        workflow.do_engine_steps()
    assert workflow.is_completed()


def test_evaluate_sees_external_context_and_date_values() -> None:
    engine = make_engine()
    found = engine.environment.evaluate(
        "add_working_days(entry_date, n)", {"entry_date": "2026-05-04"}, {"n": 2}
    )
    assert found == date(2026, 5, 7)


def test_the_datetime_apis_the_docs_promise_work_in_scripts() -> None:
    script = "\n".join(
        [
            "entered = datetime.strptime(entry_text, '%d-%m-%Y %H:%M')",
            "shown = entered.strftime('%d %B %Y, %H:%M')",
            "day = date(2026, 5, 4)",
            "weekday = day.strftime('%A')",
            "iso_day = date.fromisoformat('2026-06-01').isoformat()",
            "later = day + timedelta(days=10, hours=2)",
            "gap = (date(2026, 6, 1) - day).days",
            "hours = timedelta(hours=36).total_seconds() / 3600",
            "moment = datetime(2026, 5, 4, 9, 30).isoformat()",
            "del entered",
        ]
    )
    workflow = start(linear(script_task(script)), {"entry_text": "04-05-2026 09:30"})
    data = end_data(workflow)
    assert data["shown"] == "04 May 2026, 09:30"
    assert data["weekday"] == "Monday"
    assert data["iso_day"] == "2026-06-01"
    assert data["later"] == "2026-05-14"
    assert (data["gap"], data["hours"]) == (28, 36.0)
    assert data["moment"] == "2026-05-04T09:30:00"
