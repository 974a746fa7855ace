"""Translated names of roles and professions, for pages."""

from flask_babel import lazy_gettext as _l

from homecare.org.models import Profession, Role

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.SECTION_LEADER: _l("Section leader"),
    Role.COORDINATOR: _l("Team coordinator"),
    Role.STAFF: _l("Team member"),
}

PROFESSION_LABELS = {
    Profession.NURSE: _l("Nurse"),
    Profession.HEALTH_WORKER: _l("Health worker"),
    Profession.HOME_HELPER: _l("Home helper"),
    Profession.CASE_OFFICER: _l("Case officer"),
    Profession.OCCUPATIONAL_THERAPIST: _l("Occupational therapist"),
    Profession.PHYSIOTHERAPIST: _l("Physiotherapist"),
    Profession.OTHER: _l("Other profession"),
}
