"""The tablet app's server side: the manifest, the worker, the session facts."""

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
    from homecare.sync.service import MAX_OPERATIONS

    sign_in(client, "staff.a1")
    page = client.get("/today").get_data(as_text=True)
    assert f'name="homecare-session" content="{org.staff_a1.id}"' in page
    assert f'data-max-batch="{MAX_OPERATIONS}"' in page and 'data-keeps-day="yes"' in page
    facts = client.get("/offline/session").json
    assert facts["staff_id"] == org.staff_a1.id and facts["csrf_token"]


def test_a_page_the_tablet_keeps_for_later_is_logged_as_kept_not_opened(client, org):
    import sqlalchemy as sa

    from homecare.core.audit import KEPT_HEADER, KEPT_SUFFIX, AuditAction, AuditEntry
    from homecare.extensions import db

    sign_in(client, "staff.a1")
    page = f"/users/{org.user_a1.id}"
    assert client.get(page, headers={KEPT_HEADER: "day"}).status_code == 200
    assert client.get(page).status_code == 200
    reads = db.session.scalars(sa.select(AuditEntry.detail).where(
        AuditEntry.action == AuditAction.READ, AuditEntry.service_user_id == org.user_a1.id)
        .order_by(AuditEntry.id)).all()
    assert reads == ["user page" + KEPT_SUFFIX, "user page"]
