"""API: exchanging a username and password for a bearer token; listing and revoking
one's own tokens."""

from __future__ import annotations

from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import abort

from homecare.auth.oidc import password_sign_in
from homecare.auth.schemas import CredentialsSchema, TokenInfoSchema, TokenSchema
from homecare.auth.services import sign_in
from homecare.auth.tokens import current_token, issue_token, own_token, own_tokens, revoke
from homecare.core.rest import API_PREFIX, Blueprint
from homecare.core.routing import csrf_exempt, public
from homecare.policy.lookup import actor

blueprint = Blueprint("tokens", __name__, url_prefix=f"{API_PREFIX}/tokens",
                      description="Sign in: bearer tokens for tablets and integrations.")


@blueprint.route("")
class Tokens(MethodView):
    @public
    @csrf_exempt
    @blueprint.arguments(CredentialsSchema)
    @blueprint.response(201, TokenSchema)
    @blueprint.errors(401, 403, 422, 429)
    @blueprint.doc(security=[])
    def post(self, credentials):
        """A new bearer token for a username and password (valid for 12 hours by default).

        After five wrong passwords for an account within 15 minutes (or many from one
        address) signing in is refused with 429 and ``Retry-After``, even with the right
        password. An account whose password an administrator reset must choose a new
        password in the browser first (403).
        """
        if not password_sign_in():
            abort(403, message=_("Signing in with a password is turned off here."))
        staff = sign_in(credentials["username"], credentials["password"])
        if staff is None:
            abort(401, message=_("Wrong username or password."))
        if staff.must_change_password:
            abort(403, message=_("Choose a new password in the browser before using the API."))
        secret, record = issue_token(staff)
        return {"token": secret, "expires_at": record.expires_at}

    @blueprint.response(200, TokenInfoSchema(many=True))
    @blueprint.errors(401)
    def get(self):
        """The caller's own tokens, newest first: when each was issued, expires and was
        revoked, and which one this request used. The secrets are never shown again."""
        current = current_token()
        return [{"id": t.id, "created_at": t.created_at, "expires_at": t.expires_at,
                 "revoked_at": t.revoked_at, "current": current is not None and t.id == current.id}
                for t in own_tokens(actor())]


@blueprint.route("/<id:token_id>")
class OwnToken(MethodView):
    @blueprint.response(204)
    @blueprint.errors(401, 404)
    def delete(self, token_id):
        """Revoke one of the caller's own tokens (a lost tablet); another's answers 404."""
        revoke(own_token(actor(), token_id))


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
