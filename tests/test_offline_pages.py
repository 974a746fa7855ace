"""The tablet app's server side: the manifest, the worker, the session facts."""

from tests.factories import make_user
from tests.helpers import sign_in


def test_the_manifest_speaks_the_readers_language(client):
    bokmal = client.get("/manifest.webmanifest")
    assert bokmal.mimetype == "application/manifest+json"
    assert bokmal.json["name"] == "Hjemmetjenesten" and bokmal.json["lang"] == "nb"
    assert bokmal.json["start_url"] == "/today"
    english = client.get("/manifest.webmanifest", headers={"Accept-Language": "en"})
    assert english.json["name"] == "Home care" and english.json["lang"] == "en"
    assert "Today's work" in english.json["description"]


def test_the_worker_is_served_from_the_root_and_always_revalidated(client):
    with client.get("/sw.js") as response:
        assert response.mimetype == "text/javascript"
        assert response.headers["Cache-Control"] == "no-cache"
        assert b"homecare-pages" in response.data


def test_a_page_tells_the_script_who_is_signed_in_and_the_batch_limit(client, org):
    from homecare.sync.services import MAX_OPERATIONS

    sign_in(client, "staff.a1")
    page = client.get("/today").get_data(as_text=True)
    assert f'name="homecare-session" content="{org.staff_a1.id}"' in page
    assert f'data-max-batch="{MAX_OPERATIONS}"' in page and 'data-keeps-day="yes"' in page
    facts = client.get("/offline/session").json
    assert facts["staff_id"] == org.staff_a1.id and facts["csrf_token"]


def _visit_today(org, user, staff):
    from datetime import timedelta

    from homecare.core.timeutil import utcnow
    from homecare.visits.services import create_visit

    return create_visit(user=user, staff=staff, created_by=org.coordinator_a1, kind="main",
                        planned_start=utcnow() + timedelta(minutes=30), planned_minutes=30)


def _keep_ticket(client) -> str:
    """The ticket today's page gives its worker for keeping the day's pages."""
    import re

    return re.search(r'data-keep-day="([^"]+)"', client.get("/today").text).group(1)


def _user_reads(user) -> list[str]:
    import sqlalchemy as sa

    from homecare.core.audit import AuditAction, AuditEntry
    from homecare.core.extensions import db

    return db.session.scalars(sa.select(AuditEntry.detail).where(
        AuditEntry.action == AuditAction.READ, AuditEntry.service_user_id == user.id,
        AuditEntry.detail.not_like("list:%")).order_by(AuditEntry.id)).all()


def test_a_page_the_tablet_keeps_for_later_is_logged_as_kept_not_opened(client, org):
    from homecare.core.audit import KEPT_HEADER, KEPT_SUFFIX

    _visit_today(org, org.user_a1, org.staff_a1)
    sign_in(client, "staff.a1")
    page = f"/users/{org.user_a1.id}"
    assert client.get(page, headers={KEPT_HEADER: _keep_ticket(client)}).status_code == 200
    assert client.get(page).status_code == 200
    assert _user_reads(org.user_a1) == ["user page" + KEPT_SUFFIX, "user page"]


def test_the_keep_marker_marks_only_the_days_users_for_whom_it_was_signed(client, org):
    # Issue 33, L7: any client could send «X-Homecare-Keep: 1» and make a deliberate read
    # appear as "(kept on tablet)" in the user's access log and report.
    from homecare.core.audit import KEPT_HEADER, KEPT_SUFFIX

    _visit_today(org, org.user_a1, org.staff_a1)
    not_on_the_day = make_user(org.team_a1, full_name="Kari Utenfor")
    colleague = client.application.test_client()
    sign_in(colleague, "coord.a1")
    _visit_today(org, org.user_a1, org.coordinator_a1)
    others_ticket = _keep_ticket(colleague)
    sign_in(client, "staff.a1")
    mine = _keep_ticket(client)
    for ticket in ("1", "day", mine[:-3] + "abc", others_ticket):
        client.get(f"/users/{org.user_a1.id}", headers={KEPT_HEADER: ticket})
    client.get(f"/users/{not_on_the_day.id}", headers={KEPT_HEADER: mine})
    assert KEPT_SUFFIX not in "".join(_user_reads(org.user_a1))
    assert _user_reads(not_on_the_day) == ["user page"]


def test_a_form_sent_again_under_its_id_is_stored_once(client, org):
    """The tablet posts a form with the id it chose; sent again (the answer was lost),
    or sent later from its queue, it is recognised, as the API recognises a repeat."""
    import uuid

    import sqlalchemy as sa

    from homecare.core.extensions import db
    from homecare.core.timeutil import local_today
    from homecare.what_matters.models import WhatMattersConversation
    from tests.helpers import csrf_token_from

    sign_in(client, "staff.a1")
    path = f"/users/{org.user_a1.id}/what-matters/new"
    record_id = str(uuid.uuid4())
    data = {"conversation_date": str(local_today()), "present": "user",
            "in_own_words": "Å stelle hagen", "record_id": record_id,
            "csrf_token": csrf_token_from(client.get(path).text)}
    by_script = {"X-Homecare-Form": "yes"}
    first = client.post(path, data=data, headers=by_script)
    assert first.status_code == 204   # the script opens the user page itself
    assert "Lagret." in client.get(f"/users/{org.user_a1.id}").text
    assert client.post(path, data=data).status_code == 302   # without the script
    assert client.post(path, data={**data, "record_id": "not-an-id"}).status_code == 422
    stored = db.session.scalars(sa.select(WhatMattersConversation.id)).all()
    assert [str(i) for i in stored] == [record_id]
    # Spaces for an id (found by the form fuzzer) are no id: the server chooses one.
    assert client.post(path, data={**data, "record_id": " "}).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(WhatMattersConversation.id))) == 2
    # The same record from the tablet's queue is a repeat, not a second record.
    body = {"service_user_id": str(org.user_a1.id), "conversation_date": data[
        "conversation_date"], "asked_by": org.staff_a1.id, "present": ["user"],
        "in_own_words": "Å stelle hagen", "spoken_for_by": None}
    results = client.post("/api/v1/sync", json={"operations": [
        {"id": record_id, "kind": "what_matters", "body": body}]},
        headers={"X-CSRFToken": data["csrf_token"]}).json["results"]
    assert [r["status"] for r in results] == [200]


def test_a_page_kept_for_later_leaves_the_saved_message_for_the_page_opened_next(
        client, org):
    """The worker may fetch the user's page between the save and the page the script
    opens; that copy must not take the "Saved." the person should see."""
    import uuid

    from homecare.core.audit import KEPT_HEADER
    from homecare.core.timeutil import local_today
    from tests.helpers import csrf_token_from

    _visit_today(org, org.user_a1, org.staff_a1)
    sign_in(client, "staff.a1")
    ticket = _keep_ticket(client)
    path, page = f"/users/{org.user_a1.id}/what-matters/new", f"/users/{org.user_a1.id}"
    assert client.post(path, headers={"X-Homecare-Form": "yes"}, data={
        "conversation_date": str(local_today()), "present": "user",
        "in_own_words": "Å stelle hagen", "record_id": str(uuid.uuid4()),
        "csrf_token": csrf_token_from(client.get(path).text)}).status_code == 204
    assert "Lagret." not in client.get(page, headers={KEPT_HEADER: ticket}).text
    assert "Lagret." in client.get(page).text
