"""The people and places of a record as FHIR resources: the user (Patient), their next of
kin (RelatedPerson), staff (Practitioner) and the team (Organization), shaped for
Norwegian receivers (HL7 Norway's no-basis profiles, where they conform: docs/fhir.md).
"""

from __future__ import annotations

from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.relatedperson import RelatedPerson
from flask_babel import gettext as _

from homecare.core import registries
from homecare.core.national_id import IdKind, parse_national_id
from homecare.org.labels import PROFESSION_LABELS
from homecare.org.models import Staff, Team
from homecare.service_users.models import KinRelationship as K
from homecare.service_users.models import NextOfKin, ServiceUser

NO_BASIS = "http://hl7.no/fhir/StructureDefinition"
PROFILES = {name: f"{NO_BASIS}/no-basis-{name}"
            for name in ("Patient", "RelatedPerson", "Practitioner", "Organization")}
#: The Norwegian registry's OIDs for a fødselsnummer and a D-number.
NATIONAL_ID_SYSTEMS = {IdKind.BIRTH_NUMBER: "urn:oid:2.16.578.1.12.4.1.4.1",
                       IdKind.SYNTHETIC: "urn:oid:2.16.578.1.12.4.1.4.1",
                       IdKind.D_NUMBER: "urn:oid:2.16.578.1.12.4.1.4.2"}
HPR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.4"
ORGANISATION_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.101"
MUNICIPALITY_EXTENSION = f"{NO_BASIS}/no-basis-municipalitycode"
MUNICIPALITY_SYSTEM = ("https://register.geonorge.no/subregister/sosi-kodelister/kartverket/"
                       "kommunenummer-alle")
DISTRICT_EXTENSION = "http://hl7.no/fhir/ig/StructureDefinition/no-basis-urban-district"
DISTRICT_SYSTEM = "urn:oid:2.16.578.1.12.4.1.1.3403"
MIDDLE_NAME_EXTENSION = f"{NO_BASIS}/no-basis-middlename"
#: FHIR's mark for test data, on a patient whose national id is a synthetic one.
TEST_DATA = {"system": "http://terminology.hl7.org/CodeSystem/v3-ActReason",
             "code": "HTEST", "display": "test health data"}
ROLE_CODES = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
FAMILY_RELATION = "http://hl7.no/fhir/CodeSystem/no-basis-family-relation"
CONTACT_ROLE = {"system": "http://terminology.hl7.org/CodeSystem/v2-0131", "code": "N",
                "display": "Next-of-Kin"}
#: Each coded relation in HL7's RoleCode (code, display), and in the national registry's
#: family relations where it is one of them (the relative's role towards the user).
RELATIONSHIP_CODES = {
    K.SPOUSE: ("SPS", "spouse", "ektefelleEllerPartner"),
    K.PARTNER: ("DOMPART", "domestic partner", None),
    K.DAUGHTER: ("DAUC", "daughter", "barn"), K.SON: ("SONC", "son", "barn"),
    K.CHILD: ("CHILD", "child", "barn"), K.MOTHER: ("MTH", "mother", "mor"),
    K.FATHER: ("FTH", "father", "far"), K.SISTER: ("SIS", "sister", "søsken"),
    K.BROTHER: ("BRO", "brother", "søsken"), K.SIBLING: ("SIB", "sibling", "søsken"),
    K.GRANDCHILD: ("GRNDCHILD", "grandchild", None), K.NIECE: ("NIECE", "niece", None),
    K.NEPHEW: ("NEPHEW", "nephew", None), K.COUSIN: ("COUSN", "cousin", None),
    K.DAUGHTER_IN_LAW: ("DAUINLAW", "daughter in-law", None),
    K.SON_IN_LAW: ("SONINLAW", "son in-law", None),
    K.FRIEND: ("FRND", "unrelated friend", None), K.NEIGHBOUR: ("NBOR", "neighbor", None),
    K.GUARDIAN: ("GUARD", "guardian", None), K.OTHER: (None, None, None),
}
FAMILY_DISPLAY = {"barn": "Barn", "mor": "Mor", "far": "Far", "søsken": "Søsken",
                  "ektefelleEllerPartner": "Ektefelle eller partner"}


def ref(resource_type: str, resource_id: object, display: str | None = None) -> dict:
    """A reference to another resource of the record, relative to the server's base."""
    return {"reference": f"{resource_type}/{resource_id}",
            **({"display": display} if display else {})}


def meta(profile: str | None, updated, version: int | None = None, tags=None) -> dict:
    """A resource's ``meta``: when it last changed, its version where the record keeps
    one, the profile it conforms to, and tags."""
    meta = {"lastUpdated": updated.isoformat()} if updated else {}
    if version is not None:
        meta["versionId"] = str(version)
    if profile:
        meta["profile"] = [profile]
    if tags:
        meta["tag"] = tags
    return meta


