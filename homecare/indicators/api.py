"""API: indicators, their weekly trend, and each section's measurement settings."""

from __future__ import annotations

from flask.views import MethodView

from homecare.core.rest import API_PREFIX, Blueprint, paginate_select
from homecare.core.timeutil import local_today
from homecare.indicators.schemas import (
    IndicatorQuerySchema,
    IndicatorsSchema,
    SettingsChangeSchema,
    SettingsSchema,
    TrendPointSchema,
    TrendQuerySchema,
)
from homecare.indicators.services import indicators_for, trend_for
from homecare.policy.access import Action
from homecare.policy.lookup import actor
from homecare.sections.services import (
    history_query,
    load_section,
    settings_row,
    update_settings,
)

blueprint = Blueprint("indicators", __name__, url_prefix=API_PREFIX,
                      description="A few explained control indicators, and their settings.")


@blueprint.route("/indicators")
class Indicators(MethodView):
    @blueprint.arguments(IndicatorQuerySchema, location="query")
    @blueprint.response(200, IndicatorsSchema)
    @blueprint.errors(401, 403, 404, 422)
    def get(self, args):
        """Every indicator for a team (its members, its section's leader), a section (its
        leader, administrators) or all sections (administrators).

        Leaders and administrators see whole four-week periods (28 days, ending on a
        period's last day: the default is the latest; another day or window is a 422
        naming the nearest), with small numbers hidden as docs/suppression.md says.
        """
        return indicators_for(actor(), team_id=args.get("team_id"),
                              section_id=args.get("section_id"), day=args.get("date"),
                              window_days=args["window_days"], today=local_today())


@blueprint.route("/indicators/trend")
class Trend(MethodView):
    @blueprint.arguments(TrendQuerySchema, location="query")
    @blueprint.response(200, TrendPointSchema(many=True))
    @blueprint.errors(401, 403, 404, 422)
    def get(self, args):
        """One indicator's weekly snapshots for a team or section, oldest first: for
        leaders and administrators, those that end a four-week period (``weeks`` back)."""
        return trend_for(actor(), team_id=args.get("team_id"),
                         section_id=args.get("section_id"), indicator=args["indicator"],
                         weeks=args["weeks"], today=local_today())


@blueprint.route("/sections/<id:section_id>/settings")
class Settings(MethodView):
    @blueprint.response(200, SettingsSchema)
    @blueprint.errors(401, 403, 404)
    def get(self, section_id):
        """What the section measures and its thresholds (leaders, administrators, and the
        section's coordinators)."""
        return settings_row(load_section(section_id, Action.VIEW))

    @blueprint.arguments(SettingsSchema)
    @blueprint.response(200, SettingsSchema)
    @blueprint.errors(401, 403, 404, 422)
    def put(self, data, section_id):
        """Change the settings (the section's leader, administrators); the change is
        recorded with who made it."""
        return update_settings(load_section(section_id, Action.MANAGE), **data)


@blueprint.route("/sections/<id:section_id>/settings/history")
class SettingsHistory(MethodView):
    @blueprint.response(200, SettingsChangeSchema(many=True))
    @blueprint.paginate()
    @blueprint.errors(401, 403, 404)
    def get(self, section_id, pagination_parameters):
        """Every change to the settings, newest first: who changed what, and when."""
        return paginate_select(history_query(load_section(section_id, Action.VIEW)),
                               pagination_parameters)
