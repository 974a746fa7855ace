"""Logs for collection: every line the service writes is one JSON object on stderr.

Each line has ``time`` (UTC, ISO 8601), ``level``, ``logger`` and ``message``, and the
structured fields the caller passed as ``extra={"fields": {...}}`` (the request log's
route and status, a job's name and duration). What may go in: ids and numbers, route
templates, names of jobs and constraints — never a person's name, national id, free text
or a value from a request. An error carries its type and where it happened, not its
message: a database error's message quotes the values of the row (a national id
refused as a duplicate, say).
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from datetime import UTC, datetime

from flask import Flask


def _where(error: BaseException) -> list[str]:
    """The frames an error went through, innermost last, without its message."""
    return [f"{frame.filename.rsplit('/site-packages/', 1)[-1]}:{frame.lineno} in {frame.name}"
            for frame in traceback.extract_tb(error.__traceback__)]


def describe_error(error: BaseException) -> dict:
    """An error as a log field: its type, where it happened, and the same for its cause."""
    described = {"type": f"{type(error).__module__}.{type(error).__qualname__}",
                 "where": _where(error)}
    cause = error.__cause__ or error.__context__
    if cause is not None and cause is not error:
        described["cause"] = {"type": f"{type(cause).__module__}.{type(cause).__qualname__}",
                              "where": _where(cause)}
    return described


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info and record.exc_info[1] is not None:
            entry["error"] = describe_error(record.exc_info[1])
        return json.dumps(entry, ensure_ascii=False, default=str)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (a test's capture too)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        """The stream is always the current stderr."""


def init_app(app: Flask) -> None:
    """Send the app's log records, and its children's, to stderr as JSON lines (once per
    process: every app built in it shares the logger)."""
    logger = logging.getLogger(app.name)  # app.logger, before Flask gives it a handler
    if not any(isinstance(handler, StderrHandler) for handler in logger.handlers):
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        handler = StderrHandler()
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    # Flask adds its own handler to app.logger only when none is found up to this one.
    logger.propagate = False
