"""Recording referrals and following each new user through the intake steps.

The one place for the rules, called by the pages and the API alike.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from homecare.core.audit import record_read
from homecare.core.database import save
from homecare.core.extensions import db
from homecare.core.validation import FieldErrors, refuse_unknown
from homecare.intake.models import (
    NAME_LENGTH,
    NEED_LENGTH,
    REASON_LENGTH,
    Referral,
    ReferralSource,
    Urgency,
)
from homecare.org.models import TEAM_ROLES, Staff, Team
from homecare.service_users.models import ServiceUser

EDITABLE = frozenset({"assessed_on", "assessed_by", "service_user", "closed_on",
                      "closed_reason", "need", "urgency", "referred_by"})
#: What may change on a closed referral: its closing, corrected. Closing is final.
CLOSING = frozenset({"closed_on", "closed_reason"})


def record_referral_reads(referrals, what: str) -> None:
    """Log that each referral shown was read: against its user once it has one (the
    rows go in with the request's other log rows, in one INSERT)."""
    for referral in referrals:
        record_read(referral.service_user_id, what, entity="referrals", entity_id=referral.id)


def _check_text(errors: FieldErrors, fields: dict) -> None:
    limits = {"person_name": NAME_LENGTH, "referred_by": NAME_LENGTH, "need": NEED_LENGTH,
              "closed_reason": REASON_LENGTH}
    for name, limit in limits.items():
        if name in fields:
            errors.text(name, fields[name], max_length=limit,
                        required=name in ("person_name", "need"))


def record_referral(*, team: Team, created_by: Staff, received_on: date, source: str,
                    person_name: str, need: str, today: date, urgency: str = Urgency.ROUTINE,
                    referred_by: str | None = None) -> Referral:
    """A new referral for ``team`` (the caller may coordinate the team). Raises
    ValidationFailed listing every problem; nothing is written then."""
    errors = FieldErrors()
    chosen_source = errors.choice(ReferralSource, "source", source,
                                  _("Choose who referred: hospital, GP, next of kin, the "
                                    "person themselves, or other."))
    chosen_urgency = errors.choice(Urgency, "urgency", urgency,
                                   _("Choose routine or urgent."))
    _check_text(errors, {"person_name": person_name, "need": need, "referred_by": referred_by})
    errors.require(received_on <= today, "received_on",
                   _("A referral cannot be received in the future."))
    errors.raise_if_any()
    return save(Referral(team_id=team.id, received_on=received_on, source=chosen_source,
                         urgency=chosen_urgency, person_name=person_name.strip(),
                         need=need, referred_by=(referred_by or "").strip() or None,
                         created_by_id=created_by.id))


def _check_assessment(errors: FieldErrors, referral: Referral, assessed_on, assessed_by,
                      today: date) -> None:
    if assessed_on is None:
        return
    errors.require(referral.received_on <= assessed_on <= today, "assessed_on",
                   _("The assessment is dated between the referral and today."))
    errors.require(assessed_by is not None and assessed_by.role in TEAM_ROLES
                   and referral.team_id in assessed_by.team_ids, "assessed_by",
                   _("The person who assessed must be a member of the team."))


def _users_referred(other_than: Referral) -> sa.Select:
    """The ids of the users that referrals other than ``other_than`` became: a user
    comes through one referral."""
    return sa.select(Referral.service_user_id).where(Referral.service_user_id.is_not(None),
                                                     Referral.id != other_than.id)


def _check_user(errors: FieldErrors, referral: Referral, user: ServiceUser | None) -> None:
    if user is None:
        return
    errors.require(user.team_id == referral.team_id, "service_user_id",
                   _("The user must belong to the referral's team."))
    errors.require(user.service_start >= referral.received_on, "service_user_id",
                   _("The user's services started before the referral was received."))
    errors.require(not db.session.scalar(sa.select(
        _users_referred(referral).where(Referral.service_user_id == user.id).exists())),
        "service_user_id", _("The user came through another referral."))


def startable_users(referral: Referral) -> list[ServiceUser]:
    """The users a referral may become, by name: the team's users who started on or
    after the referral and came through no other (the start form's choices)."""
    return list(db.session.scalars(
        sa.select(ServiceUser).where(ServiceUser.team_id == referral.team_id,
                                     ServiceUser.deleted_at.is_(None),
                                     ServiceUser.service_start >= referral.received_on,
                                     ServiceUser.id.not_in(_users_referred(referral)))
        .order_by(ServiceUser.full_name)))


def update_referral(referral: Referral, *, today: date, **changes) -> Referral:
    """Record the assessment, the user the referral became, or its closing without
    services. Raises ValidationFailed listing every problem; nothing is changed then."""
    refuse_unknown(changes, EDITABLE)
    errors = FieldErrors()
    if referral.closed_on is not None:
        errors.require(set(changes) <= CLOSING, "closed_on",
                       _("A closed referral is not assessed or started; only its closing "
                         "can be corrected."))
    _check_text(errors, {k: v for k, v in changes.items() if k in ("need", "closed_reason",
                                                                   "referred_by")})
    if "urgency" in changes:
        changes["urgency"] = errors.choice(Urgency, "urgency", changes["urgency"],
                                           _("Choose routine or urgent."))
    assessed_on = changes.get("assessed_on", referral.assessed_on)
    assessed_by = changes.get("assessed_by", referral.assessed_by)
    _check_assessment(errors, referral, assessed_on, assessed_by, today)
    _check_user(errors, referral, changes.get("service_user"))
    if changes.get("closed_on") is not None:
        errors.require(referral.service_user_id is None and "service_user" not in changes,
                       "closed_on", _("A referral that started services is not closed."))
        errors.require(referral.received_on <= changes["closed_on"] <= today, "closed_on",
                       _("The referral is closed between its receipt and today."))
        errors.require(bool((changes.get("closed_reason") or referral.closed_reason or
                             "").strip()), "closed_reason", _("Say why it was closed."))
    errors.raise_if_any()
    for field, value in changes.items():
        if field == "service_user":
            referral.service_user_id = value.id if value else None
        elif field == "assessed_by":
            referral.assessed_by = value
        else:
            setattr(referral, field, value)
    db.session.flush()
    return referral
