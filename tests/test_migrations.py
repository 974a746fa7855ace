"""The schema comes from the migrations alone, and it matches the models exactly."""

from datetime import UTC

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from homecare import create_app
from homecare.core.extensions import db
from homecare.core.migration_support import ALEMBIC_OPTIONS
from tests.databases import fresh_database


def schema_differences(connection) -> list:
    options = {k: v for k, v in ALEMBIC_OPTIONS.items() if k.startswith("compare")}
    context = MigrationContext.configure(connection, opts=options)
    return compare_metadata(context, db.metadata)


def test_migrations_build_the_models_schema_and_tear_it_down(app, dialect, tmp_path):
    with fresh_database(dialect, tmp_path) as url:
        fresh = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with fresh.app_context():
            upgrade()
            with db.engine.connect() as connection:
                assert schema_differences(connection) == []
            downgrade(revision="base")
            with db.engine.connect() as connection:
                assert set(sa.inspect(connection).get_table_names()) <= {"alembic_version"}
            upgrade()
            with db.engine.connect() as connection:
                assert schema_differences(connection) == []
            db.engine.dispose()


def test_the_stored_names_addresses_and_relations_are_read_into_parts(app, dialect, tmp_path):
    """Migration 0018 reads today's one-line names, addresses and relations as the service
    reads new ones: two-word names and "Street 12, 0468 Oslo" addresses into parts."""
    import uuid
    from datetime import date, datetime

    with fresh_database(dialect, tmp_path) as url:
        fresh = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with fresh.app_context():
            upgrade(revision="0013")
            now = datetime.now(UTC)
            with db.engine.begin() as connection:
                connection.execute(sa.text(
                    "INSERT INTO sections (id, name, created_at, updated_at) "
                    "VALUES (1, 'S', :now, :now)"), {"now": now})
                connection.execute(sa.text(
                    "INSERT INTO teams (id, name, section_id, created_at, updated_at) "
                    "VALUES (1, 'T', 1, :now, :now)"), {"now": now})
                people = {uuid.uuid4(): ("Kari Hansen", "Bjølsengata 12, 0468 Oslo", "datter"),
                          uuid.uuid4(): ("Anne Marie Berg", "Hos datteren", "tante")}
                for number, (user_id, (name, address, relation)) in enumerate(people.items()):
                    connection.execute(sa.text(
                        "INSERT INTO service_users (id, national_id, full_name, birth_date, "
                        "address, team_id, service_type, service_start, needs_proxy, "
                        "created_at, updated_at, version) VALUES (:id, :nid, :name, :born, "
                        ":address, 1, 'long_term', :born, false, :now, :now, 1)"
                    ).bindparams(sa.bindparam("id", type_=sa.Uuid())),
                        {"id": user_id, "nid": f"0000000000{number}", "name": name,
                         "born": date(1940, 1, 1), "address": address, "now": now})
                    connection.execute(sa.text(
                        "INSERT INTO next_of_kin (id, service_user_id, position, name, relation, "
                        "phone, created_at, updated_at) VALUES (:id, :user, 0, 'N', :relation, "
                        "'9', :now, :now)").bindparams(sa.bindparam("id", type_=sa.Uuid()),
                                                       sa.bindparam("user", type_=sa.Uuid())),
                        {"id": uuid.uuid4(), "user": user_id, "relation": relation, "now": now})
            upgrade()
            with db.engine.connect() as connection:
                rows = connection.execute(sa.text(
                    "SELECT full_name, given_name, family_name, address_line, postal_code, "
                    "city, municipality_number, district, relationship FROM service_users "
                    "JOIN next_of_kin ON next_of_kin.service_user_id = service_users.id "
                    "ORDER BY full_name")).all()
            assert [tuple(row) for row in rows] == [
                ("Anne Marie Berg", None, None, None, None, None, None, None, None),
                ("Kari Hansen", "Kari", "Hansen", "Bjølsengata 12", "0468", "Oslo", "0301",
                 None, "daughter")]
            db.engine.dispose()
