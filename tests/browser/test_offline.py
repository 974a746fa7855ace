"""The tablet without signal: today's work kept, records queued, sent once, cleared."""

from __future__ import annotations

import re
import time

import pytest
import sqlalchemy as sa

from homecare.core.extensions import db
from homecare.goals.models import CheckIn, Goal
from homecare.service_users.models import ServiceUser
from homecare.visits.models import Visit, VisitStatus
from homecare.what_matters.models import WhatMattersConversation
from tests.browser.checks import sign_in
from tests.browser.conftest import PASSWORD

NURSE = "sykepleier.bjolsen"
WORDS = "Å få sitte på trappa i sola"


def signed_in_with_the_day_kept(live_server, open_page):
    page = open_page("tablet", "nb")
    sign_in(page, live_server.url, NURSE, PASSWORD, "nb")
    page.goto(f"{live_server.url}/today")
    page.wait_for_selector("html[data-day-kept=yes]", timeout=30000)
    return page


def status(page) -> str:
    return page.locator("#sync-status").inner_text()


def wait_for_status(page, text: str, timeout: int = 15000) -> None:
    page.wait_for_function("text => document.getElementById('sync-status').innerText"
                           ".includes(text)", arg=text, timeout=timeout)


def wait_until(check, timeout_s: float = 15) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.25)


def save_what_matters(page, journey: dict) -> None:
    """From /today, record a «what matters» conversation with the journey's user."""
    page.get_by_role("link", name=re.compile(journey["name"])).first.click()
    page.get_by_role("link", name="Registrer hva som er viktig").click()
    page.get_by_label("Brukeren", exact=True).check()
    page.get_by_label("Hva er viktig for deg? (med brukerens egne ord)").fill(WORDS)
    page.get_by_role("button", name="Lagre", exact=True).click()


def queue_what_matters_offline(page, journey: dict) -> None:
    page.context.set_offline(True)
    save_what_matters(page, journey)
    wait_for_status(page, "1 venter")


def answer_follow_up(page, answer: str, rating: str | None = None) -> None:
    """The user answers for themself: a rating if given, and ``answer`` to each of the
    three questions (nothing is chosen in advance)."""
    page.locator("fieldset", has_text="Hvem svarte").get_by_text("Brukeren", exact=True
                                                                 ).click()
    if rating:
        page.locator("fieldset", has_text="Hvor godt mestrer du det nå").get_by_text(
            rating, exact=True).click()
    for question in ("Fikk du den hjelpen du forventet", "Fikk du påvirke hjelpen",
                     "Er du fornøyd med hjelpen"):
        page.locator("fieldset", has_text=question).get_by_text(answer, exact=True).click()


def record_three_things_offline(page, journey: dict) -> None:
    """Complete the morning's visit, record the overdue follow-up and a «what matters»
    conversation, all from pages kept on the tablet."""
    page.locator("li", has_text=journey["name"]).get_by_role("link", name="Fullfør besøket"
                                                             ).click()
    page.get_by_role("button", name="Lagre", exact=True).click()
    page.wait_for_selector("text=Lagret på nettbrettet")
    assert journey["name"] in page.inner_text("h1")
    wait_for_status(page, "1 venter")

    page.locator("li", has_text=journey["goal"]).get_by_role(
        "link", name="Registrer oppfølging").click()
    answer_follow_up(page, "Ja", rating="7")
    page.get_by_role("button", name="Lagre", exact=True).click()
    wait_for_status(page, "2 venter")

    page.get_by_role("link", name="Registrer hva som er viktig").click()
    page.get_by_label("Brukeren", exact=True).check()
    page.get_by_label("Hva er viktig for deg? (med brukerens egne ord)").fill(WORDS)
    page.get_by_role("button", name="Lagre", exact=True).click()
    wait_for_status(page, "3 venter")
    queue = page.locator("#offline-queue").inner_text()
    assert "Ikke sendt ennå" in queue and queue.count("Venter på å bli sendt") == 3


def stored(live_server, journey: dict) -> dict:
    """What the server holds for the journey's user, counted in its database."""
    with live_server.database():
        user = db.session.scalar(sa.select(ServiceUser).where(
            ServiceUser.full_name == journey["name"]))
        count = lambda query: db.session.scalar(  # noqa: E731
            sa.select(sa.func.count()).select_from(query.subquery()))
        return {
            "completed": count(sa.select(Visit).where(Visit.service_user_id == user.id,
                                                      Visit.status == VisitStatus.COMPLETED)),
            "visits": count(sa.select(Visit).where(Visit.service_user_id == user.id)),
            "check_ins": count(sa.select(CheckIn).join(Goal).where(
                Goal.service_user_id == user.id)),
            "what_matters": count(sa.select(WhatMattersConversation).where(
                WhatMattersConversation.service_user_id == user.id,
                WhatMattersConversation.in_own_words == WORDS)),
        }


