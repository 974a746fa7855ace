"""The access log in words a person reads: what was read or changed, never a table or a
field name.

The access log keeps what the code names (``visits``, ``list: worklist``,
``responsible_contacts: valid_to``); the user's access report is what a person is
entitled to by law, so each row is described here in the reader's language (issue 31).
Anything not named below reads as "another part of the record" rather than as code.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from homecare.core.audit import KEPT_SUFFIX, LIST_READ_PREFIX, AuditAction

#: What each kind of record is called.
RECORDS = {
    "service_users": _l("the user's details"),
    "next_of_kin": _l("next of kin"),
    "service_user_teams": _l("the team that serves the user"),
    "responsible_contacts": _l("the responsible contact"),
    "goals": _l("goals"),
    "check_ins": _l("follow-ups"),
    "visits": _l("visits"),
    "visit_corrections": _l("corrections of visits"),
    "decisions": _l("team decisions"),
    "what_matters": _l("«What matters to you?» conversations"),
    "referrals": _l("the referral"),
    "transfer_requests": _l("a request to move the user to another team"),
    "indicator_readings": _l("a comment on the team's numbers"),
    "prompts": _l("reminders"),
}

#: What a read showed, by what the code logged.
PARTS = {
    "user page": _l("the user's page"),
    "journal": _l("the journal"),
    "record": _l("the user's details"),
    "search": _l("a search that found the user"),
    "list": _l("the list of users"),
    "worklist": _l("today's work"),
    "worklist: intake": _l("today's work: the intake"),
    "team board": _l("the team board"),
    "team board: reminders": _l("the team board's reminders"),
    "team board: intake": _l("the team board's intake"),
    "team board: transfer requests": _l("the team board's requests to move users"),
    "week planner": _l("the week planner"),
    "continuity preview": _l("planning a visit"),
    "form: plan visit": _l("planning a visit"),
    "form: contact": _l("choosing the responsible contact"),
    "form: check_in": _l("the follow-up form"),
    "form: what_matters": _l("the «What matters to you?» form"),
    "form: goal": _l("the goal form"),
    "form: complete_visit": _l("the form to complete a visit"),
    "form: decision": _l("the team decision form"),
    "form: visit missed": _l("the form for a visit that did not take place"),
    "access log": _l("who has read or changed the record"),
    "access report": _l("the access report"),
    "access review": _l("the administrator's review of access"),
    "own plan (printed)": _l("the user's own plan, to print"),
    "responsible contacts": _l("the responsible contacts over time"),
    "what matters": _l("«What matters to you?» conversations"),
    "goals": _l("goals"),
    "visits": _l("visits"),
    "decisions": _l("team decisions"),
    "check-ins": _l("follow-ups"),
    "referral": _l("the referral"),
    "transfer request": _l("a request to move the user to another team"),
    "transfer requests": _l("requests to move users to another team"),
}

#: What the fields of an update are called.
FIELDS = {
    "status": _l("status"), "note": _l("note"), "actual_start": _l("times"),
    "actual_end": _l("times"), "planned_start": _l("time"), "planned_minutes": _l("length"),
    "staff_id": _l("who makes it"), "kind": _l("kind"), "valid_to": _l("end"),
    "valid_from": _l("start"), "team_id": _l("team"), "service_end": _l("end of service"),
    "address": _l("address"), "full_name": _l("name"), "needs_proxy": _l("needs proxy"),
    "closed_on": _l("closed"), "review_on": _l("review date"), "missed_reason": _l("reason"),
    "reason": _l("reason"), "correctable_until": _l("times"),
}


def _part(base: str, entity: str) -> str:
    if base in PARTS:
        return str(PARTS[base])
    if base.startswith("FHIR"):
        return _("the record sent to another system (FHIR)")
    if base.endswith(("(repeated PUT)", "(repeated completion)")):
        return _("%(part)s, sent again from a tablet",
                 part=_part(base.rsplit(" (", 1)[0].replace("_", " "), entity))
    if base in RECORDS:
        return str(RECORDS[base])
    return str(RECORDS.get(entity, _("another part of the record")))


def _read(entity: str, detail: str | None) -> str:
    detail = detail or ""
    kept = detail.endswith(KEPT_SUFFIX)
    detail = detail.removesuffix(KEPT_SUFFIX)
    listed = detail.startswith(LIST_READ_PREFIX)
    part = _part(detail.removeprefix(LIST_READ_PREFIX), entity)
    if listed:
        part = _("%(part)s (the user among others)", part=part)
    if kept:
        part = _("%(part)s (kept on the tablet for use without signal)", part=part)
    return part


def _update(entity: str, detail: str | None) -> str:
    record = str(RECORDS.get(entity, _("another part of the record")))
    names = [str(FIELDS.get(field.strip(), _("other details")))
             for field in (detail or "").split(",") if field.strip()]
    if not names:
        return record
    return _("%(record)s: %(fields)s", record=record, fields=", ".join(dict.fromkeys(names)))


def describe(entity: str, action: str, detail: str | None) -> str:
    """One access-log row's "what", for the person it is about and their coordinator."""
    if action == AuditAction.READ:
        return _read(entity, detail)
    if action == AuditAction.UPDATE:
        return _update(entity, detail)
    if action == AuditAction.REFUSED:
        return _("%(record)s: the attempt was refused", record=str(
            RECORDS.get(entity, _("another part of the record"))))
    return str(RECORDS.get(entity, _("another part of the record")))
