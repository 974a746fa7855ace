"""The access policy: the one place that says who may see or change what.

Need-to-know: staff and coordinators see the service users of their own teams and no
one else's; section leaders and admins never see individual users, only aggregates.
Every view, API endpoint and job asks here, through ``permits`` or ``ensure``.

A refusal comes in two kinds. ``HIDDEN`` (404) is for anything the caller may not know
exists — another team's records, staff outside one's teams, other teams and sections —
so that ids cannot be probed (a missing record answers 404 too); ``FORBIDDEN`` (403) is
for a caller who may know the record exists but whose role does not allow the action.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import singledispatch

import sqlalchemy as sa
from flask import has_request_context, request

from homecare.core.audit import record_refusal
from homecare.core.errors import Forbidden, NotFound
from homecare.core.model_base import CareRecordMixin
from homecare.intake.models import Referral
from homecare.org.models import TEAM_ROLES, Role, Section, Staff, Team, staff_teams
from homecare.service_users.models import ServiceUser, TransferRequest
from homecare.visits.models import Visit, VisitToSettle


class Action(enum.StrEnum):
    """What the caller wants to do with the target."""

    #: Read the record.
    VIEW = "view"
    #: Record care for a user: visits they made, check-ins, what-matters, goals.
    RECORD = "record"
    #: Coordinate: plan visits, assign contacts, record decisions, move, edit the user.
    COORDINATE = "coordinate"
    #: Administer the organisation: sections, teams, accounts.
    MANAGE = "manage"


class Verdict(enum.Enum):
    """The policy's answer."""

    ALLOWED = "allowed"
    FORBIDDEN = "forbidden"
    HIDDEN = "hidden"

    def __bool__(self) -> bool:
        return self is Verdict.ALLOWED


class Organisation:
    """Target for actions on the organisation as a whole (creating sections, accounts)."""


ORGANISATION = Organisation()


@dataclass(frozen=True)
class SettingsOf:
    """Target for a section's measurement settings."""

    section: Section


@dataclass(frozen=True)
class ReadingsOf:
    """Target for a team's reading of its numbers: its comments and the leader's answers."""

    team: Team


@dataclass(frozen=True)
class CareGiven:
    """Target for recording care a team member gave a user: a visit they carried out.

    ``teams_then`` are the teams the user belonged to on the day the care was given (their
    team history, ``TeamPeriod``): care given while the user was the team's is recorded
    by that team's members even after the user moved on, so that it is never lost.
    """

    user: ServiceUser
    teams_then: frozenset[int]
    #: The record a refusal is logged against (the visit, or the user).
    record: CareRecordMixin


def _signed_in(actor: Staff | None) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False) and actor.active


def _allowed(condition: bool, otherwise: Verdict = Verdict.FORBIDDEN) -> Verdict:
    return Verdict.ALLOWED if condition else otherwise


@singledispatch
def _decide(target: object, actor: Staff, action: Action) -> Verdict:
    raise TypeError(f"The access policy has no rule for {type(target).__name__}")


@_decide.register
def _(target: ServiceUser, actor: Staff, action: Action) -> Verdict:
    if actor.role not in TEAM_ROLES:
        return Verdict.FORBIDDEN
    if target.deleted_at is not None or target.team_id not in actor.team_ids:
        return Verdict.HIDDEN
    if action in (Action.VIEW, Action.RECORD):
        return Verdict.ALLOWED
    return _allowed(action is Action.COORDINATE and actor.role is Role.COORDINATOR)


@_decide.register
def _(target: Referral, actor: Staff, action: Action) -> Verdict:
    # A referral is about a person before they are a user: the team's, like its users.
    if actor.role not in TEAM_ROLES:
        return Verdict.FORBIDDEN
    if target.team_id not in actor.team_ids:
        return Verdict.HIDDEN
    if action is Action.VIEW:
        return Verdict.ALLOWED
    return _allowed(action is Action.COORDINATE and actor.role is Role.COORDINATOR)


@_decide.register
def _(target: TransferRequest, actor: Staff, action: Action) -> Verdict:
    # The user's own team answers a request; the team that asked reads what it asked
    # (``transfers``: never the user's record). Coordination, so coordinators only.
    if actor.role not in TEAM_ROLES:
        return Verdict.FORBIDDEN
    owns = target.service_user.team_id in actor.team_ids and \
        target.service_user.deleted_at is None
    asked = target.to_team_id in actor.team_ids
    if not (owns or asked):
        return Verdict.HIDDEN
    if actor.role is not Role.COORDINATOR:
        return Verdict.FORBIDDEN
    return _allowed(action is Action.VIEW or (action is Action.COORDINATE and owns))


@_decide.register
def _(target: Visit, actor: Staff, action: Action) -> Verdict:
    verdict = _decide(target.service_user, actor, Action.VIEW)
    if verdict is not Verdict.ALLOWED or action is Action.VIEW:
        return verdict
    # A visit is changed by the person who makes it, or by a coordinator of the team.
    return _allowed(action is Action.RECORD and (
        actor.role is Role.COORDINATOR or target.staff_id == actor.id))