ONCE = {"completed": 1, "visits": 1, "check_ins": 1, "what_matters": 1}


def test_a_nurse_records_a_visit_without_signal_and_it_arrives_once(live_server, open_page):
    journey = live_server.journey()
    page = signed_in_with_the_day_kept(live_server, open_page)
    page.context.set_offline(True)
    page.reload()
    assert journey["name"] in page.inner_text("main")
    wait_for_status(page, "Ingen dekning")
    page.get_by_role("link", name=re.compile(journey["name"])).first.click()
    assert journey["goal"] in page.inner_text("main")   # the user page, as last synced
    page.goto(f"{live_server.url}/today")

    record_three_things_offline(page, journey)
    assert stored(live_server, journey) == {**ONCE, "completed": 0, "check_ins": 0,
                                            "what_matters": 0}
    page.context.set_offline(False)
    wait_for_status(page, "0 venter", timeout=20000)
    assert "sist sendt" in status(page) and "avvist" not in status(page)
    assert stored(live_server, journey) == ONCE


def test_a_sync_cut_off_after_the_server_stored_it_still_stores_once(live_server, open_page):
    journey = live_server.journey()
    page = signed_in_with_the_day_kept(live_server, open_page)
    page.context.set_offline(True)
    page.reload()
    record_three_things_offline(page, journey)

    cut = []

    def deliver_then_drop(route):
        # The server gets the batch and stores it; the answer never reaches the tablet.
        if not cut:
            cut.append(route.fetch().status)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.context.route("**/api/v1/sync", deliver_then_drop)
    page.context.set_offline(False)
    wait_for_status(page, "0 venter", timeout=30000)
    assert cut == [200]
    assert "avvist" not in status(page)   # the repeats were recognised, not refused
    assert stored(live_server, journey) == ONCE


def test_a_follow_up_for_a_goal_closed_meanwhile_comes_back_refused_and_is_shown(
        live_server, open_page):
    from homecare.goals.services import update_goal

    journey = live_server.journey()
    page = signed_in_with_the_day_kept(live_server, open_page)
    page.context.set_offline(True)
    page.get_by_role("link", name=re.compile(journey["name"])).first.click()
    page.locator("li", has_text=journey["goal"]).get_by_role(
        "link", name="Registrer oppfølging").click()
    answer_follow_up(page, "Nei")
    page.get_by_role("button", name="Lagre", exact=True).click()
    wait_for_status(page, "1 venter")

    with live_server.database():   # meanwhile, at the office
        goal = db.session.scalar(sa.select(Goal).where(Goal.description == journey["goal"]))
        update_goal(goal, status="achieved")
        db.session.commit()

    page.context.set_offline(False)
    wait_for_status(page, "1 avvist", timeout=20000)
    refused = page.locator("#offline-queue li.refused")
    assert "Målet ble avsluttet" in refused.inner_text()
    assert stored(live_server, journey)["check_ins"] == 0
    page.once("dialog", lambda dialog: dialog.accept())
    refused.get_by_role("button", name="Forkast").click()
    # "0 venter" already showed before the discard (a refused record is not waiting):
    # wait for the discard itself, which the status tells by losing "avvist".
    wait_for_status(page, "0 venter")
    wait_until(lambda: "avvist" not in status(page))
    assert "avvist" not in status(page)


def kept_on_the_tablet(page) -> str:
    """Everything in Cache Storage and IndexedDB, as text."""
    return page.evaluate("""async () => {
      const parts = [];
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) {
          parts.push(request.url, await (await cache.match(request)).text());
        }
      }
      for (const { name } of await indexedDB.databases()) {
        const db = await new Promise((ok) => {
          indexedDB.open(name).onsuccess = (e) => ok(e.target.result); });
        for (const store of db.objectStoreNames) {
          const all = await new Promise((ok) => {
            const all = db.transaction(store).objectStore(store).getAll();
            all.onsuccess = (e) => ok(e.target.result); });
          parts.push(JSON.stringify(all));
        }
        db.close();
      }
      return parts.join("\\n");
    }""")


