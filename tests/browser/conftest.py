"""A live server with the demo, and Debian's Chromium driven by Playwright.

The whole session runs at noon local time (time-machine, ticking), so that a visit
planned for the morning is in the past whatever hour the tests run.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
import time_machine
from flask_migrate import upgrade
from werkzeug.serving import make_server

from homecare import create_app
from homecare.core.database import sqlite_turn
from homecare.core.extensions import db
from homecare.demo.loader import DEMO_PASSWORD, load_demo
from tests.databases import fresh_database
from tests.setup_checks import CHROMIUM

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
SCREENSHOTS = Path(__file__).parent / "screenshots"
VIEWPORTS = {"tablet": (768, 1024), "desktop": (1366, 768)}
PASSWORD = DEMO_PASSWORD


@dataclass
class LiveServer:
    """The running app, and a way to add fixtures to its database."""

    app: object
    url: str
    _serial = itertools.count(1)

    @contextmanager
    def database(self) -> Iterator[None]:
        """The server's app context, between two of its requests: a test writing beside
        a request on SQLite would fail one of them ("database is locked")."""
        with self.app.app_context(), sqlite_turn():
            yield

    def journey(self) -> dict:
        """A user of the demo nurse with a visit this morning to complete and an overdue
        follow-up to record, so that every journey starts from the same place."""
        from homecare.core.timeutil import local_today, local_zone
        from homecare.goals.services import create_goal
        from homecare.org.models import Staff
        from homecare.prompts.services import checkin_prompts
        from homecare.service_users.services import assign_responsible_contact
        from homecare.visits.services import create_visit
        from tests.factories import make_user

        n = next(self._serial)
        with self.database():
            nurse = db.session.query(Staff).filter_by(username="sykepleier.bjolsen").one()
            today = local_today()
            user = make_user(nurse.teams[0], full_name=f"Reisende Nummer{n}",
                             start=today - timedelta(days=60))
            assign_responsible_contact(user, nurse)
            goal = f"Gå til postkassa selv, runde {n}"
            create_goal(user=user, created_by=nurse, description=goal, expressed_by="user",
                        start_date=today - timedelta(days=40))
            create_visit(user=user, staff=nurse, created_by=nurse, kind="main",
                         planned_start=datetime.combine(today, time(7, 0), tzinfo=local_zone()),
                         planned_minutes=30)
            checkin_prompts(today)
            db.session.commit()
            return {"name": user.full_name, "goal": goal}


    def coordinator_case(self) -> dict:
        """Two users of the demo coordinator's team: one whose next main visit by anyone
        but the contact breaks the every-N-th rule, and one with no responsible contact."""
        from homecare.core.timeutil import local_today, local_zone
        from homecare.org.models import Staff
        from homecare.org.services import team_members
        from homecare.service_users.services import assign_responsible_contact
        from homecare.visits.services import create_visit
        from tests.factories import make_user

        n = next(self._serial)
        with self.database():
            coordinator = db.session.query(Staff).filter_by(
                username="koordinator.bjolsen").one()
            team = coordinator.teams[0]
            nurse = db.session.query(Staff).filter_by(username="sykepleier.bjolsen").one()
            other = next(s for s in team_members(team) if s.id not in (nurse.id,
                                                                      coordinator.id))
            today = local_today()
            user = make_user(team, full_name=f"Planlagt Nummer{n}",
                             start=today - timedelta(days=60))
            assign_responsible_contact(user, nurse, starting=datetime.combine(
                today - timedelta(days=30), time(8), tzinfo=local_zone()))
            for days_ago in range(6, 0, -1):
                start = datetime.combine(today - timedelta(days=days_ago), time(9),
                                         tzinfo=local_zone())
                create_visit(user=user, staff=other, created_by=coordinator, kind="main",
                             planned_start=start, planned_minutes=30, status="completed",
                             actual_start=start, actual_end=start + timedelta(minutes=30))
            unassigned = make_user(team, full_name=f"Uten Kontakt{n}",
                                   start=today - timedelta(days=20))
            db.session.commit()
            # A time tomorrow the colleague is free (the planner warns of a double booking).
            from homecare.visits.services import overlaps

            def free(clock):
                start = datetime.combine(today + timedelta(days=1), clock, tzinfo=local_zone())
                return not overlaps(other, [(start, start + timedelta(minutes=30))])

            # Every quarter of an hour of the day: each journey that plans takes one.
            free_at = next(clock for clock in (time(hour, minute) for hour in range(7, 22)
                                               for minute in (0, 15, 30, 45)) if free(clock))
            return {"user_id": str(user.id), "name": user.full_name, "staff_id": str(other.id),
                    "staff_name": other.full_name, "nurse_name": nurse.full_name,
                    "unassigned_id": str(unassigned.id), "unassigned": unassigned.full_name,
                    "team_id": team.id, "free_at": free_at.strftime("%H:%M"),
                    "coordinator_name": coordinator.full_name}

    def small_team(self) -> dict:
        """A team of two users in the demo leader's section (made once): too few to show."""
        from homecare.org.models import Staff, Team
        from homecare.org.services import create_team
        from tests.factories import make_user

        with self.database():
            leader = db.session.query(Staff).filter_by(username="leder").one()
            team = db.session.query(Team).filter_by(name="Team Lille").one_or_none()
            if team is None:
                team = create_team("Team Lille", leader.section)
                for i in range(2):
                    make_user(team, full_name=f"Liten Bruker{i}")
                db.session.commit()
            return {"section_id": leader.section_id, "team": team.name}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    noon = datetime.combine(date.today(), time(12))
    with time_machine.travel(noon.astimezone(), tick=True), \
            fresh_database("sqlite", tmp_path_factory.mktemp("browser")) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "HOMECARE_ALLOW_SYNTHETIC_IDS": True})
        with app.app_context():
            upgrade()
            load_demo()
            db.session.commit()
            db.session.remove()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
        finally:
            server.shutdown()
            thread.join()
            with app.app_context():
                db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser):
    """``open_page(viewport, language)`` → a fresh page in a fresh browser context."""
    contexts = []

    def make(viewport: str, language: str):
        width, height = VIEWPORTS[viewport]
        context = browser.new_context(viewport={"width": width, "height": height},
                                      locale="nb-NO" if language == "nb" else "en-GB")
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def nurse_page(live_server, open_page):
    """A tablet in bokmål, the demo nurse signed in."""
    from tests.browser.checks import sign_in

    page = open_page("tablet", "nb")
    sign_in(page, live_server.url, "sykepleier.bjolsen", PASSWORD, "nb")
    return page


def screenshot(page, name: str) -> None:
    """Keep a picture of a key page (ignored by git)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
