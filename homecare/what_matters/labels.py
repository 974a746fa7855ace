"""Translated names of the values of «what matters» conversations, for pages."""

from flask_babel import lazy_gettext as _l

from homecare.what_matters.models import Present

#: Who took part in a what-matters conversation.
PRESENT_LABELS = {Present.USER: _l("The user"), Present.NEXT_OF_KIN: _l("Next of kin"),
                  Present.OTHER: _l("Others")}
