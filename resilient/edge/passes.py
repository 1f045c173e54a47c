"""Gates and passes (出入证, issue 17): issued in bulk from the register, scanned out and in at a gate.

A person pass belongs to a household, not to one adult: in Changzhou (2020) a resident took the household's pass
to go out and handed it back on return, so one pass a flat is what limited going out (shared/DOMAIN.md); its
movements alternate out / in. A vehicle pass is issued by hand for one plate and kept.

Households under a measure that keeps them in get no pass. A measure is written in several places (arrivals,
re-tests, transfers, imports): rather than hook every one, a pass is checked at each scan and revoked there, in
the scan's transaction, when its household is under such a measure; `under_measures` lists the ones waiting
and `revoke_under_measures` revokes them at once. Coming in is never refused for that (the person must get
home): refusals apply to going out.

The code a QR carries is random and stored (RC-P + 10 characters, 50 bits): unlike the testing household code
(id + check digit) it cannot be guessed from another pass.
"""

import html as markup
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd

from resilient.core import audit, config, db, queries, reference, roles
from resilient.core.accounts import User
from resilient.core.i18n import CATEGORIES, fmt_date, t
from resilient.core.masking import mask_name
from resilient.core.scope import Scope

KINDS = ("person", "vehicle")
REASONS = ("unknown", "revoked", "expired", "under_measure", "double_scan", "other_compound")
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"   # Crockford's base 32: no I, L, O, U to misread
PREFIX = "RC-P"
CODE = re.compile(r"^RC-?P([0-9A-Z]{10})$")
# 苏D12345 (7 characters) or a new-energy 苏AD12345 (8); the first a province's short name, the second a
# letter (no I or O); the last may be 挂 学 警 港 澳 on special plates.
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE = re.compile(rf"^[{PROVINCES}][A-HJ-NP-Z](?:[A-HJ-NP-Z0-9]{{4}}[A-HJ-NP-Z0-9挂学警港澳]|[A-HJ-NP-Z0-9]{{6}})$")


class PassError(ValueError):
    """A refusal to show the person: `code` is a translation key, `values` fill it in."""

    def __init__(self, code: str, /, **values):
        super().__init__(code)
        self.code = code
        self.values = values


@dataclass(frozen=True)
@reference.defaults_from("defaults.toml", "passes")
class PassSettings:
    """The gate's numbers, in data/defaults.toml [passes]."""

    out_hours: float                       # out longer than this: flagged on the out-now list
    valid_days: int                        # a pass issued today is valid this many days
    double_scan_seconds: int               # the same pass again this soon: a double scan, not a movement
    no_pass_categories: tuple[str, ...]    # measures that keep a household in: no pass, passes revoked
    visit_categories: tuple[str, ...]      # measures whose arrivals get a home visit from their team

    def __post_init__(self):
        for name in ("no_pass_categories", "visit_categories"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        problems = [name for name, bad in [
            ("out_hours", not 0.5 <= float(self.out_hours) <= 72),
            ("valid_days", not 1 <= int(self.valid_days) <= 366),
            ("double_scan_seconds", not 0 <= int(self.double_scan_seconds) <= 3600),
            ("no_pass_categories", any(c not in CATEGORIES for c in self.no_pass_categories)),
            ("visit_categories", any(c not in CATEGORIES for c in self.visit_categories)),
        ] if bad]
        if problems:
            raise PassError("passes.error.settings", field=", ".join(problems))


reference.check_defaults(PassSettings, "defaults.toml", "passes")
SETTINGS = PassSettings()


def need(actor: User | None, action: str) -> None:
    roles.need(actor, action, PassError("passes.error.not_allowed"))


def retrying(con: duckdb.DuckDBPyConnection, work):
    return db.retrying(con, work, lambda: PassError("passes.error.busy"))


# --- codes and plates -------------------------------------------------------------------------------------------

def new_code() -> str:
    """A fresh random pass code for the QR."""
    return PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(10))


def normalise_code(text: str) -> str | None:
    """The code as stored from what a scanner or a person typed (spaces, case, full-width forms); None when it
    is no pass code at all."""
    plain = re.sub(r"[\s·-]", "", unicodedata.normalize("NFKC", str(text or ""))).upper()
    found = CODE.match(plain.replace("RCP", "RC-P", 1) if plain.startswith("RCP") else plain)
    return PREFIX + found.group(1) if found else None


