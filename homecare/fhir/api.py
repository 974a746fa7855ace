"""The FHIR R4 API, ``/fhir/R4``: the CapabilityStatement, read by id and search of every
type the server emits, ``POST <type>/_search``, and ``Patient/$everything`` (GET or POST).

The same doors as ``/api/v1``: a bearer token (or a signed-in session), the one access
policy (another team's record is 404 by id and found by no search, and the attempt is
logged; a role without care access 403), and every read logged against the user. Answers
are ``application/fhir+json``; every error is an ``OperationOutcome``; every address in
them comes from ``HOMECARE_BASE_URL`` (``fhir.links``).
"""

from __future__ import annotations

import json
import uuid

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.resource import Resource
from flask import Blueprint, Response, request
from flask_babel import gettext as _
from werkzeug.exceptions import NotAcceptable, NotFound, UnsupportedMediaType

from homecare.core.audit import record_read
from homecare.core.error_pages import answer_programs_under
from homecare.core.routing import public
from homecare.core.timeutil import utcnow
from homecare.fhir import directory, lookup, record, search
from homecare.fhir.capability import capability_statement
from homecare.fhir.links import PREFIX, fhir_base, full_url
from homecare.policy.access import Action, ensure_works_in_a_team
from homecare.policy.lookup import actor, load
from homecare.service_users.models import ServiceUser

MEDIA_TYPE = "application/fhir+json"
JSON_TYPES = {"application/fhir+json", "application/json", "application/json+fhir", "json"}
blueprint = Blueprint("fhir", __name__, url_prefix=PREFIX)
#: Every type the server emits, in the order of the CapabilityStatement.
TYPES = record.RECORD_TYPES + record.REFERRED_TYPES
_KIND = f"any({', '.join(TYPES)}):kind"

#: FHIR's issue type for each status we answer with.
_ISSUE_TYPES = {400: "invalid", 401: "login", 403: "forbidden", 404: "not-found",
                405: "not-supported", 406: "not-supported", 409: "conflict", 412: "conflict",
                415: "not-supported", 422: "invalid", 429: "throttled"}


def fhir_response(resource: Resource | dict, status: int = 200, headers=None) -> Response:
    """A resource as ``application/fhir+json``."""
    text = resource.model_dump_json() if isinstance(resource, Resource) else json.dumps(
        resource, ensure_ascii=False)
    return Response(text, status=status, headers=headers or {},
                    content_type=f"{MEDIA_TYPE}; charset=utf-8")


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
    return fhir_response(OperationOutcome(issue=issues), status), status, headers


blueprint.record_once(lambda _state: answer_programs_under(f"{PREFIX}/", operation_outcome))


def _acceptable(media_range: str) -> bool:
    """Whether one media range of Accept or ``_format`` is JSON of FHIR 4.0."""
    kind, *parameters = [part.strip() for part in media_range.split(";")]
    options = dict(p.split("=", 1) for p in parameters if "=" in p)
    if options.get("q", "1").strip() in ("0", "0.0", "0.00", "0.000"):
        return False
    version = options.get("fhirVersion", "4.0").strip().strip('"')
    return (kind.lower() in JSON_TYPES | {"*/*", "application/*"}
            and version in ("4.0", "4.0.1"))


@blueprint.before_request
def json_of_fhir_4_only():
    """406 for XML, Turtle or another FHIR version, by ``_format`` or by Accept."""
    wanted = request.args.get("_format")
    if wanted is not None and not _acceptable(wanted):
        raise _not_acceptable(wanted)
    accept = request.headers.get("Accept", "").strip()
    if accept and not any(_acceptable(r) for r in accept.split(",") if r.strip()):
        raise _not_acceptable(accept)


def _not_acceptable(asked: str) -> NotAcceptable:
    error = NotAcceptable()
    error.data = {"message": _("This server answers in FHIR R4 (4.0) JSON only "
                               "(application/fhir+json), not %(asked)s.", asked=asked)}
    return error


def _strict() -> bool:
    return any(part.strip() == "handling=strict"
               for part in request.headers.get("Prefer", "").split(","))


def _query_pairs() -> list[tuple[str, str]]:
    return list(request.args.items(multi=True))


