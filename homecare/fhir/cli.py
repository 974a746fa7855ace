"""``flask --app homecare fhir export --user ID``: a user's whole record as a FHIR Bundle
in a file, for the user's right to a copy of their record (and for moving it)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from homecare.core.audit import record_read
from homecare.core.extensions import db
from homecare.fhir import record
from homecare.fhir.links import fhir_base
from homecare.service_users.models import ServiceUser

fhir_group = AppGroup("fhir", help="The record in HL7 FHIR R4.")

#: How the access log names an export from the command line (there is no signed-in
#: person: the row has no actor, and the operator's shell history says who).
EXPORT_READ = "FHIR export (command line)"


@fhir_group.command("export")
@click.option("--user", "user_id", required=True, type=click.UUID,
              help="The service user's id.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The file to write (default fhir-<id>.json; - for standard output).")
@click.option("--base-url", default=None,
              help="The FHIR API's address for each entry's fullUrl (default: "
                   "HOMECARE_BASE_URL with /fhir/R4).")
def export_command(user_id: uuid.UUID, output: Path | None, base_url: str | None) -> None:
    """Write the user's record ($everything) as a FHIR Bundle (JSON), readable by the
    owner of the file only."""
    user = db.session.get(ServiceUser, user_id)
    if user is None or user.deleted_at is not None:
        raise click.ClickException(_("There is no service user with this id."))
    bundle = record.export_bundle(record.load_record(user), fhir_base(base_url))
    record_read(user.id, EXPORT_READ)
    db.session.commit()
    text = bundle.model_dump_json(indent=2)
    if output is not None and str(output) == "-":
        click.echo(text)
        return
    target = output or Path(f"fhir-{user.id}.json")
    write_private(target, text)
    click.echo(_("Wrote %(count)d resources to %(file)s.", count=len(bundle.entry),
                 file=target))


def write_private(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` with mode 0600: a health record is for the person it is
    handed to, not for every account on the machine. A file already there is narrowed to
    0600 before it is overwritten."""
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        os.fchmod(file.fileno(), 0o600)
        file.write(text)
