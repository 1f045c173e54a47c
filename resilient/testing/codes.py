"""The household code printed as a QR code on call-down sheets and read at the desk (typed, or by a scanner that
types what it reads), so calling down and recording name a household the same way.

"RC-H" + the household id + one Luhn check digit: a misread or mistyped digit is caught, not sent to the wrong
flat. The code carries no personal data.
"""

import re

PREFIX = "RC-H"
CODE = re.compile(r"^\s*RC-?H(\d{1,12})(\d)\s*$", re.IGNORECASE)


def _luhn(digits: str) -> int:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10


def household_code(household_id: int) -> str:
    """The printed code of one household: RC-H12345 plus its check digit."""
    digits = str(int(household_id))
    return f"{PREFIX}{digits}{_luhn(digits)}"


def parse_household_code(text: str) -> int | None:
    """The household a scanned or typed code names; None when the text is no household code or its check fails."""
    found = CODE.match(str(text or ""))
    if not found or _luhn(found.group(1)) != int(found.group(2)):
        return None
    return int(found.group(1))
