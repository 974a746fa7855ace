"""The manifest, the service worker, the offline fallback page and the session the queue
is sent in."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    current_app,
    jsonify,
    render_template,
    send_from_directory,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from homecare.auth.sessions import idle_limit, time_left
from homecare.core.audit import kept_for_later
from homecare.core.routing import public
from homecare.offline.compression import compress
from homecare.policy.access import works_in_a_team
from homecare.policy.lookup import actor
from homecare.sync.services import MAX_OPERATIONS

blueprint = Blueprint("offline", __name__, template_folder="templates")
blueprint.after_app_request(compress)
#: The top bar's colour (``--accent`` in app.css), for the installed app's frame.
THEME_COLOUR = "#1f5f8b"


@blueprint.route("/sw.js")
@public
def service_worker():
    """The service worker, served from the root so that it may keep the site's pages.

    Always revalidated, so that a new version reaches tablets on their next visit.
    """
    response = send_from_directory(current_app.static_folder, "js/sw.js",
                                   mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@blueprint.route("/manifest.webmanifest")
@public
def manifest():
    """The web app manifest, in the reader's language: installed, the service sits on
    the tablet's home screen and opens on today's work."""
    def icon(name: str) -> str:
        return url_for("static", filename=f"icons/{name}")

    body = {
        "name": _("Home care"), "short_name": _("Home care"),
        "description": _("Today's work in home care, also without signal."),
        "lang": str(get_locale()), "dir": "ltr", "start_url": url_for("care.today"),
        "scope": "/", "display": "standalone", "orientation": "any",
        "background_color": "#ffffff", "theme_color": THEME_COLOUR,
        "icons": [
            {"src": icon("icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": icon("icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": icon("icon-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "any maskable"},
        ],
    }
    return current_app.response_class(json.dumps(body, ensure_ascii=False),
                                      mimetype="application/manifest+json")


@blueprint.route("/offline")
@public
def fallback():
    """What a page not kept on the tablet shows without signal (no personal data: the
    worker fetches it without the session)."""
    return render_template("offline/fallback.html")


@blueprint.route("/offline/lock")
@public
def lock():
    """The tablet's lock: what a kept page shows after the idle time without signal, or
    after the browser started again, until the person types their password (checked on
    the tablet, ``static/js/seal.js``). Names nobody: the worker fetches it without the
    session."""
    return render_template("offline/lock.html")


@blueprint.route("/offline/session")
def session_facts():
    """Who is signed in and a fresh CSRF token, asked for before the queue is sent: a
    page kept on the tablet may hold an expired token, or another person's session."""
    return jsonify(staff_id=actor().id, csrf_token=generate_csrf())


def _session_facts() -> dict | None:
    """What the page script and worker need to know of the signed-in person's session:
    who (a different person on the tablet clears it), whether their day is kept offline
    (team members only), and when the session ends without signal (idle, lifetime)."""
    if not current_user.is_authenticated:
        return None
    left = time_left()
    return {"staff": current_user.id, "username": current_user.username,
            "keeps_day": works_in_a_team(actor()),
            "idle_ms": int(idle_limit().total_seconds() * 1000),
            "lifetime_left_ms": int(left.total_seconds() * 1000) if left else 0,
            "max_batch": MAX_OPERATIONS}


def _texts() -> dict[str, str]:
    """The page script's words, in the page's language (``{n}``, ``{time}`` filled in)."""
    return {
        "waiting": _("%(count)s waiting to be sent", count="{n}"),
        "refused": _("%(count)s refused: open it to correct or discard", count="{n}"),
        "last_sent": _("last sent %(time)s", time="{time}"),
        "offline": _("No signal: records are kept on the tablet"),
        "kept": _("Saved on the tablet. It is sent when there is signal."),
        "heading": _("Not sent yet"),
        "state_waiting": _("Waiting to be sent"),
        "state_refused": _("Refused"),
        "correct": _("Correct"),
        "discard": _("Discard"),
        "discard_confirm": _("Discard this record? It will not be sent."),
        "sign_out_unsent": _("%(count)s records have not been sent. They stay on this tablet, "
                             "locked with your password, and are sent when you sign in here "
                             "again. Sign out?", count="{n}"),
        "other_person": _("%(count)s records of someone who was signed in on this tablet have "
                          "not been sent. They stay locked with that person's password and "
                          "are sent when they sign in here again.", count="{n}"),
        "state_settling": _("Sent: the coordinator settles it"),
        "settling": _("Someone else had recorded this visit with other times. Both are kept, "
                      "and the coordinator chooses which holds."),
        "understood": _("Understood"),
        "show_typed": _("Show what was written"),
        "locked_record": _("Locked record"),
        "ready": _("Ready without signal (kept %(time)s)", time="{time}"),
        "getting_ready": _("Getting ready for use without signal…"),
        "not_ready": _("Not ready without signal: unlock to keep the day"),
        "unlock_to_keep": _("Type your password to keep today's work on the tablet for use "
                            "without signal."),
        "password": _("Password"),
        "unlock": _("Unlock"),
        "wrong_password": _("Wrong password. Nothing is unlocked."),
        "previous_password": _("%(count)s of your records on this tablet are locked with "
                               "your previous password. Type it to send them.",
                               count="{n}"),
        "wait_to_unlock": _("Too many wrong passwords. Try again in %(seconds)s seconds.",
                            seconds="{n}"),
        "visit_completion": _("Visit completed"),
        "check_in": _("Follow-up"),
        "what_matters": _("What matters"),
    }


@blueprint.app_context_processor
def offline_context() -> dict:
    """``offline_session`` and ``offline_texts`` for the base template, and whether the
    page is being kept for later: such a copy shows no "Saved." and leaves it for the
    page the person opens next."""
    return {"offline_session": _session_facts, "offline_texts": _texts,
            "theme_colour": THEME_COLOUR, "kept_for_later": kept_for_later()}