def normalise_plate(text: str) -> str:
    """苏D·12345, 苏d 12345 -> 苏D12345; refused with the plate named when it is no Chinese plate."""
    plate = re.sub(r"[\s·.\-]", "", unicodedata.normalize("NFKC", str(text or ""))).upper()
    if not PLATE.match(plate):
        raise PassError("passes.error.plate", value=str(text or "").strip())
    return plate


# --- gates ------------------------------------------------------------------------------------------------------

def gates(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """The gates of the compounds in scope."""
    return queries.fetch_df(con, "passes_gates", **scope.params())


def _compound(con, scope: Scope, compound_id: int) -> dict:
    found = queries.fetch_df(con, "passes_compound", **scope.params(), compound_id=int(compound_id))
    if found.empty:
        raise PassError("passes.error.compound_out_of_scope", compound_id=compound_id)
    return found.iloc[0].to_dict()


def add_gate(con: duckdb.DuckDBPyConnection, actor: User | None, compound_id: int, name: str,
             lon: float | None = None, lat: float | None = None, now: datetime | None = None) -> int:
    """A new gate of a compound in scope, audited."""
    need(actor, "manage_passes")
    now = now or config.now()
    scope = roles.scope_for(con, actor, now.date())
    _compound(con, scope, compound_id)
    if not (name or "").strip():
        raise PassError("passes.error.gate_name")
    if (lon is None) != (lat is None) or (lon is not None and not (73 <= lon <= 136 and 3 <= lat <= 54)):
        raise PassError("passes.error.gate_place", lon=lon, lat=lat)

    def work():
        gate_id = int(queries.fetch_all(con, "passes_gate_insert", compound_id=int(compound_id),
                                        gate_name=name.strip(), lon=lon, lat=lat)[0][0])
        audit.record(con, actor, "gate_added", f"gate:{gate_id}",
                     new={"compound_id": int(compound_id), "name": name.strip(), "lon": lon, "lat": lat}, at=now)
        return gate_id

    return retrying(con, work)


# --- issuing ----------------------------------------------------------------------------------------------------

def _serial(con, scope: Scope, compound_id: int) -> int:
    """Passes the compound holds so far (in the whole community, whoever issued them)."""
    return int(queries.fetch_all(con, "passes_serial", **Scope(community_ids=scope.community_ids).params(),
                                 compound_id=int(compound_id))[0][0])


def _number(compound_id: int, serial: int) -> str:
    return f"P{int(compound_id):03d}-{serial:05d}"


def issue_compound(con: duckdb.DuckDBPyConnection, actor: User | None, compound_id: int,
                   now: datetime | None = None, settings: PassSettings = SETTINGS) -> dict:
    """One person pass for every flat of the compound in scope that has none, except flats under a measure that
    keeps them in; all in one transaction. Returns the counts."""
    need(actor, "manage_passes")
    now = now or config.now()
    scope = roles.scope_for(con, actor, now.date())
    _compound(con, scope, compound_id)
    until = now.date() + timedelta(days=settings.valid_days)

    def work():
        flats = queries.fetch_df(con, "passes_compound_households", **scope.params(), compound_id=int(compound_id),
                                 categories=list(settings.no_pass_categories), today=now.date())
        wanted = flats[~flats["under_measure"] & ~flats["has_pass"]]
        serial = _serial(con, scope, compound_id)
        for offset, flat in enumerate(wanted.itertuples(index=False), start=1):
            queries.fetch_all(con, "passes_insert", code=new_code(), number=_number(compound_id, serial + offset),
                              kind="person", household_id=int(flat.household_id),
                              resident_id=None if pd.isna(flat.resident_id) else int(flat.resident_id),
                              holder_name=None, plate=None, valid_until=until, now=now, by=actor.username)
        counts = {"issued": len(wanted), "under_measure": int(flats["under_measure"].sum()),
                  "had_pass": int((flats["has_pass"] & ~flats["under_measure"]).sum()), "households": len(flats)}
        audit.record(con, actor, "passes_issued", f"compound:{compound_id}", new={**counts, "valid_until": until},
                     at=now)
        return counts

    return retrying(con, work)


def issue_vehicle(con: duckdb.DuckDBPyConnection, actor: User | None, household_id: int, plate: str,
                  holder_name: str | None = None, valid_until: date | None = None, now: datetime | None = None,
                  settings: PassSettings = SETTINGS) -> dict:
    """A vehicle pass for a flat in scope, by hand: the plate checked and held by one active pass at a time."""
    need(actor, "manage_passes")
    now = now or config.now()
    scope = roles.scope_for(con, actor, now.date())
    number_plate = normalise_plate(plate)
    until = valid_until or now.date() + timedelta(days=settings.valid_days)
    if until < now.date():
        raise PassError("passes.error.valid_until", value=until)
    flat = queries.fetch_df(con, "passes_household", **scope.params(), household_id=int(household_id),
                            categories=list(settings.no_pass_categories), today=now.date())
    if flat.empty:
        raise PassError("passes.error.household_out_of_scope", household_id=household_id)
    if bool(flat.iloc[0]["under_measure"]):
        raise PassError("passes.error.household_under_measure", household_id=household_id)
    compound_id = int(flat.iloc[0]["compound_id"])

    def work():
        held = queries.fetch_all(con, "passes_plate_active", plate=number_plate)
        if held:
            raise PassError("passes.error.plate_held", plate=number_plate, number=held[0][1])
        code, number = new_code(), _number(compound_id, _serial(con, scope, compound_id) + 1)
        pass_id = int(queries.fetch_all(
            con, "passes_insert", code=code, number=number, kind="vehicle", household_id=int(household_id),
            resident_id=None, holder_name=(holder_name or "").strip() or None, plate=number_plate,
            valid_until=until, now=now, by=actor.username)[0][0])
        audit.record(con, actor, "vehicle_pass_issued", f"pass:{pass_id}",
                     new={"household_id": int(household_id), "plate": number_plate, "valid_until": until}, at=now)
        return {"pass_id": pass_id, "code": code, "number": number, "plate": number_plate}

    return retrying(con, work)


# --- the scan ---------------------------------------------------------------------------------------------------

def scan(con: duckdb.DuckDBPyConnection, actor: User | None, code: str, gate_id: int, now: datetime | None = None,
         direction: str | None = None, settings: PassSettings = SETTINGS) -> dict:
    """What the guard must see of one scan, the movement written when allowed; one transaction, audited.

    The direction follows the pass's last movement (out, then in) unless the guard says it; the same pass read
    again within double_scan_seconds, or said 'out' while out, is a double scan: said, nothing written.
    The gate's scope is its community: a guard on duty checks every pass there, and sees the holder masked."""
    need(actor, "scan_passes")
    now = now or config.now()
    scope = roles.scope_for(con, actor, now.date())
    gate = gates(con, scope)
    gate = gate[gate["gate_id"] == int(gate_id)]
    if gate.empty or not bool(gate.iloc[0]["active"]):
        raise PassError("passes.error.gate_unknown", gate_id=gate_id)
    gate = gate.iloc[0]
    if direction not in (None, "out", "in"):
        raise PassError("passes.error.direction", value=direction)
    normal = normalise_code(code)
    at_gate = Scope(community_ids=scope.community_ids)

    def work():
        found = pd.DataFrame() if normal is None else queries.fetch_df(
            con, "passes_by_code", **at_gate.params(), code=normal, categories=list(settings.no_pass_categories),
            now=now)
        result = {"allowed": False, "reason": None, "direction": direction, "gate": str(gate["name"]),
                  "at": now, "number": None, "kind": None, "holder": "", "plate": None, "compound": None,
                  "building": None, "unit_no": None, "room": None, "valid_until": None}
        if found.empty:
            result["reason"] = "unknown"
            audit.record(con, actor, "pass_scan_refused", f"gate:{int(gate_id)}",
                         new={"reason": "unknown", "code": str(code or "")[:40]}, at=now)
            return result
        row = found.iloc[0]
        last = None if pd.isna(row["last_direction"]) else str(row["last_direction"])
        going = direction or ("in" if last == "out" else "out")
        result.update(direction=going, number=row["number"], kind=row["kind"], holder=mask_name(row["name"]),
                      plate=row["plate"], compound=row["compound"], building=row["building"],
                      unit_no=int(row["unit_no"]), room=row["room"],
                      valid_until=pd.Timestamp(row["valid_until"]).date())
        since = None if pd.isna(row["last_at"]) else pd.Timestamp(row["last_at"]).to_pydatetime()
        revoke = False
        if since is not None and (now - since).total_seconds() < settings.double_scan_seconds \
                or (direction is not None and direction == last) or (direction == "in" and last is None):
            reason = "double_scan"
        elif str(row["compound"]) != str(gate["compound"]):
            reason = "other_compound"
        elif going == "in":
            reason = None   # always let home
        elif row["status"] == "revoked":
            reason = "revoked"
        elif bool(row["under_measure"]):
            reason, revoke = "under_measure", True
        elif result["valid_until"] < now.date():
            reason = "expired"
        else:
            reason = None
        result["reason"], result["allowed"] = reason, reason is None
        target = f"pass:{int(row['pass_id'])}"
        if revoke:
            queries.fetch_all(con, "passes_revoke", pass_id=int(row["pass_id"]), why="under_measure", now=now,
                              by=actor.username)
            audit.record(con, actor, "pass_revoked", target, new={"why": "under_measure", "at_scan": True}, at=now)
        if reason is None:
            queries.fetch_all(con, "passes_movement_insert", pass_id=int(row["pass_id"]), gate_id=int(gate_id),
                              direction=going, now=now, by=actor.username)
            audit.record(con, actor, "pass_scanned", target, new={"gate_id": int(gate_id), "direction": going},
                         at=now)
        else:
            audit.record(con, actor, "pass_scan_refused", target,
                         new={"gate_id": int(gate_id), "direction": going, "reason": reason}, at=now)
        return result

    return retrying(con, work)


# --- revoking -----------------------------------------------------------------------------------------------------

def under_measures(con: duckdb.DuckDBPyConnection, scope: Scope, now: datetime,
                   settings: PassSettings = SETTINGS) -> pd.DataFrame:
    """Active passes whose household went under a measure that keeps it in (revoked at their next scan)."""
    return queries.fetch_df(con, "passes_under_measures", **scope.params(),
                            categories=list(settings.no_pass_categories), now=now)


def revoke_under_measures(con: duckdb.DuckDBPyConnection, actor: User | None, now: datetime | None = None,
                          settings: PassSettings = SETTINGS) -> int:
    """Revoke every pass in scope that under_measures lists, in one transaction; returns how many."""
    need(actor, "manage_passes")
    now = now or config.now()
    scope = roles.scope_for(con, actor, now.date())

    def work():
        return _revoke(con, actor, under_measures(con, scope, now, settings)["pass_id"], now)

    return retrying(con, work)


def revoke_for_measure(con: duckdb.DuckDBPyConnection, actor: User, resident_id: int, category: str,
                       now: datetime, settings: PassSettings = SETTINGS) -> int:
    """Inside the caller's transaction, as a measure is written: a measure that keeps the household in revokes
    its active passes at once, so the gate's lists and the printed cards stop counting them before the next scan.
    Returns how many."""
    if category not in settings.no_pass_categories:
        return 0
    found = [r[0] for r in queries.fetch_all(con, "passes_active_of_resident", resident_id=int(resident_id))]
    return _revoke(con, actor, found, now)


def _revoke(con: duckdb.DuckDBPyConnection, actor: User, pass_ids, now: datetime) -> int:
    """Inside the caller's transaction: each pass revoked as under a measure, with its audit row."""
    for pass_id in map(int, pass_ids):
        queries.fetch_all(con, "passes_revoke", pass_id=pass_id, why="under_measure", now=now, by=actor.username)
        audit.record(con, actor, "pass_revoked", f"pass:{pass_id}", new={"why": "under_measure"}, at=now)
    return len(pass_ids)


# --- who is out, gates' counts, figures ----------------------------------------------------------------------------

def out_now(con: duckdb.DuckDBPyConnection, scope: Scope, now: datetime,
            settings: PassSettings = SETTINGS) -> pd.DataFrame:
    """Passes out now, longest out first: hours out, and `over` when past out_hours. Holders masked."""
    frame = queries.fetch_df(con, "passes_out_now", **scope.params(), now=now)
    frame["name"] = [mask_name(n) if isinstance(n, str) else "" for n in frame["name"]]
    frame["hours"] = [round((now - pd.Timestamp(s).to_pydatetime()).total_seconds() / 3600, 1)
                      for s in frame["out_since"]]
    frame["over"] = frame["hours"] > float(settings.out_hours)
    return frame


def gate_counts(con: duckdb.DuckDBPyConnection, scope: Scope, now: datetime) -> pd.DataFrame:
    """Each gate with today's scans out and in and the passes out through it now (the map's labels)."""
    return queries.fetch_df(con, "passes_gate_counts", **scope.params(), now=now)


def kpis(con: duckdb.DuckDBPyConnection, scope: Scope, now: datetime, settings: PassSettings = SETTINGS) -> dict:
    """The gate's figures for the page and the daily report."""
    from resilient.edge import visits

    issued, scans = queries.fetch_all(con, "passes_kpis", **scope.params(), now=now)[0]
    out = out_now(con, scope, now, settings)
    return {"issued": int(issued), "out_now": len(out), "out_over": int(out["over"].sum()), "scans_today": int(scans),
            "visits_to_make": len(visits.visits_due(con, scope, None, now, settings))}


# --- the sheet of cards to print -------------------------------------------------------------------------------------

CARD_STYLE = """
@page { size: A4; margin: 8mm; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 0;
       font-size: 8pt; color: #000; }
h1 { font-size: 12pt; margin: 0 0 2mm 0; }
.cards { display: grid; grid-template-columns: repeat(3, 1fr); grid-auto-rows: 44mm; gap: 2mm; }
.card { border: 0.3mm dashed #555; padding: 2mm; display: flex; gap: 2mm; overflow: hidden; box-sizing: border-box;
        break-inside: avoid; page-break-inside: avoid; }
.qr { flex: none; width: 26mm; text-align: center; }
.qr svg { display: block; width: 100%; height: auto; background: #fff; }
.code { font-family: "DejaVu Sans Mono", monospace; font-size: 6pt; white-space: nowrap; }
.text { flex: 1; min-width: 0; }
.kind { font-size: 10pt; font-weight: bold; }
.no { font-size: 9pt; font-weight: bold; }
"""


def cards(con: duckdb.DuckDBPyConnection, scope: Scope, compound_id: int) -> pd.DataFrame:
    """The compound's active passes in scope, holders masked, for the cards."""
    _compound(con, scope, compound_id)
    frame = queries.fetch_df(con, "passes_cards", **scope.params(), compound_id=int(compound_id))
    frame["name"] = [mask_name(n) if isinstance(n, str) else "" for n in frame["name"]]
    return frame


def print_cards(con: duckdb.DuckDBPyConnection, actor: User | None, compound_id: int, lang: str,
                now: datetime | None = None) -> str:
    """The sheet of cards, for someone who manages passes; the printing audited (the cards open the gate)."""
    need(actor, "manage_passes")
    now = now or config.now()
    scope = roles.scope_for(con, actor, now.date())
    page = cards_html(con, scope, compound_id, lang)

    def work():
        audit.record(con, actor, "pass_cards_printed", f"compound:{int(compound_id)}", at=now)

    retrying(con, work)
    return page


def compound_flats(con: duckdb.DuckDBPyConnection, scope: Scope, compound_id: int, now: datetime,
                   settings: PassSettings = SETTINGS) -> pd.DataFrame:
    """The compound's flats in scope: under a measure or not, holding a person pass or not (the issue's preview)."""
    _compound(con, scope, compound_id)
    return queries.fetch_df(con, "passes_compound_households", **scope.params(), compound_id=int(compound_id),
                            categories=list(settings.no_pass_categories), today=now.date())


def cards_html(con: duckdb.DuckDBPyConnection, scope: Scope, compound_id: int, lang: str) -> str:
    """An HTML document to print: the compound's passes on A4, three across, each a card with its QR code."""
    from resilient.testing.sheets import qr_svg

    text = markup.escape
    frame = cards(con, scope, compound_id)
    compound = _compound(con, scope, compound_id)["name"]
    body = []
    for card in frame.itertuples(index=False):
        flat = t("passes.card_flat", lang, building=card.building, unit=int(card.unit_no), room=card.room)
        who = card.plate if card.kind == "vehicle" else card.name
        body.append(
            f'<div class="card"><div class="qr">{qr_svg(card.code)}<div class="code">{text(card.code)}</div></div>'
            f'<div class="text"><div class="kind">{text(t(f"passes.kind.{card.kind}", lang))}</div>'
            f'<div class="no">{text(card.number)}</div><div>{text(str(compound))} {text(flat)}</div>'
            f'<div>{text(str(who))}</div>'
            f'<div>{text(t("passes.card_until", lang, date=fmt_date(card.valid_until, lang)))}</div>'
            f'<div>{text(t(f"passes.card_rule.{card.kind}", lang))}</div></div></div>')
    title = text(t("passes.cards_title", lang, compound=str(compound)))
    return (f'<!DOCTYPE html><html lang="{text(lang)}"><head><meta charset="utf-8"><title>{title}</title>'
            f'<style>{CARD_STYLE}</style></head><body><h1>{title}</h1><div class="cards">{"".join(body)}</div>'
            "</body></html>")
