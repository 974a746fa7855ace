"""Turn errors into pages (browser) or JSON bodies (``/api``), in the user's language."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from homecare.core.errors import DomainError, ValidationFailed


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        401: _("Please sign in."),
        403: _("You do not have access to this."),
        404: _("We could not find that page, or you do not have access to it."),
        405: _("That action is not possible here."),
        409: _("This conflicts with what is already recorded."),
        422: _("Some of the information is not valid."),
        500: _("Something went wrong on our side. Nothing was saved; please try again."),
    }


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str | None = None, errors: dict | None = None):
    """An error in the form the caller expects, with a message in their language."""
    message = message or _messages().get(status, _messages()[400])
    if _wants_json():
        body = {"code": status, "status": _reason(status), "message": message}
        if errors:
            body["errors"] = errors
        return jsonify(body), status
    return render_template("error.html", status=status, message=message, errors=errors), status


def _reason(status: int) -> str:
    from http import HTTPStatus

    return HTTPStatus(status).phrase


def init_app(app: Flask) -> None:
    """Register one handler per kind of error."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return error_response(error.code or 500)

    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError):
        return error_response(400, _("The form had expired. Please try again."))

    @app.errorhandler(ValidationFailed)
    def validation_failed(error: ValidationFailed):
        return error_response(422, None, {"json": error.errors})

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        return error_response(error.status)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("Unhandled error", exc_info=error)
        return error_response(500)
