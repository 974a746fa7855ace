"""The CapabilityStatement (``GET /fhir/R4/metadata``): exactly what this server does, made
from the same tables the searches run on (``fhir.search``)."""

from __future__ import annotations

from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from homecare.fhir.people import PROFILES
from homecare.fhir.record import RECORD_TYPES, REFERRED_TYPES
from homecare.fhir.search import PARAMETERS, RECORD_SEARCHES

SPEC = "http://hl7.org/fhir/SearchParameter"
#: The definition of each search parameter in the R4 specification.
DEFINITIONS = {"patient": "{type}-patient", "_id": "Resource-id",
               "_lastUpdated": "Resource-lastUpdated", "name": "Patient-name",
               "identifier": "{type}-identifier", "status": "{type}-status",
               "lifecycle-status": "Goal-lifecycle-status", "start-date": "Goal-start-date",
               "code": "clinical-code", "date": "clinical-date", "focus": "Observation-focus",
               "authored": "QuestionnaireResponse-authored",
               "relationship": "RelatedPerson-relationship"}
DOCUMENTATION = {
    "identifier": "The national identity number (urn:oid:2.16.578.1.12.4.1.4.1 or .4.2) "
                  "as system|value, sent with POST /Patient/_search in a form body only: "
                  "a national id does not go in a URL (a GET with it answers 400).",
    "patient": "One patient, once (a repeated patient is 400). A search of another "
               "team's patient finds nothing, and the attempt is logged.",
}


def _parameter(kind: str, name: str, kind_of: str) -> dict:
    found = {"name": name, "type": kind_of,
             "definition": f"{SPEC}/{DEFINITIONS[name].format(type=kind)}"}
    if name in DOCUMENTATION:
        found["documentation"] = DOCUMENTATION[name]
    return found


def _resource(kind: str) -> dict:
    parameters = []
    if kind in RECORD_SEARCHES:
        parameters += [_parameter(kind, "patient", "reference"),
                       _parameter(kind, "_id", "token")]
    parameters += [_parameter(kind, name, kind_of)
                   for name, kind_of in PARAMETERS.get(kind, {}).items()]
    parameters.append(_parameter(kind, "_lastUpdated", "date")) if kind in RECORD_SEARCHES \
        else None
    resource = {"type": kind, "profile": f"http://hl7.org/fhir/StructureDefinition/{kind}",
                "interaction": [{"code": "read"}, {"code": "search-type"}],
                "versioning": "no-version", "readHistory": False, "updateCreate": False,
                "searchParam": parameters}
    if kind in PROFILES:
        resource["supportedProfile"] = [PROFILES[kind]]
    if kind in RECORD_SEARCHES:
        resource["searchInclude"] = [f"{kind}:patient"]
    if kind == "Patient":
        resource["operation"] = [{
            "name": "everything",
            "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything",
            "documentation": "GET or POST; _count (paged with next links), _type, _since, "
                             "start and end."}]
    return resource


def capability_statement(base: str, date: str) -> CapabilityStatement:
    """What this server supports: read and search of each type, the searches' parameters,
    Patient/$everything, bearer tokens, JSON only, FHIR 4.0.1."""
    return CapabilityStatement(
        status="active", date=date, kind="instance", fhirVersion="4.0.1",
        publisher="homecare", format=["application/fhir+json", "json"],
        software={"name": "homecare"},
        implementation={"description": "homecare: home care under the trust model", "url": base},
        rest=[{
            "mode": "server",
            "documentation": "Read-only. Unknown search parameters are ignored and left out "
                             "of the self link; Prefer: handling=strict refuses them. "
                             "_count (at most 500) pages with next links; _summary=count; "
                             "_elements; _sort on the dates of each type.",
            "security": {
                "cors": False,
                "description": "Send Authorization: Bearer <token>, a token from POST "
                               "/api/v1/tokens (username and password). Team members see "
                               "the users of their own teams only; every read is logged.",
            },
            "resource": [_resource(kind) for kind in RECORD_TYPES + REFERRED_TYPES],
        }])
