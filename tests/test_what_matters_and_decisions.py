from datetime import timedelta

import pytest

from homecare.core.errors import ValidationFailed
from homecare.core.timeutil import local_today
from homecare.decisions.services import record_decision
from homecare.what_matters.services import conversations_of, record_conversation


def conversation(org, **overrides):
    fields = dict(user=org.user_a1, recorded_by=org.staff_a1, conversation_date=local_today(),
                  asked_by=org.staff_a1, present=["user"],
                  in_own_words="Å klare å dusje selv igjen.")
    fields.update(overrides)
    return record_conversation(**fields)


def test_a_conversation_keeps_the_users_words(org):
    made = conversation(org)
    assert conversations_of(org.user_a1) == [made]
    assert made.in_own_words == "Å klare å dusje selv igjen."


def test_when_the_user_could_not_answer_someone_must_have_spoken_for_them(org):
    with pytest.raises(ValidationFailed) as error:
        conversation(org, present=["next_of_kin"])
    assert "spoken_for_by" in error.value.errors
    made = conversation(org, present=["next_of_kin"], spoken_for_by="Kari, datter")
    assert made.spoken_for_by == "Kari, datter"


@pytest.mark.parametrize(("overrides", "field"), [
    ({"present": []}, "present"),
    ({"present": ["neighbour"]}, "present"),
    ({"in_own_words": " "}, "in_own_words"),
    ({"conversation_date": local_today() + timedelta(days=1)}, "conversation_date"),
])
def test_invalid_conversations_are_refused(org, overrides, field):
    with pytest.raises(ValidationFailed) as error:
        conversation(org, **overrides)
    assert field in error.value.errors


def test_the_person_who_asked_must_be_in_the_users_team(org):
    with pytest.raises(ValidationFailed) as error:
        conversation(org, asked_by=org.staff_b1)
    assert "asked_by" in error.value.errors


def decision(org, **overrides):
    today = local_today()
    fields = dict(user=org.user_a1, created_by=org.coordinator_a1, decided_on=today,
                  participants=[org.coordinator_a1, org.staff_a1], user_participated=True,
                  goal_statement="Å bo trygt hjemme.", services="Morgenstell daglig.",
                  reasons="Bruker ønsker å mestre mer selv.", valid_from=today,
                  review_on=today + timedelta(days=180))
    fields.update(overrides)
    return record_decision(**fields)


def test_a_decision_records_participants_and_reasons(org):
    made = decision(org)
    assert {p.id for p in made.participants} == {org.coordinator_a1.id, org.staff_a1.id}
    assert made.status == "in_force" and made.version == 1


@pytest.mark.parametrize(("overrides", "field"), [
    ({"participants": []}, "participants"),
    ({"reasons": ""}, "reasons"),
    ({"valid_to": local_today() - timedelta(days=1)}, "valid_to"),
    ({"review_on": local_today() - timedelta(days=1)}, "review_on"),
])
def test_invalid_decisions_are_refused(org, overrides, field):
    with pytest.raises(ValidationFailed) as error:
        decision(org, **overrides)
    assert field in error.value.errors


def test_participants_come_from_the_users_team(org):
    with pytest.raises(ValidationFailed, match="medlemmer av brukerens team"):
        decision(org, participants=[org.staff_b1])
