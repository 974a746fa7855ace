"""API: exchanging a username and password for a bearer token, and revoking it."""

from __future__ import annotations

from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import abort

from homecare.auth.schemas import CredentialsSchema, TokenSchema
from homecare.auth.services import authenticate
from homecare.auth.tokens import current_token, issue_token, revoke
from homecare.core.api import API_PREFIX, Blueprint
from homecare.core.routing import csrf_exempt, public

blueprint = Blueprint("tokens", __name__, url_prefix=f"{API_PREFIX}/tokens",
                      description="Sign in: bearer tokens for tablets and integrations.")


@blueprint.route("")
@public
@csrf_exempt
class Tokens(MethodView):
    @blueprint.arguments(CredentialsSchema)
    @blueprint.response(201, TokenSchema)
    @blueprint.errors(401, 422)
    @blueprint.doc(security=[])
    def post(self, credentials):
        """A new bearer token for a username and password (valid for 12 hours by default)."""
        staff = authenticate(credentials["username"], credentials["password"])
        if staff is None:
            abort(401, message=_("Wrong username or password."))
        secret, record = issue_token(staff)
        return {"token": secret, "expires_at": record.expires_at}


@blueprint.route("/current")
class CurrentToken(MethodView):
    @blueprint.response(204)
    @blueprint.errors(400, 401)
    @blueprint.doc(security=[{"bearerAuth": []}])
    def delete(self):
        """Revoke the token this request was sent with."""
        record = current_token()
        if record is None:
            abort(400, message=_("This request was not made with a bearer token."))
        revoke(record)
