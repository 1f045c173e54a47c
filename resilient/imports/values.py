"""Single cells as offices fill them in, normalised: addresses, building names, rooms, phones, dates, flags.

Each function returns the normalised value or raises ValueError whose message is a translation key
(resilient/core/i18n.py), so a caller can report the cell without knowing the rule.
"""

import re
import unicodedata
from datetime import date

from resilient.core import reference

EXACT_FLOAT = 2**53  # above this an Excel number has lost digits (an 18-digit ID number always has)


CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
NUMBER = r"(?:\d+|[零〇一二两三四五六七八九十]+)"
# A building as offices write it, upper case, no spaces: an optional lead (第, #, No., Building), its number (3,
# 三, or a letter: A, B3), a word for building (栋, 号楼, 幢, 座, #), then an optional section: 314号楼A座.
# re.ASCII: \d is 0-9 only (NFKC has already made full-width digits ordinary ones).
BUILDING_LEAD = r"(?:第|#|NO\.?|BUILDING|BLDG|BLK|BLOCK)"
BUILDING_WORD = r"(?:号楼|栋楼|幢楼|号栋|栋|幢|座|号|楼|#楼|#)"
BUILDING_NUMBER = rf"(?P<b>{NUMBER}|[A-Z]\d*)"
BUILDING_SECTION = r"(?P<sec>[A-Z])(?:座|栋|幢)?"
BUILDING = rf"{BUILDING_LEAD}?{BUILDING_NUMBER}{BUILDING_WORD}?(?:{BUILDING_SECTION})?"
BUILDING_NAME = re.compile(rf"^{BUILDING}$", re.ASCII)
BUILDING_TEXT = re.compile(rf"^(?P<prefix>.*?){BUILDING}$", re.ASCII)
# In an address the building must say it is one (a word or a section), or 3 and 1502 would run together.
ADDRESS_TEXT = re.compile(
    rf"^(?P<prefix>.*?)(?P<building>{BUILDING_LEAD}?{BUILDING_NUMBER}"
    rf"(?:{BUILDING_WORD}|(?=[A-Z]))(?:{BUILDING_SECTION})?)"
    rf"\s*(?:(?P<u>{NUMBER})\s*单元\s*)?(?P<r>\d{{3,4}})\s*(?:室|号|房)?$", re.ASCII)
ADDRESS_DASHES = re.compile(r"^(?P<prefix>.*?)(?P<b>\d+)\s*-\s*(?:(?P<u>\d+)\s*-\s*)?(?P<r>\d{3,4})$", re.ASCII)
ROOM_TEXT = re.compile(r"^(?P<r>\d{3,4})\s*(?:室|号|房)?$", re.ASCII)
UNIT_TEXT = re.compile(rf"^(?P<u>{NUMBER})\s*(?:单元)?$", re.ASCII)
SCIENTIFIC = re.compile(r"^\d+(?:\.\d+)?E\+?\d+$", re.IGNORECASE | re.ASCII)
PHONE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
LONGEST_PLACE = 120  # characters: longer is not an address, and the patterns above need not scan it
PHONE_NOISE = re.compile(r"[\s\-()]")
WORDS_FILE = "words.toml"  # in data/: the words cells are filled in with


def nfkc(text: str) -> str:
    """Full-width digits and letters as ordinary ones, outer spaces gone: how every cell is compared."""
    return unicodedata.normalize("NFKC", str(text)).strip()


def _lower(text: str) -> str:
    return nfkc(text).lower()


def _two_ways(key: str, meanings: tuple[str, str]) -> tuple[set[str], set[str]]:
    """The words of a yes-or-no kind of cell, one set per meaning (a word in both is refused at start)."""
    index = reference.word_index(WORDS_FILE, key, meanings, _lower)
    return tuple({w for w, m in index.items() if m == meaning} for meaning in meanings)


SEXES = reference.word_index(WORDS_FILE, "register.sex", ("M", "F"), lambda w: _lower(w).rstrip("性"))
YES, NO = _two_ways("register.flag", ("yes", "no"))


def chinese_number(text: str) -> int:
    """'15', '十五', '二十三', '三' as integers: units and buildings are often written in Chinese numerals."""
    if text.isascii() and text.isdigit():
        return int(text)
    try:
        if "十" in text:
            tens, _, ones = text.partition("十")
            return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)
        value = 0
        for char in text:
            value = value * 10 + CN_DIGITS[char]
        return value
    except KeyError:
        raise ValueError("import.error.number") from None