def test_what_the_tablet_keeps_is_sealed(live_server, open_page):
    # Issue 33: the kept pages and the queue are stored encrypted; nothing personal is
    # readable from the browser's storage (nor its files), with or without a session.
    journey = live_server.journey()
    page = signed_in_with_the_day_kept(live_server, open_page)
    queue_what_matters_offline(page, journey)
    kept = kept_on_the_tablet(page)
    assert "/users/" in kept and "/today" in kept   # the day is kept...
    for secret in (journey["name"], journey["goal"], WORDS, "Bjølsengata"):
        assert secret not in kept   # ...but not readable
    page.reload()   # offline: opened with the key held in memory
    assert journey["name"] in page.inner_text("main")


def test_signing_out_warns_of_unsent_records_and_then_leaves_nothing(live_server, open_page):
    journey = live_server.journey()
    page = signed_in_with_the_day_kept(live_server, open_page)
    queue_what_matters_offline(page, journey)

    warnings = []

    def decline(dialog):
        warnings.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", decline)
    page.get_by_role("button", name="Logg ut").click()
    for _ in range(150):   # it asks once it has tried to send: wait for it, up to 15 s
        if warnings:
            break
        page.wait_for_timeout(100)
    assert "1 registreringer er ikke sendt" in warnings[0]
    assert "1 venter" in status(page)   # still here, still signed in

    page.context.set_offline(False)
    wait_for_status(page, "0 venter", timeout=20000)
    page.on("dialog", lambda dialog: warnings.append(dialog.message))
    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_url("**/login*")
    assert len(warnings) == 1   # nothing unsent: no second warning
    assert stored(live_server, journey)["what_matters"] == 1
    kept = kept_on_the_tablet(page)
    assert journey["name"] not in kept and journey["goal"] not in kept

    page.context.set_offline(True)
    page.goto(f"{live_server.url}/today")
    assert journey["name"] not in page.inner_text("body")
    assert "Ingen forbindelse" in page.inner_text("main")


def test_someone_else_signing_in_cannot_read_what_waits_and_it_is_sent_later(
        live_server, open_page):
    # Issue 33: the last person's unsent records are neither lost nor readable by the
    # next person; they are sent when their owner signs in on the tablet again.
    journey = live_server.journey()
    page = signed_in_with_the_day_kept(live_server, open_page)
    queue_what_matters_offline(page, journey)
    # The nurse leaves the tablet signed in; her session ends at the server, and the
    # record cannot reach it meanwhile.
    page.context.route("**/api/v1/sync", lambda route: route.abort("connectionrefused"))
    page.goto("about:blank")
    page.context.clear_cookies()
    page.context.set_offline(False)

    page.goto(f"{live_server.url}/login")
    page.get_by_text("1 registreringer fra en som har vært logget inn").wait_for()
    sign_in(page, live_server.url, "koordinator.bjolsen", PASSWORD, "nb")
    page.goto(f"{live_server.url}/today")
    page.wait_for_selector("html[data-day-kept=yes]", timeout=30000)
    kept = kept_on_the_tablet(page)
    assert WORDS not in kept and WORDS not in page.inner_text("body")
    assert "0 venter" in status(page)   # not the coordinator's to send, nor to see
    assert stored(live_server, journey)["what_matters"] == 0

    page.context.unroute("**/api/v1/sync")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_url("**/login*")
    sign_in(page, live_server.url, NURSE, PASSWORD, "nb")
    page.goto(f"{live_server.url}/today")
    wait_for_status(page, "0 venter", timeout=20000)
    assert "avvist" not in status(page)
    assert stored(live_server, journey)["what_matters"] == 1


def test_offline_past_the_idle_time_the_tablet_locks_until_the_password(
        live_server, open_page):
    journey = live_server.journey()
    page = signed_in_with_the_day_kept(live_server, open_page)
    page.context.set_offline(True)
    queue_what_matters_offline(page, journey)
    page.goto(f"{live_server.url}/today")
    assert journey["name"] in page.inner_text("main")
    go_idle(page)
    page.goto(f"{live_server.url}/today")
    assert "Nettbrettet er låst" in page.inner_text("main")
    assert journey["name"] not in page.inner_text("body")

    page.get_by_label("Passord").fill("feil-passord-her")
    page.get_by_role("button", name="Lås opp").click()
    page.get_by_text("Feil passord").wait_for(timeout=20000)
    assert journey["name"] not in page.inner_text("body")
    page.reload()
    assert "Nettbrettet er låst" in page.inner_text("main")

    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Lås opp").click()
    page.wait_for_function("name => document.body.innerText.includes(name)",
                           arg=journey["name"], timeout=20000)
    wait_for_status(page, "1 venter")   # the queue survived the lock
    page.context.set_offline(False)
    wait_for_status(page, "0 venter", timeout=20000)
    assert stored(live_server, journey)["what_matters"] == 1


