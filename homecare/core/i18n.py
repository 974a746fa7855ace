"""Language: Norwegian bokmål by default, English selectable."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_decimal, format_time, get_locale

from homecare.core.extensions import babel

#: Accept-Language codes that mean Norwegian; we write bokmål for all of them.
_NORWEGIAN = {"nb", "no", "nn"}


def select_locale() -> str:
    """The language of this request: the user's choice, else the browser's, else bokmål."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and jobs speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("language")
    if chosen in languages:
        return chosen
    best = request.accept_languages.best_match([*languages, "no", "nn"])
    if best in _NORWEGIAN:
        return "nb"
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app: Flask) -> None:
    """Bind Flask-Babel with the locale selector."""
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["format_number"] = format_decimal
    app.jinja_env.filters["format_date"] = format_date
    app.jinja_env.filters["format_time"] = format_time
    app.jinja_env.filters["format_datetime"] = format_datetime

    @app.context_processor
    def locale_context() -> dict:
        return {"current_locale": str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"])}
