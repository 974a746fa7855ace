"""Planning visits and logging what happened."""

from __future__ import annotations

import uuid
from datetime import datetime

from flask_babel import gettext as _

from homecare.core.timeutil import utcnow
from homecare.core.validation import FieldErrors
from homecare.extensions import db
from homecare.org.models import TEAM_ROLES, Staff
from homecare.service_users.models import ServiceUser
from homecare.visits.models import Visit, VisitKind, VisitStatus

#: Fields a visit update may change.
EDITABLE_FIELDS = frozenset({"staff", "kind", "planned_start", "planned_minutes", "status",
                             "actual_start", "actual_end", "note"})


def _check_visit(errors: FieldErrors, visit: Visit) -> None:
    """Every rule a visit must satisfy, whether new or changed."""
    errors.require(visit.staff.role in TEAM_ROLES
                   and visit.service_user.team_id in visit.staff.team_ids, "staff_id",
                   _("The visit must be made by a member of the user's team."))
    errors.require(isinstance(visit.planned_minutes, int) and 1 <= visit.planned_minutes <= 1440,
                   "planned_minutes", _("Planned duration is 1 to 1440 minutes."))
    start, end = visit.actual_start, visit.actual_end
    if start is not None and end is not None and end <= start:
        errors.add("actual_end", _("The visit cannot end before it starts."))
    if visit.status is VisitStatus.COMPLETED:
        errors.require(start is not None, "actual_start",
                       _("A completed visit needs the time it started."))
        errors.require(end is not None, "actual_end",
                       _("A completed visit needs the time it ended."))
        if end is not None and end > utcnow():
            errors.add("actual_end", _("A completed visit cannot end in the future."))
    errors.text("note", visit.note, max_length=4000, required=False)


def build_visit(*, user: ServiceUser, staff: Staff, created_by: Staff, kind: VisitKind | str,
                planned_start: datetime, planned_minutes: int,
                status: VisitStatus | str = VisitStatus.PLANNED,
                actual_start: datetime | None = None, actual_end: datetime | None = None,
                note: str | None = None, visit_id: uuid.UUID | None = None) -> Visit:
    """A checked, not yet saved visit; raises ValidationFailed listing every problem.

    Separate from ``create_visit`` so that bulk loaders can check each visit by the same
    rules and save many in one flush.
    """
    errors = FieldErrors()
    kind = errors.choice(VisitKind, "kind", kind, _("Choose a main visit or a short visit."))
    status = errors.choice(VisitStatus, "status", status, _("Unknown visit status."))
    errors.raise_if_any()
    visit = Visit(id=visit_id or uuid.uuid4(), service_user=user, staff=staff, kind=kind,
                  planned_start=planned_start, planned_minutes=planned_minutes, status=status,
                  actual_start=actual_start, actual_end=actual_end, note=note or None,
                  created_by_id=created_by.id)
    _check_visit(errors, visit)
    errors.raise_if_any()
    return visit


def create_visit(**fields) -> Visit:
    """Plan a visit or log one already made (fields as for ``build_visit``)."""
    visit = build_visit(**fields)
    db.session.add(visit)
    db.session.flush()
    return visit


def update_visit(visit: Visit, **changes) -> Visit:
    """Change a visit (e.g. complete it), re-checking every rule; a refused change leaves
    the visit as it was."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    errors = FieldErrors()
    if "kind" in changes:
        changes["kind"] = errors.choice(VisitKind, "kind", changes["kind"],
                                _("Choose a main visit or a short visit."))
    if "status" in changes:
        changes["status"] = errors.choice(VisitStatus, "status", changes["status"],
                                  _("Unknown visit status."))
    errors.raise_if_any()
    before = {field: getattr(visit, field) for field in changes}
    for field, value in changes.items():
        setattr(visit, field, value)
    _check_visit(errors, visit)
    if errors:
        for field, value in before.items():
            setattr(visit, field, value)
        errors.raise_if_any()
    db.session.flush()
    return visit
