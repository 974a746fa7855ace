"""Results as the API returns them, in the caller's language and with suppression."""

from __future__ import annotations

from functools import cache

from flask_babel import force_locale, get_locale

from homecare.indicators.definitions import BY_ID, INDICATORS
from homecare.indicators.suppression import Shown


@cache
def _names(indicator_id: str) -> dict[str, str]:
    """Both names of an indicator. The catalogue does not change while the app runs, so
    each is looked up once per process: switching locale for every scope and indicator
    was a large share of a section dashboard's time (bench/RESULTS.md, "Measurements
    behind the code")."""
    names = {}
    for code in ("nb", "en"):
        with force_locale(code):
            names[code] = str(BY_ID[indicator_id].name)
    return names


@cache
def _texts(indicator_id: str, locale: str) -> tuple[str, str, str]:
    """An indicator's name, why and how it is counted in ``locale`` (the request's),
    looked up once."""
    indicator = BY_ID[indicator_id]
    with force_locale(locale):
        return str(indicator.name), str(indicator.why), str(indicator.counted)


def present(shown: dict[str, Shown], dashboard: list[str]) -> list[dict]:
    """Every indicator, in definition order, for one scope."""
    locale = str(get_locale())
    return [{"id": i.id, "name": _texts(i.id, locale)[0], "why": _texts(i.id, locale)[1],
             "counted": _texts(i.id, locale)[2], "names": _names(i.id),
             "kind": str(i.kind), "value": shown[i.id].value, "n": shown[i.id].n,
             "suppressed": shown[i.id].suppressed, "on_dashboard": i.id in dashboard,
             "extras": shown[i.id].extras}
            for i in INDICATORS]
