"""Shared pieces of the JSON API: the blueprint class, paging, errors, ETags.

Every API blueprint is a ``core.rest.Blueprint``; every list goes through
``paginate_select`` (counted and sliced in SQL); every editable record is served with
``ETag: "<version>"`` and changed only with a matching ``If-Match``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus

import flask_smorest
import sqlalchemy as sa
from flask import request
from flask_babel import gettext as _
from flask_smorest import abort
from webargs.core import missing
from webargs.flaskparser import FlaskParser, is_json_request

from homecare.core.api_setup import API_PREFIX, ErrorSchema  # noqa: F401 - re-exported
from homecare.core.extensions import db

#: The most digits a number in a JSON body may have. Ids, ratings and minutes need a few;
#: Python refuses to convert an integer of over 4,300 digits (a ValueError, not a JSON
#: error), which would otherwise reach the caller as a 500.
MAX_NUMBER_DIGITS = 30


class NumberTooLong(ValueError):
    """A JSON number with more than ``MAX_NUMBER_DIGITS`` characters."""


def _bounded(convert: Callable[[str], object]) -> Callable[[str], object]:
    def parse(text: str) -> object:
        if len(text) > MAX_NUMBER_DIGITS:
            raise NumberTooLong(text[:10])
        return convert(text)
    return parse


def load_json(data: bytes | str) -> object:
    """A JSON document whose numbers are bounded before they are converted."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    return json.loads(text, parse_int=_bounded(int), parse_float=_bounded(float))


class SafeJsonParser(FlaskParser):
    """Parse JSON bodies that no database or page can choke on.

    A body nested deeper than Python's recursion limit, or holding a lone UTF-16
    surrogate (``"\\ud800"``, which no UTF-8 database or page can store), is refused as
    invalid JSON (400) instead of failing later with a 500; so is a number too long to be
    anything the API takes (``MAX_NUMBER_DIGITS``).
    """

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return missing
        data = req.get_data(cache=True)
        # The error carries a document: webargs reads an empty one as "no body".
        try:
            parsed = load_json(data)
        except UnicodeDecodeError as error:
            raise json.JSONDecodeError("not UTF-8", "\\x", 0) from error
        except RecursionError as error:
            raise json.JSONDecodeError("nested too deeply", "[", 0) from error
        except NumberTooLong:
            abort(400, message=_("A number in the request has too many digits."))
        try:
            json.dumps(parsed, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as error:
            raise json.JSONDecodeError("lone surrogate", "\\ud800", 0) from error
        return parsed


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest blueprint with the contract's paging (50 a page, at most 500), and
    the safe JSON parser."""

    ARGUMENTS_PARSER = SafeJsonParser()
    DEFAULT_PAGINATION_PARAMETERS = {"page": 1, "page_size": 50, "max_page_size": 500}

    @staticmethod
    def _make_pagination_metadata(page, page_size, item_count):
        total_pages = (item_count + page_size - 1) // page_size
        return {"total": item_count, "total_pages": total_pages, "page": page,
                "page_size": page_size}

    def _set_pagination_metadata(self, page_params, result, headers):
        headers = headers or {}
        headers[self.PAGINATION_HEADER_NAME] = json.dumps(self._make_pagination_metadata(
            page_params.page, page_params.page_size, page_params.item_count))
        return result, headers

    def _document_pagination_metadata(self, spec, resp_doc):
        """An HTTP header is text: document ``X-Pagination`` as a string holding JSON."""
        resp_doc.setdefault("headers", {})[self.PAGINATION_HEADER_NAME] = {
            "description": 'JSON object: {"total", "total_pages", "page", "page_size"}.',
            "schema": {"type": "string"},
        }

    def arguments(self, schema, *args, **kwargs) -> Callable:
        """flask-smorest's ``arguments``, with a schema class made an instance once here:
        given the class, webargs builds a new schema, copying every field, per request."""
        return super().arguments(schema() if isinstance(schema, type) else schema,
                                 *args, **kwargs)

    def errors(self, *codes: int) -> Callable:
        """Document the error statuses an endpoint answers with (all share ErrorSchema).

        401 is added to every endpoint that needs a signed-in caller.
        """

        def decorate(view: Callable) -> Callable:
            for code in sorted(set(codes)):
                view = self.alt_response(code, response=HTTPStatus(code).name)(view)
            return view

        return decorate


def paginate_select(query: sa.Select, pagination_parameters, *, rows: bool = False) -> list:
    """One page of a SELECT, with the total counted by the database (two queries).

    Returns ORM objects, or mappings of the selected columns when ``rows`` is true.
    """
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    )
    pagination_parameters.item_count = total
    if pagination_parameters.first_item >= total:
        return []  # past the end (and an absurd page number must not reach OFFSET)
    page = query.limit(pagination_parameters.page_size).offset(pagination_parameters.first_item)
    if rows:
        return list(db.session.execute(page).mappings())
    return list(db.session.scalars(page))


def etag_headers(record) -> dict[str, str]:
    """``ETag: "<version>"`` for an editable record."""
    return {"ETag": f'"{record.version}"'}


IF_MATCH_PARAMETER = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "description": "The record's ETag as last read; the update is refused if it changed.",
    "schema": {"type": "string"},
}


def require_if_match(record) -> None:
    """Refuse an update unless ``If-Match`` names the record's current version.

    428 when the header is missing or is ``*`` (which matches any version, and so would
    skip the very check it is there for), 412 when it names another version. The version
    check in the database (``version_id_col``) catches a change made between here and the
    write.
    """
    header = request.headers.get("If-Match")
    tags = [tag.strip().removeprefix("W/").strip('"') for tag in (header or "").split(",")]
    if header is None or "*" in tags:
        abort(428, message=_("Send the If-Match header with the version you last read."))
    if str(record.version) not in tags:
        abort(412, message=_("The record was changed by someone else. Read it again, then "
                             "make your change."))
