"""The engine's refusals in the user's language. An engine error carries its kind (``code``) and,
in ``params``, a ``reason`` naming the case within the kind and the values to word it with; the
engine's own English message is for logs and developers only."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from engine import (
    BusyError,
    CommandFailedError,
    ConflictError,
    DeploymentError,
    EngineError,
    MessageNotDeliverableError,
    NotFoundError,
    RefusalReason,
)

REASONS: dict[RefusalReason, Any] = {
    RefusalReason.PROCESS_NOT_DEPLOYED: _l(
        "Het proces ‘%(process_id)s’ is niet in gebruik genomen."
    ),
    RefusalReason.VERSION_NOT_FOUND: _l("Procesversie %(version_id)s bestaat niet."),
    RefusalReason.INSTANCE_NOT_FOUND: _l("Zaak %(instance_id)s bestaat niet."),
    RefusalReason.CASE_NOT_FOUND: _l("Er is geen zaak %(business_key)s."),
    RefusalReason.TASK_NOT_FOUND: _l("Taak %(task_id)s bestaat niet."),
    RefusalReason.TASK_CLOSED: _l("Deze taak is niet meer open: ze is al afgerond of vervallen."),
    RefusalReason.TASK_CLAIMED: _l("Iemand anders heeft deze taak opgepakt."),
    RefusalReason.TASK_CLAIM_CHANGED: _l(
        "Iemand anders heeft deze taak intussen opgepakt en teruggegeven. Probeer het opnieuw."
    ),
    RefusalReason.TASK_NOT_CLAIMED_BY_YOU: _l("U heeft deze taak niet opgepakt."),
    RefusalReason.TASK_TAKEN: _l("Deze taak is intussen afgerond of door iemand anders opgepakt."),
    RefusalReason.TASK_NOT_READY: _l("Deze taak kan nu niet worden afgerond."),
    RefusalReason.NOT_IN_ERROR: _l("Zaak %(instance_id)s staat niet in fout."),
    RefusalReason.NOT_COMPLETED: _l("Zaak %(instance_id)s is nog niet afgesloten."),
    RefusalReason.BUSINESS_KEY_TAKEN: _l("Er bestaat al een zaak %(business_key)s."),
    RefusalReason.VERSION_CHANGED: _l(
        "Zaak %(instance_id)s is intussen naar een andere versie verplaatst."
    ),
    RefusalReason.MIGRATION_REFUSED: _l(
        "Zaak %(instance_id)s kan niet naar deze versie worden verplaatst."
    ),
    RefusalReason.INSTANCE_CHANGED: _l(
        "Zaak %(instance_id)s is intussen gewijzigd. Probeer het opnieuw."
    ),
    RefusalReason.NO_OPEN_CASE: _l("Er is geen lopende zaak %(business_key)s."),
    RefusalReason.NOT_WAITING: _l(
        "Zaak %(business_key)s wacht nu niet op het bericht ‘%(message_name)s’."
    ),
}

TASK_CLAIMED_BY = _l("Deze taak is al opgepakt door %(claimed_by)s.")

KINDS = {
    NotFoundError.code: _l("Wat u zoekt bestaat niet, of u mag het niet zien."),
    ConflictError.code: _l(
        "De gegevens zijn intussen gewijzigd. Laad ze opnieuw en probeer het nog eens."
    ),
    MessageNotDeliverableError.code: _l("De zaak wacht nu niet op dit bericht."),
    BusyError.code: _l(
        "Het systeem is even te druk. Er is niets gewijzigd; probeer het zo nog eens."
    ),
    DeploymentError.code: _l("De bestanden zijn geweigerd; `deployment` noemt elk probleem."),
    CommandFailedError.code: _l(
        "Er ging iets mis in de procesmotor. Er is niets gewijzigd; de fout staat bij de zaak."
    ),
}
FALLBACK = _l("De procesmotor heeft het verzoek geweigerd.")


class _Values(dict[str, Any]):
    """The params to fill a text with; a value the text names but the error lacks shows as '?'."""

    def __missing__(self, key: str) -> str:
        return "?"


def reason_of(error: EngineError) -> str | None:
    """The case within the error's kind, as the engine names it (e.g. ``task_claimed``)."""
    reason = error.params.get("reason")
    return reason if isinstance(reason, str) else None


def engine_error_text(error: EngineError) -> str:
    """The refusal worded for the user: by its reason, else by its kind."""
    reason = reason_of(error)
    if reason == RefusalReason.TASK_CLAIMED and error.params.get("claimed_by"):
        return str(TASK_CLAIMED_BY) % _Values(error.params)
    if reason in REASONS:
        return str(REASONS[RefusalReason(reason)]) % _Values(error.params)
    return str(KINDS.get(type(error).code, FALLBACK))
