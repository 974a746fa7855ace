"""The dashboard as a spreadsheet for Norwegian Excel: what the screen shows, in bokmål.

Semicolons between cells and decimal commas (Norwegian Excel reads a comma-separated
file with '.' decimals as text in one column), dates as dd.mm.åååå, UTF-8 with a
byte-order mark (so «æøå» read right), Norwegian headers whatever language the page is
in: it is a file for the section's own use.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _

from homecare.dashboard.services import Dashboard
from homecare.indicators.parts import PLAIN, PROXY

QUESTIONS = ("got_expected_help", "could_influence", "satisfied")
ANSWERS = ("yes", "partly", "no")


def _number(value) -> str:
    """A number as Norwegian Excel reads it: a decimal comma, no thousands separator."""
    if value is None:
        return ""
    return str(value).replace(".", ",")


def _text_cell(text: str) -> str:
    """A text as a spreadsheet shows it, never as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _groups(figure: dict, questions: dict) -> list[tuple[str, dict]]:
    """A figure for everyone, its equity groups where it has them, and each answer count
    of the users' own evaluation (all already suppressed for the reader)."""
    extras = figure.get("extras") or {}
    groups = [(_("everyone"), figure)]
    split = extras.get("equity")
    if split:
        groups += [(name, {**split[group], "suppressed": split[group]["n"] is None})
                   for group, name in ((PROXY, _("needs someone to speak for them")),
                                       (PLAIN, _("others")))]
    labels = {"yes": _("Yes"), "partly": _("Partly"), "no": _("No")}
    for question in QUESTIONS if extras.get("answers") else ():
        for answer in ANSWERS:
            count = extras["answers"][question][answer]
            groups.append((f"{questions[question]} {labels[answer]}",
                           {"value": count, "n": None, "suppressed": count is None}))
    return groups


def dashboard_spreadsheet(board: Dashboard, questions: dict) -> str:
    """The dashboard's cards, their teams and their trend points as a CSV text."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    with force_locale("nb"):
        writer.writerow([_("Level"), _("Name"), _("Indicator id"), _("Indicator"), _("Date"),
                         _("Value"), "n", _("Hidden"), _("Group")])
        here = (_("team"), board.team.name) if board.team else (_("section"),
                                                                board.section.name)
        words = {str(k): str(v) for k, v in questions.items()}
        for card in board.cards:
            rows = [(here, board.day, card.figure)]
            rows += [((_("team"), t.team.name), board.day, t.figure) for t in card.teams]
            rows += [(here, point["date"], point) for point in card.trend]
            for (level, name), day, figure in rows:
                for group, part in _groups(figure, words):
                    writer.writerow(_row(level, name, card, day, group, part))
    return "\ufeff" + out.getvalue()


def _row(level: str, name: str, card, day: date, group: str, part: dict) -> list[str]:
    return [level, _text_cell(name), card.indicator.id, _text_cell(str(card.indicator.name)),
            day.strftime("%d.%m.%Y"), _number(part.get("value")), _number(part.get("n")),
            _("yes") if part.get("suppressed") else _("no"), _text_cell(group)]
