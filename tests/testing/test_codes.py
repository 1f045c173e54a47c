"""Household codes: what the sheet prints, the desk reads back; a slip of one digit is refused."""

import pytest

from resilient.testing.codes import household_code, parse_household_code

pytestmark = pytest.mark.both_backends


@pytest.mark.parametrize("household_id", [1, 9, 10, 1234, 987654321])
def test_a_code_reads_back_as_its_household(household_id):
    code = household_code(household_id)
    assert code.startswith("RC-H")
    assert parse_household_code(code) == household_id
    assert parse_household_code(f"  {code.lower()} ") == household_id


def test_one_wrong_digit_or_a_swap_is_no_household():
    code = household_code(1234)
    wrong = code[:-2] + str((int(code[-2]) + 1) % 10) + code[-1]
    assert parse_household_code(wrong) is None
    assert parse_household_code(code[:-3] + code[-2] + code[-3] + code[-1]) is None
    for text in ["", "3-2-401", "RC-H", "1234", None]:
        assert parse_household_code(text) is None
