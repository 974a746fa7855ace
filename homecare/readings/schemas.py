"""Schemas for the team's reading of its numbers."""

from marshmallow import fields, validate

from homecare.core.schema_fields import BaseSchema, Bool, Date, Id, Int, QuerySchema, Timestamp


class ReadingSchema(BaseSchema):
    """A comment on one indicator for one week, or an answer to one (``answers_id``)."""

    id = Int(dump_only=True)
    team_id = Int(dump_only=True)
    #: The indicator commented on (an answer takes its comment's).
    indicator = fields.String(load_default=None, validate=validate.Length(max=40))
    #: The Monday of the week's snapshot the comment belongs to.
    week = Date(dump_only=True)
    text = fields.String(required=True)
    #: The comment or question this answers.
    answers_id = Id(load_default=None, allow_none=True)
    #: The section leader's question to the team (a leader's message that answers
    #: nothing), rather than the team's own reading.
    question = Bool(dump_only=True)
    #: Set after a warning that a word is also someone's name: no one is named.
    no_names = Bool(load_default=False, load_only=True)
    author_id = Int(dump_only=True)
    author_name = fields.String(dump_only=True, attribute="author.full_name")
    written_at = Timestamp(dump_only=True)


class ReadingQuerySchema(QuerySchema):
    weeks = fields.Integer(load_default=12, validate=validate.Range(1, 104))
