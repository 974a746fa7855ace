"""Fuzzing the HTML forms, as schemathesis does the API (issue 11).

Each form's fields are read from its page; Hypothesis then fills them with hostile
values — NUL and other control characters, lone surrogates' neighbours, invisible text,
huge strings, dates near year 1 and 9999, numbers out of range — and posts them with a
valid CSRF token. No answer may be a server error, and a refused post writes nothing.
"""

from __future__ import annotations

import os
from datetime import time, timedelta
from html.parser import HTMLParser

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from homecare.core.extensions import db
from homecare.core.timeutil import local_today, utcnow
from homecare.decisions.services import record_decision
from homecare.goals.services import create_goal
from homecare.intake.services import record_referral
from homecare.org.models import Role
from homecare.service_users.services import update_service_user
from homecare.visits.series import plan_series
from homecare.visits.services import create_visit
from tests.factories import make_staff
from tests.helpers import csrf_token_from, sign_in

EXAMPLES = int(os.environ.get("HOMECARE_FORM_FUZZ_EXAMPLES", "15"))
#: Tables whose row counts must not move when a post is refused.
WATCHED = ("goals", "check_ins", "visits", "decisions", "what_matters", "responsible_contacts",
           "staff", "teams", "sections", "section_settings", "service_users", "next_of_kin",
           "service_user_teams", "transfer_requests", "referrals", "visit_series",
           "goal_status_changes", "decision_reviews")