def _compact(text) -> str:
    """NFKC, upper case, no spaces at all; '' for a missing value."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).upper()


def building_key(name) -> str | None:
    """What a building name says once spelling is set aside, for matching only (never shown, never stored).

    1号楼, 1栋, 1幢, 1#, 一号楼, 第1栋, Building 1 all key '1'; 314号楼A座 keys '314a' (building 314, section A),
    apart from 314号楼B座 and from 314; a name with no number (图书馆) keys itself. The register import and the
    footprint import both match by it, so a name an office writes one way is found when written another.
    """
    text = _compact(name)
    if not text:
        return None
    match = BUILDING_NAME.match(text) if len(text) <= LONGEST_PLACE else None
    if not match:
        return text.lower()
    number = match.group("b")
    if number[0].isdigit():
        core = str(int(number))
    elif number[0].isascii():  # a letter, maybe with digits: B, B3
        core = number[0].lower() + (str(int(number[1:])) if number[1:] else "")
    else:
        try:
            core = str(chinese_number(number))
        except ValueError:
            return text.lower()
    return core + (match.group("sec") or "").lower()


def normalise_building(text: str) -> str:
    """How residents say it: '3', '03号楼', '3幢', '3#' and '三栋' are all '3栋'; a named building keeps its name.

    A building with a section (314号楼A座) or a lettered number (B3栋) keeps the office's spelling: '314栋A' would
    be a name nobody uses. Matching goes by building_key, whatever the spelling.
    """
    text = _compact(text)
    if not text or len(text) > LONGEST_PLACE:
        raise ValueError("import.error.building")
    match = BUILDING_NAME.match(text)
    if match and not match.group("sec"):
        number = match.group("b")
        if number.isdigit() or not number.isascii() or len(number) == 1:
            try:
                return f"{_number_or_letter(number)}栋"
            except ValueError:
                return text
    return text


def _number_or_letter(text: str) -> str:
    return text if text.isalpha() and text.isascii() else str(chinese_number(text))


def split_building(text: str) -> tuple[str, str]:
    """('丽景苑', '3栋') from '丽景苑3栋': the compound a volunteer's home building or an address starts with."""
    text = _compact(text)
    match = BUILDING_TEXT.match(text) if len(text) <= LONGEST_PLACE else None
    if match and match.group("prefix"):
        try:
            return match.group("prefix"), normalise_building(text[len(match.group("prefix")):])
        except ValueError:
            pass
    return "", normalise_building(text)


def name_key(text) -> str:
    """Place names compared loosely: width, spaces, case and a trailing 小区/社区 do not matter."""
    value = _compact(text)
    return re.sub(r"(小区|社区)$", "", value) or value


def find_name(text, names: list[str]) -> int | None:
    """Position in `names` of the one place `text` means: the same key, else the only name its key contains
    ('常州市永宁花园（一期）' is 永宁花园) or, failing that, the only name containing it; None when none or several."""
    wanted = name_key(text)
    if not wanted:
        return None
    keys = [name_key(n) for n in names]
    for test in (lambda k: k == wanted, lambda k: k in wanted, lambda k: len(wanted) >= 2 and wanted in k):
        hits = [i for i, k in enumerate(keys) if k and test(k)]
        if len(hits) == 1:
            return hits[0]
        if hits:
            return None
    return None


def normalise_unit(text: str) -> int:
    """'2', '02', '2单元' and '二单元' are stairwell 2."""
    match = UNIT_TEXT.match(re.sub(r"\s+", "", nfkc(text)))
    try:
        unit = chinese_number(match.group("u")) if match else 0
    except ValueError:
        unit = 0
    if not 1 <= unit <= 99:
        raise ValueError("import.error.unit")
    return unit


def normalise_room(text: str) -> tuple[str, int]:
    """('1502', 15) from '1502室': the floor is the room number without its last two digits."""
    match = ROOM_TEXT.match(re.sub(r"\s+", "", nfkc(text)))
    if not match:
        raise ValueError("import.error.room")
    room = match.group("r").lstrip("0")
    floor = int(room[:-2]) if len(room) >= 3 else 0
    if floor < 1:
        raise ValueError("import.error.room")
    return room, floor


def parse_address(text: str) -> tuple[str, int, str, int]:
    """(building, unit, room, floor) from '3栋2单元1502', '3幢…1502室', '3号楼…', '3-2-1502' or '3栋1502' (unit 1)."""
    # Anything before the building (often the compound's name) is ignored here; address_parts returns it.
    return address_parts(text)[1:]


