"""Schemas for indicators, trends and section settings."""

from marshmallow import fields, validate

from homecare.core.schema_fields import BaseSchema, Date, Id, Int, QueryInt, QuerySchema, Timestamp
from homecare.indicators.definitions import BY_ID, MAX_DASHBOARD
from homecare.sections.thresholds import SETTING_BOUNDS


class IndicatorQuerySchema(QuerySchema):
    team_id = QueryInt()
    section_id = QueryInt()
    #: Reference date (default today).
    date = Date()
    window_days = fields.Integer(load_default=28, validate=validate.Range(7, 365))


class TrendQuerySchema(QuerySchema):
    team_id = QueryInt()
    section_id = QueryInt()
    indicator = fields.String(required=True, validate=validate.OneOf(sorted(BY_ID)))
    weeks = fields.Integer(load_default=26, validate=validate.Range(1, 260))


class IndicatorValueSchema(BaseSchema):
    id = fields.String()
    name = fields.String()
    why = fields.String()
    #: How it is counted, in plain words, and what ``n`` counts.
    counted = fields.String()
    #: Both names, whatever the request's language.
    names = fields.Dict(keys=fields.String(), values=fields.String())
    kind = fields.String()
    value = fields.Float(allow_none=True)
    n = fields.Integer()
    suppressed = fields.Boolean()
    on_dashboard = fields.Boolean()
    #: Extra numbers some indicators carry (median caseload, answers per question, ...).
    extras = fields.Dict(metadata={"description": (
        "Extra numbers some indicators carry: median_caseload, per_active_goal, "
        "reviews_overdue, answers (per question), and for the five percentages where it "
        "makes sense the equity split: equity = {proxy: {value, n}, plain: {value, n}, "
        "gap}, users flagged needs_proxy beside the others, gap in points (plain minus "
        "proxy). Hidden counts are null for section leaders and administrators.")})


class ScopeSchema(BaseSchema):
    type = fields.String()
    id = fields.Integer(allow_none=True)


class TeamIndicatorsSchema(BaseSchema):
    team_id = fields.Integer()
    indicators = fields.List(fields.Nested(IndicatorValueSchema))


class SectionIndicatorsSchema(BaseSchema):
    section_id = fields.Integer()
    indicators = fields.List(fields.Nested(IndicatorValueSchema))


class IndicatorsSchema(BaseSchema):
    scope = fields.Nested(ScopeSchema)
    date = Date()
    window_days = fields.Integer()
    indicators = fields.List(fields.Nested(IndicatorValueSchema))
    teams = fields.List(fields.Nested(TeamIndicatorsSchema))
    sections = fields.List(fields.Nested(SectionIndicatorsSchema))


class TrendPointSchema(BaseSchema):
    date = Date()
    value = fields.Float(allow_none=True)
    n = fields.Integer()
    suppressed = fields.Boolean()


class SettingsSchema(BaseSchema):
    section_id = Id(dump_only=True)
    dashboard_indicators = fields.List(
        fields.String(validate=validate.OneOf(sorted(BY_ID))),
        validate=validate.Length(max=MAX_DASHBOARD))
    contact_every_n = Int(validate=SETTING_BOUNDS["contact_every_n"].schema_validator())
    caseload_cap = Int(validate=SETTING_BOUNDS["caseload_cap"].schema_validator())
    followup_grace_days = Int(validate=SETTING_BOUNDS["followup_grace_days"].schema_validator())
    intake_assess_days = Int(validate=SETTING_BOUNDS["intake_assess_days"].schema_validator())
    intake_contact_days = Int(validate=SETTING_BOUNDS["intake_contact_days"].schema_validator())
    intake_what_matters_days = Int(
        validate=SETTING_BOUNDS["intake_what_matters_days"].schema_validator())
    intake_decision_days = Int(validate=SETTING_BOUNDS["intake_decision_days"].schema_validator())
    updated_at = Timestamp(dump_only=True, allow_none=True)


class SettingsChangeSchema(BaseSchema):
    at = Timestamp()
    changed_by = Int(attribute="changed_by_id", allow_none=True)
    #: field -> [old value, new value]
    changes = fields.Dict()