@_decide.register
def _(target: CareGiven, actor: Staff, action: Action) -> Verdict:
    if actor.role not in TEAM_ROLES:
        return Verdict.FORBIDDEN
    user = target.user
    ours = user.team_id in actor.team_ids or bool(target.teams_then & actor.team_ids)
    if user.deleted_at is not None or not ours:
        return Verdict.HIDDEN
    # One records the care one gave oneself (a coordinator, care given by anyone).
    return _allowed(action is Action.RECORD)


@_decide.register
def _(target: VisitToSettle, actor: Staff, action: Action) -> Verdict:
    # Care given that met a changed plan: the coordinators of the team that served the
    # user then settle it, also after the user moved on (they saw the record then).
    if actor.role not in TEAM_ROLES or target.team_id not in actor.team_ids:
        return Verdict.HIDDEN if actor.role in TEAM_ROLES else Verdict.FORBIDDEN
    return _allowed(actor.role is Role.COORDINATOR
                    and action in (Action.VIEW, Action.COORDINATE))


@_decide.register
def _(target: Team, actor: Staff, action: Action) -> Verdict:
    if actor.role is Role.ADMIN:
        # Administrators run the organisation, never the care inside a team.
        return _allowed(action in (Action.VIEW, Action.MANAGE))
    member = target.id in actor.team_ids
    leads = actor.role is Role.SECTION_LEADER and actor.section_id == target.section_id
    if not (member or leads):
        return Verdict.HIDDEN
    if action is Action.VIEW:
        return Verdict.ALLOWED
    if action is Action.RECORD:
        return _allowed(member)
    return _allowed(action is Action.COORDINATE and member and actor.role is Role.COORDINATOR)


def _in_section(actor: Staff, section_id: int) -> tuple[bool, bool]:
    """Whether ``actor`` leads the section, and whether they work in one of its teams."""
    leads = actor.role is Role.SECTION_LEADER and actor.section_id == section_id
    return leads, any(team.section_id == section_id for team in actor.teams)


@_decide.register
def _(target: Section, actor: Staff, action: Action) -> Verdict:
    if actor.role is Role.ADMIN:
        return Verdict.ALLOWED
    leads, works_in = _in_section(actor, target.id)
    if not (leads or works_in):
        return Verdict.HIDDEN
    return _allowed(action is Action.VIEW and leads)


@_decide.register
def _(target: SettingsOf, actor: Staff, action: Action) -> Verdict:
    section = target.section
    if actor.role is Role.ADMIN:
        return Verdict.ALLOWED
    leads, works_in = _in_section(actor, section.id)
    if not (leads or works_in):
        return Verdict.HIDDEN
    if action is Action.MANAGE:
        return _allowed(leads)
    # Transparency: the people measured see what is measured, and who decided it.
    return _allowed(action is Action.VIEW and (leads or actor.role is Role.COORDINATOR))


@_decide.register
def _(target: ReadingsOf, actor: Staff, action: Action) -> Verdict:
    # The team and its leader talk about the team's numbers; administrators run the
    # organisation and are not part of that conversation.
    if actor.role is Role.ADMIN:
        return Verdict.FORBIDDEN
    member = target.team.id in actor.team_ids
    leads = actor.role is Role.SECTION_LEADER and actor.section_id == target.team.section_id
    if not (member or leads):
        return Verdict.HIDDEN
    # Members write comments and answer; the leader answers and asks questions: both
    # write (RECORD).
    return _allowed(action in (Action.VIEW, Action.RECORD))


@_decide.register
def _(target: Staff, actor: Staff, action: Action) -> Verdict:
    if actor.role is Role.ADMIN:
        return Verdict.ALLOWED
    # Teammates see each other (they work together; forms name who asked or took part).
    if actor.id != target.id and not actor.team_ids & target.team_ids:
        return Verdict.HIDDEN
    return _allowed(action is Action.VIEW)


@_decide.register
def _(target: Organisation, actor: Staff, action: Action) -> Verdict:
    return _allowed(actor.role is Role.ADMIN)


def permits(actor: Staff | None, action: Action, target: object) -> Verdict:
    """Whether ``actor`` may do ``action`` to ``target``; falsy unless ALLOWED."""
    if not _signed_in(actor):
        return Verdict.FORBIDDEN
    return _decide(target, actor, action)


def judge(actor: Staff | None, action: Action, target: object) -> Verdict:
    """``permits``, and a refused attempt on a care record goes to the access log
    (innsynslogg), against the user it concerns where there is one (a referral may not
    have one yet), so that probing other teams' records leaves a trace. The one entry
    for checks a request makes on a named record (``ensure``, ``lookup.referenced``)."""
    verdict = permits(actor, action, target)
    if isinstance(target, CareGiven):
        target = target.record
    if verdict is not Verdict.ALLOWED and isinstance(target, CareRecordMixin):
        where = f" {request.method} {request.path}" if has_request_context() else ""
        record_refusal(target.__tablename__, target.id,
                       getattr(target, "service_user_id", None), f"{action.value}{where}")
    return verdict