class Signal:
    """A TCP relay to the live server: the tablet's signal, which a test can cut for
    every part of the browser at once (the worker's fetches too, which the browser's
    own offline switch does not reliably reach in a restarted profile)."""

    def __init__(self, target_port: int):
        import contextlib
        import socket
        import socketserver
        import threading

        def pipe(source, sink):
            try:
                while data := source.recv(65536):
                    sink.sendall(data)
            except OSError:
                pass
            finally:
                for end in (source, sink):
                    with contextlib.suppress(OSError):
                        end.shutdown(socket.SHUT_RDWR)

        class Relay(socketserver.BaseRequestHandler):
            def handle(self):
                with socket.create_connection(("127.0.0.1", target_port)) as upstream:
                    back = threading.Thread(target=pipe, args=(upstream, self.request))
                    back.start()
                    pipe(self.request, upstream)
                    back.join()

        socketserver.ThreadingTCPServer.daemon_threads = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Relay)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def cut(self):
        self.server.shutdown()
        self.server.server_close()


def test_after_the_browser_starts_again_nothing_kept_shows_until_unlocked(
        live_server, browser, tmp_path):
    # Issue 33: the key lives in memory only. The same browser profile started again,
    # without signal: the kept day is on disk (sealed) but nothing personal shows until
    # the person unlocks.
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    journey = live_server.journey()
    signal = Signal(int(live_server.url.rsplit(":", 1)[1]))

    def start_browser():
        return browser.browser_type.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS,
            viewport={"width": 768, "height": 1024}, locale="nb-NO")

    first = start_browser()
    page = first.pages[0] if first.pages else first.new_page()
    sign_in(page, signal.url, NURSE, PASSWORD, "nb")
    page.goto(f"{signal.url}/today")
    page.wait_for_selector("html[data-day-kept=yes]", timeout=30000)
    first.close()
    signal.cut()

    again = start_browser()
    try:
        page = again.pages[0] if again.pages else again.new_page()
        page.goto(f"{signal.url}/today")
        assert "Nettbrettet er låst" in page.inner_text("main")
        assert journey["name"] not in page.inner_text("body")
        assert journey["name"] not in kept_on_the_tablet(page)   # on disk, sealed
        page.get_by_label("Passord").fill(PASSWORD)
        page.get_by_role("button", name="Lås opp").click()
        page.wait_for_function("name => document.body.innerText.includes(name)",
                               arg=journey["name"], timeout=20000)
    finally:
        again.close()


def user_id_of(live_server, journey: dict) -> str:
    with live_server.database():
        return str(db.session.scalar(sa.select(ServiceUser.id).where(
            ServiceUser.full_name == journey["name"])))


def go_idle(page) -> None:
    """The tablet's clock passes the session's idle time without use."""
    page.evaluate("""async () => {
      const cache = await caches.open("homecare-static-v2");
      const session = await (await cache.match("/__homecare/session")).json();
      session.lastActivity -= session.idleMs;
      session.lastContact -= session.idleMs;
      await cache.put("/__homecare/session", new Response(JSON.stringify(session),
                      { headers: { "Content-Type": "application/json" } }));
    }""")


@pytest.mark.parametrize("how", ["lifetime"])
def test_kept_pages_are_not_shown_once_the_session_has_ended(live_server, open_page, how):
    journey = live_server.journey()
    page = signed_in_with_the_day_kept(live_server, open_page)
    page.context.set_offline(True)
    page.reload()
    assert journey["name"] in page.inner_text("main")   # within the session: shown
    # The tablet's clock passes the session's idle limit or its lifetime, no signal.
    page.evaluate("""async (how) => {
      const cache = await caches.open("homecare-static-v2");
      const session = await (await cache.match("/__homecare/session")).json();
      if (how === "idle") {
        session.lastContact -= session.idleMs;
      } else {
        session.endsAt = Date.now() - 1000;
      }
      await cache.put("/__homecare/session", new Response(JSON.stringify(session),
                      { headers: { "Content-Type": "application/json" } }));
    }""", how)
    page.goto(f"{live_server.url}/today")
    assert "Ingen forbindelse" in page.inner_text("main")
    assert journey["name"] not in page.inner_text("body")
    assert journey["name"] not in kept_on_the_tablet(page)


