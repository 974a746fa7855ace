from datetime import date

import pytest

from homecare.core.national_id import IdKind, InvalidNationalId, parse_national_id

TODAY = date(2026, 11, 22)


def parse(value, allow_synthetic=False):
    """Outside an app the messages are the catalogue's English source text."""
    return parse_national_id(value, allow_synthetic=allow_synthetic, today=TODAY)


def weighted_check_digits(nine: str) -> str:
    """The two mod-11 check digits, written out from the published weights."""
    d = [int(c) for c in nine]
    k1 = 11 - (3 * d[0] + 7 * d[1] + 6 * d[2] + 1 * d[3] + 8 * d[4] + 9 * d[5]
               + 4 * d[6] + 5 * d[7] + 2 * d[8]) % 11
    k1 = 0 if k1 == 11 else k1
    k2 = 11 - (5 * d[0] + 4 * d[1] + 3 * d[2] + 2 * d[3] + 7 * d[4] + 6 * d[5]
               + 5 * d[6] + 4 * d[7] + 3 * d[8] + 2 * k1) % 11
    k2 = 0 if k2 == 11 else k2
    assert k1 < 10 and k2 < 10, "choose other digits: no valid number"
    return f"{nine}{k1}{k2}"


@pytest.mark.parametrize(("value", "born"), [
    # Published examples (python-stdnum's documentation and tests).
    ("15108695088", date(1986, 10, 15)),
    ("11111598403", date(2015, 11, 11)),  # individual 984, year 15: 2000s
    ("23114048690", date(1940, 11, 23)),
    ("151086 95088", date(1986, 10, 15)),
])
def test_valid_birth_numbers(value, born):
    parsed = parse(value)
    assert parsed.birth_date == born
    assert parsed.kind is IdKind.BIRTH_NUMBER
    assert parsed.value == value.replace(" ", "")


def test_d_number_adds_40_to_the_day():
    value = weighted_check_digits("410175" + "123")  # day 41 -> 1 January 1975
    parsed = parse(value)
    assert parsed.kind is IdKind.D_NUMBER
    assert parsed.birth_date == date(1975, 1, 1)


def test_century_comes_from_the_individual_number():
    assert parse(weighted_check_digits("010105" + "512")).birth_date == date(2005, 1, 1)
    assert parse(weighted_check_digits("010160" + "912")).birth_date == date(1960, 1, 1)


def test_synthetic_numbers_only_when_allowed():
    value = weighted_check_digits("178540" + "202")  # month 85 -> May
    with pytest.raises(InvalidNationalId, match="Synthetic"):
        parse(value)
    parsed = parse(value, allow_synthetic=True)
    assert parsed.kind is IdKind.SYNTHETIC
    assert parsed.birth_date == date(1940, 5, 17)


@pytest.mark.parametrize(("value", "message"), [
    ("1510869508", "exactly 11 digits"),
    ("151086950888", "exactly 11 digits"),
    ("1510869508x", "exactly 11 digits"),
    ("", "exactly 11 digits"),
    ("15108695077", "check digits"),
    ("15108695089", "check digits"),
])
def test_invalid_numbers_say_what_is_wrong(value, message):
    with pytest.raises(InvalidNationalId, match=message):
        parse(value)


@pytest.mark.parametrize("nine", [
    "310286" + "123",  # 31 February
    "001086" + "123",  # day 0
    "151386" + "123",  # month 13
    "010145" + "800",  # individual 750-899 with year 40-99: no century
])
def test_impossible_dates_are_refused(nine):
    try:
        value = weighted_check_digits(nine)
    except AssertionError:
        value = nine + "00"
    with pytest.raises(InvalidNationalId, match="real birth date"):
        parse(value)


def test_birth_date_in_the_future_is_refused():
    value = weighted_check_digits("010130" + "512")  # 1 January 2030
    with pytest.raises(InvalidNationalId, match="real birth date"):
        parse(value)
