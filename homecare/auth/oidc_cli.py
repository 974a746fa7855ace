"""``flask --app homecare invite USERNAME``: an invitation link from the command line,
for the first administrator of a service where passwords are turned off."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import current_app, url_for
from flask.cli import with_appcontext
from flask_babel import gettext as _

from homecare.auth import oidc
from homecare.core.extensions import db
from homecare.org.models import Staff


@click.command("invite")
@click.argument("username")
@with_appcontext
def invite_command(username: str) -> None:
    """Print a one-time link that links the person's account at the identity provider
    to the staff account USERNAME (valid for a week)."""
    if not oidc.configured():
        raise click.ClickException(_("Single sign-on is not set up (HOMECARE_OIDC_ISSUER)."))
    staff = db.session.scalar(sa.select(Staff).where(Staff.username == username.strip().lower()))
    if staff is None:
        raise click.ClickException(_("No account has the username %(username)s.",
                                     username=username))
    code, invitation = oidc.invite(staff, None)
    db.session.commit()
    public = current_app.config.get("HOMECARE_PUBLIC_URL") or ""
    with current_app.test_request_context():
        path = url_for("sso.invitation", code=code)
    click.echo(_("Invitation for %(username)s, valid once until %(when)s:",
                 username=staff.username, when=invitation.expires_at.isoformat(timespec="minutes")))
    click.echo(f"{public}{path}")
    if not public:
        click.echo(_("Open it at the service's address (set HOMECARE_PUBLIC_URL to have it "
                     "printed in full)."))
