"""The forms of a user's record kept on screen: registering a user (from a referral or
not), their details, a next of kin, a move to another team, the end of the service.

Every question of fact (short or long term, whether someone must speak for the user,
whether a next of kin may) has no answer chosen until the person chooses one; where the
record holds an answer already, the form shows it.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired

from homecare.core.forms import DayField, enum_options, options
from homecare.org.models import PHONE_LENGTH
from homecare.service_users.labels import KIN_LABELS, SERVICE_TYPE_LABELS
from homecare.service_users.models import END_REASON_LENGTH

YES_NO = options(("yes", _l("Yes")), ("no", _l("No")))


def yes_no(value: bool | None) -> str | None:
    """A stored yes/no as the radio buttons hold it (None: nothing chosen)."""
    return None if value is None else ("yes" if value else "no")


def chosen(value: str | None) -> bool | None:
    """The radio buttons' answer as stored."""
    return {"yes": True, "no": False}.get(value or "")


def _text(label, length: int, **kwargs) -> StringField:
    return StringField(label, render_kw={"maxlength": length}, **kwargs)


class AddressMixin:
    """The address in parts, and the user's phone."""

    address_line = _text(_l("Street and number"), 200)
    postal_code = StringField(_l("Postal code"), render_kw={"maxlength": 4,
                                                           "inputmode": "numeric"})
    city = _text(_l("Postal place"), 100)
    phone = StringField(_l("Phone (optional)"), render_kw={"maxlength": PHONE_LENGTH,
                                                            "type": "tel"})


class NeedsProxyMixin:
    needs_proxy = RadioField(_l("Does the user need someone to speak for them?"),
                             choices=YES_NO,
                             validators=[InputRequired(_l("Answer yes or no."))])


class NewUserForm(AddressMixin, NeedsProxyMixin, FlaskForm):
    """A new service user: who, where, and the service expected."""

    given_name = _text(_l("Given name(s)"), 200)
    middle_name = _text(_l("Middle name (optional)"), 200)
    family_name = _text(_l("Family name"), 200)
    national_id = StringField(_l("National identity number (11 digits)"),
                              render_kw={"maxlength": 20, "inputmode": "numeric",
                                         "autocomplete": "off"})
    service_type = RadioField(_l("Service expected"), choices=enum_options(SERVICE_TYPE_LABELS),
                              validators=[InputRequired(_l("Choose short term or long "
                                                           "term."))])
    service_start = DayField(_l("Services start"),
                             validators=[InputRequired(_l("Give a date."))])


class DetailsForm(AddressMixin, NeedsProxyMixin, FlaskForm):
    """The user's address, phone, and whether they need someone to speak for them."""

    district = _text(_l("District (optional)"), 100)


class KinForm(FlaskForm):
    """A next of kin: who, what they are to the user, their phone, and whether they may
    speak for the user."""

    name = _text(_l("Name"), 200)
    relation = _text(_l("Relation, in words (e.g. «eldste datter»)"), 100)
    relationship = SelectField(_l("Relation, coded (optional)"),
                               choices=options(("", _l("Read from the words")))
                               + enum_options(KIN_LABELS))
    phone = StringField(_l("Phone"), render_kw={"maxlength": PHONE_LENGTH, "type": "tel"})
    may_speak_for = RadioField(_l("May they speak for the user?"), choices=YES_NO,
                               validators=[InputRequired(_l("Answer yes or no."))])


class MoveForm(FlaskForm):
    """A move to another team the coordinator also coordinates."""

    #: Radio buttons, none chosen: the team a user moves to is never assumed.
    team = RadioField(_l("New team"), coerce=int,
                      validators=[InputRequired(_l("Choose a team."))])
    moved_on = DayField(_l("First day in the new team"),
                        validators=[InputRequired(_l("Give a date."))])


class EndForm(FlaskForm):
    """The end of the service: the last day and why."""

    service_end = DayField(_l("Last day of the service"),
                           validators=[InputRequired(_l("Give a date."))])
    service_end_reason = TextAreaField(_l("Why the service ends"),
                                       render_kw={"maxlength": END_REASON_LENGTH})
