"""The flask-smorest ``Api``: OpenAPI document, security schemes, error documentation."""

from __future__ import annotations

import marshmallow as ma
from flask import Flask
from flask_smorest import Api as SmorestApi

API_PREFIX = "/api/v1"


class ErrorSchema(ma.Schema):
    """Every error the API returns: ``errors`` only for validation (location → field → messages)."""

    code = ma.fields.Integer(required=True)
    status = ma.fields.String(required=True)
    message = ma.fields.String(required=True)
    errors = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Dict())


class Api(SmorestApi):
    """Documents every error with the contract's error body."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        """Errors are rendered by ``core.error_pages`` (one handler for pages and API)."""


API_CONFIG = {
    "API_TITLE": "homecare",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": API_PREFIX,
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {
            "description": (
                "The public JSON API of the home-care service. Sign in with "
                "`POST /api/v1/tokens` and send `Authorization: Bearer <token>`. "
                "Care records of another team answer 404; section leaders and "
                "administrators never see individual service users."
            ),
        },
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
        "security": [{"bearerAuth": []}, {"cookieAuth": []}],
    },
}


def init_app(app: Flask, api: Api) -> None:
    """Bind the API and its configuration (without overriding what the app set)."""
    from homecare.core.converters import IdConverter, openapi_id

    for key, value in API_CONFIG.items():
        app.config.setdefault(key, value)
    app.url_map.converters["id"] = IdConverter
    api.init_app(app)
    api.register_converter(IdConverter, openapi_id)
