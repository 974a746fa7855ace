"""Single sign-on with the municipality's identity provider, over OpenID Connect.

The authorization code flow with PKCE (S256), through Authlib: the state is checked
against the browser's session, the ID token's signature against the keys the provider
publishes (``jwks_uri``), its issuer against ``HOMECARE_OIDC_ISSUER``, its audience
against our client id, its expiry, and its nonce against the one this browser sent —
and that nonce must not have signed anyone in before (``UsedNonce``), so that a sign-in
replayed with an earlier ID token is refused.

Who signs in is decided by the ID token's subject alone (``identities``): a subject
linked to a staff account signs in as that account; an unknown subject signs in only
with an administrator's invitation for one account, which links it. Then the rules of
a password sign-in apply: the throttle (a locked account or address is refused here
too), a server-side session that ends like any other, and every attempt kept.

Sign-out ends the provider's session too, where it publishes an
``end_session_endpoint`` (RP-initiated logout).
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import timedelta
from urllib.parse import urlencode

import requests
import sqlalchemy as sa
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import FlaskIntegration, FlaskOAuth2App
from flask import current_app, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user
from joserfc.errors import JoseError

from homecare.auth import sessions, throttle
from homecare.auth.identities import ExternalIdentity, SignInInvitation, UsedNonce
from homecare.auth.services import TooManyAttempts
from homecare.core.audit import acting_as
from homecare.core.extensions import db
from homecare.core.metrics import SIGN_INS
from homecare.core.routing import SIGN_IN_METHOD_KEY, SINGLE_SIGN_ON
from homecare.core.timeutil import utcnow
from homecare.org.models import Staff

#: How long an invitation link may wait for its one use.
INVITATION_DAYS = 7
#: Nonces are kept this long: far longer than any ID token is valid.
NONCE_KEPT = timedelta(days=2)
#: Leeway for the ID token's times (clocks differ a little).
CLOCK_LEEWAY_SECONDS = 60
#: Where the browser's session keeps the ID token (the provider's sign-out needs it)
#: and an invitation on its way through the provider.
ID_TOKEN_KEY = "sso_id_token"  # noqa: S105 - a session key, not a secret
INVITATION_KEY = "sso_invitation"
#: Sign-in attempts that name no account yet (a token refused before its subject was
#: trusted) are kept under this name, for the address's count and the review.
UNIDENTIFIED = "(single sign-on)"


class SignInRefused(Exception):
    """A single sign-on that must not sign anyone in: ``reason`` for the log (no personal
    data), ``message`` for the person, ``status`` for the page."""

    def __init__(self, reason: str, message: str, status: int = 401):
        super().__init__(reason)
        self.reason, self.message, self.status = reason, message, status


def configured() -> bool:
    """Whether an identity provider is set up (``HOMECARE_OIDC_ISSUER``)."""
    return bool(current_app.config.get("HOMECARE_OIDC_ISSUER"))


def password_sign_in() -> bool:
    """Whether local passwords may still be used (``HOMECARE_PASSWORD_SIGN_IN``)."""
    return current_app.config.get("HOMECARE_PASSWORD_SIGN_IN", True)


def provider_name() -> str:
    """The provider as people know it (``HOMECARE_OIDC_NAME``)."""
    return current_app.config.get("HOMECARE_OIDC_NAME") or _("the municipality's sign-in")


def _issuer() -> str:
    return current_app.config["HOMECARE_OIDC_ISSUER"]


@functools.lru_cache(maxsize=8)
def _client_for(issuer: str, client_id: str, secret: str, scopes: str) -> FlaskOAuth2App:
    """One Authlib client per provider setting, kept: it keeps the provider's metadata
    and keys (fetched again when a token names a key it does not know)."""
    return FlaskOAuth2App(
        FlaskIntegration("municipality"), "municipality", client_id=client_id,
        client_secret=secret, server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": scopes, "code_challenge_method": "S256",
                       "default_timeout": 10})


def _client() -> FlaskOAuth2App:
    """The client, with the provider's metadata loaded and its issuer checked: a
    provider that calls itself by another name is not ours (mix-up attacks)."""
    config = current_app.config
    client = _client_for(_issuer(), config["HOMECARE_OIDC_CLIENT_ID"],
                         config["HOMECARE_OIDC_CLIENT_SECRET"], config["HOMECARE_OIDC_SCOPES"])
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError) as error:
        raise _unreachable() from error
    if metadata.get("issuer") != _issuer():
        _client_for.cache_clear()
        raise SignInRefused("issuer_mismatch", _("The sign-in could not be completed. "
                                                 "Please try again."), 502)
    return client


def invalid_invitation() -> str:
    """What an invitation link that cannot be used says."""
    return _("This invitation link cannot be used: it has been used already, it has "
             "expired, or it does not exist. Ask an administrator for a new one.")


def _unreachable() -> SignInRefused:
    return SignInRefused("unreachable", _(
        "%(provider)s does not answer. Please try again in a few minutes.",
        provider=provider_name()), 503)


def external_url(endpoint: str, **values) -> str:
    """An absolute address of ours, as the provider must be told it: from
    ``HOMECARE_PUBLIC_URL`` when set, else from this request."""
    public = current_app.config.get("HOMECARE_PUBLIC_URL")
    if public:
        return public + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def authorization_redirect():
    """Send the browser to the provider, with a new state, nonce and PKCE verifier kept
    in its session."""
    return _client().authorize_redirect(external_url("sso.callback"))


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _verified_claims() -> tuple[dict, str]:
    """The callback's ID token claims and the token itself, once every check passed."""
    client = _client()
    returned_issuer = request.args.get("iss")
    if returned_issuer is not None and returned_issuer != _issuer():
        raise _refused("issuer_mismatch")
    try:
        # Authlib checks the audience only through ``azp``: a token for another
        # application that names us as its authorised party would pass. It must name us.
        token = client.authorize_access_token(
            claims_options={"iss": {"essential": True, "value": _issuer()},
                            "aud": {"essential": True, "value": client.client_id},
                            "sub": {"essential": True}},
            leeway=CLOCK_LEEWAY_SECONDS)
    except requests.RequestException as error:
        raise _unreachable() from error
    except (AuthlibBaseError, JoseError, ValueError, KeyError) as error:
        raise _refused("token", error) from error
    claims = token.get("userinfo")
    if not claims or not token.get("id_token"):
        raise _refused("token")
    return dict(claims), token["id_token"]


