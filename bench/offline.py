"""How long a nurse's day takes to be ready without signal, on slow 4G (issue 32).

Serves the demo (a fresh SQLite database) on 127.0.0.1, puts the throttling proxy of
``bench/throttle.py`` in front (400 kbit/s each way, 400 ms round trip: the service
worker's fetches are slowed too), and drives Debian's Chromium through it:

- cold: from tapping «Logg inn» on a tablet that has the app installed but keeps
  nothing, to «Klar uten nett» (every page of the day kept, sealed);
- refresh: «I dag» opened again, nothing changed, to the day kept again;
- one change: «I dag» opened again after one user's record changed.

Each is measured ``--runs`` times in a fresh browser profile; every run is reported,
misses included. ``make bench-offline``; the JSON goes to ``bench/results/``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.throttle import Throttle  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
NURSE = "sykepleier.bjolsen"
TARGETS = {"cold": 10.0, "refresh": 2.0}


def serve_demo(directory: Path):
    """The app with the demo loaded, served on a free port in a thread."""
    from flask_migrate import upgrade
    from werkzeug.serving import WSGIRequestHandler, make_server

    from homecare import create_app
    from homecare.core.extensions import db
    from homecare.demo.loader import load_demo

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory / 'bench.sqlite3'}",
                      "HOMECARE_ALLOW_SYNTHETIC_IDS": True})
    with app.app_context():
        upgrade()
        load_demo()
        db.session.commit()
        db.session.remove()
    # Connections kept alive, as the TLS proxy in front keeps the tablet's (README);
    # the development server would otherwise close each after one request.
    class KeepAlive(WSGIRequestHandler):
        protocol_version = "HTTP/1.1"

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=KeepAlive)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return app, server


def start_throttle(port: int, kbit: float, rtt: float):
    loop = asyncio.new_event_loop()
    throttle = Throttle(port, kbit_per_second=kbit, round_trip_ms=rtt)
    threading.Thread(target=loop.run_forever, daemon=True).start()
    asyncio.run_coroutine_threadsafe(throttle.start(), loop).result()
    return throttle, loop


def change_one_user(app) -> None:
    """A colleague records a «what matters» conversation for one of the nurse's users."""
    from homecare.core.database import sqlite_turn
    from homecare.core.extensions import db
    from homecare.core.timeutil import local_today
    from homecare.org.models import Staff
    from homecare.visits.models import Visit
    from homecare.what_matters.services import record_conversation

    with app.app_context(), sqlite_turn():
        import sqlalchemy as sa

        nurse = db.session.scalar(sa.select(Staff).where(Staff.username == NURSE))
        visit = db.session.scalar(sa.select(Visit).where(Visit.staff_id == nurse.id)
                                  .order_by(Visit.planned_start.desc()))
        record_conversation(user=visit.service_user, recorded_by=nurse,
                            conversation_date=local_today(), asked_by=nurse, present=["user"],
                            in_own_words="Å komme meg ut i hagen")
        db.session.commit()


def wait_kept(page, timeout_s: float = 120) -> None:
    page.wait_for_selector("html[data-day-kept=yes]", timeout=timeout_s * 1000)


def one_run(browser, throttle: Throttle, app, password: str) -> dict:
    context = browser.new_context(viewport={"width": 768, "height": 1024}, locale="nb-NO")
    page = context.new_page()
    result = {}
    try:
        throttle.reset()
        started = time.monotonic()
        page.goto(f"{throttle.url}/login")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        result["install"] = {"seconds": round(time.monotonic() - started, 2),
                             **throttle.counts()}

        page.get_by_label("Brukernavn").fill(NURSE)
        page.get_by_label("Passord").fill(password)
        throttle.reset()
        started = time.monotonic()
        page.get_by_role("button", name="Logg inn").click()
        wait_kept(page)
        page.wait_for_selector("html[data-ready-offline=yes]")
        result["cold"] = {"seconds": round(time.monotonic() - started, 2), **throttle.counts(),
                          "status": page.locator("#sync-status").inner_text(),
                          "seen": throttle.seen}
        result["pages_kept"] = page.evaluate(
            "async () => (await (await caches.open('homecare-pages')).keys()).length")

        throttle.reset()
        started = time.monotonic()
        page.goto(f"{throttle.url}/today")
        wait_kept(page)
        result["refresh"] = {"seconds": round(time.monotonic() - started, 2),
                             **throttle.counts()}

        change_one_user(app)
        throttle.reset()
        started = time.monotonic()
        page.goto(f"{throttle.url}/today")
        wait_kept(page)
        result["one_change"] = {"seconds": round(time.monotonic() - started, 2),
                                **throttle.counts(), "seen": throttle.seen}

        context.set_offline(True)
        page.goto(f"{throttle.url}/today")
        result["offline_shows_day"] = "Besøk" in page.inner_text("main")
    finally:
        context.close()
    return result


def summary(runs: list[dict]) -> list[str]:
    lines = ["| what | runs (s) | median | target | requests | KB down | KB up |",
             "|---|---|---|---|---|---|---|"]
    for name in ("install", "cold", "refresh", "one_change"):
        seconds = [run[name]["seconds"] for run in runs]
        target = TARGETS.get(name)
        met = "" if target is None else (" ✓" if max(seconds) <= target else " ✗ (miss)")
        last = runs[-1][name]
        lines.append(f"| {name} | {', '.join(f'{s:.2f}' for s in seconds)} | "
                     f"{statistics.median(seconds):.2f} | "
                     f"{'—' if target is None else f'≤ {target:g}'}{met} | {last['requests']} | "
                     f"{last['kb_down']} | {last['kb_up']} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--kbit", type=float, default=400)
    parser.add_argument("--rtt-ms", type=float, default=400)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from homecare.demo.loader import DEMO_PASSWORD

    with tempfile.TemporaryDirectory() as directory:
        app, server = serve_demo(Path(directory))
        throttle, loop = start_throttle(server.server_port, args.kbit, args.rtt_ms)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
                    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update"])
                runs = [one_run(browser, throttle, app, DEMO_PASSWORD) for _ in range(args.runs)]
                browser.close()
        finally:
            asyncio.run_coroutine_threadsafe(throttle.stop(), loop).result()
            loop.call_soon_threadsafe(loop.stop)
            server.shutdown()
    report = {"date": str(date.today()), "kbit": args.kbit, "rtt_ms": args.rtt_ms,
              "runs": runs}
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"offline-{date.today()}.json").write_text(json.dumps(report, indent=2,
                                                                 ensure_ascii=False))
    print("\n".join(summary(runs)))
    print(f"pages kept: {runs[-1]['pages_kept']}; offline shows the day: "
          f"{all(run['offline_shows_day'] for run in runs)}")


if __name__ == "__main__":
    main()