class _Fields(HTMLParser):
    """The names (and offered values) of the fields in a page's first POST form."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self._in_form = self._done = False
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post" and not self._done:
            self._in_form = "logout" not in (attrs.get("action") or "")
        if not self._in_form or not attrs.get("name") or attrs["name"] == "csrf_token":
            if tag == "option" and self._select:
                self.fields[self._select].append(attrs.get("value") or "")
            return
        if tag in ("input", "textarea"):
            self.fields.setdefault(attrs["name"], []).append(attrs.get("value") or "")
        elif tag == "select":
            self._select = attrs["name"]
            self.fields.setdefault(self._select, [])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "form" and self._in_form:
            self._in_form, self._done = False, True


def form_fields(html: str) -> dict[str, list[str]]:
    parser = _Fields()
    parser.feed(html)
    return parser.fields


HOSTILE_TEXT = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=30),
    st.sampled_from(["", " ", "\x00", "a\x00b", "\u200b\u200b", "\ufeff", "\u202e",
                     "0001-01-01", "9999-12-31", "1899-12-31", "2026-02-30", "-1", "0",
                     "11", "2147483648", "99999999999999999999", "1e309", "NaN", "25:61",
                     "<script>alert(1)</script>", "' OR 1=1 --", "x" * 5000]),
)


def _value(offered: list[str]):
    real = [v for v in offered if v]
    return st.one_of(HOSTILE_TEXT, st.sampled_from(real)) if real else HOSTILE_TEXT


def _counts() -> dict[str, int]:
    return {table: db.session.scalar(sa.text(f"SELECT count(*) FROM {table}"))  # noqa: S608
            for table in WATCHED}


def _decision(org):
    """A decision in force whose review is due: reviewed, revised or ended by the fuzz."""
    today = local_today()
    return record_decision(user=org.user_a1, created_by=org.coordinator_a1,
                           decided_on=today - timedelta(days=100),
                           participants=[org.coordinator_a1], user_participated=True,
                           goal_statement="Mål", services="Tjenester", reasons="Grunner",
                           valid_from=today - timedelta(days=100),
                           review_on=today - timedelta(days=1))


def _forms(org) -> list[tuple[str, str, str]]:
    """(who, page with the form, where it posts)."""
    goal = create_goal(user=org.user_a1, created_by=org.staff_a1, description="Gå tur",
                       expressed_by="user", start_date=local_today() - timedelta(days=10))
    visit = create_visit(user=org.user_a1, staff=org.staff_a1, created_by=org.coordinator_a1,
                         kind="main", planned_start=utcnow() + timedelta(hours=2),
                         planned_minutes=30)
    repeating = plan_series(org.coordinator_a1, user=org.user_a1, staff=org.staff_a1,
                            kind="main", weekdays=[3], start_time=time(21), planned_minutes=30,
                            first_day=local_today() + timedelta(days=1),
                            until=local_today() + timedelta(days=15))[1][0]
    user = f"/users/{org.user_a1.id}"
    team = f"/teams/{org.team_a1.id}"
    update_service_user(org.user_a1, next_of_kin=[{"name": "Per", "relation": "sønn",
                                                   "phone": "3"}])
    kin = f"{user}/kin/{org.user_a1.next_of_kin[0].id}"
    referral = record_referral(team=org.team_a1, created_by=org.coordinator_a1,
                               received_on=local_today(), source="gp",
                               person_name="Ola Henvist", need="Sårstell", today=local_today())
    register = f"{team}/users/new?referral={referral.id}"
    make_staff(Role.COORDINATOR, teams=[org.team_a1, org.team_a2], username="coord.both")
    decision = f"/decisions/{_decision(org).id}"
    return [
        ("coord.a1", register, register),
        ("coord.a1", f"{team}/users/new", f"{team}/users/new"),
        ("coord.a1", f"{user}/details/edit", f"{user}/details/edit"),
        ("coord.a1", f"{user}/kin/new", f"{user}/kin/new"),
        ("coord.a1", kin, kin),
        ("coord.a1", f"{user}/end", f"{user}/end"),
        ("coord.both", f"{user}/move", f"{user}/move"),
        ("staff.a1", f"{user}/goals/{goal.id}/status", f"{user}/goals/{goal.id}/status"),
        ("staff.a1", f"{user}/goals/{goal.id}/edit", f"{user}/goals/{goal.id}/edit"),
        ("coord.a1", f"{decision}/review", f"{decision}/review"),
        ("coord.a1", f"{decision}/revise", f"{decision}/revise"),
        ("coord.a1", f"{decision}/end", f"{decision}/end"),
        ("staff.a1", f"{user}/goals/{goal.id}/check-in", f"{user}/goals/{goal.id}/check-in"),
        ("staff.a1", f"/visits/{visit.id}/complete", f"/visits/{visit.id}/complete"),
        ("staff.a1", f"{user}/what-matters/new", f"{user}/what-matters/new"),
        ("staff.a1", f"{user}/goals/new", f"{user}/goals/new"),
        ("staff.a1", "/account/password", "/account/password"),
        ("coord.a1", f"{user}/contact", f"{user}/contact"),
        ("coord.a1", f"{user}/decisions/new", f"{user}/decisions/new"),
        ("coord.a1", f"{team}/planner/new", f"{team}/planner/new"),
        ("coord.a1", f"/visits/{visit.id}/plan", f"/visits/{visit.id}/plan"),
        ("coord.a1", f"/visits/{repeating.id}/plan", f"/visits/{repeating.id}/plan"),
        ("leader.a", f"/sections/{org.section_a.id}/settings",
         f"/sections/{org.section_a.id}/settings"),
        ("admin", "/admin/staff/new", "/admin/staff/new"),
        ("admin", f"/admin/staff/{org.staff_a2.id}", f"/admin/staff/{org.staff_a2.id}"),
        ("admin", "/admin/organisation", "/admin/organisation"),
        ("admin", f"/admin/teams/{org.team_a2.id}", f"/admin/teams/{org.team_a2.id}"),
    ]


def fuzz_one_form(client, page: str, action: str, undo, statuses: dict[int, int]) -> None:
    """Post hostile values into every field of the form on ``page``."""
    html = client.get(page).text
    fields = form_fields(html)
    assert fields, f"no form fields found on {page}"
    token = csrf_token_from(html)
    strategy = st.fixed_dictionaries({name: _value(offered) for name, offered in fields.items()})

    @given(data=strategy)
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def survives(data):
        with undo():
            before = _counts()
            answer = client.post(action, data={**data, "csrf_token": token})
            assert answer.status_code < 500, (action, data)
            statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
            if answer.status_code >= 400:
                assert _counts() == before, (action, data)

    survives()


def test_no_form_answers_hostile_input_with_a_server_error(app, org, undo):
    statuses: dict[int, int] = {}
    for who, page, action in _forms(org):
        client = app.test_client()
        sign_in(client, who)
        fuzz_one_form(client, page, action, undo, statuses)
    # The run means something only if the forms both refused and accepted input.
    assert statuses.get(422, 0) > 0 and statuses.get(302, 0) > 0, statuses