def _refused(reason: str, error: Exception | None = None) -> SignInRefused:
    current_app.logger.warning("single sign-on refused", extra={"fields": {
        "reason": reason, "error": type(error).__name__ if error else None}})
    return SignInRefused(reason, _("The sign-in could not be completed. Please try again."))


def _use_nonce(nonce: str) -> None:
    """Keep the nonce as used; refuse it if it was used before (a replay)."""
    now = utcnow()
    db.session.execute(sa.delete(UsedNonce).where(UsedNonce.used_at < now - NONCE_KEPT))
    try:
        with db.session.begin_nested():
            db.session.add(UsedNonce(nonce_hash=_digest(nonce), used_at=now))
    except sa.exc.IntegrityError as error:
        raise _refused("nonce_replayed", error) from error


def identity_for(issuer: str, subject: str) -> ExternalIdentity | None:
    """The link of a provider account to a staff account, if any."""
    return db.session.scalar(sa.select(ExternalIdentity).where(
        ExternalIdentity.issuer == issuer, ExternalIdentity.subject == subject))


def open_invitation(code: str | None) -> SignInInvitation | None:
    """The unused, unexpired invitation with this secret, if any."""
    if not code or len(code) > 200:
        return None
    invitation = db.session.scalar(sa.select(SignInInvitation).where(
        SignInInvitation.code_hash == _digest(code)))
    if invitation is None or invitation.used_at is not None or invitation.expires_at <= utcnow():
        return None
    return invitation


