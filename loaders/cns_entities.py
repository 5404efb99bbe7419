"""What a CNS row creates or links to: its own test, the system flown, the launch site, the agency.

Systems and sites are resolved through the knowledge base and the shared matcher (matching.py):
a system by its name, alias or designation, trying the parts of a name such as
`Hwasong-11A (KN-23)` or `Rail-mobile KN-23` in turn; a site by name, Other Name and distance.
Only what resolves to nothing is created (`missile/cns-...`, `place/cns-...`).
"""

from __future__ import annotations

import re

from peninsula.loaders.cns_values import UNKNOWN
from peninsula.loaders.matching import Decision, Record
from peninsula.loaders.sources import slug

TYPES = {"srbm": "SRBM", "mrbm": "MRBM", "irbm": "IRBM", "icbm": "ICBM", "slbm": "SLBM", "slv": "SLV",
         "hgv": "hypersonic", "unknown": None, "": None}  # the Missile Type column -> missile_class


def decision_record(row) -> Record:
    """The row as the matcher's record, for the decisions of the report."""
    return Record(names=[row["name"] or "Unknown"], cls="MissileTest", proposed=row["key"], where=row["where"],
                  ids={"record_id": row["record_id"]})


def new_test(batch, kb, row, ctx):
    """A MissileTest of the row's own (`event/cns-<F1>`), linked to its system, site and agency."""
    key, where, sources, record_id = row["key"], row["where"], row["sources"], row["record_id"]
    batch.report.decisions.append(Decision(decision_record(row), key, "new"))
    batch.entity(key, "MissileTest", where, row["props"], sources)
    if row["system"]:
        batch.link(key, "tested", row["system"], where, sources, record_id=record_id)
    links(batch, kb, key, row, ctx)


def links(batch, kb, key, row, ctx, only_missing: bool = False):
    """Launch site and conducting agency; on a curated test, only a kind of link it does not have yet."""
    where, sources, record_id = row["where"], row["sources"], row["record_id"]

    def lacks(rel_type):
        return not only_missing or not any(s == key and t == rel_type for s, t, _ in kb.edges)

    if lacks("LAUNCHED_FROM"):
        found = site(batch, kb, row, ctx["file_src"], ctx["prk"])
        if found:
            batch.link(key, "launchedFrom", found, where, sources, record_id=record_id)
    agency = row["agency"]
    if agency and agency.casefold() not in UNKNOWN and lacks("CONDUCTED_BY"):
        found = kb.find(agency, "Actor")
        if len(found) == 1:
            batch.existing(found[0])
            batch.link(key, "conductedBy", found[0], where, sources, record_id=record_id)


def system_candidates(name: str):
    """`Hwasong-11A (KN-23)` -> the whole, then `Hwasong-11A`, `KN-23`; `Rail-mobile KN-23` -> `KN-23`."""
    parts = [name] + [p.strip() for p in re.split(r"[()/,]|\bor\b", name) if p.strip()]
    for part in parts:
        words = part.split()
        for i in range(len(words)):
            yield " ".join(words[i:])


def system(batch, kb, name, mtype, where, file_src):
    """The key of the system a row flew: resolved in the knowledge base, or a new one; None if unknown."""
    stats = batch.report.stats
    if not name or name.casefold() in UNKNOWN:
        stats["unidentified systems"] += 1
        return None
    for candidate in system_candidates(name):
        found = kb.find(candidate, "WeaponSystem")
        if len(found) == 1:
            batch.existing(found[0])
            return found[0]
        if not found:
            found = kb.matcher.exact(candidate, "WeaponSystem")  # spelling variants: ER Scud / Scud-ER
            if len(found) == 1:
                batch.existing(found[0])
                return found[0]
        if len(found) > 1:
            batch.report.notes.append(f"{where}: {candidate!r} names {found}; tried a narrower part of {name!r}")
    missile_class = TYPES[mtype.casefold()]
    cls = "SpaceLaunchVehicle" if missile_class == "SLV" else "MissileSystem"
    key = f"{'slv' if cls == 'SpaceLaunchVehicle' else 'missile'}/cns-{slug(name)}"
    batch.entity(key, cls, where, {"name": {"en": name}, "missile_class": missile_class}, [file_src])
    return key


def site(batch, kb, row, file_src, prk):
    """The launch site of a row: matched (name, Other Name, distance), or a new LaunchSite in the DPRK."""
    where, lat, lon = row["where"], row["lat"], row["lon"]
    name, aliases, location = row["site"], row["site_aliases"], row["site_location"]
    if not name or name.casefold() in UNKNOWN:
        return None
    key = f"place/cns-{slug(name)}"
    if key in batch.owned:
        return key  # defined by an earlier row: its first coordinates stand
    decision = batch.decide(Record(names=[name], aliases=aliases, cls="LaunchSite", proposed=key, where=where,
                                   lat=lat, lon=lon))
    if decision.merged:
        batch.existing(decision.key)
        return decision.key
    batch.entity(key, "LaunchSite", where, {
        "name": {"en": name}, "alias": {"en": aliases} if aliases else None, "latitude": lat, "longitude": lon,
        "description": {"en": location} if location and location.casefold() not in UNKNOWN else None,
    }, [file_src])
    if prk:
        batch.existing(prk)
        batch.link(key, "locatedIn", prk, where, [file_src])
    return key
