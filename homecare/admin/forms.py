"""Forms for administrators. They parse input; the organisation services hold the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import InputRequired

from homecare.org.labels import PROFESSION_LABELS, ROLE_LABELS


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class StaffForm(FlaskForm):
    """A staff account: who they are, their role and where they work."""

    username = StringField(_l("Username"))
    full_name = StringField(_l("Full name"))
    password = PasswordField(_l("Password (at least 10 characters)"))
    role = SelectField(_l("Role"), validate_choice=True)
    profession = SelectField(_l("Profession"), validate_choice=True)
    #: For authorised health personnel; other systems identify them by it.
    hpr_number = StringField(_l("HPR number (authorised health personnel)"))
    section_id = SelectField(_l("Section (section leaders)"), coerce=_optional_int,
                             validate_choice=True)
    team_ids = SelectMultipleField(_l("Teams (team members and coordinators)"), coerce=int,
                                   validate_choice=True)
    active = BooleanField(_l("The account is active (can sign in)"), default=True)

    def fill_choices(self, sections, teams) -> None:
        """Roles, professions, sections and teams (grouped by section) to choose from."""
        self.role.choices = [SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()]
        self.profession.choices = [SelectChoice("", _l("None"))] + [
            SelectChoice(p.value, label) for p, label in PROFESSION_LABELS.items()]
        self.section_id.choices = [SelectChoice(None, _l("None"))] + [
            SelectChoice(s.id, s.name) for s in sections]
        self.team_ids.choices = {s.name: [SelectChoice(t.id, t.name) for t in teams
                                          if t.section_id == s.id] for s in sections}


class PasswordResetForm(FlaskForm):
    """A new password set by an administrator; the staff member's sessions end."""

    new_password = PasswordField(_l("New password (at least 10 characters)"),
                                 validators=[InputRequired(_l("Give the new password."))])


class NameForm(FlaskForm):
    """A new section, or a section's new name."""

    name = StringField(_l("Name"))


class TeamForm(FlaskForm):
    """A team's name, section, phone number and organisation number."""

    name = StringField(_l("Name"))
    section_id = SelectField(_l("Section"), coerce=int, validate_choice=True)
    #: Printed on each user's own plan, for them and their next of kin.
    phone = StringField(_l("Phone number"))
    #: Where the team is a unit of its own in Enhetsregisteret.
    organisation_number = StringField(_l("Organisation number (Enhetsregisteret)"))
