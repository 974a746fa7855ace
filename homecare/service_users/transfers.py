"""Registering a person who may already be served by another team, without telling who.

A national id is unique: registering one that is already held cannot make a second
person. Answering «already registered» told any coordinator whether a person received
care anywhere in the municipality (issue 33, N3). Now the answer depends only on what
the coordinator may see:

- the person is in one of their own teams: they are told so, as before;
- the person is held by a team they may not see: a ``TransferRequest`` goes to that
  team's coordinators, and the coordinator is told only that the registration waits
  for a check (the same words whatever the other team decides); nothing names the team,
  the person or their record. The request is a care record of the user, so its creation
  is in the user's access log with who asked.

The user's own team answers the request: moving the user (the record and its history
follow, and access with it) or declining with a reason the requesting team reads.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from homecare.core.database import save
from homecare.core.errors import Conflict, ValidationFailed
from homecare.core.extensions import db
from homecare.core.timeutil import local_today, start_of_local_day, utcnow
from homecare.core.validation import FieldErrors
from homecare.org.models import Staff, Team
from homecare.policy.access import Action, permits
from homecare.service_users import names
from homecare.service_users.models import (
    ServiceUser,
    TransferRequest,
    TransferStatus,
)
from homecare.service_users.services import (
    NAME_FIELDS,
    AlreadyRegistered,
    move_to_team,
    register_service_user,
)


def registration_waits_message() -> str:
    """What a coordinator is told when a registration became a transfer request: the same
    words whoever holds the person and whatever they decide (the API's 202, the page)."""
    return _("The registration must be checked with other coordinators before it can be "
             "completed. You will find the answer under transfer requests on your team's "
             "board.")


def register_or_request_transfer(actor: Staff, **fields) -> ServiceUser | TransferRequest:
    """Register a user (``register_service_user``'s fields), or, where the national id is
    held by a team ``actor`` may not see, ask that team for the person instead.

    Raises ValidationFailed for invalid input, and for a person already in one of the
    actor's own teams.
    """
    try:
        return register_service_user(**fields)
    except AlreadyRegistered as held:
        existing = held.user
    if permits(actor, Action.VIEW, existing):
        raise ValidationFailed.single("national_id", _(
            "This person is already registered in your team. Find them by name or national "
            "identity number."))
    return request_transfer(existing, to_team=fields["team"], requested_by=actor,
                            typed_name=fields.get("full_name") or names.parts_of(
                                *(fields.get(f) for f in NAME_FIELDS)).composed(),
                            wanted_from=fields["service_start"])


def request_transfer(user: ServiceUser, *, to_team: Team, requested_by: Staff,
                     typed_name: str, wanted_from: date) -> TransferRequest:
    """Ask ``user``'s team to let ``to_team`` take the user over; an open request from the
    same team is answered again rather than repeated."""
    open_request = db.session.scalar(sa.select(TransferRequest).where(
        TransferRequest.service_user_id == user.id, TransferRequest.to_team_id == to_team.id,
        TransferRequest.status == TransferStatus.OPEN))
    if open_request is not None:
        return open_request
    return save(TransferRequest(service_user=user, to_team=to_team,
                                requested_by_id=requested_by.id,
                                typed_name=typed_name.strip(), wanted_from=wanted_from))


def decide_transfer(transfer: TransferRequest, decided_by: Staff, *, accept: bool,
                    reason: str | None = None) -> TransferRequest:
    """The user's team answers a request: accepted moves the user to the requesting team
    from today; declined needs a reason, which the requesting team reads.

    The caller has checked that ``decided_by`` coordinates the user's team (COORDINATE on
    the request). Raises Conflict if the request was already answered.
    """
    if transfer.status is not TransferStatus.OPEN:
        raise Conflict(_("This request has already been answered."))
    errors = FieldErrors()
    if not accept:
        errors.text("reason", reason, max_length=1000)
    errors.raise_if_any()
    if accept:
        move_to_team(transfer.service_user, transfer.to_team, local_today())
    transfer.status = TransferStatus.ACCEPTED if accept else TransferStatus.DECLINED
    transfer.reason = None if accept else reason.strip()
    transfer.decided_by_id, transfer.decided_at = decided_by.id, utcnow()
    db.session.flush()
    return transfer


def incoming_requests(team_ids: list[int]) -> list[TransferRequest]:
    """Open requests for users of these teams, oldest first."""
    if not team_ids:
        return []
    return list(db.session.scalars(
        sa.select(TransferRequest).join(ServiceUser)
        .where(ServiceUser.team_id.in_(team_ids), ServiceUser.deleted_at.is_(None),
               TransferRequest.status == TransferStatus.OPEN)
        .order_by(TransferRequest.created_at)))


#: How long an answered request stays on the requesting team's board.
ANSWERS_SHOWN_DAYS = 14


def outgoing_requests(team_ids: list[int], today: date) -> list[TransferRequest]:
    """The requests these teams made: open ones, and those answered in the last
    ``ANSWERS_SHOWN_DAYS``, newest first."""
    if not team_ids:
        return []
    answered_since = start_of_local_day(today - timedelta(days=ANSWERS_SHOWN_DAYS))
    return list(db.session.scalars(
        sa.select(TransferRequest)
        .where(TransferRequest.to_team_id.in_(team_ids),
               sa.or_(TransferRequest.status == TransferStatus.OPEN,
                      TransferRequest.decided_at >= answered_since))
        .order_by(TransferRequest.created_at.desc())))
