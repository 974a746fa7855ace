"""Domain errors raised by services and turned into responses in one place."""

from __future__ import annotations


class DomainError(Exception):
    """A request the domain refuses; ``status`` is the HTTP status it maps to."""

    status = 400

    def __init__(self, message: str | None = None):
        super().__init__(message or self.__class__.__name__)
        #: Shown to the user; None means the standard text for the status.
        self.message = message


class ValidationFailed(DomainError):
    """Input breaks a rule; ``errors`` maps each field to what is wrong with it."""

    status = 422

    def __init__(self, errors: dict[str, list[str]], message: str | None = None):
        super().__init__(message or "; ".join(m for msgs in errors.values() for m in msgs))
        self.errors = errors

    @classmethod
    def single(cls, field: str, message: str) -> ValidationFailed:
        """A validation error about one field."""
        return cls({field: [message]})


class Conflict(DomainError):
    """The request contradicts the current state (e.g. a duplicate)."""

    status = 409


class PreconditionFailed(DomainError):
    """The record changed since the caller last read it (a stale version)."""

    status = 412


class NotFound(DomainError):
    """No such record, or not one the caller may know exists."""

    status = 404


class Forbidden(DomainError):
    """The caller is known but not allowed to do this."""

    status = 403
