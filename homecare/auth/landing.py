"""Where a person lands after signing in: where their work is, not a welcome page."""

from __future__ import annotations

from flask import url_for

from homecare.org.models import Role, Staff


def landing_for(staff: Staff) -> str:
    """The address of ``staff``'s work: today's visits for a team member, the team board
    for a coordinator (their first team), the section's dashboard for a section leader;
    the start page for an administrator, or for anyone without a team or section yet."""
    if staff.role is Role.STAFF and staff.teams:
        return url_for("care.today")
    if staff.role is Role.COORDINATOR and staff.teams:
        return url_for("care.board", team_id=staff.teams[0].id)
    if staff.role is Role.SECTION_LEADER and staff.section_id:
        return url_for("dashboard.dashboard", section_id=staff.section_id)
    return url_for("web.start")
