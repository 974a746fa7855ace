"""Results as the API returns them, in the caller's language and with suppression."""

from __future__ import annotations

from flask_babel import force_locale

from homecare.indicators.definitions import INDICATORS
from homecare.indicators.suppression import Shown


def _names(indicator) -> dict[str, str]:
    names = {}
    for code in ("nb", "en"):
        with force_locale(code):
            names[code] = str(indicator.name)
    return names


def present(shown: dict[str, Shown], dashboard: list[str]) -> list[dict]:
    """Every indicator, in definition order, for one scope."""
    return [{"id": i.id, "name": str(i.name), "why": str(i.why), "names": _names(i),
             "kind": str(i.kind), "value": shown[i.id].value, "n": shown[i.id].n,
             "suppressed": shown[i.id].suppressed, "on_dashboard": i.id in dashboard,
             "extras": shown[i.id].extras}
            for i in INDICATORS]
