"""Pages over the access log: a user's log and printable report for their coordinator,
and the administrator's review of unusual access and failed sign-ins."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from homecare.access_review.labels import describe
from homecare.access_review.services import (
    MAX_PERIOD,
    all_user_entries,
    people_in_log,
    refusals,
    unusual_reads,
    user_entries,
)
from homecare.auth.throttle import failed_sign_ins
from homecare.core.audit import AuditAction, record_read, record_reads
from homecare.core.converters import record_id
from homecare.core.dates import day_text
from homecare.core.timeutil import LocalDays, local_today, parse_day
from homecare.policy.access import ORGANISATION, Action, ensure
from homecare.policy.lookup import actor, load
from homecare.service_users.models import ServiceUser

blueprint = Blueprint("access_review", __name__, template_folder="templates")
blueprint.context_processor(lambda: {"describe_access": describe})

#: The period shown when none is asked for.
DEFAULT_DAYS = 30
#: The earliest day a review may start: older input is a typo, not a period.
EARLIEST = date(2000, 1, 1)

ACTION_LABELS = {
    AuditAction.READ: _l("Read"),
    AuditAction.CREATE: _l("Recorded"),
    AuditAction.UPDATE: _l("Changed"),
    AuditAction.REFUSED: _l("Refused"),
}


def asked_period() -> tuple[LocalDays, list[str]]:
    """The period in ``?from=&to=`` (local dates), or the last 30 days, with what was wrong
    with the input: an impossible or out-of-range date is named, never a crash."""
    today = local_today()
    first, last = parse_day(request.args.get("from")), parse_day(request.args.get("to"))
    errors = []
    if any(request.args.get(n) and d is None for n, d in (("from", first), ("to", last))):
        errors.append(_("Choose each date in the calendar, from %(first)s.",
                        first=day_text(EARLIEST)))
    last = last or today
    first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    if not EARLIEST <= first <= last <= today + timedelta(days=1) \
            or last - first > MAX_PERIOD:
        errors.append(_("Choose a period of at most a year, from %(day)s until today, with "
                        "the first day before the last.", day=day_text(EARLIEST)))
        last, first = today, today - timedelta(days=DEFAULT_DAYS - 1)
    return LocalDays(first, last), errors




@blueprint.route("/users/<uuid:user_id>/access-log")
def user_log(user_id):
    """Who read or changed this user's record, filterable by period and person
    (coordinators of the user's team)."""
    user = load(ServiceUser, user_id, Action.COORDINATE)
    period, errors = asked_period()
    staff_id = request.args.get("staff_id", type=record_id)
    page = max(1, min(request.args.get("page", 1, type=int), 10_000))
    entries, more = user_entries(user.id, period, staff_id, page)
    record_read(user.id, "access log")
    return render_template("access_review/user_log.html", user=user, period=period,
                           errors=errors, entries=entries, more=more, page=page,
                           staff_id=staff_id, people=people_in_log(user.id),
                           actions=ACTION_LABELS)


@blueprint.route("/users/<uuid:user_id>/access-report")
def user_report(user_id):
    """The user's access report, for printing: who (name and role), when and what, over
    the period — what the user is entitled to see of their record's log."""
    user = load(ServiceUser, user_id, Action.COORDINATE)
    period, errors = asked_period()
    entries = all_user_entries(user.id, period)
    record_read(user.id, "access report")
    return render_template("access_review/user_report.html", user=user, period=period,
                           errors=errors, entries=entries, today=local_today(),
                           actions=ACTION_LABELS)


@blueprint.route("/admin/access-review")
def review():
    """For administrators: reads with no visit, prompt or contact role behind them,
    refused attempts, and failed sign-ins, so that the access log is actually reviewed."""
    ensure(actor(), Action.MANAGE, ORGANISATION)
    period, errors = asked_period()
    unusual = unusual_reads(period)
    record_reads([row.service_user_id for row in unusual], "access review")  # ids shown
    return render_template("access_review/review.html", period=period, errors=errors,
                           unusual=unusual, refused=refusals(period),
                           sign_ins=failed_sign_ins(period.starts))