def address_parts(text: str) -> tuple[str, str, int, str, int]:
    """As parse_address, with the text before the building first (often the compound's name)."""
    clean = _compact(text).replace("—", "-").replace("–", "-")
    match = (ADDRESS_TEXT.match(clean) or ADDRESS_DASHES.match(clean)) if len(clean) <= LONGEST_PLACE else None
    if not match:
        raise ValueError("import.error.address")
    try:
        unit = chinese_number(match.group("u")) if match.group("u") else 1
        room, floor = normalise_room(match.group("r"))
        building = (normalise_building(match.group("building")) if match.re is ADDRESS_TEXT
                    else f"{int(match.group('b'))}栋")
    except ValueError:
        raise ValueError("import.error.address") from None
    if not 1 <= unit <= 99:
        raise ValueError("import.error.address")
    return match.group("prefix"), building, unit, room, floor


def normalise_phone(text: str) -> str:
    """11-digit mobile number from '138 1234 5678', '138-1234-5678', '+86 …' or Excel's 13812345678.0 / 1.38E+10."""
    value = PHONE_NOISE.sub("", nfkc(text))
    if SCIENTIFIC.match(value) or re.fullmatch(r"\d+\.0+", value):
        number = float(value)
        if number.is_integer() and number < EXACT_FLOAT:
            value = str(int(number))
    value = re.sub(r"^(?:\+86|0086|86)(?=1\d{10}$)", "", value)
    if not PHONE.match(value):
        raise ValueError("import.error.phone")
    return value


def normalise_sex(text: str) -> str:
    """M or F from 男/女/男性/male/M."""
    value = SEXES.get(nfkc(text).lower().rstrip("性"))
    if value is None:
        raise ValueError("import.error.sex")
    return value


def parse_date(text: str, today: date) -> date | tuple[int, int]:
    """A date as offices write one (2020-03-07, 2020/3/7, 20200307, 2020年3月7日); 出生年月 gives (year, month)."""
    value = re.sub(r"\s+", "", nfkc(text))
    value = re.sub(r"[T ]?00:00(:00)?$", "", value)
    full = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{4})(\d{2})(\d{2})", value)
    month = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})月?|(\d{4})(\d{2})", value)
    try:
        if full:
            y, m, d = (int(g) for g in full.groups() if g is not None)
            result: date | tuple[int, int] = date(y, m, d)
            first = result
        elif month:
            y, m = (int(g) for g in month.groups() if g is not None)
            first = date(y, m, 1)
            result = (y, m)
        else:
            raise ValueError
    except ValueError:
        raise ValueError("import.error.date") from None
    if first > today or first.year < 1900:
        raise ValueError("import.error.date_future" if first > today else "import.error.date")
    return result


def parse_flag(text: str) -> bool:
    """是/否, 有/无, Y/N, 1/0, √: the ways a yes-or-no column is filled in; '有（高血压）' counts as yes."""
    value = nfkc(text).lower()
    if value in YES or value.startswith(("是", "有")):
        return True
    if value in NO or value.startswith(("否", "无")):
        return False
    raise ValueError("import.error.flag")


def parse_floors(text: str) -> int:
    """A building's floor count (18, 18层), within what the schema allows."""
    value = nfkc(text).removesuffix("层").removesuffix("楼")
    if not value.isdigit() or not 1 <= int(value) <= 200:
        raise ValueError("import.error.floors")
    return int(value)


def _staff_key(text: str) -> str:
    return re.sub(r"[\s_]", "", nfkc(text)).lower()


STAFF_ROLES = reference.word_index(WORDS_FILE, "staff.role", ("grid_worker", "doctor", "police"), _staff_key)
ACTIVE, INACTIVE = _two_ways("volunteer.status", ("active", "inactive"))


def parse_staff_role(text: str) -> str:
    """The staff table's role from the post offices write: 网格员, 医生, 民警 and their variants."""
    role = STAFF_ROLES.get(_staff_key(text))
    if role is None:
        raise ValueError("import.error.staff_role")
    return role


def parse_capacity(text: str) -> int:
    """Households a volunteer can look after (5, 5户)."""
    value = nfkc(text).removesuffix("户")
    if not value.isdigit() or int(value) > 1000:
        raise ValueError("import.error.capacity")
    return int(value)


def parse_active(text: str) -> bool:
    """A volunteer's status: 在岗/可用 is active, 停用/休息 is not."""
    value = nfkc(text).lower()
    if value in ACTIVE:
        return True
    if value in INACTIVE:
        return False
    raise ValueError("import.error.status")


def parse_grid_names(text: str) -> list[str]:
    """'第1网格、第2网格' or '1,2' as grid cell names ('第1网格', '第2网格')."""
    parts = [p for p in re.split(r"[,，、;；/\s]+", nfkc(text)) if p]
    return [f"第{p}网格" if p.isdigit() else p for p in parts]
