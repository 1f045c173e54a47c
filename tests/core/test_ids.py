"""ID numbers (GB 11643): validation with a reason, and hashes that agree between Python and DuckDB."""

from datetime import date

import pytest

from resilient.core import db, ids
from tests.conftest import TODAY


def id_number(region: str = "320402", birth: str = "19800101", seq: str = "12", male: bool = True) -> str:
    """A valid number: region, birth date, sequence with the sex digit, check digit."""
    first17 = region + birth + seq + ("1" if male else "2")
    return first17 + ids.check_digit(first17)


def test_valid_number_gives_birth_date_and_sex():
    assert ids.validate_id_number(id_number(birth="19500307", male=True), TODAY) == (date(1950, 3, 7), "M")
    assert ids.validate_id_number(id_number(birth="20011231", male=False), TODAY) == (date(2001, 12, 31), "F")


def test_trailing_lower_case_x_full_width_digits_and_spaces_are_accepted():
    assert ids.check_digit("11010519491231002") == "X"
    assert ids.validate_id_number("11010519491231002x", TODAY) == (date(1949, 12, 31), "F")
    full_width = "１１０１０５１９４９１２３１００２Ｘ"
    assert ids.validate_id_number(full_width, TODAY) == (date(1949, 12, 31), "F")
    assert ids.normalise_id_number(" 110105 19491231 002x ") == "11010519491231002X"


@pytest.mark.parametrize("number, code", [
    ("1101051949123100", "import.error.id_length"),
    ("1101051949123100212", "import.error.id_length"),
    ("11010519491231A021", "import.error.id_format"),
    ("X10105194912310021", "import.error.id_format"),
    ("110105194912310021", "import.error.id_check_digit"),
    (id_number(birth="19501301"), "import.error.id_birth_date"),   # month 13
    (id_number(birth="19500230"), "import.error.id_birth_date"),   # 30 February
    (id_number(birth="18991231"), "import.error.id_birth_date"),   # before anyone alive
    (id_number(birth="20261124"), "import.error.id_future_birth"),  # the day after TODAY
])
def test_each_reason_a_number_is_refused(number, code):
    with pytest.raises(ValueError) as refused:
        ids.validate_id_number(number, TODAY)
    assert str(refused.value) == code


def test_born_today_is_accepted():
    assert ids.validate_id_number(id_number(birth=TODAY.strftime("%Y%m%d")), TODAY)[0] == TODAY


def test_python_hash_equals_the_duckdb_expression_the_demo_generator_uses():
    con = db.connect(":memory:")
    salt = "0123456789abcdef0123456789abcdef"
    for number in [id_number(), "11010519491231002X"]:
        in_duckdb = con.execute("SELECT sha256($salt || $id)", {"salt": salt, "id": number}).fetchone()[0]
        assert ids.hash_id(number, salt) == in_duckdb
    # A lower-case x hashes like the upper-case one the generator writes.
    assert ids.hash_id("11010519491231002x", salt) == ids.hash_id("11010519491231002X", salt)


def test_mask_keeps_first_and_last_four():
    assert ids.mask_id("11010519491231002X") == "1101**********002X"


def test_a_community_joined_with_its_own_salt_hashes_with_it_and_searches_try_every_salt():
    salts = {None: "district", 7: "office"}
    assert ids.salt_of(salts, 7) == "office" and ids.salt_of(salts, 3) == ids.salt_of(salts, None) == "district"
    assert ids.salt_of({}, 7) == ""
    number = "11010519491231002X"
    assert ids.hashes_everywhere(number, salts) == [ids.hash_id(number, "district"), ids.hash_id(number, "office")]
    assert ids.hashes_everywhere(number, {None: "s", 7: "s"}) == [ids.hash_id(number, "s")]
    assert ids.hashes_everywhere(number, {}) == [ids.hash_id(number, "")]