def _body_pairs() -> list[tuple[str, str]]:
    """A POST's parameters: a form, or a FHIR Parameters resource; none for no body."""
    if not request.get_data(cache=True):
        return []
    kind = (request.mimetype or "").lower()
    if kind == "application/x-www-form-urlencoded":
        return list(request.form.items(multi=True))
    if kind in JSON_TYPES:
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or body.get("resourceType") != "Parameters":
            raise search.refuse(_("Send a Parameters resource, or a form."))
        return [(p.get("name", ""), str(next((v for k, v in p.items() if k.startswith("value")),
                                             ""))) for p in body.get("parameter", [])]
    error = UnsupportedMediaType()
    error.data = {"message": _("Send the parameters as a form "
                               "(application/x-www-form-urlencoded) or as a Parameters "
                               "resource (application/fhir+json).")}
    raise error


def _bundle(found: search.Page, path: str, extra: list | None = None, *,
            elements: list[str] | None = None, included: list | None = None) -> Bundle:
    """A ``searchset`` Bundle of a page: entries with their ``fullUrl`` and search mode,
    the total, and the paging links, every address under ``HOMECARE_BASE_URL``."""
    base = fhir_base()
    entries = []
    for item, mode in [*((i, "include" if i.referred else "match") for i in found.items),
                       *((i, "include") for i in included or [])]:
        resource = json.loads(item.resource().model_dump_json())
        entries.append({"fullUrl": full_url(base, item.type, item.id),
                        "resource": search.subset(resource, elements) if elements else resource,
                        "search": {"mode": mode}})
    return Bundle.model_validate({
        "resourceType": "Bundle", "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": utcnow().isoformat()}, "type": "searchset",
        "timestamp": utcnow().isoformat(), "total": found.total,
        "link": search.links(found, base, path, extra or []), "entry": entries or None})


@blueprint.get("/metadata")
@public
def metadata():
    """The CapabilityStatement: what this server supports (no sign-in needed)."""
    return fhir_response(capability_statement(fhir_base(), utcnow().date().isoformat()))


@blueprint.get(f"/<{_KIND}>/<string:rid>")
def read(kind: str, rid: str):
    """One resource by id, through the access policy; a user's record read is logged."""
    if kind in directory.READ_TYPES:
        return fhir_response(directory.read(kind, rid))
    user, table, entity = lookup.owner(kind, rid)
    items = record.ITEMS[kind](record.load_record(user, actor()))
    item = next((i for i in items if i.id == rid), None)
    if item is None:
        raise NotFound()
    record_read(user.id, f"FHIR {kind}", table, entity)
    resource = item.resource()
    version = resource.meta.versionId if resource.meta else None
    return fhir_response(resource, headers={"ETag": f'W/"{version}"'} if version else None)


@blueprint.get(f"/<{_KIND}>")
def search_type(kind: str):
    """A search of one type, by GET."""
    return _search(kind, _query_pairs(), by_post=False)


@blueprint.post(f"/<{_KIND}>/_search")
def search_by_post(kind: str):
    """A search of one type, by POST: the form's parameters with the URL's."""
    return _search(kind, _query_pairs() + _body_pairs(), by_post=True)


def _search(kind: str, pairs: list[tuple[str, str]], *, by_post: bool) -> Response:
    if kind in directory.SEARCH_TYPES:
        found, path = directory.search(kind, pairs, _strict(), by_post=by_post)
        return fhir_response(_bundle(found, path, elements=found.paging.elements))
    ensure_works_in_a_team(actor())
    criteria = search.parse_record_search(kind, pairs, _strict())
    items, patients = lookup.record_search(kind, criteria)
    found = search.page(criteria.order(items), criteria.paging, criteria.used)
    included = patients if criteria.include_patient and found.items else []
    return fhir_response(_bundle(found, kind, elements=criteria.paging.elements,
                                 included=included))


def _everything_pairs() -> list[tuple[str, str]]:
    return _query_pairs() + (_body_pairs() if request.method == "POST" else [])


@blueprint.route("/Patient/<uuid:user_id>/$everything", methods=["GET", "POST"])
def patient_everything(user_id):
    """The user's whole record, a ``searchset`` paged by ``_count`` with ``next`` links;
    ``_type``, ``_since``, ``start`` and ``end`` narrow it. GET or POST (a form or a
    Parameters resource)."""
    user = load(ServiceUser, user_id, Action.VIEW)
    pairs = _everything_pairs()
    everything = lookup.parse_everything(pairs, _strict())
    items = [item for item in record.everything(record.load_record(user, actor()),
                                                everything.types)
             if everything.matches(item)]
    record_read(user.id, "FHIR $everything")
    found = search.page(items, everything.paging, everything.used)
    return fhir_response(_bundle(found, f"Patient/{user.id}/$everything",
                                 elements=everything.paging.elements))
