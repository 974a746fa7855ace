"""Turn errors into pages (browser) or JSON bodies (``/api``), in the user's language.

The one place errors are rendered: HTTP errors (including flask-smorest's validation
errors), domain errors from services, version conflicts, and anything unexpected.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

import marshmallow as ma
from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from homecare.core.errors import DomainError, ValidationFailed
from homecare.core.extensions import db
from homecare.core.schema_messages import translate


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        401: _("Please sign in."),
        403: _("You do not have access to this."),
        404: _("We could not find that page, or you do not have access to it."),
        405: _("That action is not possible here."),
        409: _("This conflicts with what is already recorded."),
        412: _("The record was changed by someone else. Read it again, then make your "
               "change."),
        413: _("What was sent is too large. Send less at a time."),
        422: _("Some of the information is not valid."),
        428: _("Send the If-Match header with the version you last read."),
        429: _("Too many attempts. Please wait a little and try again."),
        500: _("Something went wrong on our side. Nothing was saved; please try again."),
    }


def standard_message(status: int) -> str:
    """The standard text for an HTTP status, in the user's language."""
    return _messages().get(status) or HTTPStatus(status).phrase


def translated_errors(errors):
    """Field messages in the user's language (marshmallow's own ones are in the catalogue)."""
    if isinstance(errors, dict):
        return {key: translated_errors(value) for key, value in errors.items()}
    if isinstance(errors, list):
        return [translated_errors(value) for value in errors]
    return translate(errors) if isinstance(errors, str) else errors


#: A caller's error: (status, message or None for the status's standard text, field
#: errors or None).
Refusal = tuple[int, str | None, dict | None]


def refusal(error: Exception) -> Refusal | None:
    """What the caller is told of an error of theirs — refused input, a rule, a record
    changed or duplicated meanwhile — or None for an error that is ours (a bug, an
    outage). The handlers below and each operation of a batch answer by it."""
    if isinstance(error, ma.ValidationError):
        return 422, None, error.normalized_messages()
    if isinstance(error, ValidationFailed):
        return 422, error.message, error.errors
    if isinstance(error, DomainError):
        return error.status, error.message, None
    if isinstance(error, StaleDataError):
        return 412, None, None
    if isinstance(error, IntegrityError):
        return 409, None, None
    if isinstance(error, HTTPException) and error.code and error.code < 500:
        data = getattr(error, "data", None) or {}
        return error.code, data.get("message"), data.get("errors") or data.get("messages")
    return None


#: How an error is written for a program rather than a person: the JSON API's own body
#: under ``/api/``, and whatever another API registers for its paths
#: (``answer_programs_under``; the FHIR API answers with an ``OperationOutcome``).
ErrorForm = Callable[[int, str, dict | None, dict], tuple[ResponseReturnValue, int, dict]]
_PROGRAM_PATHS: dict[str, ErrorForm | None] = {"/api/": None}


def answer_programs_under(prefix: str, form: ErrorForm) -> None:
    """Write errors under ``prefix`` with ``form(status, message, errors, headers)``."""
    _PROGRAM_PATHS[prefix] = form


def for_programs() -> bool:
    """Whether this request came to an API (errors as data, no sign-in page)."""
    return request.path.startswith(tuple(_PROGRAM_PATHS))


def _error_form() -> ErrorForm | None:
    return next((form for prefix, form in _PROGRAM_PATHS.items()
                 if form is not None and request.path.startswith(prefix)), None)


def error_response(status: int, message: str | None = None, errors: dict | None = None,
                   headers: dict | None = None):
    """An error in the form the caller expects, with a message in their language."""
    message = message or standard_message(status)
    errors = translated_errors(errors) if errors else None
    form = _error_form()
    if form is not None:
        return form(status, message, errors, headers or {})
    if for_programs():
        body = {"code": status, "status": HTTPStatus(status).phrase, "message": message}
        if errors:
            body["errors"] = errors
        return jsonify(body), status, headers or {}
    page = render_template("error.html", status=status, message=message, errors=errors)
    return page, status, headers or {}


def init_app(app: Flask) -> None:
    """Register one handler per kind of error."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or data.get("messages")
        headers = dict(data.get("headers") or {})
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            # RFC 9110: a 405 says which methods the address does take.
            headers["Allow"] = ", ".join(sorted(error.valid_methods))
        return error_response(error.code or 500, data.get("message"), errors, headers)

    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError):
        return error_response(400, _("The form had expired. Please try again."))

    @app.errorhandler(ValidationFailed)
    def validation_failed(error: ValidationFailed):
        location = "json" if for_programs() else "form"
        return error_response(422, None, {location: error.errors})

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        return error_response(*refusal(error), headers=getattr(error, "headers", None))

    @app.errorhandler(StaleDataError)
    def stale(error: StaleDataError):
        db.session.rollback()
        return error_response(*refusal(error))

    @app.errorhandler(IntegrityError)
    def integrity(error: IntegrityError):
        db.session.rollback()
        # The constraint's name only: the database's message quotes the row's values.
        constraint = getattr(getattr(error.orig, "diag", None), "constraint_name", None)
        app.logger.warning("Refused by a database constraint",
                           extra={"fields": {"constraint": constraint}})
        return error_response(*refusal(error))

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error", exc_info=error)
        return error_response(500)