def kept_reads(live_server, journey: dict) -> int:
    """How often the tablet fetched the journey user's pages to keep them."""
    from homecare.core.audit import KEPT_SUFFIX, AuditAction, AuditEntry

    with live_server.database():
        user = db.session.scalar(sa.select(ServiceUser).where(
            ServiceUser.full_name == journey["name"]))
        return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
            AuditEntry.action == AuditAction.READ, AuditEntry.service_user_id == user.id,
            AuditEntry.detail.endswith(KEPT_SUFFIX)))


def test_opening_today_again_soon_does_not_fetch_the_kept_pages_again(
        live_server, open_page):
    journey = live_server.journey()
    page = signed_in_with_the_day_kept(live_server, open_page)
    kept = kept_reads(live_server, journey)
    assert kept >= 2   # the user page and its forms, logged as kept, not opened
    page.goto(f"{live_server.url}/today")
    page.wait_for_selector("html[data-day-kept=yes]", timeout=30000)
    assert kept_reads(live_server, journey) == kept


@pytest.mark.parametrize("arrived", [True, False], ids=["answer-lost", "never-arrived"])
def test_a_form_posted_on_a_connection_that_carries_nothing_is_kept_and_stored_once(
        live_server, open_page, arrived):
    journey = live_server.journey()
    page = signed_in_with_the_day_kept(live_server, open_page)
    posts = []

    def dead_connection(route):
        if route.request.method != "POST":
            route.continue_()
            return
        if arrived:   # the server gets it and stores it; the answer never comes back
            posts.append(route.fetch().status)
        else:
            posts.append(None)
        route.abort("timedout")

    # The tablet believes it is online (navigator.onLine), but the post goes nowhere.
    page.context.route("**/what-matters/new", dead_connection)
    save_what_matters(page, journey)
    page.wait_for_selector("text=Lagret på nettbrettet")
    assert posts == ([204] if arrived else [None])
    wait_for_status(page, "0 venter", timeout=20000)   # sent from the queue
    assert "avvist" not in status(page)   # a repeat is recognised, not refused
    assert stored(live_server, journey)["what_matters"] == 1


def test_records_sealed_under_a_password_changed_elsewhere_are_sent_with_the_old_one(
        live_server, open_page):
    # The password changed on another device: what waited on this tablet was sealed
    # under the old one. It is not lost: the person types the old password to send it.
    from homecare.org.models import Staff

    journey = live_server.journey()
    with live_server.database():
        nurse = db.session.scalar(sa.select(Staff).where(Staff.username == NURSE))
        colleague = next(s for s in nurse.teams[0].members
                         if s.id != nurse.id and s.role.value == "staff")
        username, old_hash = colleague.username, colleague.password_hash
    page = open_page("tablet", "nb")
    sign_in(page, live_server.url, username, PASSWORD, "nb")
    page.goto(f"{live_server.url}/today")
    page.wait_for_selector("html[data-day-kept=yes]", timeout=30000)
    page.goto(f"{live_server.url}/users/{user_id_of(live_server, journey)}")
    page.get_by_role("link", name="Registrer hva som er viktig").click()
    page.context.set_offline(True)
    page.get_by_label("Brukeren", exact=True).check()
    page.get_by_label("Hva er viktig for deg? (med brukerens egne ord)").fill(WORDS)
    page.get_by_role("button", name="Lagre", exact=True).click()
    wait_for_status(page, "1 venter")

    new_password = "et-helt-nytt-passord-7"
    with live_server.database():   # changed on another device meanwhile
        staff = db.session.scalar(sa.select(Staff).where(Staff.username == username))
        staff.set_password(new_password)
        db.session.commit()
    try:
        page.goto("about:blank")   # the tablet put down; her session ends meanwhile
        page.context.clear_cookies()
        page.context.set_offline(False)
        sign_in(page, live_server.url, username, new_password, "nb")
        page.goto(f"{live_server.url}/today")
        page.get_by_text("låst med det forrige passordet ditt").wait_for(timeout=20000)
        assert stored(live_server, journey)["what_matters"] == 0
        page.locator("#previous-password input").fill(PASSWORD)
        page.locator("#previous-password").get_by_role("button", name="Lås opp").click()
        wait_until(lambda: stored(live_server, journey)["what_matters"] == 1, timeout_s=30)
    finally:
        with live_server.database():
            staff = db.session.scalar(sa.select(Staff).where(Staff.username == username))
            staff.password_hash = old_hash
            db.session.commit()
