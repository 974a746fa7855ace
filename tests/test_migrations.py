"""The schema comes from the migrations alone, and it matches the models exactly."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from homecare import create_app
from homecare.core.migration_support import ALEMBIC_OPTIONS
from homecare.extensions import db
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
