"""Care given against a changed plan, at the top of the coordinator's board (issue 32)."""

from datetime import datetime, time, timedelta

import sqlalchemy as sa

from homecare.core.audit import AuditAction, AuditEntry
from homecare.core.extensions import db
from homecare.core.timeutil import local_today, local_zone
from homecare.visits.care_given import CareRecord, record_care_given
from homecare.visits.models import Settlement, Visit, VisitStatus, VisitToSettle
from homecare.visits.services import change_visit, create_visit
from tests.factories import make_staff
from tests.helpers import csrf_token_from, sign_in


def two_versions(org):
    """A visit completed by a colleague, and the nurse's own version of it."""
    start = datetime.combine(local_today(), time(0, 30), tzinfo=local_zone())
    visit = create_visit(user=org.user_a1, staff=org.staff_a1, created_by=org.coordinator_a1,
                         kind="main", planned_start=start, planned_minutes=30)
    colleague = make_staff(teams=[org.team_a1], username="colleague.a1")
    change_visit(org.coordinator_a1, visit, staff=colleague)
    record_care_given(colleague, visit, CareRecord(start, start + timedelta(minutes=40),
                                                   "Kollegaen var der"))
    record_care_given(org.staff_a1, visit, CareRecord(start, start + timedelta(minutes=20),
                                                      "Dusj og frokost", 1))
    db.session.commit()
    return visit, colleague


def test_the_board_shows_both_versions_first_and_settles_with_one_tap(client, org):
    visit, colleague = two_versions(org)
    sign_in(client, "coord.a1")
    board = client.get(f"/teams/{org.team_a1.id}/board").text
    card = board[board.index('id="to-settle"'):]
    assert board.index('id="to-settle"') < board.index('id="intake-heading"')   # on top
    assert "Til avklaring" in board and org.user_a1.full_name in card
    assert colleague.full_name in card and org.staff_a1.full_name in card
    assert "Kollegaen var der" in card and "Dusj og frokost" in card
    assert "Bruk det som kom fra nettbrettet" in card and "Begge fant sted" in card
    item = db.session.scalar(sa.select(VisitToSettle))
    answer = client.post(f"/visits-to-settle/{item.id}", data={
        "choice": "replaced", "csrf_token": csrf_token_from(board)})
    assert answer.status_code == 302
    db.session.expire_all()
    assert db.session.get(VisitToSettle, item.id).settlement is Settlement.REPLACED
    stored = db.session.get(Visit, visit.id)
    assert stored.staff_id == org.staff_a1.id and stored.status is VisitStatus.COMPLETED
    assert 'id="to-settle"' not in client.get(f"/teams/{org.team_a1.id}/board").text
    # Shown on the board: a read of the user's record, logged.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == AuditAction.READ, AuditEntry.service_user_id == org.user_a1.id,
        AuditEntry.detail.contains("visits to settle"))) >= 1


def test_a_team_member_cannot_settle(client, org):
    two_versions(org)
    item = db.session.scalar(sa.select(VisitToSettle))
    sign_in(client, "staff.a1")
    token = csrf_token_from(client.get("/today").text)
    assert client.post(f"/visits-to-settle/{item.id}", data={
        "choice": "kept", "csrf_token": token}).status_code == 403
    db.session.expire_all()
    assert db.session.get(VisitToSettle, item.id).settled_at is None
