"""Resident ID numbers (GB 11643): check digits, masking and salted hashes. Full numbers are never stored."""

import hashlib
import re
import unicodedata
from datetime import date

import numpy as np

from resilient.core import config

WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
CHECK_CHARS = "10X98765432"


def check_digit(first17: str) -> str:
    """The 18th character that GB 11643 derives from the first 17 digits."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError(f"expected 17 digits, got {first17!r}")
    total = sum(int(d) * int(w) for d, w in zip(first17, WEIGHTS))
    return CHECK_CHARS[total % 11]


def check_digits(first17: np.ndarray) -> np.ndarray:
    """Vectorised check_digit over an (n, 17) array of digits, for generating a million numbers at once."""
    index = (first17.astype(np.int64) @ WEIGHTS) % 11
    return np.array(list(CHECK_CHARS))[index]


def mask_id(number: str) -> str:
    """3204**********1234: enough to tell people apart on a list, not enough to misuse."""
    return number[:4] + "*" * (len(number) - 8) + number[-4:] if len(number) > 8 else "*" * len(number)


def hash_id(number: str, salt: str) -> str:
    """sha256(salt || upper(number)): the same as the generator's SQL, so imports find demo residents."""
    return hashlib.sha256((salt + number.upper()).encode()).hexdigest()


def salts(con) -> dict[int | None, str]:
    """{None: the database's salt, community_id: its own}. A community has its own when its office joined the
    district with another salt (ops/join --keep-office-salt): its residents' hashes were made with that one."""
    from resilient.core import queries

    found = {}
    for key, value in queries.fetch_all(con, "id_salts"):
        found[None if key == "id_salt" else int(key.split(":", 1)[1])] = value
    return found


def salt_of(salts: dict[int | None, str], community_id: int | None) -> str:
    """The salt a resident of this community is hashed with ('' in a database that has none yet)."""
    return salts.get(community_id, salts.get(None, "")) if community_id is not None else salts.get(None, "")


def hashes_everywhere(number: str, salts: dict[int | None, str]) -> list[str]:
    """The hashes this number has under every salt in use: a search not tied to one community matches any."""
    return list(dict.fromkeys(hash_id(number, s) for s in (list(salts.values()) or [""])))


ID_NUMBER = re.compile(r"^[0-9]{17}[0-9X]$")
EARLIEST_BIRTH = date(1900, 1, 1)


def normalise_id_number(text: str) -> str:
    """As people type it: full-width digits, spaces and a lower-case x are all the same number."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).upper()


def validate_id_number(text: str, today: date | None = None) -> tuple[date, str]:
    """The birth date and sex (M/F) a GB 11643 number encodes; ValueError(translation key) if it cannot be one."""
    number = normalise_id_number(text)
    if len(number) != 18:
        raise ValueError("import.error.id_length")
    if not ID_NUMBER.match(number):
        raise ValueError("import.error.id_format")
    if check_digit(number[:17]) != number[17]:
        raise ValueError("import.error.id_check_digit")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValueError("import.error.id_birth_date") from None
    if birth < EARLIEST_BIRTH:
        raise ValueError("import.error.id_birth_date")
    if birth > (today or config.today()):
        raise ValueError("import.error.id_future_birth")
    return birth, "M" if int(number[16]) % 2 else "F"