def invite(staff: Staff, created_by: Staff | None) -> tuple[str, SignInInvitation]:
    """A new one-time invitation for ``staff``: its secret (shown once) and its record."""
    code = secrets.token_urlsafe(32)
    invitation = SignInInvitation(staff_id=staff.id, code_hash=_digest(code),
                                  created_by_id=created_by.id if created_by else None,
                                  expires_at=utcnow() + timedelta(days=INVITATION_DAYS))
    db.session.add(invitation)
    db.session.flush()
    return code, invitation


def _linked_by_invitation(code: str | None, issuer: str, subject: str) -> ExternalIdentity:
    """Link the provider account to the invited staff account (a new provider account
    for someone already linked replaces the old link)."""
    invitation = open_invitation(code)
    if invitation is None:
        raise SignInRefused("unknown_subject", _(
            "Your account at %(provider)s is not linked to an account here. Ask an "
            "administrator for an invitation link.", provider=provider_name()), 403)
    staff = invitation.staff
    with acting_as(staff):
        identity = db.session.scalar(sa.select(ExternalIdentity).where(
            ExternalIdentity.staff_id == staff.id, ExternalIdentity.issuer == issuer))
        if identity is None:
            identity = ExternalIdentity(staff=staff, issuer=issuer, subject=subject)
            db.session.add(identity)
        else:
            identity.subject, identity.linked_at = subject, utcnow()
        invitation.used_at = utcnow()
        db.session.flush()
    return identity


def _identity(claims: dict) -> ExternalIdentity:
    """The staff account the verified subject signs in as."""
    invitation = session.pop(INVITATION_KEY, None)
    identity = identity_for(_issuer(), claims["sub"])
    if identity is None:
        return _linked_by_invitation(invitation, _issuer(), claims["sub"])
    if invitation is not None:
        pending = open_invitation(invitation)
        if pending is not None and pending.staff_id != identity.staff_id:
            raise SignInRefused("linked_elsewhere", _(
                "Your account at %(provider)s is already linked to another account here.",
                provider=provider_name()), 403)
        if pending is not None:
            pending.used_at = utcnow()
    return identity


def complete_sign_in() -> Staff:
    """The callback's work: verify the answer, find (or link) the account, and sign it
    in under the same rules as a password. Raises SignInRefused or TooManyAttempts."""
    try:
        claims, id_token = _verified_claims()
        _use_nonce(claims["nonce"])
        identity = _identity(claims)
    except SignInRefused as refusal:
        if refusal.reason != "unreachable":
            throttle.record(UNIDENTIFIED, throttle.Outcome.FAILED)
        SIGN_INS.labels("sso", refusal.reason).inc()
        raise
    staff = identity.staff
    if not staff.active:
        throttle.record(staff.username, throttle.Outcome.FAILED)
        SIGN_INS.labels("sso", "inactive").inc()
        raise SignInRefused("inactive", _("This account is deactivated."), 403)
    wait = throttle.retry_after(staff.username)
    if wait is not None:
        throttle.record(staff.username, throttle.Outcome.THROTTLED)
        SIGN_INS.labels("sso", "throttled").inc()
        raise TooManyAttempts(wait)
    throttle.record(staff.username, throttle.Outcome.SUCCEEDED)
    SIGN_INS.labels("sso", "succeeded").inc()
    staff.last_login_at = identity.last_sign_in_at = utcnow()
    sessions.start(staff)
    login_user(staff)
    session[SIGN_IN_METHOD_KEY] = SINGLE_SIGN_ON
    session[ID_TOKEN_KEY] = id_token
    return staff


def provider_sign_out_url(id_token: str | None) -> str | None:
    """Where to send the browser so that the provider ends its session too, coming back
    to our sign-in page; None where the provider offers no such address."""
    if not configured() or not id_token:
        return None
    try:
        endpoint = _client().load_server_metadata().get("end_session_endpoint")
    except SignInRefused:
        return None
    if not endpoint:
        return None
    return f"{endpoint}?" + urlencode({
        "id_token_hint": id_token, "client_id": current_app.config["HOMECARE_OIDC_CLIENT_ID"],
        "post_logout_redirect_uri": external_url("auth.login")})
