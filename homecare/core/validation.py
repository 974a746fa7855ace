"""Collecting field errors so that a request reports everything wrong at once."""

from __future__ import annotations

import enum
from typing import TypeVar

from flask_babel import gettext as _

from homecare.core.errors import ValidationFailed
from homecare.core.text import is_blank

E = TypeVar("E", bound=enum.Enum)


def refuse_unknown(changes, editable: frozenset[str]) -> None:
    """A programming error, not bad input: a service asked to change a field it does not
    allow to change (the schemas and forms only pass editable fields)."""
    unknown = set(changes) - editable
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")


class FieldErrors:
    """Field → messages; ``raise_if_any`` turns them into one ValidationFailed."""

    def __init__(self) -> None:
        self._errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        """Record that ``field`` is wrong, and why."""
        self._errors.setdefault(field, []).append(message)

    def require(self, condition: bool, field: str, message: str) -> None:
        """Record ``message`` for ``field`` unless ``condition`` holds."""
        if not condition:
            self.add(field, message)

    def text(self, field: str, value: str | None, *, max_length: int, required: bool = True
             ) -> None:
        """Check a free-text field: present (something visible, not just spaces or
        invisible characters) when required, without NUL, and not too long."""
        if is_blank(value):
            if required:
                self.add(field, _("This field cannot be empty."))
            return
        if "\x00" in value:
            self.add(field, _("This text contains a character that is not allowed."))
        elif len(value) > max_length:
            self.add(field, _("At most %(max)s characters.", max=max_length))

    def choice(self, enum_class: type[E], field: str, value: object, message: str) -> E | None:
        """Parse ``value`` as a member of ``enum_class``; record ``message`` if it is not one."""
        try:
            return enum_class(value)
        except ValueError:
            self.add(field, message)
            return None

    def fields(self) -> set[str]:
        """The fields with an error so far."""
        return set(self._errors)

    def merge(self, other: FieldErrors) -> None:
        """Add every error ``other`` recorded."""
        for field, messages in other._errors.items():
            for message in messages:
                self.add(field, message)

    def __bool__(self) -> bool:
        return bool(self._errors)

    def raise_if_any(self) -> None:
        """Raise ValidationFailed with every recorded error, if there is one."""
        if self._errors:
            raise ValidationFailed(self._errors)
