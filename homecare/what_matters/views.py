"""The page where «What matters to you?» is asked and the answer written down."""

from __future__ import annotations

from flask import Blueprint, url_for
from flask_babel import gettext as _

from homecare.core.forms import chosen_record_id, form_page
from homecare.core.timeutil import local_today
from homecare.policy.access import Action
from homecare.policy.lookup import actor, load
from homecare.service_users.models import ServiceUser
from homecare.what_matters.forms import WhatMattersForm
from homecare.what_matters.services import CONVERSATION_CREATION

blueprint = Blueprint("what_matters_pages", __name__, template_folder="templates")


@blueprint.route("/users/<uuid:user_id>/what-matters/new", methods=["GET", "POST"])
def what_matters(user_id):
    """Record a «Hva er viktig for deg?» conversation, in the user's own words."""
    user = load(ServiceUser, user_id, Action.RECORD)
    form = WhatMattersForm(conversation_date=local_today())
    return form_page(form, "what_matters/what_matters.html", user,
                     lambda: CONVERSATION_CREATION.put(chosen_record_id(form), {
            "service_user_id": user.id, "asked_by_id": actor().id,
            "conversation_date": form.conversation_date.data, "present": form.present.data,
            "in_own_words": form.in_own_words.data,
            "spoken_for_by": form.spoken_for_by.data or None}),
        back=url_for("care.user", user_id=user.id), title=_("What matters to you?"))
