"""Every error the app returns: an HTML page in the user's language, or for /api/ paths a JSON
problem details document (RFC 9457, ``application/problem+json``)."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, json, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from engine import (
    BusyError,
    CommandFailedError,
    ConflictError,
    DeploymentError,
    EngineError,
    FormValidationError,
    MessageNotDeliverableError,
    NotFoundError,
    ScriptError,
)
from web import form_errors
from web.engine_errors import engine_error_text, reason_of

PROBLEM_JSON = "application/problem+json"
API_PREFIX = "/api/"

TITLES = {
    400: _l("Ongeldig verzoek"),
    401: _l("Niet aangemeld"),
    403: _l("Geen toegang"),
    404: _l("Niet gevonden"),
    405: _l("Methode niet toegestaan"),
    409: _l("Conflict"),
    413: _l("Verzoek te groot"),
    415: _l("Type inhoud niet ondersteund"),
    422: _l("Gegevens niet verwerkbaar"),
    429: _l("Te veel verzoeken"),
    500: _l("Er ging iets mis"),
    503: _l("Dienst niet beschikbaar"),
}

EXPLANATIONS = {
    400: _l("Het verzoek kon niet worden verwerkt."),
    401: _l("Meld u aan om deze pagina te bekijken."),
    403: _l("U heeft geen toegang tot deze pagina."),
    404: _l("De pagina die u zoekt bestaat niet of is verplaatst."),
    405: _l("Deze actie is hier niet mogelijk."),
    409: _l("De gegevens zijn intussen gewijzigd. Laad de pagina opnieuw en probeer het nog eens."),
    413: _l("Wat u verstuurt is te groot. Verstuur minder gegevens of kleinere bestanden."),
    422: _l("De gegevens kloppen niet. Controleer de invoer."),
    429: _l("U heeft te veel verzoeken gedaan. Probeer het later opnieuw."),
    500: _l("Er is een onverwachte fout opgetreden. Probeer het later opnieuw."),
    503: _l("Het systeem is even te druk. Er is niets gewijzigd; probeer het zo nog eens."),
}

CSRF_EXPLANATION = _l("Het formulier is verlopen. Laad de pagina opnieuw en probeer het nog eens.")

ENGINE_STATUS: tuple[tuple[type[EngineError], int], ...] = (
    (NotFoundError, 404),
    (ConflictError, 409),
    (MessageNotDeliverableError, 409),
    (FormValidationError, 422),
    (DeploymentError, 422),
    (ScriptError, 422),
    (BusyError, 503),  # the database did not answer in time: nothing changed, try again
    (CommandFailedError, 500),  # rolled back and recorded on the case
    (EngineError, 400),
)


def wants_problem_json() -> bool:
    return request.path.startswith(API_PREFIX) or request.path == API_PREFIX.rstrip("/")


def problem_response(
    status: int,
    detail: str | None = None,
    *,
    title: str | None = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> Response:
    """An RFC 9457 problem details response."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or str(TITLES.get(status, _l("Fout"))),
        "status": status,
    }
    if detail:
        body["detail"] = detail
    body["instance"] = request.path
    body.update({k: v for k, v in extensions.items() if v is not None})
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    response.headers.extend(headers or {})
    return response


def error_page(status: int, explanation: str | None = None) -> tuple[str, int]:
    title = str(TITLES.get(status, _l("Fout")))
    text = explanation or str(EXPLANATIONS.get(status, EXPLANATIONS[400 if status < 500 else 500]))
    page = render_template("errors/error.html", status=status, title=title, explanation=text)
    return page, status


def _explanation(exc: HTTPException) -> str | None:
    """A description the code gave on purpose; werkzeug's English defaults are replaced."""
    default = type(exc).description
    return exc.description if exc.description and exc.description != default else None


def handle_http_exception(exc: HTTPException) -> Response | tuple[str, int]:
    status = exc.code or 500
    explanation = str(CSRF_EXPLANATION) if isinstance(exc, CSRFError) else _explanation(exc)
    if wants_problem_json():
        headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
        detail = explanation or str(EXPLANATIONS.get(status, "")) or None
        return problem_response(
            status, detail, headers=headers, code=getattr(exc, "problem_code", None)
        )
    return error_page(status, explanation)


def handle_engine_error(exc: EngineError) -> Response | tuple[str, int]:
    status = next(code for kind, code in ENGINE_STATUS if isinstance(exc, kind))
    if wants_problem_json():
        if isinstance(exc, FormValidationError):
            return form_problem(exc)
        problems = exc.as_dict() if isinstance(exc, DeploymentError) else None
        # The class's code is the kind of error; a DeploymentError's own code names its problem
        code = type(exc).code
        detail = engine_error_text(exc)
        return problem_response(
            status, detail, code=code, reason=reason_of(exc), deployment=problems
        )
    # A page words the error by its status; pages catch the refusals they expect themselves.
    return error_page(status)


def form_problem(exc: FormValidationError, labels: form_errors.Labels | None = None) -> Response:
    """422 for refused form data: ``errors`` worded per field in the request's language, and
    ``field_errors`` with each problem's code and params beside its text and the field's label
    (``labels``: the form's field titles in that language; else the fields' keys)."""
    return problem_response(
        422,
        str(EXPLANATIONS[422]),
        code=exc.code,
        errors=form_errors.worded(exc.errors, labels),
        field_errors=form_errors.described(exc.errors, labels),
    )


def field_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's (nested) messages as {"field.sub": [message, ...]}; "_schema" for the body."""
    if not isinstance(messages, dict):
        items = messages if isinstance(messages, list) else [messages]
        return {prefix or "_schema": [str(item) for item in items]}
    found: dict[str, list[str]] = {}
    for key, value in messages.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        for field, texts in field_messages(value, name).items():
            found.setdefault(field, []).extend(texts)
    return found


def handle_validation_error(exc: ValidationError) -> Response | tuple[str, int]:
    """Input that the JSON API's marshmallow schemas refuse: 422 with the messages per field."""
    if wants_problem_json():
        errors = field_messages(exc.messages)
        return problem_response(422, str(EXPLANATIONS[422]), code="invalid_input", errors=errors)
    return error_page(422)


def register_error_handlers(app: Flask) -> None:
    """Flask turns any other exception into an InternalServerError, which lands here too."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(EngineError, handle_engine_error)
    app.register_error_handler(ValidationError, handle_validation_error)
