"""Form answers for simulated work: what a task's JSON Schema accepts, with the fields that steer
the process (situations, needs, statuses, decisions) taken from the simulated person.

Fields the person does not decide are sampled from the schema (choices, booleans, dates of the
simulated day, short texts); conditional requirements (``allOf`` if/then) are filled in after a
validation with the engine's own validators. Read-only context fields are never sent.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date
from typing import Any

from engine import FormValidationError
from engine.runtime.forms import FormValidators
from web.simulation.profile import PROVISIONS, Person

_validators = FormValidators()
OPTIONAL_SHARE = 0.4
TEXT = "Besproken met betrokkene (simulatie)."


def answer(
    schema: Mapping[str, Any],
    bpmn_id: str,
    person: Person,
    today: date,
    rng: random.Random,
    codes: Mapping[str, str],
) -> dict[str, Any]:
    """Valid data for the task ``bpmn_id``: the person's facts where the form asks for them."""
    fixed = steering(bpmn_id, person, today, codes)
    props = _properties(schema)
    data: dict[str, Any] = {}
    required = set(schema.get("required") or [])
    for name, prop in props.items():
        if prop.get("readOnly") or name in fixed:
            continue
        if name in required or rng.random() < OPTIONAL_SHARE:
            value = _value(name, prop, rng, today, codes)
            if value is not None:
                data[name] = value
    data.update({k: v for k, v in fixed.items() if k in props})
    for _attempt in range(5):
        try:
            _validators.validate(dict(schema), data)
        except FormValidationError as exc:
            for name in exc.errors:
                top = name.split(".")[0]
                if top in props and top not in fixed:
                    data[top] = _value(top, _merged(schema, top), rng, today, codes)
            continue
        return data
    _validators.validate(dict(schema), data)  # raises with the problems
    return data


def steering(bpmn_id: str, person: Person, today: date, codes: Mapping[str, str]) -> dict:
    """The answers that decide the path through the models, from the person."""
    found: dict[str, Any] = {}
    if bpmn_id == "entry_notification":
        found = {f"entry_situation_{p}": person.entry_status[p] for p in PROVISIONS}
        found["has_minor_children"] = person.minor_children
        found["entry_settle_elsewhere"] = person.settle_in is not None
        if person.settle_in:
            found["entry_requested_municipality_code"] = person.settle_in
            found["entry_settle_elsewhere_reason"] = "Werk en familie in de gewenste gemeente."
    elif bpmn_id == "settlement_decision":
        found["settlement_decision_outcome"] = (
            "accepted" if person.settlement_accepted else "refused"
        )
    elif bpmn_id.endswith("_screening") and bpmn_id[: -len("_screening")] in PROVISIONS:
        provision = bpmn_id[: -len("_screening")]
        needed = person.needed[provision]
        found[f"{provision}_action_needed"] = needed
        if provision == "identity_document":
            found["identity_document_has_valid"] = "no" if needed else "yes"
        elif provision == "housing":
            found["housing_after_release"] = "not_available" if needed else "available"
        elif provision == "debts":
            found["debts_has_debts"] = "yes" if needed else "no"
            if needed:
                found["debts_wants_assistance"] = "yes" if person.number % 5 else "no"
    elif bpmn_id.endswith(("_release_status", "_takeover")):
        provision = bpmn_id.removesuffix("_release_status").removesuffix("_takeover")
        if provision in PROVISIONS:
            found[f"{provision}_status_at_release"] = person.release_status[provision]
    elif bpmn_id == "release_notice":
        found["notice_release_date"] = today.isoformat()
        found["notice_release_type"] = (
            "conditional_release" if person.conditional else "end_of_sentence"
        )
        found["notice_probation_supervision"] = person.conditional
        # few are registered in the prison's municipality during detention (C, 5)
        found["notice_registered_at_prison_municipality"] = person.number % 10 == 0
        if person.conditional:
            found["probation_office_code"] = codes["probation"]
            found["notice_special_conditions"] = "Meldplicht bij de reclassering."
        if person.stay_days < 14 and person.known_at_entry:
            for provision in PROVISIONS:
                found[f"notice_status_{provision}"] = person.release_status[provision]
    elif bpmn_id == "monitor_six_months":
        found = {f"monitor6_{p}": person.six_month_status[p] for p in PROVISIONS}
        found["monitor6_reached"] = True
    elif bpmn_id == "request_risc":
        found["probation_office_code"] = codes["probation"]
    elif bpmn_id == "work_income_activation":
        found["work_income_registered_with"] = "uwv"
        found["uwv_office_code"] = codes["uwv"]
    elif bpmn_id == "care_consent":
        found["care_consent_given"] = "no" if person.number % 4 == 0 else "yes"
    return found


def _properties(schema: Mapping[str, Any]) -> dict[str, Any]:
    return dict(schema.get("properties") or {})


def _merged(schema: Mapping[str, Any], name: str) -> dict[str, Any]:
    """A field's schema with what if-then branches add to it (a minimum length, a constant)."""
    merged = dict(_properties(schema).get(name) or {})
    for part in schema.get("allOf") or []:
        extra = ((part.get("then") or {}).get("properties") or {}).get(name)
        if isinstance(extra, Mapping):
            merged.update(extra)
    return merged


def _value(
    name: str, prop: Mapping[str, Any], rng: random.Random, today: date, codes: Mapping[str, str]
) -> Any:
    if "const" in prop:
        return prop["const"]
    options = [o["const"] for o in prop.get("oneOf") or [] if "const" in o]
    if prop.get("enum"):
        options = [v for v in prop["enum"] if v is not None]
    if options:
        return rng.choice(options)
    kind = prop.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind == "boolean":
        return rng.random() < 0.5
    if kind in ("integer", "number"):
        low = int(prop.get("minimum", 0))
        return rng.randint(low, max(low, int(prop.get("maximum", low + 5000))))
    if kind == "array":
        item = prop.get("items") or {}
        value = _value(name, item, rng, today, codes) if isinstance(item, Mapping) else None
        return [value] if value is not None else []
    if kind == "string":
        if prop.get("format") == "date":
            return today.isoformat()
        for suffix, kind_code in (
            ("municipality_code", "municipality"),
            ("probation_office_code", "probation"),
            ("prison_code", "prison"),
            ("uwv_office_code", "uwv"),
        ):
            if name.endswith(suffix):
                return codes.get(kind_code)
        return TEXT[: int(prop.get("maxLength", len(TEXT)))]
    return None
