"""Registering users and moving them between teams."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from homecare.core.errors import ValidationFailed
from homecare.core.extensions import db
from homecare.core.timeutil import local_today
from homecare.service_users.models import NextOfKin, ServiceUser, TeamPeriod
from homecare.service_users.services import AlreadyRegistered, current_team_period, move_to_team
from tests.factories import make_user, synthetic_national_id


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_birth_date_comes_from_the_national_id(org):
    user = make_user(org.team_a1, national_id=synthetic_national_id(date(1938, 3, 9)))
    assert user.birth_date == date(1938, 3, 9)
    assert user.version == 1
    assert [p.team_id for p in user.team_periods] == [org.team_a1.id]


def test_next_of_kin_are_kept_in_order(org):
    user = make_user(org.team_a1, next_of_kin=[
        {"name": "Kari", "relation": "datter", "phone": "91234567"},
        {"name": "Per", "relation": "sønn", "phone": "92345678"}])
    assert [k.name for k in user.next_of_kin] == ["Kari", "Per"]


def test_bad_input_is_refused_whole_with_a_message_per_field(org):
    before = (count(ServiceUser), count(TeamPeriod), count(NextOfKin))
    start = local_today()
    with pytest.raises(ValidationFailed) as error:
        make_user(org.team_a1, national_id="15108695077", full_name="  ", address="",
                  start=start, service_end=start - timedelta(days=1), service_type="forever",
                  next_of_kin=[{"name": "Kari", "relation": "", "phone": "9"}])
    assert set(error.value.errors) == {"national_id", "full_name", "address", "service_end",
                                       "service_type", "next_of_kin.0.relation"}
    assert "Kontrollsifrene" in error.value.errors["national_id"][0]
    assert (count(ServiceUser), count(TeamPeriod), count(NextOfKin)) == before


def test_a_national_id_can_be_registered_once(org):
    # Who may be told that it is held is the caller's to decide (tests/test_transfers.py).
    with pytest.raises(AlreadyRegistered) as held:
        make_user(org.team_a2, national_id=org.user_a1.national_id)
    assert held.value.user == org.user_a1


def test_synthetic_ids_are_refused_unless_allowed(app, org):
    app.config["HOMECARE_ALLOW_SYNTHETIC_IDS"] = False
    try:
        with pytest.raises(ValidationFailed, match="Syntetiske"):
            make_user(org.team_a1)
        user = make_user(org.team_a1, national_id="15108695088")
        assert user.birth_date == date(1986, 10, 15)
    finally:
        app.config["HOMECARE_ALLOW_SYNTHETIC_IDS"] = True


def test_moving_a_user_keeps_the_team_history(org):
    user = make_user(org.team_a1, start=local_today() - timedelta(days=40))
    moved_on = local_today() - timedelta(days=10)
    move_to_team(user, org.team_a2, moved_on)
    periods = db.session.scalars(sa.select(TeamPeriod).where(
        TeamPeriod.service_user_id == user.id).order_by(TeamPeriod.valid_from)).all()
    assert [(p.team_id, p.valid_from, p.valid_to) for p in periods] == [
        (org.team_a1.id, user.service_start, moved_on), (org.team_a2.id, moved_on, None)]
    assert user.team_id == org.team_a2.id == current_team_period(user).team_id


def test_a_move_on_the_first_day_corrects_the_team(org):
    user = make_user(org.team_a1, start=local_today())
    move_to_team(user, org.team_a2, local_today())
    assert [(p.team_id, p.valid_to) for p in user.team_periods] == [(org.team_a2.id, None)]


def test_a_move_cannot_predate_the_current_period(org):
    user = make_user(org.team_a1, start=local_today() - timedelta(days=5))
    with pytest.raises(ValidationFailed) as error:
        move_to_team(user, org.team_a2, local_today() - timedelta(days=6))
    assert "moved_on" in error.value.errors
    assert user.team_id == org.team_a1.id


def test_the_database_refuses_two_open_team_periods(org):
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.add(TeamPeriod(service_user_id=org.user_a1.id, team_id=org.team_a2.id,
                                  valid_from=local_today()))
        db.session.flush()


def test_concurrent_edits_are_detected_by_version(org):
    from sqlalchemy.orm.exc import StaleDataError

    user = org.user_a1
    # Another writer bumps the version behind this session's back.
    db.session.execute(sa.update(ServiceUser).where(ServiceUser.id == user.id)
                       .values(version=ServiceUser.version + 1)
                       .execution_options(synchronize_session=False))
    user.address = "Ny adresse 2"
    with pytest.raises(StaleDataError), db.session.begin_nested():
        db.session.flush()