def ensure(actor: Staff | None, action: Action, target: object) -> None:
    """Raise NotFound (hidden) or Forbidden unless the policy allows the action; a refusal
    on a user's record is logged."""
    verdict = judge(actor, action, target)
    if verdict is Verdict.HIDDEN:
        raise NotFound()
    if verdict is Verdict.FORBIDDEN:
        raise Forbidden()


def sees_national_ids(actor: Staff | None) -> bool:
    """Whether lists show ``actor`` whole national ids: coordinators register and identify
    users; everyone else sees the birth-date part (the whole id is on the user's record)."""
    return actor is not None and actor.role is Role.COORDINATOR


def works_in_a_team(actor: Staff | None) -> bool:
    """Whether ``actor`` is a team member (staff or coordinator), who records care for
    users: the door to a tablet's sync and to keeping a day's work offline."""
    return _signed_in(actor) and actor.role in TEAM_ROLES


def ensure_works_in_a_team(actor: Staff | None) -> None:
    """Forbidden unless ``actor`` works in a team (``works_in_a_team``)."""
    if not works_in_a_team(actor):
        raise Forbidden()


def visible_service_users(actor: Staff | None) -> sa.ColumnElement[bool]:
    """A WHERE clause selecting exactly the service users ``actor`` may view.

    The SQL twin of ``permits(actor, VIEW, user)``, for lists; a test holds them equal.
    Section leaders and administrators never list individual users: Forbidden.
    """
    if not _signed_in(actor):
        return sa.false()
    ensure_works_in_a_team(actor)
    if not actor.team_ids:
        return sa.false()
    return sa.and_(
        ServiceUser.team_id.in_(sorted(actor.team_ids)), ServiceUser.deleted_at.is_(None)
    )


def visible_transfer_requests(actor: Staff | None) -> sa.ColumnElement[bool]:
    """A WHERE clause selecting exactly the transfer requests ``actor`` may view (the SQL
    twin of ``permits(actor, VIEW, request)``): coordinators, for the users of their
    teams and for their teams' own requests; Forbidden for everyone else."""
    if not _signed_in(actor):
        return sa.false()
    if actor.role is not Role.COORDINATOR:
        raise Forbidden()
    teams = sorted(actor.team_ids)
    if not teams:
        return sa.false()
    return sa.or_(TransferRequest.to_team_id.in_(teams), TransferRequest.service_user.has(
        sa.and_(ServiceUser.team_id.in_(teams), ServiceUser.deleted_at.is_(None))))


def visible_visits_to_settle(actor: Staff | None) -> sa.ColumnElement[bool]:
    """A WHERE clause selecting exactly the visits to settle ``actor`` may view (the SQL
    twin of ``permits(actor, VIEW, to_settle)``): coordinators, their teams' only;
    Forbidden for everyone else."""
    if not _signed_in(actor):
        return sa.false()
    if actor.role is not Role.COORDINATOR:
        raise Forbidden()
    teams = sorted(actor.team_ids)
    return VisitToSettle.team_id.in_(teams) if teams else sa.false()


def visible_referrals(actor: Staff | None) -> sa.ColumnElement[bool]:
    """A WHERE clause selecting exactly the referrals ``actor`` may view (the SQL twin of
    ``permits(actor, VIEW, referral)``); Forbidden for those outside the teams."""
    if not _signed_in(actor):
        return sa.false()
    ensure_works_in_a_team(actor)
    return Referral.team_id.in_(sorted(actor.team_ids)) if actor.team_ids else sa.false()


def visible_sections(actor: Staff) -> sa.ColumnElement[bool]:
    """WHERE clause for the sections ``actor`` may list; Forbidden for roles with none."""
    if actor.role is Role.ADMIN:
        return sa.true()
    if actor.role is Role.SECTION_LEADER:
        return Section.id == actor.section_id
    raise Forbidden()


def visible_teams(actor: Staff) -> sa.ColumnElement[bool]:
    """WHERE clause for the teams ``actor`` may list (the SQL twin of VIEW on a team)."""
    if actor.role is Role.ADMIN:
        return sa.true()
    if actor.role is Role.SECTION_LEADER:
        return Team.section_id == actor.section_id
    return Team.id.in_(sorted(actor.team_ids)) if actor.team_ids else sa.false()


def visible_staff(actor: Staff) -> sa.ColumnElement[bool]:
    """WHERE clause for the staff ``actor`` may list: admins all, team members and
    coordinators their teams' members (and themselves); Forbidden for everyone else."""
    if actor.role is Role.ADMIN:
        return sa.true()
    if actor.role in TEAM_ROLES:
        teammates = sa.select(staff_teams.c.staff_id).where(
            staff_teams.c.team_id.in_(sorted(actor.team_ids)))
        return sa.or_(Staff.id == actor.id, Staff.id.in_(teammates))
    raise Forbidden()
