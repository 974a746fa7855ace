"""The FHIR R4 read API, ``/fhir/R4``: a user's Patient, their whole record
(``$everything``), and their goals and care plans by search.

The same doors as ``/api/v1``: a bearer token (or a signed-in session), the one access
policy (another team's user is 404, a role without care access 403), and every read
logged against the user. Answers are ``application/fhir+json``; every error is an
``OperationOutcome``.
"""

from __future__ import annotations

import re
import uuid

from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.resource import Resource
from flask import Blueprint, Response, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

from homecare.core.audit import record_read
from homecare.core.error_pages import answer_programs_under
from homecare.fhir import record
from homecare.fhir.links import fhir_base
from homecare.policy.access import Action
from homecare.policy.lookup import load
from homecare.service_users.models import ServiceUser

PREFIX = "/fhir/R4"
MEDIA_TYPE = "application/fhir+json"
blueprint = Blueprint("fhir", __name__, url_prefix=PREFIX)

#: FHIR's issue type for each status we answer with.
_ISSUE_TYPES = {400: "invalid", 401: "login", 403: "forbidden", 404: "not-found",
                405: "not-supported", 409: "conflict", 412: "conflict", 422: "invalid",
                429: "throttled"}


def _fhir(resource: Resource) -> Response:
    return Response(resource.model_dump_json(), mimetype=MEDIA_TYPE)


def _expressions(errors: dict | None, path: str = "") -> list[tuple[str, str]]:
    """(field, message) for each message of a (nested) field-error mapping."""
    found = []
    for key, value in (errors or {}).items():
        where = f"{path}.{key}" if path else str(key)
        if isinstance(value, dict):
            found += _expressions(value, where)
        else:
            found += [(where, str(m)) for m in (value if isinstance(value, list) else [value])]
    return found


def operation_outcome(status: int, message: str, errors: dict | None,
                      headers: dict) -> tuple[Response, int, dict]:
    """An error as FHIR says to tell it: one issue for the whole, one per field (as
    ``core.error_pages.error_response`` answers: body, status, headers)."""
    code = _ISSUE_TYPES.get(status, "exception")
    issues = [{"severity": "error", "code": code, "diagnostics": message,
               "details": {"text": message}}]
    issues += [{"severity": "error", "code": code, "diagnostics": text,
                "expression": [field]} for field, text in _expressions(errors)]
    return _fhir(OperationOutcome(issue=issues)), status, headers


blueprint.record_once(lambda _state: answer_programs_under(f"{PREFIX}/", operation_outcome))


def _base_url() -> str:
    return fhir_base()


def _patient_of_search() -> ServiceUser:
    """The user a search names (``patient=<id>`` or ``patient=Patient/<id>``), if the
    caller may view them."""
    raw = request.args.get("patient", "")
    try:
        user_id = uuid.UUID(re.sub(r"^Patient/", "", raw))
    except ValueError:
        message = _("Give the id of one patient: patient=<id>.")
        refused = BadRequest()
        refused.data = {"message": message, "errors": {"patient": [message]}}
        raise refused from None
    return load(ServiceUser, user_id, Action.VIEW)


@blueprint.get("/Patient/<uuid:user_id>")
def read_patient(user_id):
    """One user as a Patient."""
    user = load(ServiceUser, user_id, Action.VIEW)
    record_read(user.id, "FHIR Patient")
    return _fhir(record.patient(user))


@blueprint.get("/Patient/<uuid:user_id>/$everything")
def patient_everything(user_id):
    """The user's whole record as one Bundle (type ``collection``)."""
    user = load(ServiceUser, user_id, Action.VIEW)
    record_read(user.id, "FHIR $everything")
    resources = record.everything(record.load_record(user))
    return _fhir(record.bundle(resources, "collection", _base_url()))


def _search(resource_type: str, resources) -> Response:
    """A search by ``patient``: ``resources(record)`` of that user, as a search Bundle."""
    user = _patient_of_search()
    record_read(user.id, f"FHIR {resource_type} search")
    found = resources(record.load_record(user, visits=False))
    return _fhir(record.bundle(found, "searchset", _base_url()))


@blueprint.get("/Goal")
def search_goals():
    """The user's goals (``?patient=<id>``), as a search Bundle."""
    return _search("Goal", record.goals)


@blueprint.get("/CarePlan")
def search_care_plans():
    """The user's team decisions (``?patient=<id>``), as a search Bundle."""
    return _search("CarePlan", record.care_plans)

