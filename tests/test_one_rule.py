"""Rules that once lived in two places and disagreed: each asked through the API and the
pages, which must give the same answer."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from homecare.core.timeutil import utcnow
from homecare.extensions import db
from homecare.indicators.settings import update_settings
from homecare.service_users.models import ResponsibleContactAssignment
from homecare.service_users.services import assign_responsible_contact
from tests.factories import make_staff, make_user
from tests.helpers import sign_in

# --- The caseload cap ---------------------------------------------------------------


def test_the_caseload_cap_is_the_persons_in_the_api_and_on_the_contact_page(api_as, client,
                                                                            org):
    """Someone working in two sections is held to the stricter cap, wherever it is shown."""
    both = make_staff(teams=[org.team_a1, org.team_b1], username="both.ab")
    update_settings(org.section_b, caseload_cap=2)
    for _ in range(2):
        assign_responsible_contact(make_user(org.team_a1), both, utcnow() - timedelta(days=1))
    listed = {s["id"]: s for s in api_as(org.coordinator_a1).get("/staff").json}
    assert (listed[both.id]["caseload"], listed[both.id]["caseload_over_cap"]) == (2, False)
    sign_in(client, "coord.a1")
    page = client.get(f"/users/{org.user_a1.id}/contact").text
    candidate = page[page.index("Test both.ab"):].split("</label>")[0]
    assert "Ville vært over grensen på 2" in candidate
    assign_responsible_contact(make_user(org.team_a1), both, utcnow() - timedelta(days=1))
    listed = {s["id"]: s for s in api_as(org.coordinator_a1).get("/staff").json}
    assert listed[both.id]["caseload_over_cap"] is True


# --- Which contact covers a moment ----------------------------------------------------

@pytest.mark.parametrize(("offset", "covered"), [
    (timedelta(seconds=-1), False), (timedelta(0), True), (timedelta(hours=5), True),
    (timedelta(days=1) - timedelta(microseconds=1), True), (timedelta(days=1), False)])
def test_covers_means_the_same_in_python_and_in_sql(org, offset, covered):
    start = utcnow().replace(microsecond=0) - timedelta(days=3)
    assignment = ResponsibleContactAssignment(
        service_user_id=org.user_a1.id, staff_id=org.staff_a1.id, valid_from=start,
        valid_to=start + timedelta(days=1))
    db.session.add(assignment)
    db.session.flush()
    moment = start + offset
    in_sql = db.session.scalar(sa.select(ResponsibleContactAssignment.covers(moment)).where(
        ResponsibleContactAssignment.id == assignment.id))
    assert bool(in_sql) is assignment.covers(moment) is covered