def human_name(full_name: str, given: str | None, middle: str | None,
               family: str | None) -> dict:
    """The name as no-basis-HumanName carries it: the whole as text, the parts where they
    are known, the middle name in its own extension (not among the given names)."""
    name = {"use": "official", "text": full_name}
    if family:
        name["family"] = family
    if given:
        name["given"] = given.split()
    if middle:
        name["extension"] = [{"url": MIDDLE_NAME_EXTENSION, "valueString": middle}]
    return name


def address(user: ServiceUser) -> dict:
    """The home address as no-basis-Address carries it: the line as text, and the parts:
    the municipality's name in ``district`` with its number in an extension, and the
    city district (bydel) coded where its number is known."""
    found = {"use": "home", "type": "physical", "text": user.address}
    if user.address_line:
        found["line"] = [user.address_line]
    if user.postal_code:
        found["postalCode"] = user.postal_code
    if user.city:
        found["city"] = user.city
    if user.municipality_number:
        municipality = {"extension": [{"url": MUNICIPALITY_EXTENSION, "valueCoding": {
            "system": MUNICIPALITY_SYSTEM, "code": user.municipality_number}}]}
        name = registries.MUNICIPALITY_NAMES.get(user.municipality_number)
        if name:
            found["district"] = name
        found["district__ext"] = municipality
    code = registries.district_code(user.municipality_number, user.district)
    if code:
        found["extension"] = [{"url": DISTRICT_EXTENSION, "valueCoding": {
            "system": DISTRICT_SYSTEM, "code": code, "display": user.district}}]
    if user.address_line or user.postal_code:
        found["country"] = "NO"
    return found


def relationship(kin: NextOfKin, *, as_contact: bool) -> list[dict]:
    """The relation as codes (HL7 RoleCode; the registry's family relation where it is
    one) with the words as entered; a contact of the Patient is also marked next of kin."""
    role, display, family = RELATIONSHIP_CODES.get(kin.relationship, (None, None, None))
    coding = [{"system": ROLE_CODES, "code": role, "display": display}] if role else []
    if family:
        coding.append({"system": FAMILY_RELATION, "code": family,
                       "display": FAMILY_DISPLAY[family]})
    coded = [{"coding": coding, "text": kin.relation} if coding else {"text": kin.relation}]
    return ([{"coding": [CONTACT_ROLE]}] if as_contact else []) + coded


def patient(user: ServiceUser) -> Patient:
    """The user: national id, name, gender, birth date, address, next of kin, team."""
    national_id = parse_national_id(user.national_id, allow_synthetic=True)
    identifier = {"use": "official", "system": NATIONAL_ID_SYSTEMS[national_id.kind],
                  "value": user.national_id}
    if national_id.kind is IdKind.SYNTHETIC:
        identifier["type"] = {"text": _("Synthetic national identity number (test data)")}
    synthetic = [TEST_DATA] if national_id.kind is IdKind.SYNTHETIC else None
    return Patient(
        id=str(user.id), meta=meta(PROFILES["Patient"], user.updated_at, user.version,
                                    synthetic),
        identifier=[identifier], active=user.deleted_at is None,
        name=[human_name(user.full_name, user.given_name, user.middle_name, user.family_name)],
        gender=user.gender.value if user.gender else None,
        birthDate=user.birth_date.isoformat(), address=[address(user)],
        contact=[{"relationship": relationship(kin, as_contact=True), "name": {"text": kin.name},
                  "telecom": [{"system": "phone", "value": kin.phone}]}
                 for kin in user.next_of_kin] or None,
        managingOrganization=ref("Organization", user.team_id, user.team.name))


def related_person(kin: NextOfKin) -> RelatedPerson:
    """A next of kin, with the relation coded and in the words entered."""
    return RelatedPerson(
        id=str(kin.id), meta=meta(PROFILES["RelatedPerson"], kin.updated_at),
        active=True, patient=ref("Patient", kin.service_user_id),
        relationship=relationship(kin, as_contact=False), name=[{"text": kin.name}],
        telecom=[{"system": "phone", "value": kin.phone, "rank": kin.position + 1}])


def practitioner(staff: Staff) -> Practitioner:
    """A staff member: name, HPR number where they have one, profession."""
    return Practitioner(
        id=str(staff.id), meta=meta(PROFILES["Practitioner"], staff.updated_at),
        identifier=[{"system": HPR_SYSTEM, "value": staff.hpr_number}]
        if staff.hpr_number else None,
        active=staff.active, name=[{"use": "official", "text": staff.full_name}],
        qualification=[{"code": {"text": str(PROFESSION_LABELS[staff.profession])}}]
        if staff.profession else None)


def organization(team: Team) -> Organization:
    """A team: its name, phone and organisation number where it has one."""
    return Organization(
        id=str(team.id), meta=meta(PROFILES["Organization"], team.updated_at),
        identifier=[{"system": ORGANISATION_SYSTEM, "value": team.organisation_number}]
        if team.organisation_number else None,
        active=True, name=team.name,
        telecom=[{"system": "phone", "value": team.phone}] if team.phone else None)
